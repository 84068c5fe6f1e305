"""Python side of bench/run.js's vision suite: the same forwards as bench/vision.js (torchvision's
ResNet-18 and ResNet-50, eval, torch.inference_mode, batch 1 and 8 of 3x224x224, contiguous and
channels_last), printed as JSON: the median of 5 timed runs after a warm-up, per forward, in
wall-clock ms and in the process's CPU ms.
One libtorch thread unless argv[1] says otherwise."""
import json
import statistics
import sys
import time

import torch

_lib = torch.library.Library("torchvision", "DEF")  # a CUDA torchvision beside the CPU torch needs these
_lib.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
_lib.define("qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
import torchvision  # noqa: E402


def per_iteration(fn, n, repeats=5):
    """(wall ms, CPU ms) per call, medians, as bench/vision.js measures them."""
    fn(n)  # warm-up
    wall, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn(n)
        cpu.append((time.process_time() - c0) / n * 1e3)
        wall.append((time.perf_counter() - t0) / n * 1e3)
    return statistics.median(wall), statistics.median(cpu)


torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
results = {}
for name, builder in (("ResNet-18", torchvision.models.resnet18), ("ResNet-50", torchvision.models.resnet50)):
    torch.manual_seed(0)
    model = builder().eval()
    for channels_last in (False, True):
        if channels_last:
            model.to(memory_format=torch.channels_last)
        for batch in (1, 8):
            x = torch.randn(batch, 3, 224, 224)
            if channels_last:
                x = x.contiguous(memory_format=torch.channels_last)

            def forwards(n, model=model, x=x):
                with torch.inference_mode():
                    for _ in range(n):
                        model(x)

            key = f"{name} eval, batch {batch}{', channels_last' if channels_last else ''}"
            results[f"{key} (ms)"], results[f"{key} (CPU ms)"] = per_iteration(forwards, 4 if batch == 1 else 1)
print(json.dumps(results))
