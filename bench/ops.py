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


torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else torch.get_num_threads())
print(json.dumps({
    "add 1-element (µs)": per_op(add_small, 100000),
    "chained add 1000x1000 (µs)": per_op(add_big, 300),
}))
