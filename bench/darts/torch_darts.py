#!/usr/bin/python3
"""bench/darts's PyTorch side: one first-order DARTS epoch on the NB201 supernet, written
the way a PyTorch user writes it, doing the same work as nas.strategy.darts's run_search.

  torch_darts.py SUPERNET_JSON DATA_JSON THREADS [--profile]

SUPERNET_JSON and DATA_JSON are written by `nas_bench_darts ir`: nas.space.nb201's supernet IR
and the Fashion-MNIST slices (training-set indices), their normalization and the epoch's
batches as epoch_plan.cpp draws them, so both sides see the same images in the same order.

The network is built from the IR as libnas_torch builds it (sdk/torch/src/network.cpp and
standard_ops.cpp): for this IR, stem conv3x3 + BN, cell, resblock, cell, resblock, cell,
BN + ReLU, global average, linear; each cell edge a mixed op, the weighted sum of its options
with `none` skipped (supernet.cpp's MixedOp); one alpha vector per decision, shared by every
cell. Per step (search.cpp): the cosine rate; an Adam step (3e-4, betas 0.5/0.999, weight
decay 1e-3) on the alphas from the validation batch's loss, the gradient taken for the alphas
only (torch.autograd.grad, as bilevel.cpp's first_order_gradient); then an SGD step (momentum
0.9, weight decay 3e-4) on the weights from the training batch with the alphas detached,
loss.item() checked, gradient norm clipped at 5. After the steps, the validation pass (eval,
no_grad, batches of 500). steps_cpu_s is the process's CPU time over the steps. Prints one
JSON line; --profile also prints the autograd profiler's table of the steps (ops by self CPU
time) to stderr.
"""
import argparse, gzip, json, math, os, resource, struct, sys, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

FASHION = "/usr/share/datasets/fashion-mnist"
BATCH = 64
LR, LR_MIN, MOMENTUM, WEIGHT_DECAY, CLIP = 0.025, 0.001, 0.9, 3e-4, 5.0
ALPHA_LR, ALPHA_BETAS, ALPHA_WEIGHT_DECAY = 3e-4, (0.5, 0.999), 1e-3
SEED = 1

# ---- The ops of this IR, as standard_ops.cpp builds them ------------------------------------


def relu_conv_bn(c_in, c_out, k, stride):
    return nn.Sequential(nn.ReLU(), nn.Conv2d(c_in, c_out, k, stride, k // 2, bias=False),
                         nn.BatchNorm2d(c_out))


class ResBlock(nn.Module):  # NB201's ResNetBasicblock
    def __init__(self, c_in, c_out, stride):
        super().__init__()
        self.body = nn.Sequential(relu_conv_bn(c_in, c_out, 3, stride),
                                  relu_conv_bn(c_out, c_out, 3, 1))
        if stride > 1:
            self.shortcut = nn.Sequential(
                nn.AvgPool2d(stride, stride, ceil_mode=True, count_include_pad=False),
                nn.Conv2d(c_in, c_out, 1, bias=False))
        elif c_in != c_out:
            self.shortcut = nn.Conv2d(c_in, c_out, 1, bias=False)
        else:
            self.shortcut = nn.Identity()

    def forward(self, x):
        return self.body(x) + self.shortcut(x)


def cell_op(name, c):
    """A stride-1, C -> C option of an NB201 cell edge; None for `none` (skipped)."""
    if name == "none":
        return None
    if name == "skip_connect":
        return nn.Identity()
    if name in ("nor_conv_1x1", "nor_conv_3x3"):
        return relu_conv_bn(c, c, int(name[-1]), 1)
    if name == "avg_pool_3x3":
        return nn.AvgPool2d(3, 1, 1, count_include_pad=False)
    raise ValueError(f"option '{name}' is not one this benchmark builds")


def layer_op(layer, c_in):
    name, c_out, stride = layer["op"], layer["channels"], layer["stride"]
    if name == "conv3x3_bn":
        return nn.Sequential(nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False),
                             nn.BatchNorm2d(c_out))
    if name == "resblock":
        return ResBlock(c_in, c_out, stride)
    if name == "bn_relu":
        return nn.Sequential(nn.BatchNorm2d(c_out), nn.ReLU())
    raise ValueError(f"layer op '{name}' is not one this benchmark builds")

# ---- The supernet ---------------------------------------------------------------------------


class MixedOp(nn.Module):
    def __init__(self, options, c, decision):
        super().__init__()
        self.decision = decision
        ops = [cell_op(name, c) for name in options]
        self.used = [i for i, op in enumerate(ops) if op is not None]
        self.ops = nn.ModuleList(ops[i] for i in self.used)

    def forward(self, x, weights):
        w, out = weights[self.decision], None
        for i, op in zip(self.used, self.ops):  # not sum(): no extra `0 + tensor` add
            term = w[i] * op(x)
            out = term if out is None else out + term
        return out


class Cell(nn.Module):  # one input node, output = the last node (NB201)
    def __init__(self, spec, c):
        super().__init__()
        if spec["inputs"] != 1 or spec["output"] != "last" or spec["reduction"]:
            raise ValueError("this benchmark builds NB201 cells only")
        self.spec = spec
        self.edges = nn.ModuleList(MixedOp(e["options"], c, e["decision"]) for e in spec["edges"])

    def forward(self, x, weights):
        nodes = [x] + [None] * (self.spec["nodes"] - 1)
        for e, op in zip(self.spec["edges"], self.edges):  # edges go from lower to higher nodes
            y = op(nodes[e["from"]], weights)
            nodes[e["to"]] = y if nodes[e["to"]] is None else nodes[e["to"]] + y
        return nodes[-1]


class Supernet(nn.Module):
    def __init__(self, ir):
        super().__init__()
        if not ir.get("supernet"):
            raise ValueError("expected a supernet IR (\"supernet\": true)")
        c = ir["input"]["channels"]
        self.layers = nn.ModuleList()
        for layer in ir["layers"]:
            if layer["type"] == "op":
                self.layers.append(layer_op(layer, c))
                c = layer["channels"]
            elif layer["type"] == "cell":
                for _ in range(layer["repeat"]):
                    self.layers.append(Cell(ir["cells"][layer["cell"]], layer["channels"]))
                c = layer["channels"]
            elif layer["type"] == "head":
                self.classifier = nn.Linear(c, ir["num_classes"])
        self.decisions = 1 + max(e["decision"] for cell in ir["cells"].values()
                                 for e in cell["edges"])
        self.options = len(next(iter(ir["cells"].values()))["edges"][0]["options"])

    def forward(self, x, weights):
        for layer in self.layers:
            x = layer(x, weights) if isinstance(layer, Cell) else layer(x)
        return self.classifier(x.mean((2, 3)))

# ---- Data -----------------------------------------------------------------------------------


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, kind, dims = struct.unpack(">HBB", data[:4])
    if zero != 0 or kind != 0x08:
        raise ValueError(f"{path}: not an IDX file of unsigned bytes")
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(data_json):
    with open(data_json) as f:
        d = json.load(f)
    images = read_idx(os.path.join(FASHION, "train-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(FASHION, "train-labels-idx1-ubyte.gz"))
    mean, std = float(d["mean"][0]), float(d["std"][0])

    def tensors(idx):
        x = torch.from_numpy(images[np.asarray(idx)].astype(np.float32)).unsqueeze(1)
        return (((x / 255.0) - mean) / std).contiguous(), torch.from_numpy(
            labels[np.asarray(idx)].astype(np.int64))
    return tensors(d["train"]), tensors(d["valid"]), d["train_batches"], d["valid_batches"]

# ---- The search -----------------------------------------------------------------------------


def epoch(net, alphas, w_opt, a_opt, weights, data, batches):
    (tx, ty), (vx, vy) = data
    train_batches, valid_batches = batches
    steps, loss_sum = len(train_batches), 0.0
    net.train()
    for step in range(steps):
        lr = LR_MIN + 0.5 * (LR - LR_MIN) * (1 + math.cos(math.pi * step / steps))
        for group in w_opt.param_groups:
            group["lr"] = lr
        ti, vi = torch.tensor(train_batches[step]), torch.tensor(valid_batches[step])
        xt, yt = tx.index_select(0, ti), ty.index_select(0, ti)
        xv, yv = vx.index_select(0, vi), vy.index_select(0, vi)

        # Architecture step, on the validation batch.
        loss = F.cross_entropy(net(xv, [F.softmax(a, 0) for a in alphas]), yv)
        grads = torch.autograd.grad(loss, alphas, allow_unused=True)
        a_opt.zero_grad()
        for a, g in zip(alphas, grads):
            a.grad = torch.zeros_like(a) if g is None else g
        a_opt.step()

        # Weight step, on the training batch, the alphas held fixed.
        w_opt.zero_grad()
        loss = F.cross_entropy(net(xt, [F.softmax(a.detach(), 0) for a in alphas]), yt)
        value = loss.item()
        if not math.isfinite(value) or value > 1e4:
            sys.exit(f"diverged at step {step + 1}: loss = {value}")
        loss.backward()
        torch.nn.utils.clip_grad_norm_(weights, CLIP)
        w_opt.step()
        loss_sum += value
    return loss_sum / steps


def accuracy(net, alphas, x, y, batch=500):
    net.eval()
    with torch.no_grad():
        w = [F.softmax(a, 0) for a in alphas]
        right = sum((net(x[i:i + batch], w).argmax(1) == y[i:i + batch]).sum().item()
                    for i in range(0, len(x), batch))
    net.train()
    return 100.0 * right / len(x)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("supernet")
    p.add_argument("data")
    p.add_argument("threads", type=int)
    p.add_argument("--profile", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(SEED)
    with open(a.supernet) as f:
        net = Supernet(json.load(f))
    train, valid, train_batches, valid_batches = load(a.data)
    alphas = [(1e-3 * torch.randn(net.options)).requires_grad_(True)
              for _ in range(net.decisions)]
    weights = [w for w in net.parameters() if w.requires_grad]
    w_opt = torch.optim.SGD(net.parameters(), lr=LR, momentum=MOMENTUM,
                            weight_decay=WEIGHT_DECAY)
    a_opt = torch.optim.Adam(alphas, lr=ALPHA_LR, betas=ALPHA_BETAS,
                             weight_decay=ALPHA_WEIGHT_DECAY)

    start, start_cpu = time.perf_counter(), time.process_time()
    if a.profile:
        with torch.autograd.profiler.profile() as prof:
            loss = epoch(net, alphas, w_opt, a_opt, weights, (train, valid),
                         (train_batches, valid_batches))
    else:
        loss = epoch(net, alphas, w_opt, a_opt, weights, (train, valid),
                     (train_batches, valid_batches))
    steps_s, steps_cpu_s = time.perf_counter() - start, time.process_time() - start_cpu
    acc = accuracy(net, alphas, *valid)
    valid_s = time.perf_counter() - start - steps_s
    if a.profile:
        print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=30),
              file=sys.stderr)
    steps = len(train_batches)
    print(json.dumps({
        "side": "torch", "threads": a.threads, "train_images": len(train[0]),
        "valid_images": len(valid[0]), "steps": steps, "steps_s": steps_s,
        "steps_cpu_s": steps_cpu_s, "valid_s": valid_s,
        "images_per_s": steps * BATCH / steps_s,
        "params": sum(p.numel() for p in net.parameters()),
        "train_loss": loss, "valid_accuracy": acc,
        "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}))


if __name__ == "__main__":
    main()
