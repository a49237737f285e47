#!/usr/bin/python3
"""Example trainer for nas.evaluator.command: builds the trial's network from its nas-ir/1
IR (sdk/IR.md) in PyTorch, trains it on a slice of Fashion-MNIST and answers with metrics.

Needs Debian's python3-torch (apt-get install python3-torch) and dataset-fashion-mnist;
run it with /usr/bin/python3. The protocol (see ../README.md): the trial is the JSON file
$NAS_TRIAL_FILE; per-epoch results are appended to $NAS_REPORT_FILE as JSON lines; the
final metrics go to $NAS_METRICS_FILE as one JSON object of numbers.
"""
import argparse, gzip, json, math, os, signal, struct, sys, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# ---- The standard op vocabulary of sdk/IR.md ---------------------------------------------


def relu_conv_bn(c_in, c_out, k, stride, dilation=1):
    pad = dilation * (k // 2)
    return nn.Sequential(nn.ReLU(), nn.Conv2d(c_in, c_out, k, stride, pad, dilation, bias=False),
                         nn.BatchNorm2d(c_out))


class Zero(nn.Module):  # `none`: zeros of the output shape
    def __init__(self, c_out, stride):
        super().__init__()
        self.c_out, self.stride = c_out, stride

    def forward(self, x):
        x = x[:, :, ::self.stride, ::self.stride]
        return x.new_zeros(x.shape[0], self.c_out, x.shape[2], x.shape[3])


class FactorizedReduce(nn.Module):  # DARTS: two offset 1x1 stride-2 convs, concatenated
    def __init__(self, c_in, c_out):
        super().__init__()
        self.relu = nn.ReLU()
        self.a = nn.Conv2d(c_in, c_out // 2, 1, 2, bias=False)
        self.b = nn.Conv2d(c_in, c_out - c_out // 2, 1, 2, bias=False)
        self.bn = nn.BatchNorm2d(c_out)

    def forward(self, x):
        x = self.relu(x)
        shifted = F.pad(x[:, :, 1:, 1:], (0, 1, 0, 1))  # keeps odd sizes aligned
        return self.bn(torch.cat([self.a(x), self.b(shifted)], dim=1))


class Pool(nn.Module):  # NB201: a ReLU-conv1x1-BN first when the channels change
    def __init__(self, kind, c_in, c_out, stride):
        super().__init__()
        self.pre = relu_conv_bn(c_in, c_out, 1, 1) if c_in != c_out else nn.Identity()
        self.pool = (nn.AvgPool2d(3, stride, 1, count_include_pad=False) if kind == "avg"
                     else nn.MaxPool2d(3, stride, 1))

    def forward(self, x):
        return self.pool(self.pre(x))


def sep_conv(c_in, c_out, k, stride):
    def half(c_o, s):
        return [nn.ReLU(), nn.Conv2d(c_in, c_in, k, s, k // 2, groups=c_in, bias=False),
                nn.Conv2d(c_in, c_o, 1, bias=False), nn.BatchNorm2d(c_o)]
    return nn.Sequential(*half(c_in, stride), *half(c_out, 1))


def dil_conv(c_in, c_out, k, stride):
    return nn.Sequential(nn.ReLU(), nn.Conv2d(c_in, c_in, k, stride, 2 * (k // 2), 2,
                                              groups=c_in, bias=False),
                         nn.Conv2d(c_in, c_out, 1, bias=False), nn.BatchNorm2d(c_out))


class MBConv(nn.Module):  # inverted residual
    def __init__(self, c_in, c_out, expansion, k, stride):
        super().__init__()
        mid = c_in * expansion
        self.body = nn.Sequential(
            nn.Conv2d(c_in, mid, 1, bias=False), nn.BatchNorm2d(mid), nn.ReLU(),
            nn.Conv2d(mid, mid, k, stride, k // 2, groups=mid, bias=False), nn.BatchNorm2d(mid),
            nn.ReLU(), nn.Conv2d(mid, c_out, 1, bias=False), nn.BatchNorm2d(c_out))
        self.residual = stride == 1 and c_in == c_out

    def forward(self, x):
        return x + self.body(x) if self.residual else self.body(x)


class ResBlock(nn.Module):  # NB201's reduction block
    def __init__(self, c_in, c_out, stride):
        super().__init__()
        self.a = relu_conv_bn(c_in, c_out, 3, stride)
        self.b = relu_conv_bn(c_out, c_out, 3, 1)
        if stride > 1:
            self.short = nn.Sequential(nn.AvgPool2d(2, 2), nn.Conv2d(c_in, c_out, 1, bias=False))
        elif c_in != c_out:
            self.short = nn.Conv2d(c_in, c_out, 1, bias=False)
        else:
            self.short = nn.Identity()

    def forward(self, x):
        return self.short(x) + self.b(self.a(x))


def make_op(name, c_in, c_out, stride):
    if name == "none":
        return Zero(c_out, stride)
    if name == "skip_connect":
        if stride == 1 and c_in == c_out:
            return nn.Identity()
        return FactorizedReduce(c_in, c_out) if stride == 2 else relu_conv_bn(c_in, c_out, 1, stride)
    if name == "identity":
        if stride == 1 and c_in == c_out:
            return nn.Identity()
        return nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride, bias=False), nn.BatchNorm2d(c_out))
    if name in ("nor_conv_1x1", "nor_conv_3x3"):
        return relu_conv_bn(c_in, c_out, int(name[-1]), stride)
    if name in ("avg_pool_3x3", "max_pool_3x3"):
        return Pool(name[:3], c_in, c_out, stride)
    if name in ("sep_conv_3x3", "sep_conv_5x5"):
        return sep_conv(c_in, c_out, int(name[-1]), stride)
    if name in ("dil_conv_3x3", "dil_conv_5x5"):
        return dil_conv(c_in, c_out, int(name[-1]), stride)
    if name.startswith("mbconv_e") and name in ("mbconv_e3_k3", "mbconv_e3_k5", "mbconv_e6_k3",
                                                "mbconv_e6_k5"):
        return MBConv(c_in, c_out, int(name[8]), int(name[11]), stride)
    if name == "conv3x3_bn":
        return nn.Sequential(nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False), nn.BatchNorm2d(c_out))
    if name in ("conv3x3_bn_relu", "conv1x1_bn_relu"):
        k = int(name[4])
        return nn.Sequential(nn.Conv2d(c_in, c_out, k, stride, k // 2, bias=False),
                             nn.BatchNorm2d(c_out), nn.ReLU())
    if name == "bn_relu":
        return nn.Sequential(nn.BatchNorm2d(c_in), nn.ReLU())
    if name == "resblock":
        return ResBlock(c_in, c_out, stride)
    raise ValueError(f"unknown op '{name}' (not in the standard vocabulary of sdk/IR.md)")


def fixed_op(entry, where):
    if "options" in entry:
        raise ValueError(f"{where}: a supernet entry; this trainer builds single networks")
    if entry.get("attrs"):
        raise ValueError(f"{where}: attrs {entry['attrs']} are not understood here")
    return entry["op"]

# ---- Networks: the chain of layers and the cell rules of sdk/IR.md -------------------------


class Cell(nn.Module):
    def __init__(self, spec, name, inputs, c):  # inputs: [(channels, size)] oldest first
        super().__init__()
        self.spec, newest = spec, inputs[-1][1]
        # Each input to C channels at the newest input's resolution.
        self.pre = nn.ModuleList(
            FactorizedReduce(ch, c) if size > newest else
            (relu_conv_bn(ch, c, 1, 1) if ch != c else nn.Identity()) for ch, size in inputs)
        n_in = spec["inputs"]
        self.edges = nn.ModuleList()
        for i, e in enumerate(spec["edges"]):
            stride = 2 if spec["reduction"] and e["from"] < n_in else 1
            self.edges.append(make_op(fixed_op(e, f"/cells/{name}/edges/{i}"), c, c, stride))

    def forward(self, xs):
        n_in = self.spec["inputs"]
        nodes = [pre(x) for pre, x in zip(self.pre, xs)] + [None] * (self.spec["nodes"] - n_in)
        for e, op in zip(self.spec["edges"], self.edges):  # edges satisfy from < to
            y = op(nodes[e["from"]])
            nodes[e["to"]] = y if nodes[e["to"]] is None else nodes[e["to"]] + y
        if self.spec["output"] == "last":
            return nodes[-1]
        return torch.cat(nodes[n_in:], dim=1)


class Network(nn.Module):
    def __init__(self, ir):
        super().__init__()
        if ir.get("format") != "nas-ir/1":
            raise ValueError(f"expected an IR in format nas-ir/1, got {ir.get('format')!r}")
        shape = ir["input"]
        blocks = [(shape["channels"], shape["height"])]  # (channels, size) of each output
        self.layers, self.wiring = nn.ModuleList(), []
        for i, layer in enumerate(ir["layers"]):
            if layer["type"] == "op":
                ch, size = blocks[-1]
                s = layer["stride"]
                self.layers.append(make_op(fixed_op(layer, f"/layers/{i}"), ch, layer["channels"], s))
                self.wiring.append(1)
                blocks.append((layer["channels"], (size + s - 1) // s))
            elif layer["type"] == "cell":
                spec, c = ir["cells"][layer["cell"]], layer["channels"]
                k = spec["inputs"]
                for _ in range(layer["repeat"]):
                    ins = ([blocks[0]] * k + blocks)[-k:]  # earliest output fills in
                    self.layers.append(Cell(spec, layer["cell"], ins, c))
                    self.wiring.append(k)
                    size = ins[-1][1] // 2 if spec["reduction"] else ins[-1][1]
                    out = c if spec["output"] == "last" else c * (spec["nodes"] - k)
                    blocks.append((out, size))
            elif layer["type"] == "head":
                if layer["pool"] != "global_avg":
                    raise ValueError(f"/layers/{i}/pool: unknown pool '{layer['pool']}'")
                dropout = (layer.get("attrs") or {}).get("dropout", 0.0)
                self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                          nn.Dropout(dropout), nn.Linear(blocks[-1][0], ir["num_classes"]))
            else:
                raise ValueError(f"/layers/{i}/type: unknown layer type {layer['type']!r}")

    def forward(self, x):
        outs = [x]
        for layer, k in zip(self.layers, self.wiring):
            ins = ([outs[0]] * k + outs)[-k:]
            outs.append(layer(ins[-1]) if not isinstance(layer, Cell) else layer(ins))
        return self.head(outs[-1])

# ---- Fashion-MNIST from the gzipped IDX files -----------------------------------------------


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, kind, dims = struct.unpack(">HBB", data[:4])
    if zero != 0 or kind != 0x08:
        raise ValueError(f"{path}: not an IDX file of unsigned bytes")
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    body = np.frombuffer(data, np.uint8, offset=4 + 4 * dims)
    if body.size != int(np.prod(shape)):
        raise ValueError(f"{path}: expected {int(np.prod(shape))} values, found {body.size}")
    return body.reshape(shape)


def load_split(folder, train_size, valid_size):
    images = read_idx(os.path.join(folder, "train-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(folder, "train-labels-idx1-ubyte.gz"))
    order = np.random.RandomState(0).permutation(len(images))  # fixed 50k/10k split
    train, valid = order[:50000][:train_size], order[50000:][:valid_size]

    def tensors(idx):
        x = torch.from_numpy(images[idx].astype(np.float32) / 255.0).unsqueeze(1)
        return (x - 0.2860) / 0.3530, torch.from_numpy(labels[idx].astype(np.int64))
    return tensors(train), tensors(valid)

# ---- Training --------------------------------------------------------------------------------


def accuracy(model, x, y, batch=500):
    model.eval()
    with torch.no_grad():
        right = sum((model(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum().item()
                    for i in range(0, len(x), batch))
    return 100.0 * right / len(x)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--epochs", type=int, default=4, help="at fidelity 1; scaled by fidelity")
    p.add_argument("--train-size", type=int, default=10000)
    p.add_argument("--valid-size", type=int, default=2000)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()

    with open(os.environ["NAS_TRIAL_FILE"]) as f:
        trial = json.load(f)
    if trial["ir"] is None:
        sys.exit("the trial has no IR: use a space that renders one (nas.space.nb201, ...)")
    torch.set_num_threads(args.threads)
    torch.manual_seed(trial["seed"] % (2 ** 63))
    epochs = max(1, round(args.epochs * trial["fidelity"]))
    (x, y), (vx, vy) = load_split(args.data, args.train_size, args.valid_size)
    model = Network(trial["ir"])
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, nesterov=True,
                          weight_decay=5e-4)
    start_epoch = 0
    resume = trial.get("resume_from")
    if resume and os.path.exists(os.path.join(resume, "checkpoint.pt")):
        state = torch.load(os.path.join(resume, "checkpoint.pt"))
        model.load_state_dict(state["model"])
        start_epoch = min(state["epoch"], epochs)  # a promotion trains only the rest
    steps = max(1, (epochs - start_epoch) * math.ceil(len(x) / args.batch))
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)

    stop = []  # SIGTERM (timeout, or the host asked to stop): finish with what we have
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    began, loss_sum, seen = time.time(), 0.0, 0
    valid = accuracy(model, vx, vy) if start_epoch >= epochs else 0.0
    for epoch in range(start_epoch, epochs):
        model.train()
        loss_sum, seen = 0.0, 0
        order = torch.randperm(len(x))
        for i in range(0, len(x), args.batch):
            idx = order[i:i + args.batch]
            loss = F.cross_entropy(model(x[idx]), y[idx])
            if not torch.isfinite(loss):
                sys.exit(f"epoch {epoch}: the loss is {loss.item()} (diverged)")
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            loss_sum, seen = loss_sum + loss.item() * len(idx), seen + len(idx)
            if stop:
                break
        valid = accuracy(model, vx, vy)
        with open(os.environ["NAS_REPORT_FILE"], "a") as f:
            f.write(json.dumps({"step": epoch, "valid_accuracy": valid,
                                "train_loss": loss_sum / max(seen, 1)}) + "\n")
        if stop:
            break
    torch.save({"model": model.state_dict(), "epoch": epochs},
               os.path.join(trial["artifact_dir"], "checkpoint.pt"))
    with open(os.environ["NAS_METRICS_FILE"], "w") as f:
        json.dump({"valid_accuracy": valid, "train_loss": loss_sum / max(seen, 1),
                   "params": params, "epochs": epochs, "train_seconds": time.time() - began}, f)


if __name__ == "__main__":
    main()
