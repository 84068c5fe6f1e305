"""Python side of bench/run.js: the same work as bench/ops.js, printed as JSON (µs per op)."""
import json
import sys
import time

import torch


def per_op(fn, n, repeats=5):
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn(n)
        best = min(best, (time.perf_counter() - t0) / n)
    return best * 1e6


def add_small(n):
    a, b = torch.ones(1), torch.ones(1)
    for _ in range(n):
        a + b


def add_big(n):
    x, y = torch.zeros(1000, 1000), torch.ones(1000, 1000)
    for _ in range(n):
        x = x + y


def small_op(fn):
    def run(n):
        for _ in range(n):
            fn()
    return run


a4, b4 = torch.randn(4, 4), torch.randn(4, 4)
v = torch.randn(16)
a1, b1 = torch.ones(1), torch.ones(1)
SMALL = {
    "mul 1-element (µs)": small_op(lambda: a1 * b1),
    "mul 1-element by 2 (µs)": small_op(lambda: a1.mul(2)),
    "matmul 4x4 (µs)": small_op(lambda: a4.matmul(b4)),
    "relu 16 (µs)": small_op(lambda: v.relu()),
    "sum 16 (µs)": small_op(lambda: v.sum()),
}

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else torch.get_num_threads())
results = {"add 1-element (µs)": per_op(add_small, 100000)}
results.update({k: per_op(f, 100000) for k, f in SMALL.items()})
results["chained add 1000x1000 (µs)"] = per_op(add_big, 300)

torch.manual_seed(0)
mlp = torch.nn.Sequential(*[m for _ in range(4) for m in (torch.nn.Linear(64, 64), torch.nn.ReLU())])
x64 = torch.randn(1, 64)


def mlp_forward(n):
    with torch.no_grad():
        for _ in range(n):
            mlp(x64)


results["MLP 4x(Linear 64, ReLU) forward, no grad (µs)"] = per_op(mlp_forward, 20000)
print(json.dumps(results))
