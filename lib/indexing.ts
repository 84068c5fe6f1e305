// Python's tensor indexing, `x[i]` and `x[i] = v` ↔ torch/csrc/autograd/python_variable_indexing.cpp
// (THPVariable_getitem / THPVariable_setitem) over ATen/TensorIndexing.h (applySlicing,
// handleDimInMultiDimIndexing, copy_to).
//
//   x.get(...indices)          is  x[indices]
//   x.set(index, value)        is  x[index] = value        (returns x)
//   x.set([i0, i1, ...], value) is x[i0, i1, ...] = value  (an array first argument is the tuple)
//
// Each index is one of
//   3, -1, 2n            an int: select (removes the dimension), a view
//   ':', '1:3', '::2'    a slice written as in Python (parsed once, cached), a view
//   slice(a, b, c)       a Slice object, for computed bounds (null for an open one), a view
//   null                 None: a new axis of size 1, a view
//   '...'                Ellipsis
//   true / false         Python's True / False index
//   Tensor               long/int (gather) or bool/uint8 (mask) tensor: advanced indexing, a copy;
//                        a 0-dim integer tensor selects like an int
//   [0, 2], [[0], [1]]   a JS array of ints or of bools (a Python list): advanced indexing;
//                        a TypedArray indexes like an array of ints
//
// Basic indexing (ints, slices, None, Ellipsis) returns views that share storage; with any advanced
// index the result is `aten::index` of the basic-indexed view (so advanced indices separated by
// a basic one move to the front, as in NumPy). Assignment is copy_ into the view, or index_put_.
import { PyFloat, isPyInt } from './scalar';
import { native, type Handle } from './native';
import { op } from './ops';
import { Tensor, wrap } from './tensor';
import { tensor as tensorFrom, type TensorData } from './creation';
import { pyTypeName } from './arg_parser';
import * as dtypes from './dtype';
import type { DType, TypedArray } from './dtype';

// ---- the index types -----------------------------------------------------------------------

/** Python's `slice(start, stop, step)`: any bound may be null (open). */
export class Slice {
  readonly start: number | bigint | null;
  readonly stop: number | bigint | null;
  readonly step: number | bigint | null;
  constructor(start: number | bigint | null = null, stop: number | bigint | null = null, step: number | bigint | null = null) {
    this.start = start;
    this.stop = stop;
    this.step = step;
  }
  toString(): string {
    const s = (v: number | bigint | null): string => (v === null ? 'None' : String(v));
    return `slice(${s(this.start)}, ${s(this.stop)}, ${s(this.step)})`;
  }
}

/**
 * Python's built-in `slice`: `slice(stop)` or `slice(start, stop, step?)`, each bound a number,
 * a bigint or null. `x.get(torch.slice(i, i + n))` is `x[i:i + n]`.
 */
export function slice(stop: number | bigint | null): Slice;
export function slice(start: number | bigint | null, stop: number | bigint | null, step?: number | bigint | null): Slice;
export function slice(...args: (number | bigint | null | undefined)[]): Slice {
  if (args.length === 0 || args.length > 3) throw new TypeError(`slice expected at least 1 argument, got ${args.length}`);
  const [a = null, b = null, c = null] = args;
  return args.length === 1 ? new Slice(null, a) : new Slice(a, b, c);
}

/** A Python list used as an index: ints or bools, nested for a multi-dimensional index. */
export type IndexList = readonly (number | bigint | boolean | IndexList)[];
/** One index of `x.get(...)` / `x.set(...)` (see lib/indexing.ts). */
export type Index = number | bigint | string | boolean | null | Slice | Tensor | IndexList | TypedArray;
/** What `x.set(index, value)` assigns: a tensor (broadcast) or a Python number. */
export type IndexValue = Tensor | number | bigint | boolean | PyFloat;

declare module './tensor' {
  interface Tensor {
    /**
     * Python's `x[i0, i1, ...]`: ints, slice strings (`':'`, `'1:3'`, `'::2'`, `'-1:'`), `slice()`
     * objects, `null` (new axis), `'...'`, booleans, integer or boolean tensors, arrays of ints or
     * bools, in any mixture. Basic indexing returns a view.
     */
    get(...indices: Index[]): Tensor;
    /**
     * Python's `x[index] = value`; `x.set([i0, i1], v)` is `x[i0, i1] = v` (an array first
     * argument is the index tuple, so a list index is written `x.set([[0, 2]], v)`). value is a
     * tensor (broadcast to the indexed shape) or a number (converted to x's dtype). Returns x.
     */
    set(index: Index | readonly Index[], value: IndexValue): this;
  }
}

// ---- ATen ops --------------------------------------------------------------------------------

const SELECT = op('aten::select.int');
const SLICE = op('aten::slice.Tensor');
const UNSQUEEZE = op('aten::unsqueeze');
const ALIAS = op('aten::alias');
const INDEX = op('aten::index.Tensor');
const INDEX_PUT_ = op('aten::index_put_');
const COPY_ = op('aten::copy_');
const FILL_ = op('aten::fill_.Tensor');
const VIEW = op('aten::view');
const EXPAND = op('aten::expand');
const ZEROS = op('aten::zeros');
const EMPTY = op('aten::empty.memory_format');
const SCALAR_TENSOR = op('aten::scalar_tensor');
const ITEM = op('aten::item');
const TO_DTYPE = op('aten::to.dtype');
const TO_DEVICE = op('aten::to.device');
const DIM = op('aten::dim');
const SIZE = op('aten::size.int');
const FILL_SCALAR_ = op('aten::fill_.Scalar');

// native.shape builds an array; the number of dimensions alone is cheaper.
const ndimOf = (h: Handle): number => native.callOp(DIM, h) as number;

const BYTE = dtypes.uint8.code;
const BOOL = dtypes.bool.code;
const LONG = dtypes.int64.code;
const INTEGRAL = new Set([0, 1, 2, 3, 4, 11, 27, 28, 29]); // isIntegralType(includeBool=true)

// ---- slice strings ---------------------------------------------------------------------------

const ELLIPSIS = 1;
/** A parsed slice: step > 0 was not yet checked (Python checks it when applying). */
interface SliceSpec {
  start: number | bigint | null;
  stop: number | bigint | null;
  step: number | bigint;
}
const parsed = new Map<string, SliceSpec | typeof ELLIPSIS>();
const INT64_MAX = 2n ** 63n - 1n;

function parseBound(text: string, whole: string): number | bigint | null {
  let a = 0;
  let b = text.length;
  while (a < b && text.charCodeAt(a) === 32) a++;
  while (b > a && text.charCodeAt(b - 1) === 32) b--;
  if (a === b) return null;
  let i = a;
  const c0 = text.charCodeAt(i);
  if (c0 === 43 || c0 === 45) i++; // + -
  if (i === b) badString(whole);
  for (let j = i; j < b; j++) {
    const c = text.charCodeAt(j);
    if (c < 48 || c > 57) badString(whole);
  }
  const s = text.slice(a, b);
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : clampBig(BigInt(s));
}

function badString(s: string): never {
  throw new TypeError(`invalid index '${s}': a string index is a slice, '[start]:[stop][:step]' with integers, or '...'`);
}

function parseString(s: string): SliceSpec | typeof ELLIPSIS {
  let p = parsed.get(s);
  if (p !== undefined) return p;
  if (s === '...') {
    p = ELLIPSIS;
  } else {
    const c1 = s.indexOf(':');
    if (c1 < 0) badString(s);
    const c2 = s.indexOf(':', c1 + 1);
    if (c2 >= 0 && s.indexOf(':', c2 + 1) >= 0) badString(s);
    const start = parseBound(s.slice(0, c1), s);
    const stop = parseBound(c2 < 0 ? s.slice(c1 + 1) : s.slice(c1 + 1, c2), s);
    const step = c2 < 0 ? null : parseBound(s.slice(c2 + 1), s);
    p = { start, stop, step: step ?? 1 };
  }
  if (parsed.size >= 4096) parsed.clear(); // computed strings (`${i}:${i + 1}`) must not grow it forever
  parsed.set(s, p);
  return p;
}

function clampBig(v: bigint): number | bigint {
  // PySlice_Unpack clamps bounds to the index range.
  if (v > INT64_MAX) return INT64_MAX;
  if (v < -INT64_MAX) return -INT64_MAX;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
}

function sliceBound(v: unknown): number | bigint | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'bigint') return clampBig(v);
  throw new TypeError('slice indices must be integers or None or have an __index__ method');
}

function sliceOf(s: Slice): SliceSpec {
  const step = sliceBound(s.step) ?? 1;
  return { start: sliceBound(s.start), stop: sliceBound(s.stop), step };
}

// ---- the pieces of applySlicing ----------------------------------------------------------------

function indexError(message: string): never {
  throw new RangeError(message);
}

function invalidIndex(obj: unknown): never {
  indexError(`only integers, slices (\`:\`), ellipsis (\`...\`), None and long or byte Variables are valid indices (got ${obj === undefined ? 'undefined' : pyTypeName(obj)})`);
}

/** An int index as a number (or an out-of-range bigint), or undefined when obj is no int. */
function intOf(obj: unknown): number | bigint | undefined {
  if (typeof obj === 'number') return Number.isSafeInteger(obj) ? obj : undefined;
  if (typeof obj === 'bigint') {
    const n = Number(obj);
    return Number.isSafeInteger(n) ? n : obj;
  }
  return undefined;
}

/** impl::applySelect: select, with Python's bounds check and message. aten::select checks the
 * same bounds, so the check runs only when it refused (no cost on the hot path). */
function applySelect(h: Handle, dim: number, index: number | bigint, realDim: number): Handle {
  try {
    return native.callOp(SELECT, h, dim, index) as Handle;
  } catch (e) {
    const sizes = native.shape(h);
    if (index === 0 && dim === 0 && sizes.length === 0) {
      indexError('invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number');
    }
    const size = sizes[dim] ?? 0;
    if (!(index < size && index >= -size)) indexError(`index ${index} is out of bounds for dimension ${realDim} with size ${size}`);
    throw e;
  }
}

/** impl::applySlice: returns h itself for a whole-dimension slice unless disabled. */
function applySlice(h: Handle, dim: number, s: SliceSpec, disableOptimization: boolean): Handle {
  const { start, stop, step } = s;
  if (step === 0 || step === 0n) throw new Error('slice step cannot be zero');
  if (step < 0) throw new Error('step must be greater than zero');
  if (!disableOptimization && (start === null || start === 0) && step === 1) {
    if (stop === null) return h;
    if (ndimOf(h) > 0 && (native.callOp(SIZE, h, dim) as number) <= stop) return h;
  }
  return native.callOp(SLICE, h, dim, start, stop, step) as Handle;
}

function unsqueeze(h: Handle, dim: number): Handle {
  return native.callOp(UNSQUEEZE, h, dim) as Handle;
}

/** impl::boolToIndexingTensor: [0] for True, [] for False (int64, on h's device). */
function boolIndex(h: Handle, value: boolean): Handle {
  const device = native.device(h);
  return (value ? native.callOp(ZEROS, [1], LONG, null, device, null) : native.callOp(EMPTY, [0], LONG, null, device, null, null)) as Handle;
}

/** sequenceToVariable: a JS array (Python list) as an int64 tensor, or bool where it holds only bools. */
function listIndex(self: Handle, list: IndexList | ArrayLike<number>): Tensor {
  let t = tensorFrom(list as TensorData);
  const code = native.dtype(t._h);
  if (code !== BOOL && code !== LONG) {
    const long = wrap(native.callOp(TO_DTYPE, t._h, LONG, false, false));
    t.dispose();
    t = long;
  }
  const device = native.device(self);
  if (device !== 'cpu') {
    const moved = wrap(native.callOp(TO_DEVICE, t._h, device, native.dtype(t._h), false, false));
    t.dispose();
    t = moved;
  }
  return t;
}

function isTypedArrayIndex(obj: unknown): obj is ArrayLike<number> {
  return ArrayBuffer.isView(obj) && !(obj instanceof DataView);
}

/** count_specified_dimensions: what the indices consume (everything but None, Ellipsis, bools). */
function countSpecified(indices: readonly unknown[]): number {
  let count = 0;
  for (const obj of indices) {
    if (obj instanceof Tensor) {
      const code = native.dtype(obj._h);
      count += code === BYTE || code === BOOL ? ndimOf(obj._h) : 1;
    } else if (obj !== null && obj !== '...' && typeof obj !== 'boolean') {
      count++;
    }
  }
  return count;
}

/** The state of one applySlicing pass: the current dimension and the advanced indices found. */
interface Slicing {
  dim: number;
  specified: number;
  ndim: number;
  /** aten::index's indices: one per dimension of the sliced result (null: whole), once one is found. */
  out: (Handle | null)[];
  /** Index tensors made here (from arrays, bools), freed after the op. */
  made: (Handle | Tensor)[];
}

function recordTensorIndex(h: Handle, code: number, st: Slicing): void {
  if (st.out.length === 0) {
    for (let i = 0; i < st.dim; i++) st.out.push(null);
  }
  st.out.push(h);
  st.dim += code === BYTE || code === BOOL ? ndimOf(h) : 1;
}

function pad(st: Slicing, n: number): void {
  if (st.out.length !== 0) for (let i = 0; i < n; i++) st.out.push(null);
}

/** handleDimInMultiDimIndexing for one index; returns the new result handle. */
function handleDim(result: Handle, obj: unknown, realDim: number, st: Slicing): Handle {
  const int = intOf(obj);
  if (int !== undefined) return applySelect(result, st.dim, int, realDim);
  if (typeof obj === 'string') {
    const p = parseString(obj);
    if (p === ELLIPSIS) {
      const n = st.ndim - st.specified;
      st.dim += n;
      pad(st, n);
      return result;
    }
    const r = applySlice(result, st.dim, p, false);
    st.dim++;
    pad(st, 1);
    return r;
  }
  if (obj === null) {
    const r = unsqueeze(result, st.dim);
    st.dim++;
    pad(st, 1);
    return r;
  }
  if (typeof obj === 'boolean') {
    const r = unsqueeze(result, st.dim);
    const b = boolIndex(r, obj);
    st.made.push(b);
    recordTensorIndex(b, LONG, st);
    return r;
  }
  if (obj instanceof Slice) {
    const r = applySlice(result, st.dim, sliceOf(obj), false);
    st.dim++;
    pad(st, 1);
    return r;
  }
  if (obj instanceof Tensor) {
    const h = obj._h;
    const code = native.dtype(h);
    if (INTEGRAL.has(code) && ndimOf(h) === 0) {
      if (code !== BYTE && code !== BOOL) return applySelect(result, st.dim, native.callOp(ITEM, h) as number, realDim);
      const r = unsqueeze(result, st.dim);
      const b = boolIndex(r, Number(native.callOp(ITEM, h)) !== 0);
      st.made.push(b);
      recordTensorIndex(b, LONG, st);
      return r;
    }
    recordTensorIndex(h, code, st);
    return result;
  }
  return invalidIndex(obj);
}

/** impl::applySlicing over a tuple of indices: the basic-indexed view and the advanced indices in st. */
function applySlicing(self: Handle, indices: readonly unknown[], st: Slicing): Handle {
  if (st.specified > st.ndim) indexError(`too many indices for tensor of dimension ${st.ndim}`);
  let result = self;
  for (let i = 0; i < indices.length; i++) {
    const next = handleDim(result, indices[i], i, st);
    if (result !== self && next !== result) native.dispose(result);
    result = next;
  }
  return result;
}

/**
 * A pass over `indices`, whose JS arrays (Python lists) are made tensors first: an array is
 * `torch.tensor(list)`, so a nested array of bools is a multi-dimensional mask.
 */
function newSlicing(self: Handle, indices: readonly unknown[]): [Slicing, readonly unknown[]] {
  const made: (Handle | Tensor)[] = [];
  let converted: unknown[] | null = null;
  for (let k = 0; k < indices.length; k++) {
    const obj = indices[k];
    if (Array.isArray(obj) || isTypedArrayIndex(obj)) {
      converted ??= indices.slice();
      const t = listIndex(self, obj as IndexList);
      made.push(t);
      converted[k] = t;
    }
  }
  const list = converted ?? indices;
  return [{ dim: 0, specified: countSpecified(list), ndim: ndimOf(self), out: [], made }, list];
}

function trimmed(out: (Handle | null)[]): (Handle | null)[] {
  let n = out.length;
  while (n > 0 && out[n - 1] === null) n--;
  out.length = n;
  return out;
}

function freeAll(made: readonly (Handle | Tensor)[]): void {
  for (const m of made) {
    if (m instanceof Tensor) m.dispose();
    else native.dispose(m);
  }
}

// ---- __getitem__ ---------------------------------------------------------------------------

function getTuple(self: Handle, indices: readonly unknown[]): Tensor {
  const [st, list] = newSlicing(self, indices);
  let sliced = self;
  try {
    sliced = applySlicing(self, list, st);
    if (st.out.length === 0) {
      // basic indexing only: the view itself (x[...], x[:, :] give a fresh alias, never self)
      const view = sliced === self ? (native.callOp(ALIAS, self) as Handle) : sliced;
      sliced = self;
      return wrap(view);
    }
    return wrap(native.callOp(INDEX, sliced, trimmed(st.out)));
  } finally {
    if (sliced !== self) native.dispose(sliced);
    freeAll(st.made);
  }
}

function getItem(this: Tensor, ...indices: Index[]): Tensor {
  const self = this._h;
  if (indices.length === 1) {
    // THPVariable_getitem's simple cases: None, Ellipsis, an int, a slice, a bool.
    const obj = indices[0];
    const int = intOf(obj);
    if (int !== undefined) return wrap(applySelect(self, 0, int, 0));
    if (obj === null) return wrap(unsqueeze(self, 0));
    if (typeof obj === 'string') {
      const p = parseString(obj);
      return wrap(p === ELLIPSIS ? native.callOp(ALIAS, self) : applySlice(self, 0, p, true));
    }
    if (obj instanceof Slice) return wrap(applySlice(self, 0, sliceOf(obj), true));
    if (typeof obj === 'boolean') {
      const r = unsqueeze(self, 0);
      const b = boolIndex(r, obj);
      try {
        return wrap(native.callOp(INDEX, r, [b]));
      } finally {
        native.dispose(r);
        native.dispose(b);
      }
    }
  }
  return getTuple(self, indices);
}

// ---- __setitem__ ---------------------------------------------------------------------------

const LEGACY_NAMES: Record<string, string> = {
  uint8: 'Byte', int8: 'Char', int16: 'Short', int32: 'Int', int64: 'Long', float16: 'Half', float32: 'Float',
  float64: 'Double', bool: 'Bool', bfloat16: 'BFloat16', complex32: 'ComplexHalf', complex64: 'ComplexFloat', complex128: 'ComplexDouble',
};

/** torch::utils::options_to_string: `torch.FloatTensor`, `torch.cuda.LongTensor`. */
function tensorTypeName(t: Tensor): string {
  const dtype: DType = t.dtype;
  const device = native.device(t._h);
  const backend = device === 'cpu' ? 'torch.' : `torch.${device.split(':')[0]}.`;
  return `${backend}${LEGACY_NAMES[dtype.name] ?? dtype.name}Tensor`;
}

/**
 * valueToTensor: a Tensor as it is; a Python number becomes a 0-dim tensor of self's dtype and
 * device. That tensor is made only where index_put_ needs it: copying it into a view is
 * `fill_(number)` on the view, which converts (and checks for overflow) exactly as making it does.
 */
class Value {
  h: Handle | null;
  made = false;
  constructor(
    readonly self: Tensor,
    value: unknown,
  ) {
    if (value instanceof Tensor) {
      this.h = value._h;
      this.scalar = null;
      return;
    }
    this.h = null;
    if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') this.scalar = value;
    else if (value instanceof PyFloat) this.scalar = new Float64Array([value.value]);
    else throw new TypeError(`can't assign a ${pyTypeName(value)} to a ${tensorTypeName(self)}`);
  }
  readonly scalar: unknown;
  tensor(): Handle {
    if (this.h === null) {
      const self = this.self._h;
      this.h = native.callOp(SCALAR_TENSOR, this.scalar, native.dtype(self), null, native.device(self), null) as Handle;
      this.made = true;
    }
    return this.h;
  }
  /** copy_to(view, value) */
  copyInto(view: Handle): void {
    if (this.h === null) native.callOp(FILL_SCALAR_, view, this.scalar);
    else copyTo(view, this.h);
  }
  free(): void {
    if (this.made) native.dispose(this.h!);
  }
}

/** slicePrefix1sSize: the sizes without their leading 1s. */
function withoutLeadingOnes(sizes: number[]): number[] {
  let i = 0;
  while (i < sizes.length && sizes[i] === 1) i++;
  return i === 0 ? sizes : sizes.slice(i);
}

/**
 * at::indexing::copy_to: copy_ (which broadcasts src as expand would); where it refuses,
 * Python's steps: fill_ for a 0-dim CPU value, else drop the value's leading 1s and expand it.
 */
function copyTo(dst: Handle, src: Handle): void {
  try {
    native.callOp(COPY_, dst, src, false);
    return;
  } catch {
    // the error Python gives comes from its own steps, below
  }
  const ds = native.shape(dst);
  const ss = native.shape(src);
  if (ds.length === ss.length && ds.every((d, i) => d === ss[i])) {
    native.callOp(COPY_, dst, src, false);
    return;
  }
  if (ss.length === 0 && native.device(src) === 'cpu') {
    native.callOp(FILL_, dst, src);
    return;
  }
  const view = native.callOp(VIEW, src, withoutLeadingOnes(ss)) as Handle;
  try {
    const expanded = native.callOp(EXPAND, view, ds, false) as Handle;
    try {
      native.callOp(COPY_, dst, expanded, false);
    } finally {
      native.dispose(expanded);
    }
  } finally {
    native.dispose(view);
  }
}

/** copy_to into a view made from self, freeing the view. */
function copyToView(self: Handle, view: Handle, value: Value): void {
  try {
    value.copyInto(view);
  } finally {
    if (view !== self) native.dispose(view);
  }
}

function setTuple(self: Handle, indices: readonly unknown[], value: Value): void {
  const [st, list] = newSlicing(self, indices);
  let sliced = self;
  try {
    sliced = applySlicing(self, list, st);
    if (st.out.length === 0) {
      value.copyInto(sliced);
      return;
    }
    const v = value.tensor();
    const out = trimmed(st.out);
    try {
      // index_put_ broadcasts the value; only a value with more dimensions than that allows
      // needs Python's dropping of its leading 1s (slicePrefix1sSize) first.
      native.callOp(INDEX_PUT_, sliced, out, v, false);
      return;
    } catch (e) {
      const vs = native.shape(v);
      const stripped = withoutLeadingOnes(vs);
      if (stripped === vs) throw e;
      const view = native.callOp(VIEW, v, stripped) as Handle;
      try {
        native.callOp(INDEX_PUT_, sliced, out, view, false);
      } finally {
        native.dispose(view);
      }
    }
  } finally {
    if (sliced !== self) native.dispose(sliced);
    freeAll(st.made);
  }
}

function setItem<T extends Tensor>(this: T, index: Index | readonly Index[], value: IndexValue): T {
  const self = this._h;
  const v = new Value(this, value);
  try {
    if (Array.isArray(index)) {
      setTuple(self, index as readonly unknown[], v);
      return this;
    }
    // THPVariable_setitem's simple cases: False, Ellipsis, None, True, an int, a slice.
    const obj = index as Index;
    if (obj === false) return this;
    const int = intOf(obj);
    if (int !== undefined) copyToView(self, applySelect(self, 0, int, 0), v);
    else if (obj === null || obj === true) copyToView(self, unsqueeze(self, 0), v);
    else if (typeof obj === 'string') {
      const p = parseString(obj);
      copyToView(self, p === ELLIPSIS ? self : applySlice(self, 0, p, false), v);
    } else if (obj instanceof Slice) copyToView(self, applySlice(self, 0, sliceOf(obj), false), v);
    else setTuple(self, [obj], v);
    return this;
  } finally {
    v.free();
  }
}

Object.defineProperty(Tensor.prototype, 'get', { value: getItem, writable: true, configurable: true });
Object.defineProperty(Tensor.prototype, 'set', { value: setItem, writable: true, configurable: true });
