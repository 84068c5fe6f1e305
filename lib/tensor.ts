// torch.Tensor: a JS object owning one native handle (see native/tensor.cc and lib/memory.ts).
import { inspect } from 'util';
import { checkedDevice } from './cuda';
import { Device, type DeviceLike } from './device';
import { MemoryFormat, preserveFormat } from './layout';
import * as dtypes from './dtype';
import { DType, dtypeFromCode, type TypedArray } from './dtype';
import { keep, pace, track, type Disposable } from './memory';
import { native, type Handle } from './native';
import { installTensorMethods, pyTypeName } from './arg_parser';
import { isOptions } from './nn/modules_utils';
import type { TensorMethods } from './generated/types';
import { op } from './ops';
import { formatTensor } from './printing';
import type { Complex } from './complex';
import { itemOf, listOf, typedArrayOf } from './tensor_list';
import { pySignature } from './python_signature';
import { Size } from './size';

/** What an op accepts where PyTorch accepts a tensor or a Python number. */
export type TensorOrScalar = Tensor | number | boolean | bigint;
export type Scalar = number | boolean | bigint;
/** Nested arrays of numbers, booleans or complex numbers (what tolist() returns and tensor() accepts). */
export type NestedArray = Scalar | Complex | NestedArray[];

// The ATen ops behind the methods PyTorch writes by hand (python_variable_methods.cpp and
// torch/_tensor.py); every other method is generated (lib/arg_parser.ts).
const ops = {
  slice: op('aten::slice.Tensor'),
  toDevice: op('aten::to.device'),
  requiresGrad_: op('aten::requires_grad_'),
  backward: op('aten::_backward'),
  setData: op('aten::set_data'),
  copy_: op('aten::copy_'),
  isLeaf: op('aten::is_leaf'),
  contiguous: op('aten::contiguous'),
  isContiguous: op('aten::is_contiguous'),
  numel: op('aten::numel'),
  dim: op('aten::dim'),
  detach: op('aten::detach'),
};

/** Wraps what callOp returned: handles become Tensors (arrays element-wise). */
export function wrap(result: unknown): Tensor {
  return new Tensor(result as Handle);
}

function normDim(dim: number, ndim: number): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    throw new RangeError(`Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + n : dim;
}

/** Wraps an array of handles (ops returning Tensor[]). */
export function wrapAll(result: unknown): Tensor[] {
  return (result as Handle[]).map((r) => new Tensor(r));
}

/** A named tuple (torch.return_types): an array whose elements also have names. */
export type NamedTuple = unknown[] & Record<string, unknown>;
/** What max(dim) / min(dim) return: destructure it (`const [values, indices] = ...`) or use the names. */
export type ValuesIndices = [Tensor, Tensor] & { values: Tensor; indices: Tensor };



type ToOptions = { device?: DeviceLike | null; dtype?: DType | null; nonBlocking?: boolean; copy?: boolean; memoryFormat?: MemoryFormat | null };
type ToArgs =
  | [options?: ToOptions]
  | [dtype: DType, nonBlocking?: boolean, copy?: boolean, options?: ToOptions]
  | [device: DeviceLike | null, dtype?: DType | null, nonBlocking?: boolean, copy?: boolean, options?: ToOptions]
  | [device: DeviceLike | null, options: ToOptions]
  | [dtype: DType, options: ToOptions]
  | [other: Tensor, nonBlocking?: boolean, copy?: boolean, options?: ToOptions];

const TO_SIGNATURES =
  ' * (torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n' +
  ' * (torch.dtype dtype, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n' +
  ' * (Tensor tensor, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n';

// torch/csrc/utils/python_arg_parsing.h's parse_to_conversion, over the three signatures.
function toConversion(args: readonly unknown[]): { device?: string; dtype?: DType; nonBlocking: boolean; copy: boolean; memoryFormat?: MemoryFormat } {
  const last = args[args.length - 1];
  const opts = isOptions(last) ? (last as Record<string, unknown>) : undefined;
  const pos = opts === undefined ? args : args.slice(0, -1);
  const invalid = (): TypeError => new TypeError(`to() received an invalid combination of arguments - got (${args.map(pyTypeName).join(', ')}), but expected one of:\n${TO_SIGNATURES}`);
  let names: string[];
  if (pos[0] instanceof DType) names = ['dtype', 'nonBlocking', 'copy'];
  else if (pos[0] instanceof Tensor) names = ['tensor', 'nonBlocking', 'copy'];
  else names = ['device', 'dtype', 'nonBlocking', 'copy'];
  if (pos.length > names.length) throw invalid();
  const v: Record<string, unknown> = {};
  pos.forEach((x, i) => (v[names[i]!] = x));
  for (const [k, x] of Object.entries(opts ?? {})) {
    if (![...names, 'memoryFormat'].includes(k) || v[k] !== undefined) throw invalid();
    v[k] = x;
  }
  const out: { device?: string; dtype?: DType; nonBlocking: boolean; copy: boolean; memoryFormat?: MemoryFormat } = { nonBlocking: false, copy: false };
  if (v.tensor !== undefined) {
    const other = v.tensor as Tensor;
    out.device = native.device(other._h);
    out.dtype = other.dtype;
  }
  if (v.device != null) {
    if (typeof v.device !== 'string' && !(v.device instanceof Device)) throw invalid();
    out.device = checkedDevice(v.device);
  }
  if (v.dtype != null) {
    if (!(v.dtype instanceof DType)) throw invalid();
    out.dtype = v.dtype;
  }
  for (const k of ['nonBlocking', 'copy'] as const) {
    if (v[k] === undefined) continue;
    if (typeof v[k] !== 'boolean') throw invalid();
    out[k] = v[k] as boolean;
  }
  if (v.memoryFormat != null) {
    if (!(v.memoryFormat instanceof MemoryFormat)) throw invalid();
    out.memoryFormat = v.memoryFormat;
  }
  return out;
}

// The tracer's warning when a tensor's value leaves for JS (PyTorch's WARN_PYTHON_DATAFLOW): the
// trace records the value as a constant.
function warnIfTracing(what: string): void {
  if (!native.jitIsTracing()) return;
  process.emitWarning(
    `${what} might cause the trace to be incorrect. We can't record the data flow of Python values, so this value will be treated as a constant in the future. This means that the trace might not generalize to other inputs!`,
    'TracerWarning',
  );
}

type BackwardOptions = { gradient?: Tensor | null; retainGraph?: boolean | null; createGraph?: boolean; inputs?: Tensor | readonly Tensor[] | null };
const BACKWARD = pySignature<{ gradient: Tensor | null; retainGraph: boolean | null; createGraph: boolean; inputs: Tensor | readonly Tensor[] | null }>(
  'Tensor.backward', 'self, gradient=None, retain_graph=None, create_graph=False, inputs=None');

// What a disposed Tensor holds instead of its own handle, which the addon may reuse for a new
// tensor: one handle, disposed, so any use still fails with "Tensor has been disposed".
const DISPOSED_HANDLE = native.fromBytes(new Uint8Array(0), dtypes.uint8.code, [0]);
native.dispose(DISPOSED_HANDLE);

export class Tensor implements Disposable {
  /** @internal The native handle. */
  _h: Handle;
  #disposed = false;
  #grad: Tensor | null = null;

  /** @internal Tensors come from torch functions and ops, never from `new`. */
  constructor(handle: Handle) {
    this._h = handle;
    track(this);
    pace();
  }

  // ---- lifetime -------------------------------------------------------------------------

  /** Frees the native tensor now. Safe to call twice; using the tensor afterwards throws. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    native.dispose(this._h, true);
    this._h = DISPOSED_HANDLE;
  }
  get isDisposed(): boolean {
    return this.#disposed;
  }
  [Symbol.dispose](): void {
    this.dispose();
  }
  /** @internal torch.utils.swapTensors: exchanges the native tensors and the cached `.grad` wrappers. */
  static _swapNative(a: Tensor, b: Tensor): void {
    [a._h, b._h] = [b._h, a._h];
    [a.#grad, b.#grad] = [b.#grad, a.#grad];
  }

  // ---- metadata -------------------------------------------------------------------------

  get shape(): Size {
    return Size.fromDims(native.shape(this._h));
  }
  /** size() is torch.Size; size(dim) is one dimension (negative dims count from the end). */
  size(): Size;
  size(dim: number): number;
  size(dim?: number): Size | number {
    const s = native.shape(this._h);
    return dim === undefined ? Size.fromDims(s) : s[normDim(dim, s.length)]!;
  }
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    const s = native.strides(this._h);
    return dim === undefined ? s : s[normDim(dim, s.length)]!;
  }
  storageOffset(): number {
    return native.storageOffset(this._h);
  }
  get dtype(): DType {
    return dtypeFromCode(native.dtype(this._h));
  }
  get device(): Device {
    return new Device(native.device(this._h));
  }
  get requiresGrad(): boolean {
    return native.requiresGrad(this._h);
  }
  set requiresGrad(flag: boolean) {
    this.requiresGrad_(flag);
  }
  get ndim(): number {
    return native.callOp(ops.dim, this._h) as number;
  }
  dim(): number {
    return this.ndim;
  }
  numel(): number {
    return native.callOp(ops.numel, this._h) as number;
  }
  isContiguous(): boolean {
    return native.callOp(ops.isContiguous, this._h) as boolean;
  }

  // ---- what PyTorch writes by hand (torch/_tensor.py and python_variable_methods.cpp) --------
  // Every other method is generated from ATen's schemas (lib/generated/, lib/arg_parser.ts).

  /** `t[start:end:step]` along `dim` (null bounds are open), a view. */
  slice(dim = 0, start: number | null = null, end: number | null = null, step = 1): Tensor {
    return wrap(native.callOp(ops.slice, this._h, dim, start, end, step));
  }
  // split and norm (torch/_tensor.py) are in lib/tensor_python.ts.
  /** Copies `src`'s values into this tensor (broadcasting, converting dtype and device). */
  copy_(src: Tensor, nonBlocking = false): this {
    native.callOp(ops.copy_, this._h, src._h, nonBlocking);
    return this;
  }
  contiguous(): Tensor {
    return wrap(native.callOp(ops.contiguous, this._h));
  }

  // ---- autograd --------------------------------------------------------------------------

  /** Turns gradient recording on or off for this (leaf) tensor; returns it. */
  requiresGrad_(requiresGrad = true): this {
    if (typeof requiresGrad !== 'boolean') throw new TypeError('requires_grad_(): argument \'requires_grad\' must be bool');
    native.callOp(ops.requiresGrad_, this._h, requiresGrad);
    return this;
  }
  /**
   * The accumulated gradient, or null: the same object on every read while the gradient lives
   * (as Python's `p.grad is p.grad`). It belongs to this tensor, so no `tidy` scope frees it.
   */
  get grad(): Tensor | null {
    const known = this.#grad !== null && !this.#grad.isDisposed ? this.#grad : null;
    const g = native.grad(this._h, known?._h ?? null);
    if (g === null) return (this.#grad = null);
    if (known !== null && g === known._h) return known;
    return (this.#grad = keep(wrap(g)));
  }
  set grad(g: Tensor | null) {
    native.setGrad(this._h, g === null ? null : g._h);
    this.#grad = g;
  }
  /** The name of the autograd node that produced this tensor (grad_fn), or null for leaves. */
  get gradFn(): string | null {
    return native.gradFnName(this._h);
  }
  get isLeaf(): boolean {
    return native.callOp(ops.isLeaf, this._h) as boolean;
  }
  /**
   * Computes gradients of this tensor with respect to graph leaves (torch/_tensor.py's
   * `backward(gradient=None, retain_graph=None, create_graph=False, inputs=None)`).
   */
  backward(gradient?: Tensor | null | BackwardOptions, ...rest: (boolean | null | Tensor | readonly Tensor[] | BackwardOptions | undefined)[]): void {
    const a = BACKWARD([gradient, ...rest]);
    const inputs = a.inputs === null ? [] : a.inputs instanceof Tensor ? [a.inputs] : a.inputs;
    native.callOp(ops.backward, this._h, inputs.map((t) => t._h), a.gradient?._h ?? null, a.retainGraph, a.createGraph);
  }
  /** The tensor's data without autograd history (a view sharing storage, like `detach()`). */
  get data(): Tensor {
    return wrap(native.callOp(ops.detach, this._h));
  }
  /** Swaps in another tensor's storage, shape and dtype, keeping this object (PyTorch's `t.data = x`). */
  set data(t: Tensor) {
    native.callOp(ops.setData, this._h, t._h);
  }
  // ---- conversion ------------------------------------------------------------------------

  /**
   * Python's three `Tensor.to` signatures (python_variable_methods.cpp):
   * `to(dtype, nonBlocking?, copy?)`, `to(device?, dtype?, nonBlocking?, copy?)` and
   * `to(other, nonBlocking?, copy?)`, each with a trailing `{ ..., memoryFormat }`. Returns this
   * tensor itself when nothing changes, as PyTorch does.
   */
  to(...args: ToArgs): Tensor {
    const { device, dtype, nonBlocking, copy, memoryFormat } = toConversion(args);
    const sameDevice = device === undefined || device === native.device(this._h);
    const sameDtype = dtype === undefined || dtype.code === native.dtype(this._h);
    if (sameDevice && sameDtype && !copy && (memoryFormat === undefined || memoryFormat === preserveFormat)) return this;
    return wrap(native.callOp(ops.toDevice, this._h, device ?? native.device(this._h), (dtype ?? this.dtype).code, nonBlocking, copy, memoryFormat?.code ?? null));
  }

  float(): Tensor { return this.to(dtypes.float32); }
  double(): Tensor { return this.to(dtypes.float64); }
  half(): Tensor { return this.to(dtypes.float16); }
  bfloat16(): Tensor { return this.to(dtypes.bfloat16); }
  long(): Tensor { return this.to(dtypes.int64); }
  int(): Tensor { return this.to(dtypes.int32); }
  short(): Tensor { return this.to(dtypes.int16); }
  char(): Tensor { return this.to(dtypes.int8); }
  byte(): Tensor { return this.to(dtypes.uint8); }
  bool(): Tensor { return this.to(dtypes.bool); }
  cfloat(): Tensor { return this.to(dtypes.complex64); }
  cdouble(): Tensor { return this.to(dtypes.complex128); }
  cpu(): Tensor { return this.to('cpu'); }
  /** Moves to a GPU; a clear Error where this build or machine has none. */
  cuda(device: number | null = null): Tensor {
    return this.to(device === null ? 'cuda' : `cuda:${device}`);
  }
  get isCuda(): boolean {
    return native.device(this._h).startsWith('cuda');
  }

  /** The value of a one-element tensor as a JS number (or boolean). */
  item(): Scalar | Complex {
    warnIfTracing('Converting a tensor to a Python number');
    return itemOf(this);
  }

  /** A copy of the elements, in row-major order, in the TypedArray of this dtype
   * (float16 and bfloat16 as their raw 16-bit patterns in a Uint16Array). */
  toTypedArray(): TypedArray {
    return typedArrayOf(this);
  }

  /** The elements as nested JS arrays (ints beyond ±(2^53 − 1) as bigint), like PyTorch's tolist(). */
  tolist(): NestedArray {
    warnIfTracing('Converting a tensor to a Python list');
    return listOf(this) as NestedArray;
  }

  /** What PyTorch's print(t) shows. */
  toString(): string {
    return formatTensor(this, { gradFn: this.gradFn });
  }
  [inspect.custom](): string {
    return this.isDisposed ? 'tensor(<disposed>)' : this.toString();
  }
}

// The methods PyTorch binds from ATen, generated from their schemas (lib/generated/types.ts
// types them; lib/arg_parser.ts parses their arguments as Python does).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface Tensor extends TensorMethods {}
installTensorMethods(Tensor.prototype);
