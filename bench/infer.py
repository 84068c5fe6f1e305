"""Python side of bench/run.js's infer suite (bench/infer.js is the Node side): torchvision's
ResNet-50 (seeded, eval) and the files the Node runtimes load.

    infer.py --export DIR     writes into DIR what is missing or made by changed code: the
                              state_dict (resnet50.pth), a TorchScript trace (resnet50.pt), an AOTInductor
                              package (resnet50.pt2, batch dimension dynamic), an ONNX
                              export (resnet50.onnx, batch dimension dynamic; needs onnx and
                              onnxscript) and check.pth (an input and Python's output for it)
    infer.py DIR [threads]    prints the eager figures as JSON: the median of 5 timed runs after a
                              warm-up, per forward, in wall-clock ms and in the process's CPU ms,
                              under torch.inference_mode

One libtorch thread unless told otherwise. Another runtime's file is one more entry in EXPORTS."""
import hashlib
import inspect
import json
import os
import statistics
import sys
import time

import torch

_lib = torch.library.Library("torchvision", "DEF")  # a CUDA torchvision beside the CPU torch needs these
_lib.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
_lib.define("qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
import torchvision  # noqa: E402

BATCHES = (1, 8)


def model():
    torch.manual_seed(0)
    return torchvision.models.resnet50().eval()


def export_state_dict(m, example, path):
    torch.save(m.state_dict(), path)


def export_onnx(m, example, path):
    batch = torch.export.Dim("batch", min=1, max=64)
    torch.onnx.export(m, (example,), path, input_names=["x"], output_names=["logits"], dynamic_shapes={"x": {0: batch}}, external_data=False)


def export_torchscript(m, example, path):
    with torch.no_grad():
        torch.jit.trace(m, example).save(path)


def export_aoti(m, example, path):
    batch = torch.export.Dim("batch", min=1, max=64)
    with torch.no_grad():
        program = torch.export.export(m, (example,), dynamic_shapes={"x": {0: batch}})
        # Freezing folds the weights into the compiled graph (prepacked for the CPU's conv kernels).
        torch._inductor.aoti_compile_and_package(program, package_path=path, inductor_configs={"freezing": True})


def export_check(m, example, path):
    x = torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(1))
    with torch.inference_mode():
        torch.save({"x": x, "y": m(x)}, path)


EXPORTS = {
    "resnet50.pth": export_state_dict,
    "resnet50.pt": export_torchscript,
    "resnet50.onnx": export_onnx,
    "resnet50.pt2": export_aoti,
    "check.pth": export_check,
}


def export(out):
    """Writes each file whose exporter (or the model) changed since it was written, as stamps.json records."""
    os.makedirs(out, exist_ok=True)
    stamps_file = os.path.join(out, "stamps.json")
    stamps = json.load(open(stamps_file)) if os.path.exists(stamps_file) else {}
    m = None
    for name, write in EXPORTS.items():
        path = os.path.join(out, name)
        stamp = hashlib.sha256((inspect.getsource(model) + inspect.getsource(write)).encode()).hexdigest()
        if os.path.exists(path) and stamps.get(name) == stamp:
            continue
        if m is None:
            m = model()
            example = torch.randn(8, 3, 224, 224)
        print(f"bench/infer.py: writing {path}", file=sys.stderr)
        partial = os.path.join(out, f"partial-{name}")  # the same extension: some exporters insist on theirs
        write(m, example, partial)
        os.replace(partial, path)
        stamps[name] = stamp
        with open(stamps_file, "w") as f:
            json.dump(stamps, f)


def per_iteration(fn, n, repeats=5):
    """(wall ms, CPU ms) per call, medians, as bench/infer.js measures them."""
    fn(n)  # warm-up
    wall, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn(n)
        cpu.append((time.process_time() - c0) / n * 1e3)
        wall.append((time.perf_counter() - t0) / n * 1e3)
    return statistics.median(wall), statistics.median(cpu)


def main():
    if sys.argv[1] == "--export":
        export(sys.argv[2])
        return
    torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    m = model()
    m.load_state_dict(torch.load(os.path.join(sys.argv[1], "resnet50.pth")))
    results = {}
    for batch in BATCHES:
        x = torch.randn(batch, 3, 224, 224)

        def forwards(n, x=x):
            with torch.inference_mode():
                for _ in range(n):
                    m(x)

        results[f"Python eager, batch {batch} (ms)"], results[f"Python eager, batch {batch} (CPU ms)"] = per_iteration(forwards, 4 if batch == 1 else 1)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
