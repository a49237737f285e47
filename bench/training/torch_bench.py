#!/usr/bin/python3
"""bench/training's PyTorch side: one epoch of training of a nas-ir/1 network in PyTorch
(Debian's python3-torch: the same libtorch 1.13 as nas), built by the example trainer of
nas.evaluator.command (plugins/evaluators/command/example/train.py, imported, not copied).

  torch_bench.py loop    IR_JSON DATA_JSON THREADS [TRAIN_IMAGES] [VALID_IMAGES]
  torch_bench.py typical IR_JSON DATA_JSON THREADS [TRAIN_IMAGES] [VALID_IMAGES]
  torch_bench.py mm      THREADS

DATA_JSON is written by `nas_bench_train ir`: the evaluator's split (indices into
Fashion-MNIST's training set) and its normalization, so both sides train on the same images.

- loop: nas.evaluator.train's loop, op for op: the slice pre-normalized into one float tensor,
  a shuffled index per epoch, index_select per batch of 64, SGD (lr 0.05, momentum 0.9,
  weight decay 5e-4) with the cosine rate set per batch, loss.item() and a finiteness check
  per batch, gradient clipping at norm 5.
- typical: what a PyTorch user usually writes: a Dataset returning one (image, label) at a time
  with a ToTensor-like transform (uint8 -> float / 255, normalize), a DataLoader (batch 64,
  shuffle, num_workers=0: on 2 cores a worker process would compete with the training
  threads), CosineAnnealingLR stepped per batch; the same optimizer, clipping and loss.

Both end the epoch with the evaluator's validation pass (eval mode, no_grad, batches of 500)
over VALID_IMAGES (default 100) and time from the first batch to its end, as the driver does.
Prints one JSON line (images/s, peak RSS of this process).
"""
import importlib.util, json, math, os, resource, sys, time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLE = os.path.join(HERE, "..", "..", "plugins", "evaluators", "command", "example", "train.py")
FASHION = "/usr/share/datasets/fashion-mnist"
BATCH, LR, MOMENTUM, WEIGHT_DECAY, CLIP = 64, 0.05, 0.9, 5e-4, 5.0


def example_trainer():
    spec = importlib.util.spec_from_file_location("nas_example_train", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_images(trainer, data_json, train_images, valid_images):
    """The evaluator's slices as uint8 arrays and labels, plus its mean and std."""
    with open(data_json) as f:
        split = json.load(f)
    images = trainer.read_idx(os.path.join(FASHION, "train-images-idx3-ubyte.gz"))
    labels = trainer.read_idx(os.path.join(FASHION, "train-labels-idx1-ubyte.gz"))
    train = np.asarray(split["train"][:train_images])
    valid = np.asarray(split["valid"][:valid_images])
    return (images[train], labels[train], images[valid], labels[valid],
            float(split["mean"][0]), float(split["std"][0]))


def normalized(images, mean, std):
    x = torch.from_numpy(images.astype(np.float32)).unsqueeze(1)
    return ((x / 255.0 - mean) / std).contiguous()


def accuracy(model, x, y, batch=500):  # as tensors.cpp's accuracy()
    model.eval()
    with torch.no_grad():
        right = sum((model(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum().item()
                    for i in range(0, len(x), batch))
    model.train()
    return 100.0 * right / len(x)


def sgd(model):
    return torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM,
                           weight_decay=WEIGHT_DECAY)


def train_loop(model, x, y):
    """trainer.cpp's epoch: index batches of a pre-normalized tensor."""
    n = len(x)
    batches = n // BATCH + (1 if n % BATCH > 1 else 0)
    opt, params = sgd(model), list(model.parameters())
    order = torch.randperm(n)
    loss_sum = 0.0
    for b in range(batches):
        lr = 0.5 * LR * (1 + math.cos(math.pi * b / batches))
        for group in opt.param_groups:
            group["lr"] = lr
        index = order.narrow(0, b * BATCH, min(BATCH, n - b * BATCH))
        xb, yb = x.index_select(0, index), y.index_select(0, index)
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb, label_smoothing=0.0)
        value = loss.item()
        if not math.isfinite(value) or value > 1e4:
            sys.exit(f"diverged at batch {b + 1}: loss = {value}")
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, CLIP)
        opt.step()
        loss_sum += value * len(index)
    return loss_sum / n


class FashionSlice(torch.utils.data.Dataset):
    """One image at a time with a ToTensor-like transform, as torchvision datasets do."""

    def __init__(self, images, labels, mean, std):
        self.images, self.labels, self.mean, self.std = images, labels, mean, std

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        image = torch.from_numpy(self.images[i]).unsqueeze(0).float().div(255.0)
        return image.sub(self.mean).div(self.std), int(self.labels[i])


def train_typical(model, dataset):
    loader = torch.utils.data.DataLoader(dataset, batch_size=BATCH, shuffle=True, num_workers=0)
    opt, params = sgd(model), list(model.parameters())
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, len(loader))
    loss_sum, seen = 0.0, 0
    for xb, yb in loader:
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, CLIP)
        opt.step()
        sched.step()
        loss_sum, seen = loss_sum + loss.item() * len(yb), seen + len(yb)
    return loss_sum / seen


def run_train(form, ir_path, data_json, threads, train_images, valid_images):
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    trainer = example_trainer()
    with open(ir_path) as f:
        ir = json.load(f)
    tx, ty, vx, vy, mean, std = load_images(trainer, data_json, train_images, valid_images)
    model = trainer.Network(ir)
    model.train()
    valid_x, valid_y = normalized(vx, mean, std), torch.from_numpy(vy.astype(np.int64))
    if form == "loop":
        x, y = normalized(tx, mean, std), torch.from_numpy(ty.astype(np.int64))
        start = time.perf_counter()
        loss = train_loop(model, x, y)
    else:
        dataset = FashionSlice(tx, ty, mean, std)
        start = time.perf_counter()
        loss = train_typical(model, dataset)
    valid = accuracy(model, valid_x, valid_y)
    seconds = time.perf_counter() - start
    print(json.dumps({
        "side": f"torch-{form}", "threads": threads, "images": train_images, "epoch_s": seconds,
        "images_per_s": train_images / seconds,
        "params": sum(p.numel() for p in model.parameters()),
        "train_loss": loss, "valid_accuracy": valid,
        "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}))


def run_mm(threads, n=2048):
    torch.set_num_threads(threads)
    a, b = torch.randn(n, n), torch.randn(n, n)
    torch.mm(a, b)  # warm-up
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - start)
    flops = 2.0 * n ** 3
    print(json.dumps({"side": "torch", "threads": threads, "mm_n": n, "mm_s": best,
                      "gflops": flops / best / 1e9, "gmacs": flops / 2 / best / 1e9}))


def main(argv):
    if len(argv) == 3 and argv[1] == "mm":
        return run_mm(int(argv[2]))
    if len(argv) in (5, 6, 7) and argv[1] in ("loop", "typical"):
        return run_train(argv[1], argv[2], argv[3], int(argv[4]),
                         int(argv[5]) if len(argv) > 5 else 10000,
                         int(argv[6]) if len(argv) > 6 else 100)
    sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
