// Python's argument parsing for every ATen-bound function (torch/csrc/utils/python_arg_parser.cpp):
// the generated table (lib/generated/signatures.ts) lists each name's overloads in PyTorch's
// order; a call binds its JS arguments to the first overload they fit — positional arguments in
// order, then a trailing options object whose camelCase keys name any parameter — converts them
// and calls the op through the dispatcher (native/dispatch.cc). Nothing is silently ignored: an
// extra positional argument, an unknown key or a wrong type is PyTorch's TypeError.
import { checkedDevice } from './cuda';
import { Device } from './device';
import { DType, dtypeFromCode } from './dtype';
import * as sig from './generated/signatures';
import { Layout, MemoryFormat } from './layout';
import { isOptions, snakeToCamel } from './nn/modules_utils';
import { native, type Handle } from './native';
import { Complex } from './complex';
import { PyFloat } from './scalar';
import { Generator } from './random';
import { Tensor, type NamedTuple } from './tensor';

const enum K {
  Tensor, Scalar, Int, Float, Bool, Str, Dtype, Layout, Device, MemoryFormat, Generator,
  TensorList, OptTensorList, IntList, FloatList, BoolList, ScalarList,
}
const KINDS: Record<string, K> = {
  T: K.Tensor, S: K.Scalar, i: K.Int, f: K.Float, b: K.Bool, s: K.Str, d: K.Dtype, l: K.Layout,
  D: K.Device, m: K.MemoryFormat, g: K.Generator, L: K.TensorList, 'L?': K.OptTensorList,
  I: K.IntList, F: K.FloatList, B: K.BoolList, SL: K.ScalarList,
};
// How PyTorch's signatures name each type in messages.
const TYPE_NAMES = [
  'Tensor', 'Number', 'int', 'float', 'bool', 'str', 'torch.dtype', 'torch.layout', 'torch.device',
  'torch.memory_format', 'torch.Generator', 'tuple of Tensors', 'tuple of Tensors', 'tuple of ints',
  'tuple of floats', 'tuple of bools', 'tuple of Scalars',
];

interface Param {
  name: string; // Python's name
  key: string; // the options key: Python's name in lowerCamelCase
  kind: K;
  optional: boolean; // accepts null (None)
  size: number; // int[2]: a single int stands for the list
  hasDefault: boolean;
  kwOnly: boolean;
  schemaName: string;
  schemaIndex: number; // position in the dispatcher's schema; -1: Python-only (requires_grad)
  display: string;
}

const TENSOR_OPTIONS = new Set(['dtype', 'layout', 'device', 'pin_memory', 'requires_grad']);

const enum R { None, Tensor, TensorList, Plain, Dtype, Alias, Tuple }

interface Signature {
  readonly schema: string;
  id: number; // looked up in the dispatcher on first use
  selfIndex: number; // schema position of the method's receiver, or -1
  readonly selfName: string | null;
  readonly params: readonly Param[];
  readonly positional: readonly Param[];
  readonly keywords: readonly Param[]; // keyword-only
  readonly byKey: ReadonlyMap<string, Param>;
  readonly nSchema: number;
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly varargs: boolean; // a lone int-list parameter may be given as f(2, 3)
  readonly ret: R;
  readonly retKinds: readonly R[];
  readonly retNames: readonly string[] | null;
  readonly alias: Param | null; // Alias: the argument written in place and returned
  readonly requiresGrad: Param | null;
  readonly display: string;
  /** The out= overload: its schema, its out arguments' names, and (once looked up) where they go. */
  readonly out: { schema: string; names: readonly string[]; id: number; positions: number[]; argIndex: number[] } | null;
  /** The argument array calls reuse (one op call allocates as little as possible); null while in use. */
  buffer: unknown[] | null;
}

interface Group {
  readonly name: string;
  readonly method: boolean;
  readonly numbersAsTensors: boolean;
  readonly signatures: readonly Signature[];
  /** Per count of positional arguments: a compiled binding of calls without an options object. */
  readonly fast: (FastPath | null | undefined)[];
}
type FastPath = (self: Tensor | undefined, args: ArrayLike<unknown>) => unknown;


function parseParam(text: string, kwOnly: boolean): { p: Param; self: boolean; schemaName: string } {
  let flags = '';
  while (text[0] === '^' || text[0] === '+') {
    flags += text[0];
    text = text.slice(1);
  }
  let def: string | undefined;
  const eq = text.indexOf('=');
  if (eq >= 0) {
    def = text.slice(eq + 1);
    text = text.slice(0, eq);
  }
  const colon = text.indexOf(':');
  const names = text.slice(0, colon);
  let code = text.slice(colon + 1);
  const [name, schemaName = name] = names.split('>') as [string, string?];
  let optional = false;
  if (code.endsWith('?') && code !== 'L?') {
    optional = true;
    code = code.slice(0, -1);
  }
  const m = /^([A-Za-z]+\??)(\d*)$/.exec(code)!;
  const kind = KINDS[m[1]!];
  if (kind === undefined) throw new Error(`arg_parser: unknown type code ${code}`);
  const size = m[2] ? Number(m[2]) : 0;
  const typeName = TYPE_NAMES[kind]!;
  const p: Param = {
    name, key: snakeToCamel(name), kind, optional, size, hasDefault: def !== undefined, kwOnly,
    schemaName, schemaIndex: flags.includes('+') ? -1 : 0, display: `${typeName} ${name}${def !== undefined ? ` = ${def}` : ''}`,
  };
  return { p, self: flags.includes('^'), schemaName };
}

function retKind(code: string): R {
  if (code === 'T') return R.Tensor;
  if (code === 'L') return R.TensorList;
  if (code === 'd') return R.Dtype;
  return R.Plain;
}

function compileSignature(o: readonly string[]): Signature {
  const schema = o[0]!;
  const end = o.findIndex((x) => x.startsWith('->'));
  const ret = o[end]!.slice(2);
  const outSpec = o[end + 1]?.split(':');
  // 'out:aten::max.dim_max:max,max_values'
  const out = outSpec === undefined ? null : { schema: `aten::${outSpec[3]}`, names: outSpec[4]!.split(','), id: -1, positions: [], argIndex: [] };
  const positional: Param[] = [];
  const keywords: Param[] = [];
  const order: string[] = []; // schema names in table order (the table keeps schema order)
  let kwOnly = false;
  let selfName: string | null = null;
  let requiresGrad: Param | null = null;
  const all: Param[] = [];
  for (const text of o.slice(1, end)) {
    if (text === '*') {
      kwOnly = true;
      continue;
    }
    const { p, self, schemaName } = parseParam(text, kwOnly);
    if (self) {
      selfName = schemaName;
      order.push(schemaName);
      continue;
    }
    if (p.schemaIndex === -1) requiresGrad = p;
    else order.push(schemaName);
    (kwOnly ? keywords : positional).push(p);
    all.push(p);
  }
  const byKey = new Map<string, Param>();
  for (const p of all) byKey.set(p.key, p);
  let alias: Param | null = null;
  let r: R;
  let retKinds: R[] = [];
  let retNames: string[] | null = null;
  if (ret === '') r = R.None;
  else if (ret.startsWith('!')) {
    r = R.Alias;
    const target = ret.slice(1);
    alias = target === selfName ? null : (all.find((p) => p.schemaName === target) ?? null);
  } else if (ret.includes(',')) {
    r = R.Tuple;
    const parts = ret.split(',');
    const named = parts.every((x) => x.includes(':'));
    retKinds = parts.map((x) => retKind(named ? x.split(':')[1]! : x));
    if (named) retNames = parts.map((x) => x.split(':')[0]!);
  } else r = retKind(ret);
  // Python shows a factory's TensorOptions (dtype, layout, device, pin_memory, requires_grad)
  // after out=, the other keywords before it.
  const factory = keywords.some((p) => p.name === 'layout');
  const options = factory ? keywords.filter((p) => TENSOR_OPTIONS.has(p.name)) : [];
  const shown = [...positional.map((p) => p.display)];
  if (keywords.length > 0 || out !== null) shown.push('*', ...keywords.filter((p) => !options.includes(p)).map((p) => p.display));
  if (out !== null) shown.push(out.names.length === 1 ? 'Tensor out = None' : 'tuple of Tensors out = None');
  shown.push(...options.map((p) => p.display));
  return {
    schema, id: -1, selfIndex: -1, selfName, params: all, positional, keywords, byKey,
    nSchema: order.length, minArgs: all.filter((p) => !p.hasDefault).length, maxArgs: all.length,
    varargs: positional.length === 1 && positional[0]!.kind === K.IntList,
    ret: r, retKinds, retNames, alias, requiresGrad,
    display: `(${shown.join(', ')})`,
    out,
    buffer: new Array<unknown>(order.length),
  };
}

// Looks the overload up in the dispatcher and places each parameter at its schema position
// (Python's keyword order is not always the schema's).
function lookup(s: Signature): void {
  const dot = s.schema.indexOf('.');
  const id = native.lookupOp(dot < 0 ? s.schema : s.schema.slice(0, dot), dot < 0 ? '' : s.schema.slice(dot + 1));
  const names = native.opArgNames(id);
  const missing: string[] = [];
  for (const p of s.params) {
    if (p.schemaIndex === -1) continue;
    p.schemaIndex = names.indexOf(p.schemaName);
    if (p.schemaIndex < 0) missing.push(p.schemaName);
  }
  if (s.selfName !== null) s.selfIndex = names.indexOf(s.selfName);
  if (missing.length > 0 || names.length !== s.nSchema) {
    throw new Error(`torchnode: ${s.schema} in this libtorch is not the schema torchnode was generated for (${names.join(', ')})`);
  }
  s.id = id;
}

// The out= overload: the same arguments, then the tensors written.
function lookupOut(s: Signature): NonNullable<Signature['out']> {
  const out = s.out!;
  if (out.id < 0) {
    const [name, overload] = out.schema.split('.') as [string, string];
    const id = native.lookupOp(name, overload ?? '');
    const names = native.opArgNames(id);
    out.positions = out.names.map((n) => names.indexOf(n));
    // Where each argument of the functional overload goes in the out overload.
    const functional = native.opArgNames(s.id);
    out.argIndex = functional.map((n) => names.indexOf(n));
    out.id = id;
  }
  return out;
}

// ---- converting one argument ------------------------------------------------------------

const FAIL = Symbol('fail');
/** The element of a list argument that did not convert (for messages). */
let failedElement = -1;

function isNumberLike(v: unknown): boolean {
  const t = typeof v;
  return t === 'number' || t === 'bigint' || t === 'boolean' || v instanceof PyFloat || v instanceof Complex;
}

// What crosses into the addon for a Python float or complex: a Float64Array of 1 or 2 numbers.
function boxed(v: PyFloat | Complex): Float64Array {
  return v instanceof PyFloat ? new Float64Array([v.value]) : new Float64Array([v.real, v.imag]);
}

// A 0-dim tensor without grad stands for a Python number where one is expected.
function scalarOf(v: Tensor, integral: boolean): unknown {
  if (v.requiresGrad || v.dim() !== 0) return FAIL;
  if (integral && (v.dtype.isFloatingPoint || v.dtype.name === 'bool' || v.dtype.isComplex)) return FAIL;
  const x = v.item();
  return typeof x === 'number' && !integral && Number.isInteger(x) ? new Float64Array([x]) : x;
}

function convertInt(v: unknown): unknown {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : FAIL;
  if (typeof v === 'bigint') return v;
  if (v instanceof Tensor) return scalarOf(v, true);
  return FAIL;
}

function convertList(v: unknown, each: (e: unknown) => unknown): unknown {
  if (!Array.isArray(v)) return FAIL;
  const out = new Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const c = each(v[i]);
    if (c === FAIL) {
      failedElement = i;
      return FAIL;
    }
    out[i] = c;
  }
  return out;
}

function convertFloat(v: unknown): unknown {
  if (typeof v === 'number') return v;
  if (v instanceof PyFloat) return v.value;
  if (typeof v === 'bigint') return v;
  if (v instanceof Tensor) return scalarOf(v, false);
  return FAIL;
}

function convertScalar(v: unknown): unknown {
  const t = typeof v;
  if (t === 'number' || t === 'bigint' || t === 'boolean') return v;
  if (v instanceof PyFloat || v instanceof Complex) return boxed(v);
  if (v instanceof Tensor) return scalarOf(v, false);
  return FAIL;
}

function convert(p: Param, v: unknown, numbers: boolean): unknown {
  if (v === null) return p.optional ? null : FAIL;
  switch (p.kind) {
    case K.Tensor:
      if (v instanceof Tensor) return v._h;
      if (numbers && isNumberLike(v)) return v instanceof PyFloat || v instanceof Complex ? boxed(v) : v;
      return FAIL;
    case K.Scalar:
      return convertScalar(v);
    case K.Int:
      return convertInt(v);
    case K.Float:
      return convertFloat(v);
    case K.Bool:
      return typeof v === 'boolean' ? v : FAIL;
    case K.Str:
      return typeof v === 'string' ? v : FAIL;
    case K.Dtype:
      return v instanceof DType ? v.code : FAIL;
    case K.Layout:
      return v instanceof Layout ? v.code : FAIL;
    case K.MemoryFormat:
      return v instanceof MemoryFormat ? v.code : FAIL;
    case K.Device:
      if (typeof v === 'string' || v instanceof Device) return checkedDevice(v);
      if (typeof v === 'number' && Number.isSafeInteger(v)) return checkedDevice(`cuda:${v}`);
      return FAIL;
    case K.Generator:
      return v instanceof Generator ? v._h : FAIL;
    case K.TensorList:
      return convertList(v, (e) => (e instanceof Tensor ? e._h : FAIL));
    case K.OptTensorList:
      return convertList(v, (e) => (e instanceof Tensor ? e._h : e === null || e === undefined ? null : FAIL));
    case K.IntList:
      if (p.size > 0 && (typeof v === 'number' || typeof v === 'bigint')) return convertInt(v);
      return convertList(v, convertInt);
    case K.FloatList:
      if (p.size > 0 && (typeof v === 'number' || v instanceof PyFloat)) return convertFloat(v);
      return convertList(v, convertFloat);
    case K.BoolList:
      if (p.size > 0 && typeof v === 'boolean') return v;
      return convertList(v, (e) => (typeof e === 'boolean' ? e : FAIL));
    case K.ScalarList:
      return convertList(v, convertScalar);
  }
}

// ---- binding a call ------------------------------------------------------------------------

// Binds args[0..n) and `opts` to `s`; returns the schema-ordered argument array or null.
function bind(g: Group, s: Signature, self: Tensor | undefined, args: ArrayLike<unknown>, n: number, opts: Record<string, unknown> | undefined): unknown[] | null {
  let out = s.buffer;
  if (out === null) out = new Array<unknown>(s.nSchema); // taken by an outer call
  else s.buffer = null;
  if (bindInto(g, s, self, args, n, opts, out)) return out;
  release(s, out);
  return null;
}

// Gives the argument array back for the next call, holding no handles.
function release(s: Signature, out: unknown[]): void {
  for (let i = 0; i < out.length; i++) out[i] = undefined;
  s.buffer = out;
}

// Fills `out` (schema order) from args[0..n) and `opts`; false when they do not fit `s`.
function bindInto(g: Group, s: Signature, self: Tensor | undefined, args: ArrayLike<unknown>, n: number, opts: Record<string, unknown> | undefined, out: unknown[]): boolean {
  if (s.selfIndex >= 0) out[s.selfIndex] = self!._h;
  const pos = s.positional;
  let usedKeys = 0;
  if (n > pos.length) {
    if (!(s.varargs && n > 1)) return false;
    const list = convertList(Array.prototype.slice.call(args, 0, n), convertInt);
    if (list === FAIL) return false;
    out[pos[0]!.schemaIndex] = list;
  } else {
    for (let i = 0; i < pos.length; i++) {
      const p = pos[i]!;
      let v = i < n ? args[i] : undefined;
      if (opts !== undefined && p.key in opts) {
        if (v !== undefined) return false;
        v = opts[p.key];
        usedKeys++;
      }
      if (v === undefined) {
        if (!p.hasDefault) return false;
        continue;
      }
      if (s.varargs && i === 0 && (typeof v === 'number' || typeof v === 'bigint')) {
        const c = convertInt(v);
        if (c === FAIL) return false;
        out[p.schemaIndex] = [c];
        continue;
      }
      const c = convert(p, v, g.numbersAsTensors);
      if (c === FAIL) return false;
      if (p.schemaIndex >= 0) out[p.schemaIndex] = c;
    }
  }
  if (opts !== undefined) {
    for (const p of s.keywords) {
      if (!(p.key in opts)) {
        if (!p.hasDefault) return false;
        continue;
      }
      usedKeys++;
      const v = opts[p.key];
      if (v === undefined) continue;
      const c = convert(p, v, g.numbersAsTensors);
      if (c === FAIL) return false;
      if (p.schemaIndex >= 0) out[p.schemaIndex] = c;
    }
    if (s.out !== null && 'out' in opts) {
      usedKeys++;
      const v = opts.out;
      if (v !== undefined && v !== null) {
        if (s.ret === R.TensorList) {
          // One out= argument that is a list (Tensor(a!)[] out): unbind_copy, split_copy.
          if (!Array.isArray(v) || !v.every((t) => t instanceof Tensor)) return false;
        } else {
          const outs = s.out.names.length === 1 ? [v] : v;
          if (!Array.isArray(outs) || outs.length !== s.out.names.length || !outs.every((t) => t instanceof Tensor)) return false;
        }
      }
    }
    if (usedKeys !== Object.keys(opts).length) return false;
  } else {
    for (const p of s.keywords) if (!p.hasDefault) return false;
  }
  return true;
}

// native.callOp(id, ...a) without the spread, which costs more than the rest of the binding.
function callNative(id: number, a: unknown[]): unknown {
  switch (a.length) {
    case 1: return native.callOp(id, a[0]);
    case 2: return native.callOp(id, a[0], a[1]);
    case 3: return native.callOp(id, a[0], a[1], a[2]);
    case 4: return native.callOp(id, a[0], a[1], a[2], a[3]);
    case 5: return native.callOp(id, a[0], a[1], a[2], a[3], a[4]);
    case 6: return native.callOp(id, a[0], a[1], a[2], a[3], a[4], a[5]);
    default: return native.callOp(id, ...a);
  }
}

function wrapTensor(x: unknown): Tensor | null {
  return x === null || x === undefined ? null : new Tensor(x as Handle);
}

function wrapReturn(kind: R, x: unknown): unknown {
  switch (kind) {
    case R.Tensor:
      return wrapTensor(x);
    case R.TensorList:
      return (x as Handle[]).map((h) => new Tensor(h));
    case R.Dtype:
      return dtypeFromCode(x as number);
    default:
      return x;
  }
}

function invoke(s: Signature, out: unknown[], self: Tensor | undefined, args: ArrayLike<unknown>, opts: Record<string, unknown> | undefined): unknown {
  if (opts !== undefined && s.out !== null && opts.out != null) {
    try {
      return invokeOut(s, out, opts.out);
    } finally {
      release(s, out);
    }
  }
  let result: unknown;
  try {
    result = callNative(s.id, out);
  } finally {
    release(s, out);
  }
  switch (s.ret) {
    case R.None:
      return undefined;
    case R.Tensor: {
      const t = wrapTensor(result);
      if (s.requiresGrad !== null && t !== null && requiresGradOf(s, args, opts)) t.requiresGrad_(true);
      return t;
    }
    case R.Alias:
      if (s.alias === null) return self ?? args[0];
      return s.alias.kwOnly ? opts![s.alias.key] : args[s.positional.indexOf(s.alias)] ?? opts?.[s.alias.key];
    case R.Tuple: {
      const arr = result as unknown[];
      const values = arr.map((x, i) => wrapReturn(s.retKinds[i]!, x));
      if (s.retNames !== null) s.retNames.forEach((n, i) => Object.defineProperty(values, n, { value: values[i], enumerable: false }));
      return values as NamedTuple;
    }
    default:
      return wrapReturn(s.ret, result);
  }
}

// Python's out=: the result is written into the given tensor(s), which are returned.
function invokeOut(s: Signature, args: unknown[], given: unknown): unknown {
  const out = lookupOut(s);
  const call = new Array<unknown>(out.argIndex.length + out.names.length);
  args.forEach((a, i) => (call[out.argIndex[i]!] = a));
  if (s.ret === R.TensorList) {
    // One list out= argument (Tensor(a!)[] out): its overload returns nothing, and Python None.
    call[out.positions[0]!] = (given as Tensor[]).map((t) => t._h);
    native.callOp(out.id, ...call);
    return undefined;
  }
  const tensors = (out.names.length === 1 ? [given] : given) as Tensor[];
  tensors.forEach((t, i) => (call[out.positions[i]!] = t._h));
  native.callOp(out.id, ...call);
  return given;
}

function requiresGradOf(s: Signature, args: ArrayLike<unknown>, opts: Record<string, unknown> | undefined): boolean {
  const p = s.requiresGrad!;
  const v = p.kwOnly ? opts?.[p.key] : (args[s.positional.indexOf(p)] ?? opts?.[p.key]);
  return v === true;
}

function call(g: Group, self: Tensor | undefined, args: ArrayLike<unknown>): unknown {
  let fast = g.fast[args.length];
  if (fast === undefined) fast = g.fast[args.length] = compileFast(g, args.length);
  if (fast !== null) {
    const r = fast(self, args);
    if (r !== FAIL) return r;
  }
  let n = args.length;
  let opts: Record<string, unknown> | undefined;
  if (n > 0 && isOptions(args[n - 1])) {
    opts = args[n - 1] as Record<string, unknown>;
    n--;
  }
  while (n > 0 && args[n - 1] === undefined) n--; // trailing undefined: not given
  const sigs = g.signatures;
  for (let i = 0; i < sigs.length; i++) {
    const out = bind(g, sigs[i]!, self, args, n, opts);
    if (out !== null) return invoke(sigs[i]!, out, self, args, opts);
  }
  throw invalidArguments(g, args, n, opts);
}

// ---- the compiled fast path ---------------------------------------------------------------
// Most calls are a few positional arguments and no options object (`a.add(b)`, `x.sum(1)`). For
// each count n, the overloads that such a call can bind to are compiled into one function with
// the checks and the argument order written out, so the hot path is one op call; anything it does
// not cover (options, a conversion it does not inline, an unusual return) falls back to bind().

function compileFast(g: Group, n: number): FastPath | null {
  const consts: unknown[] = [];
  const ref = (x: unknown): string => `k[${consts.push(x) - 1}]`;
  const blocks: string[] = [];
  for (let si = 0; si < g.signatures.length; si++) {
    const s = g.signatures[si]!;
    const pos = s.positional;
    // An earlier overload taking the call's ints as a size list decides on the slow path.
    if (s.varargs && n > 1) break;
    if (n > pos.length || s.keywords.some((p) => !p.hasDefault) || pos.slice(n).some((p) => !p.hasDefault)) continue;
    if (s.ret === R.Tuple) continue;
    const lines: string[] = [`s${si}: {`];
    const slots = new Array<string>(s.nSchema).fill('undefined');
    if (s.selfIndex >= 0) slots[s.selfIndex] = 'self._h';
    for (let i = 0; i < n; i++) {
      const p = pos[i]!;
      const v = `a${i}`;
      lines.push(`  const ${v} = args[${i}]; let c${i};`);
      const missing = p.hasDefault ? `if (${v} === undefined) c${i} = undefined; else ` : '';
      const none = p.optional ? `if (${v} === null) c${i} = null; else ` : '';
      if (p.kind === K.Tensor) {
        const number = g.numbersAsTensors ? `if ((c${i} = convert(${ref(p)}, ${v}, true)) === FAIL) ` : '';
        lines.push(`  ${missing}${none}if (${v} instanceof Tensor) c${i} = ${v}._h; else ${number}break s${si};`);
      } else {
        lines.push(`  ${missing}${none}if ((c${i} = convert(${ref(p)}, ${v}, ${g.numbersAsTensors})) === FAIL) break s${si};`);
      }
      if (p.schemaIndex >= 0) slots[p.schemaIndex] = `c${i}`;
    }
    const callExpr = `native.callOp(${s.id}, ${slots.join(', ')})`;
    if (s.ret === R.Tensor) lines.push(`  return wrapTensor(${callExpr});`);
    else if (s.ret === R.Alias) lines.push(`  ${callExpr}; return ${s.alias === null ? (g.method ? 'self' : 'args[0]') : `args[${pos.indexOf(s.alias)}]`};`);
    else if (s.ret === R.None) lines.push(`  ${callExpr}; return undefined;`);
    else lines.push(`  return wrapReturn(${s.ret}, ${callExpr});`);
    lines.push('}');
    blocks.push(lines.join('\n'));
  }
  if (blocks.length === 0) return null;
  const body = `return function fast(self, args) {\n${blocks.join('\n')}\nreturn FAIL;\n};`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('k', 'native', 'Tensor', 'FAIL', 'convert', 'wrapTensor', 'wrapReturn', body)(consts, native, Tensor, FAIL, convert, wrapTensor, wrapReturn) as FastPath;
}

// ---- messages, as python_arg_parser.cpp writes them ----------------------------------------

/** A JS value's type in Python's words. */
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (v instanceof Tensor) return 'Tensor';
  if (v instanceof PyFloat) return 'float';
  if (v instanceof Complex) return 'complex';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isSafeInteger(v) ? 'int' : 'float';
    case 'bigint':
      return 'int';
    case 'string':
      return 'str';
    case 'function':
      return 'function';
  }
  if (v instanceof DType) return 'torch.dtype';
  if (v instanceof Device) return 'torch.device';
  if (v instanceof Layout) return 'torch.layout';
  if (v instanceof MemoryFormat) return 'torch.memory_format';
  if (Array.isArray(v)) return v.constructor.name === 'Tuple' ? 'tuple' : 'list';
  if (v instanceof Map) return 'dict';
  return (v as object).constructor?.name ?? 'object';
}

function invalidArguments(g: Group, args: ArrayLike<unknown>, n: number, opts: Record<string, unknown> | undefined): TypeError {
  const name = `${g.name}()`;
  const given = n + (opts ? Object.keys(opts).length : 0);
  // A method without parameters is METH_NOARGS in Python: CPython's own messages.
  if (g.method && g.signatures.length === 1 && g.signatures[0]!.params.length === 0) {
    return new TypeError(opts !== undefined ? `TensorBase.${name} takes no keyword arguments` : `TensorBase.${name} takes no arguments (${n} given)`);
  }
  const plausible = g.signatures.filter((s) => given >= s.minArgs && given <= s.maxArgs + (s.varargs ? Infinity : 0));
  if (g.signatures.length === 1 || plausible.length === 1) {
    const specific = explain(g, g.signatures.length === 1 ? g.signatures[0]! : plausible[0]!, args, n, opts);
    if (specific !== null) return new TypeError(specific);
  }
  // Python joins the types with `, `; with no positional argument each keyword keeps its
  // trailing separator: `(int, generator=int)` but `(generator=int, n=float, )`.
  const got: string[] = [];
  for (let i = 0; i < n; i++) got.push(pyTypeName(args[i]));
  const keywords = opts ? Object.entries(opts).map(([k, v]) => `${k}=${pyTypeName(v)}`) : [];
  const shown = got.length > 0 ? [...got, ...keywords].join(', ') : keywords.map((k) => `${k}, `).join('');
  const lines = g.signatures.map((s) => ` * ${s.display}`);
  return new TypeError(`${name} received an invalid combination of arguments - got (${shown}), but expected one of:\n${lines.join('\n')}\n`);
}

// The specific error of one signature (FunctionSignature::parse with raise_exception).
function explain(g: Group, s: Signature, args: ArrayLike<unknown>, n: number, opts: Record<string, unknown> | undefined): string | null {
  const name = g.name;
  const pos = s.positional;
  if (n > pos.length && !s.varargs) {
    const min = pos.filter((p) => !p.hasDefault).length;
    const plural = pos.length === 1 ? '' : 's';
    if (min !== pos.length) return `${name}() takes from ${min} to ${pos.length} positional argument${plural} but ${n} were given`;
    return `${name}() takes ${pos.length} positional argument${plural} but ${n} were given`;
  }
  for (let i = 0; i < pos.length; i++) {
    const p = pos[i]!;
    const v = i < n ? args[i] : undefined;
    const fromKey = opts !== undefined && p.key in opts;
    if (v !== undefined && fromKey) return `argument for ${name}() given by name ('${p.key}') and position (${i + 1})`;
    const value = fromKey ? opts![p.key] : v;
    if (value === undefined) {
      if (!p.hasDefault) {
        const missing = pos.slice(i).filter((q) => !q.hasDefault && !(opts && q.key in opts));
        return `${name}() missing ${missing.length} required positional arguments: ${missing.map((q) => `"${q.name}"`).join(', ')}`;
      }
      continue;
    }
    const bad = badArgument(name, p, value, g.numbersAsTensors, fromKey ? null : i + 1, s);
    if (bad !== null) return bad;
  }
  if (opts !== undefined) {
    for (const key of Object.keys(opts)) {
      const p = s.byKey.get(key);
      if (key === 'out' && s.out !== null) {
        const v = opts.out;
        const want = s.out.names.length === 1 ? 'Tensor' : 'tuple of Tensors';
        const ok = v === null || (s.out.names.length === 1 ? v instanceof Tensor : Array.isArray(v) && v.every((t) => t instanceof Tensor));
        if (!ok) return `${name}(): argument 'out' must be ${want}, not ${pyTypeName(v)}`;
        continue;
      }
      if (p === undefined) return `${name}() got an unexpected keyword argument '${key}'`;
      if (!p.kwOnly) continue;
      const bad = badArgument(name, p, opts[key], g.numbersAsTensors, null, s);
      if (bad !== null) return bad;
    }
  }
  for (const p of s.keywords) {
    if (!p.hasDefault && !(opts && p.key in opts)) return `${name}() missing required keyword argument '${p.name}'`;
  }
  return null;
}

function badArgument(name: string, p: Param, v: unknown, numbers: boolean, position: number | null, s: Signature): string | null {
  if (v === undefined) return null;
  failedElement = -1;
  if (s.varargs && p === s.positional[0] && (typeof v === 'number' || typeof v === 'bigint') && convertInt(v) !== FAIL) return null;
  if (convert(p, v, numbers) !== FAIL) return null;
  if (p.kind === K.TensorList && Array.isArray(v) && failedElement >= 0) {
    return `expected Tensor as element ${failedElement} in argument ${position === null ? 0 : position - 1}, but got ${pyTypeName(v[failedElement])}`;
  }
  const where = position === null ? `argument '${p.name}'` : `argument '${p.name}' (position ${position})`;
  const typeName = TYPE_NAMES[p.kind]!;
  if (Array.isArray(v) && failedElement >= 0) {
    return `${name}(): ${where} must be ${typeName}, but found element of type ${pyTypeName(v[failedElement])} at pos ${failedElement}`;
  }
  return `${name}(): ${where} must be ${typeName}, not ${pyTypeName(v)}`;
}

// ---- the bound functions -------------------------------------------------------------------

const groups = new Map<string, Group>();
// Python's messages name these by their C binding: linalg_vector_norm(), special_erfcx().
const PREFIX: Record<string, string> = { linalg: 'linalg_', fft: 'fft_', special: 'special_' };

function group(ns: string, name: string, shownAs = name): Group {
  const k = `${ns}.${name}.${shownAs}`;
  let g = groups.get(k);
  if (g === undefined) {
    const table = (sig as unknown as Record<string, Record<string, sig.Entry>>)[ns];
    const entry = table?.[name];
    if (entry === undefined) throw new Error(`torchnode: no ATen binding ${ns}.${name}`);
    const method = ns === 'Tensor';
    g = { name: shownAs, method, numbersAsTensors: entry.n === 1, signatures: entry.o.map((o) => compileSignature(o)), fast: [] };
    for (const s of g.signatures) lookup(s);
    groups.set(k, g);
  }
  return g;
}

/**
 * The function PyTorch binds as `ns.name` (ns: torch, nn, linalg, fft, special), parsing its
 * arguments as Python does. `shownAs` is the name its messages use.
 */
export function bindFunction<F>(ns: string, name: string, shownAs: string = PREFIX[ns] === undefined ? name : PREFIX[ns] + name): F {
  let g: Group | undefined;
  return function (...args: unknown[]): unknown {
    g ??= group(ns, name, shownAs);
    return call(g, undefined, args);
  } as F;
}

/** The method PyTorch binds as `Tensor.name`. */
export function bindMethod<F>(name: string): F {
  let g: Group | undefined;
  return function (this: Tensor, ...args: unknown[]): unknown {
    g ??= group('Tensor', name);
    return call(g, this, args);
  } as F;
}

/** Installs every ATen-bound Tensor method PyTorch has that the class does not define itself. */
export function installTensorMethods(proto: object): void {
  for (const name of sig.bound.Tensor!) {
    const js = snakeToCamel(name);
    if (js in proto) continue;
    Object.defineProperty(proto, js, { value: bindMethod(name), writable: true, configurable: true });
  }
}
