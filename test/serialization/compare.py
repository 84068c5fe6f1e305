"""Loads two files with torch.load(weights_only=True) and compares them exactly: types (dict vs
OrderedDict, list vs tuple, int vs float, Parameter vs Tensor), key order, nesting, values
(NaN-aware, -0.0 vs 0.0), tensors' dtype / shape / stride / storage offset / requires_grad and
their storages' bytes, state_dict _metadata, and which tensors share a storage.
    python compare.py A1 B1 [A2 B2 ...]   -> prints [{"ok": bool, "errors": [...]}, ...]
A file whose name ends in .safetensors is read by hand (the safetensors package may be absent):
its tensors, in name order, and its __metadata__. A zip-format B also gets zipfile.testzip()
(every CRC right) and a check that every record's data starts on a 64-byte boundary.
"""
import collections
import json
import math
import struct
import sys
import warnings
import zipfile

import torch

warnings.filterwarnings("ignore")


def compare(a, b, where, errors, shared):
    if type(a) is not type(b):
        errors.append(f"{where}: type {type(a).__name__} != {type(b).__name__}")
        return
    if isinstance(a, torch.Tensor):
        for attr in ("dtype", "shape", "requires_grad"):
            if getattr(a, attr) != getattr(b, attr):
                errors.append(f"{where}: {attr} {getattr(a, attr)} != {getattr(b, attr)}")
        if a.stride() != b.stride() or a.storage_offset() != b.storage_offset():
            errors.append(f"{where}: stride/offset {a.stride()}/{a.storage_offset()} != {b.stride()}/{b.storage_offset()}")
        sa, sb = a.untyped_storage(), b.untyped_storage()
        if bytes(sa) != bytes(sb):
            errors.append(f"{where}: storage bytes differ")
        shared[0].append(sa.data_ptr())
        shared[1].append(sb.data_ptr())
        return
    if isinstance(a, dict):
        if list(a.keys()) != list(b.keys()):
            errors.append(f"{where}: keys {list(a.keys())[:10]} != {list(b.keys())[:10]}")
            return
        for k in a:
            compare(k, list(b.keys())[list(a.keys()).index(k)], f"{where}[key {k!r}]", errors, shared)
            compare(a[k], b[k], f"{where}[{k!r}]", errors, shared)
        if isinstance(a, collections.OrderedDict):
            ma, mb = getattr(a, "_metadata", None), getattr(b, "_metadata", None)
            compare(ma, mb, f"{where}._metadata", errors, shared)
        return
    if isinstance(a, (list, tuple)):
        if len(a) != len(b):
            errors.append(f"{where}: length {len(a)} != {len(b)}")
            return
        for i, (x, y) in enumerate(zip(a, b)):
            compare(x, y, f"{where}[{i}]", errors, shared)
        return
    if isinstance(a, float):
        if not (repr(a) == repr(b) or (math.isnan(a) and math.isnan(b))):
            errors.append(f"{where}: {a!r} != {b!r}")
        return
    if a != b:
        errors.append(f"{where}: {a!r} != {b!r}")


def groups(ptrs):
    seen = {}
    return [seen.setdefault(p, len(seen)) for p in ptrs]


ST = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16, "I64": torch.int64,
      "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8, "BOOL": torch.bool}


def read_safetensors(path):
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", None)
    out = collections.OrderedDict()
    for name in sorted(header):
        info = header[name]
        b, e = info["data_offsets"]
        raw = bytearray(data[8 + n + b:8 + n + e])
        t = torch.frombuffer(raw, dtype=ST[info["dtype"]]) if raw else torch.empty(0, dtype=ST[info["dtype"]])
        out[name] = t.reshape(info["shape"]).clone()
    return {"metadata": meta, "tensors": out}


def load(path):
    if path.endswith(".safetensors"):
        return read_safetensors(path)
    return torch.load(path, weights_only=True)


def check_zip(path, errors):
    if not zipfile.is_zipfile(path):
        return
    z = zipfile.ZipFile(path)
    bad = z.testzip()
    if bad is not None:
        errors.append(f"bad CRC in {bad}")
    raw = open(path, "rb").read()
    for info in z.infolist():
        start = info.header_offset + 30 + struct.unpack("<H", raw[info.header_offset + 26:info.header_offset + 28])[0] + struct.unpack("<H", raw[info.header_offset + 28:info.header_offset + 30])[0]
        if start % 64:
            errors.append(f"{info.filename} data at {start} is not 64-byte aligned")


def main():
    results = []
    args = sys.argv[1:]
    for i in range(0, len(args), 2):
        errors = []
        try:
            a, b = load(args[i]), load(args[i + 1])
            shared = ([], [])
            compare(a, b, "obj", errors, shared)
            if groups(shared[0]) != groups(shared[1]):
                errors.append(f"shared storages differ: {groups(shared[0])} != {groups(shared[1])}")
            check_zip(args[i + 1], errors)
        except Exception as e:  # noqa: BLE001
            errors.append(f"{type(e).__name__}: {e}")
        results.append({"ok": not errors, "errors": errors[:20]})
    print(json.dumps(results))


main()
