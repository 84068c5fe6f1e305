"""Python side of bench/run.js's training work: the same steps as bench/train.js, printed as JSON
(the median of 5 timed runs, after a warm-up, in the unit each key names). One libtorch thread
unless argv[1] says otherwise (as bench/train.js)."""
import json
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

_lib = torch.library.Library("torchvision", "DEF")  # a CUDA torchvision beside the CPU torch needs these
_lib.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
_lib.define("qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
import torchvision  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "mnist"))
from check_checkpoint import Net  # noqa: E402  the MNIST demo's model, with the demo's names


def per_iteration(fn, n, unit, repeats=5):
    fn(n)  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn(n)
        times.append((time.perf_counter() - t0) / n)
    return statistics.median(times) * unit


MS, US = 1e3, 1e6
torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
results = {}

torch.manual_seed(0)
resnet = torchvision.models.resnet18()
resnet_sgd = torch.optim.SGD(resnet.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
images = torch.randn(8, 3, 112, 112)
classes = torch.randint(0, 1000, (8,))


def resnet_steps(n):
    for _ in range(n):
        resnet_sgd.zero_grad()
        F.cross_entropy(resnet(images), classes).backward()
        resnet_sgd.step()


results["ResNet-18 SGD step, batch 8 of 3x112x112 (ms)"] = per_iteration(resnet_steps, 1, MS)

layers = nn.Sequential(*[nn.Linear(16, 16) for _ in range(200)])
for p in layers.parameters():
    p.grad = torch.randn_like(p)
for foreach in (False, True):
    adam = torch.optim.Adam(layers.parameters(), lr=1e-3, foreach=foreach)

    def adam_steps(n, adam=adam):
        for _ in range(n):
            adam.step()

    results[f"Adam step, 400 tensors of 200x Linear(16, 16), foreach={foreach} (ms)"] = per_iteration(adam_steps, 20, MS)

torch.manual_seed(0)
net = Net()
net_sgd = torch.optim.SGD(net.parameters(), lr=0.02, momentum=0.9)
digits = DataLoader(TensorDataset(torch.rand(50 * 64, 1, 28, 28), torch.randint(0, 10, (50 * 64,))), batch_size=64, shuffle=True)


def mnist_epochs(n):
    net.train()
    for _ in range(n):
        for x, y in digits:
            net_sgd.zero_grad()
            F.nll_loss(net(x), y).backward()
            net_sgd.step()


results["MNIST-demo CNN epoch, 50 shuffled batches of 64 (ms)"] = per_iteration(mnist_epochs, 1, MS)

small = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 10))
small_sgd = torch.optim.SGD(small.parameters(), lr=0.05)
x16 = torch.randn(16, 1, 8, 8)
y16 = torch.randint(0, 10, (16,))


def small_steps(n):
    for _ in range(n):
        small_sgd.zero_grad()
        F.cross_entropy(small(x16), y16).backward()
        small_sgd.step()


results["small-CNN SGD step, batch 16 of 1x8x8 (µs)"] = per_iteration(small_steps, 500, US)
print(json.dumps(results))
