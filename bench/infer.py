"""Python side of bench/run.js's infer suite (bench/infer.js is the Node side): torchvision's
ResNet-50 (seeded, eval) and the files the Node runtimes load.

    infer.py --export DIR     writes into DIR what is missing or made by changed code: the
                              state_dict (resnet50.pth), a TorchScript trace (resnet50.pt), one
                              AOTInductor package per batch size (resnet50-b1.pt2, resnet50-b8.pt2;
                              export_aoti says why), an ONNX export (resnet50.onnx, batch dimension
                              dynamic; needs onnx and onnxscript) and check.pth (an input and
                              Python's output for it)
    infer.py DIR [threads]    prints the eager figures as JSON: the median of 5 timed runs after a
                              warm-up, per forward, in wall-clock ms and in the process's CPU ms,
                              under torch.inference_mode

One libtorch thread unless told otherwise (the AOTInductor packages are compiled for one). Another runtime's file is one more entry in EXPORTS."""
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


def aoti_exporter(batch):
    def export_aoti(m, example, path):
        # The fastest CPU recipe inductor 2.13 offers for this network (measured here, 1 thread, CPU
        # time vs Python eager, batch 1 / 8): 0.60x / 0.67x, where one package with a dynamic batch
        # gave 0.95x / 0.71x.
        # - freezing: folds the weights in, BatchNorm into the convolutions, ReLU and the residual add
        #   into oneDNN post-ops, and prepacks each convolution's weight into oneDNN's blocked layout.
        # - a static batch, one package per size: inductor prepacks only for static input sizes; with
        #   a dynamic batch every call reorders all 53 conv weights (worst at batch 1).
        # - compiled under the intra-op thread count it will run with: oneDNN picks the packed layout
        #   for the current thread count, and a package packed under 2 threads and run on 1 reorders six
        #   1024x256 weights on every call (batch 1: 1.3x eager instead of 0.6x).
        # - NCHW (contiguous) input: a channels_last model and example gained nothing (the frozen
        #   convolutions run in NHWC either way) and make the package demand channels_last input.
        # - nothing else helps: the package's time is oneDNN's convolutions (the fc GEMM is <1%), so
        #   max_autotune ("max_autotune_gemm_backends": "CPP,ATEN") changes nothing, and
        #   "conv_1x1_as_mm" with "cpp.weight_prepack" off is slower (0.82x at batch 8).
        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # as bench/run.js runs it
        try:
            x = torch.randn(batch, 3, 224, 224)
            with torch.no_grad():
                program = torch.export.export(m, (x,))
                torch._inductor.aoti_compile_and_package(program, package_path=path, inductor_configs={"freezing": True})
        finally:
            torch.set_num_threads(threads)

    return export_aoti


def export_check(m, example, path):
    x = torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(1))
    with torch.inference_mode():
        torch.save({"x": x, "y": m(x)}, path)


EXPORTS = {
    "resnet50.pth": export_state_dict,
    "resnet50.pt": export_torchscript,
    "resnet50.onnx": export_onnx,
    **{f"resnet50-b{batch}.pt2": aoti_exporter(batch) for batch in BATCHES},
    "check.pth": export_check,
}


def export(out):
    """Writes each file whose exporter (or the model) changed since it was written, as stamps.json records."""
    os.makedirs(out, exist_ok=True)
    stamps_file = os.path.join(out, "stamps.json")
    stamps = json.load(open(stamps_file)) if os.path.exists(stamps_file) else {}

    def save_stamps():
        with open(stamps_file, "w") as f:
            json.dump(stamps, f)

    for name in set(stamps) - set(EXPORTS):  # a file of an earlier recipe
        if os.path.exists(os.path.join(out, name)):
            os.remove(os.path.join(out, name))
        del stamps[name]
        save_stamps()
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
        save_stamps()


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
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    torch.set_num_threads(threads)
    m = model()
    m.load_state_dict(torch.load(os.path.join(sys.argv[1], "resnet50.pth")))
    results = {}
    for batch in BATCHES:
        x = torch.randn(batch, 3, 224, 224)

        def forwards(n, x=x):
            with torch.inference_mode():
                for _ in range(n):
                    m(x)

        row = f"Python eager, batch {batch}, {threads} thread{'' if threads == 1 else 's'}"
        results[f"{row} (ms)"], results[f"{row} (CPU ms)"] = per_iteration(forwards, 4 if batch == 1 else 1)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
