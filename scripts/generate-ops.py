"""Generates torchnode's op surface (lib/generated/) from ATen's native_functions.yaml.

PyTorch's own generator of its Python bindings (torchgen's packaged gen_python_functions) is
used as a library: the same skip lists, the same Python signatures (names, defaults, keyword-only
arguments) and the same overload order that torch's argument parser uses. What PyTorch writes in
Python instead of binding from ATen (torch/functional.py, torch/_tensor.py, most of
torch/nn/functional.py) is found by asking the installed torch, and left to lib/.

    python scripts/generate-ops.py           write lib/generated/
    python scripts/generate-ops.py --check   exit 1 if lib/generated/ is not what this writes
"""
import inspect
import json
import os
import re
import sys

import torch
import torch.nn.functional as F
import torchgen
from torchgen.gen import parse_native_yaml
from torchgen.model import BaseTy, BaseType, ListType, OptionalType
from torchgen.packaged.autograd import gen_python_functions as gpf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "lib", "generated")
PACKAGED = os.path.join(os.path.dirname(torchgen.__file__), "packaged")

# Where a Python number is accepted for a Tensor argument (python_arg_parser's
# should_allow_numbers_as_tensors): the ops whose Scalar overloads Python hides.
NUMBERS_AS_TENSORS = {
    "add", "add_", "sub", "sub_", "mul", "mul_", "div", "div_", "true_divide", "true_divide_",
    "floor_divide", "floor_divide_", "subtract", "subtract_", "multiply", "multiply_",
    "divide", "divide_",
}

# Bound by hand in PyTorch (python_variable_methods.cpp's THPVariable_set_), from the same schemas:
# bound here from them, less the overloads whose types torchnode has no binding for (Storage).
HAND_BOUND = {"set_"}

# name -> (python module predicate, prefix of the C name, the Python module holding them)
NAMESPACES = {
    "torch": (gpf.is_py_torch_function, "", torch._C._VariableFunctions),
    "Tensor": (gpf.is_py_variable_method, "", torch._C.TensorBase),
    "nn": (gpf.is_py_nn_function, "", torch._C._nn),
    "linalg": (gpf.is_py_linalg_function, "linalg_", torch._C._linalg),
    "fft": (gpf.is_py_fft_function, "fft_", torch._C._fft),
    "special": (gpf.is_py_special_function, "special_", torch._C._special),
}
# Where Python exposes each namespace to users (a name there that is not the C binding is
# Python-level, written by hand in lib/).
PUBLIC = {
    "torch": torch,
    "Tensor": torch.Tensor,
    "linalg": torch.linalg,
    "fft": torch.fft,
    "special": torch.special,
}


def type_code(t):
    """A short code for a Python argument type, or None when torchnode cannot bind it."""
    optional = isinstance(t, OptionalType)
    if optional:
        t = t.elem
    suffix = "?" if optional else ""
    if isinstance(t, BaseType):
        code = {
            BaseTy.Tensor: "T", BaseTy.Scalar: "S", BaseTy.int: "i", BaseTy.SymInt: "i",
            BaseTy.float: "f", BaseTy.bool: "b", BaseTy.str: "s", BaseTy.ScalarType: "d",
            BaseTy.Layout: "l", BaseTy.Device: "D", BaseTy.MemoryFormat: "m",
            BaseTy.Generator: "g",
        }.get(t.name)
        return None if code is None else code + suffix
    if isinstance(t, ListType):
        n = str(t.size) if t.size else ""
        e = t.elem
        if isinstance(e, OptionalType) and isinstance(e.elem, BaseType) and e.elem.name == BaseTy.Tensor:
            return "L?" + suffix if not optional else None
        if not isinstance(e, BaseType):
            return None
        code = {BaseTy.Tensor: "L", BaseTy.int: "I", BaseTy.SymInt: "I", BaseTy.float: "F",
                BaseTy.bool: "B", BaseTy.Scalar: "SL"}.get(e.name)
        return None if code is None else code + n + suffix
    return None


def return_code(f):
    """Returns: '' (none), a type code, '!name' (an argument written in place), or 'name:code,...'."""
    rets = f.func.returns
    if not rets:
        return ""
    if len(rets) == 1 and rets[0].annotation is not None and rets[0].annotation.is_write:
        alias = rets[0].annotation.alias_set[0]
        for a in f.func.arguments.flat_all:
            if a.annotation is not None and alias in a.annotation.alias_set:
                return "!" + a.name
    codes = []
    for r in rets:
        t = r.type
        if isinstance(t, BaseType):
            c = {BaseTy.Tensor: "T", BaseTy.int: "i", BaseTy.SymInt: "i", BaseTy.float: "f",
                 BaseTy.bool: "b", BaseTy.Scalar: "S", BaseTy.ScalarType: "d"}.get(t.name, "x")
        elif isinstance(t, ListType) and isinstance(t.elem, BaseType) and t.elem.name == BaseTy.Tensor:
            c = "L"
        elif isinstance(t, ListType) and isinstance(t.elem, BaseType) and t.elem.name in (BaseTy.int, BaseTy.SymInt):
            c = "I"
        else:
            c = "x"
        codes.append(c)
    if len(rets) == 1:
        return codes[0]
    names = [r.name for r in rets]
    if all(names):
        return ",".join(f"{n}:{c}" for n, c in zip(names, codes))
    return ",".join(codes)


def overload(group, method):
    """One overload as [schema, params..., '->' + returns], or None if it cannot be bound."""
    sig = group.signature
    f = group.base
    schema_args = [a.name for a in f.func.arguments.flat_all]
    params = []
    if method:
        params.append("^self:T")
    seen_kwonly = False
    positional = set(a.name for a in sig.input_args)
    for a in sig.arguments(skip_outputs=True):
        code = type_code(a.type)
        if code is None:
            return None
        # Python calls the schema's `self` `input` (torchgen's PythonArgument.argument_str).
        target = a.name
        name = "input" if target == "self" else target
        if target not in positional and not seen_kwonly:
            params.append("*")
            seen_kwonly = True
        flags = ""
        if target not in schema_args:
            if name != "requires_grad":
                return None
            flags = "+"  # Python-only: applied after the call
        rename = f">{target}" if target != name and not flags else ""
        default = "" if a.default is None else "=" + display_default(a.default)
        params.append(f"{flags}{name}{rename}:{code}{default}")
    result = [f"aten::{f.func.name}", *params, "->" + return_code(f)]
    if group.outplace is not None and not method:
        out = group.outplace.func
        result.append(f"out:aten::{out.name}:" + ",".join(a.name for a in out.arguments.out))
    return result


def display_default(d):
    """The default as PyTorch's argument parser prints it in signatures."""
    d = str(d)
    return {"::std::nullopt": "None", "c10::nullopt": "None", "{}": "None", "at::Reduction::Mean": "Mean",
            "c10::MemoryFormat::Contiguous": "torch.contiguous_format",
            "at::MemoryFormat::Contiguous": "torch.contiguous_format"}.get(d, d)


RESERVED = {"var", "function", "delete", "new", "in", "default", "class", "return", "switch", "case", "if", "else",
            "for", "while", "do", "this", "void", "with", "typeof", "instanceof", "import", "export", "const", "let"}


def ident(name):
    """A JS identifier for a parameter name."""
    return name + "_" if name in RESERVED else name


def camel(name):
    """PyTorch's snake_case name in lowerCamelCase; a trailing underscore (in place) stays."""
    return re.sub(r"(?<=[a-z0-9])_([a-z0-9])", lambda m: m.group(1).upper(), name)


def is_binding(obj, module, cname):
    return obj is not None and obj is getattr(module, cname, None)


def collect():
    native_yaml = os.path.join(PACKAGED, "ATen", "native", "native_functions.yaml")
    tags_yaml = os.path.join(PACKAGED, "ATen", "native", "tags.yaml")
    deprecated_yaml = os.path.join(PACKAGED, "autograd", "deprecated.yaml")
    fns = [f for f in parse_native_yaml(native_yaml, tags_yaml).native_functions
           if gpf.should_generate_py_binding(f) or str(f.func.name.name) in HAND_BOUND]
    tables, public = {}, {}
    for ns, (pred, prefix, module) in NAMESPACES.items():
        method = ns == "Tensor"
        pairs = gpf.load_signatures(fns, deprecated_yaml, method=method, skip_deprecated=True)
        grouped = gpf.group_filter_overloads(pairs, pred)
        table, names = {}, []
        for base_name in sorted(grouped, key=str):
            cname = str(base_name)
            pyname = cname[len(prefix):] if prefix and cname.startswith(prefix) else cname
            if pyname.startswith("_"):
                continue
            overloads = [o for o in (overload(g, method) for g in gpf.group_overloads(grouped[base_name])) if o is not None]
            if not overloads:
                continue
            entry = {"o": overloads}
            if pyname in NUMBERS_AS_TENSORS:
                entry["n"] = 1
            table[pyname] = entry
            # What users see under this name: the C binding itself, or something Python wrote.
            if ns in PUBLIC and is_binding(getattr(PUBLIC[ns], pyname, None), module, cname):
                names.append(pyname)
        tables[ns] = table
        public[ns] = names
    # torch.nn.functional: the functions that are C bindings of torch or torch._C._nn.
    nnf = {}
    for name in sorted(dir(F)):
        if name.startswith("_"):
            continue
        obj = getattr(F, name)
        if not inspect.isbuiltin(obj):
            continue
        for ns, module in (("nn", torch._C._nn), ("torch", torch._C._VariableFunctions)):
            if is_binding(obj, module, obj.__name__) and obj.__name__ in tables[ns]:
                nnf[name] = [ns, obj.__name__]
                break
    return tables, public, nnf


# ---- TypeScript ------------------------------------------------------------------------------

TS_TYPES = {
    "T": "Tensor", "S": "ScalarLike", "i": "IntLike", "f": "FloatLike", "b": "boolean", "s": "string",
    "d": "DType", "l": "Layout", "D": "DeviceLike", "m": "MemoryFormat", "g": "Generator",
    "L": "readonly Tensor[]", "L?": "readonly (Tensor | null)[]", "I": "IntList", "F": "readonly FloatLike[]",
    "B": "readonly boolean[]", "SL": "readonly ScalarLike[]",
}
TS_RETURNS = {"T": "Tensor", "L": "Tensor[]", "i": "number", "f": "number", "b": "boolean", "S": "number",
              "d": "DType", "I": "number[]", "x": "unknown"}


def parse_param(p):
    flags = ""
    while p[0] in "^+":
        flags += p[0]
        p = p[1:]
    default = None
    if "=" in p:
        p, default = p.split("=", 1)
    name, code = p.split(":", 1)
    name = name.split(">")[0]
    return flags, name, code, default


def ts_type(code, numbers):
    optional = code.endswith("?") and code != "L?"
    base = code[:-1] if optional else code
    if base == "L??":
        base = "L?"
    size = re.match(r"^([A-Z]+)(\d+)$", base)
    if size and base not in TS_TYPES:
        base = size.group(1)
        t = TS_TYPES[base]
        if base == "I":
            t = "IntLike | IntList"
        elif base == "F":
            t = "FloatLike | readonly FloatLike[]"
        elif base == "B":
            t = "boolean | readonly boolean[]"
    else:
        t = TS_TYPES[base]
    if base == "T" and numbers:
        t = "Tensor | ScalarLike"
    if optional and t != "null":
        t += " | null"
    return t


def ts_return(ret, method):
    if ret == "":
        return "void"
    if ret.startswith("!"):
        return "this" if method and ret == "!self" else "Tensor"
    parts = ret.split(",")
    if len(parts) == 1 and ":" not in ret:
        return TS_RETURNS.get(ret, "unknown")
    if all(":" in p for p in parts):
        fields = [p.split(":") for p in parts]
        tup = ", ".join(TS_RETURNS.get(c, "unknown") for _, c in fields)
        named = "; ".join(f"{n}: {TS_RETURNS.get(c, 'unknown')}" for n, c in fields)
        return f"[{tup}] & {{ {named} }}"
    return "[" + ", ".join(TS_RETURNS.get(c, "unknown") for c in parts) + "]"


def ts_overloads(name, entry, method):
    out = []
    numbers = bool(entry.get("n"))
    for o in entry["o"]:
        end = next(i for i, p in enumerate(o) if p.startswith("->"))
        raw = o[1:end]
        outs = o[end + 1].split(":")[-1].split(",") if len(o) > end + 1 else None
        positional, keywords = [], []
        star = False
        for p in raw:
            if p == "*":
                star = True
                continue
            flags, pname, code, default = parse_param(p)
            if "^" in flags:
                continue
            (keywords if star else positional).append((pname, code, default))
        ret = ts_return(o[end][2:], method)
        opts_fields = [f"{camel(n)}?: {ts_type(c, numbers)}" for n, c, _ in positional + keywords]
        if outs is not None:
            if o[end][2:] == "L":  # one list out= argument (Tensor(a!)[] out)
                opts_fields.append("out?: readonly Tensor[]")
            else:
                opts_fields.append("out?: Tensor" if len(outs) == 1 else f"out?: readonly [{', '.join(['Tensor'] * len(outs))}]")
        opts = "{ " + "; ".join(opts_fields) + " }" if opts_fields else None
        required = 0
        for n, c, d in positional:
            if d is None:
                required += 1
            else:
                break
        # Any parameter may come by name, so fewer positionals than required take the rest
        # from a (then required) options object.
        for k in range(0, len(positional) + 1):
            args = [f"{ident(camel(n))}: {ts_type(c, numbers)}" for n, c, _ in positional[:k]]
            if opts:
                args.append(f"options{'?' if k >= required else ''}: {opts}")
            elif k < required:
                continue
            out.append(f"  {name}({', '.join(args)}): {ret};")
        if len(positional) == 1 and positional[0][1].startswith("I") and not positional[0][1].startswith("I?"):
            out.append(f"  {name}(...{ident(camel(positional[0][0]))}: IntLike[]): {ret};")
            if opts:
                out.append(f"  {name}(...args: [...IntLike[], {opts}]): {ret};")
    return out


HEADER = """// Generated by scripts/generate-ops.py from PyTorch {version}'s native_functions.yaml. Do not edit.
// Regenerate with `npm run generate`; CI checks that this file is current.
"""


def write_all(check):
    tables, public, nnf = collect()
    files = {}
    version = torch.__version__.split("+")[0]
    # The data table the argument parser reads (lib/arg_parser.ts).
    lines = [HEADER.format(version=version)]
    lines.append("/** An overload: [schema name, ...parameters, '->' + returns] (see lib/arg_parser.ts). */")
    lines.append("export type Overload = readonly string[];")
    lines.append("export interface Entry { readonly o: readonly Overload[]; readonly n?: 1 }")
    for ns, table in tables.items():
        lines.append(f"export const {ns}: Record<string, Entry> = {{")
        for name, entry in table.items():
            lines.append(f"  {json.dumps(name)}: {json.dumps(entry, separators=(',', ':'))},")
        lines.append("};")
    lines.append("/** Names PyTorch binds straight from ATen in each public namespace (the rest it writes in Python). */")
    lines.append("export const bound: Record<string, readonly string[]> = " + json.dumps(public, separators=(",", ":")) + ";")
    lines.append("/** torch.nn.functional's ATen-bound functions: [namespace, name] of their binding. */")
    lines.append("export const nnFunctional: Record<string, readonly [string, string]> = " + json.dumps(nnf, separators=(",", ":")) + ";")
    files["signatures.ts"] = "\n".join(lines) + "\n"

    # Types: one interface per namespace, overloads generated from the signatures.
    lines = [HEADER.format(version=version)]
    lines.append("import type { DeviceLike } from '../device';")
    lines.append("import type { DType } from '../dtype';")
    lines.append("import type { Layout, MemoryFormat } from '../layout';")
    lines.append("import type { Generator } from '../random';")
    lines.append("import type { FloatLike, IntLike, IntList, ScalarLike } from '../scalar';")
    lines.append("import type { Tensor } from '../tensor';")
    lines.append("")

    def interface(title, ns, names, method=False, rename=None):
        lines.append(f"export interface {title} {{")
        for pyname in names:
            js = camel(pyname if rename is None else rename[pyname][1])
            target = pyname if rename is None else rename[pyname][1]
            entry = tables[ns if rename is None else rename[pyname][0]][target]
            lines.extend(ts_overloads(camel(pyname), entry, method))
        lines.append("}")

    interface("TensorMethods", "Tensor", public["Tensor"], method=True)
    interface("TorchFunctions", "torch", public["torch"])
    interface("LinalgFunctions", "linalg", public["linalg"])
    interface("FftFunctions", "fft", public["fft"])
    interface("SpecialFunctions", "special", public["special"])
    interface("NnFunctionalBound", None, list(nnf), rename=nnf)
    files["types.ts"] = "\n".join(lines) + "\n"

    # The exported functions: one line each, so that `import { exp } from 'torchnode'` works.
    for ns, title, fname in (("torch", "TorchFunctions", "torch.ts"), ("linalg", "LinalgFunctions", "linalg.ts"),
                             ("fft", "FftFunctions", "fft.ts"), ("special", "SpecialFunctions", "special.ts")):
        lines = [HEADER.format(version=version)]
        lines.append("import { bindFunction } from '../arg_parser';")
        lines.append(f"import type {{ {title} }} from './types';")
        lines.append("")
        for pyname in public[ns]:
            js = camel(pyname)
            if js in RESERVED:
                lines.append(f"const {js}_: {title}['{js}'] = bindFunction('{ns}', '{pyname}');")
                lines.append(f"export {{ {js}_ as {js} }};")
            else:
                lines.append(f"export const {js}: {title}['{js}'] = bindFunction('{ns}', '{pyname}');")
        files[fname] = "\n".join(lines) + "\n"
    lines = [HEADER.format(version=version)]
    lines.append("import { bindFunction } from '../arg_parser';")
    lines.append("import type { NnFunctionalBound } from './types';")
    lines.append("")
    for name, (ns, target) in nnf.items():
        lines.append(f"export const {camel(name)}: NnFunctionalBound['{camel(name)}'] = bindFunction('{ns}', '{target}', '{name}');")
    files["nn_functional.ts"] = "\n".join(lines) + "\n"

    stale = []
    for fname, text in files.items():
        path = os.path.join(OUT, fname)
        current = open(path).read() if os.path.exists(path) else None
        if current != text:
            stale.append(fname)
            if not check:
                os.makedirs(OUT, exist_ok=True)
                with open(path, "w") as fh:
                    fh.write(text)
    counts = {ns: len(v) for ns, v in public.items()}
    print(f"generate-ops: {counts}, nn.functional {len(nnf)}; " + (f"stale: {stale}" if stale else "up to date"), file=sys.stderr)
    return stale


if __name__ == "__main__":
    check = "--check" in sys.argv
    stale = write_all(check)
    sys.exit(1 if check and stale else 0)
