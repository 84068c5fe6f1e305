// torch.Tensor: a JS object owning one native handle (see native/tensor.cc and lib/memory.ts).
import { inspect } from 'util';
import { checkedDevice } from './cuda';
import { Device, type DeviceLike } from './device';
import * as dtypes from './dtype';
import { DType, dtypeFromCode, type TypedArray } from './dtype';
import { pace, track, type Disposable } from './memory';
import { native, type Handle } from './native';
import { op } from './ops';
import { formatTensor } from './printing';
import { Size } from './size';

/** What an op accepts where PyTorch accepts a tensor or a Python number. */
export type TensorOrScalar = Tensor | number | boolean | bigint;
export type Scalar = number | boolean | bigint;
/** Nested arrays of numbers or booleans (what tolist() returns and tensor() accepts). */
export type NestedArray = Scalar | NestedArray[];

const ops = {
  add: op('aten::add.Tensor'),
  add_: op('aten::add_.Tensor'),
  sub: op('aten::sub.Tensor'),
  sub_: op('aten::sub_.Tensor'),
  mul: op('aten::mul.Tensor'),
  mul_: op('aten::mul_.Tensor'),
  div: op('aten::div.Tensor'),
  divMode: op('aten::div.Tensor_mode'),
  div_: op('aten::div_.Tensor'),
  neg: op('aten::neg'),
  matmul: op('aten::matmul'),
  sum: op('aten::sum'),
  sumDim: op('aten::sum.dim_IntList'),
  mean: op('aten::mean'),
  meanDim: op('aten::mean.dim'),
  reshape: op('aten::reshape'),
  t: op('aten::t'),
  transpose: op('aten::transpose.int'),
  permute: op('aten::permute'),
  flatten: op('aten::flatten.using_ints'),
  squeeze: op('aten::squeeze'),
  squeezeDim: op('aten::squeeze.dim'),
  unsqueeze: op('aten::unsqueeze'),
  expand: op('aten::expand'),
  select: op('aten::select.int'),
  narrow: op('aten::narrow'),
  slice: op('aten::slice.Tensor'),
  index: op('aten::index.Tensor'),
  indexSelect: op('aten::index_select'),
  gather: op('aten::gather'),
  scatterSrc_: op('aten::scatter_.src'),
  scatterValue_: op('aten::scatter_.value'),
  maskedFill: op('aten::masked_fill.Tensor'),
  maskedFill_: op('aten::masked_fill_.Tensor'),
  split: op('aten::split.Tensor'),
  splitSizes: op('aten::split_with_sizes'),
  chunk: op('aten::chunk'),
  max: op('aten::max'),
  maxDim: op('aten::max.dim'),
  min: op('aten::min'),
  minDim: op('aten::min.dim'),
  argmax: op('aten::argmax'),
  argmin: op('aten::argmin'),
  var: op('aten::var.correction'),
  std: op('aten::std.correction'),
  norm: op('aten::norm.ScalarOpt_dim'),
  normAll: op('aten::norm.Scalar'),
  logsumexp: op('aten::logsumexp'),
  mm: op('aten::mm'),
  bmm: op('aten::bmm'),
  addmm: op('aten::addmm'),
  clamp: op('aten::clamp'),
  clamp_: op('aten::clamp_'),
  softmax: op('aten::softmax.int'),
  logSoftmax: op('aten::log_softmax.int'),
  view: op('aten::view'),
  item: op('aten::item'),
  toDtype: op('aten::to.dtype'),
  toDevice: op('aten::to.device'),
  requiresGrad_: op('aten::requires_grad_'),
  backward: op('aten::_backward'),
  detach: op('aten::detach'),
  setData: op('aten::set_data'),
  copy_: op('aten::copy_'),
  zero_: op('aten::zero_'),
  fill_: op('aten::fill_.Scalar'),
  fillTensor_: op('aten::fill_.Tensor'),
  detach_: op('aten::detach_'),
  retainGrad: op('aten::retain_grad'),
  isLeaf: op('aten::is_leaf'),
  normal_: op('aten::normal_'),
  uniform_: op('aten::uniform_'),
  clone: op('aten::clone'),
  contiguous: op('aten::contiguous'),
  isContiguous: op('aten::is_contiguous'),
  numel: op('aten::numel'),
  dim: op('aten::dim'),
};

/** The handle to pass for an op argument: tensors by handle, everything else as it is. */
export function h(x: unknown): unknown {
  return x instanceof Tensor ? x._h : x;
}

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

/** What max(dim) / min(dim) return: destructure it (`const [values, indices] = ...`) or use the names. */
export type ValuesIndices = [Tensor, Tensor] & { values: Tensor; indices: Tensor };
function valuesIndices(result: unknown): ValuesIndices {
  const [values, indices] = wrapAll(result) as [Tensor, Tensor];
  return Object.assign([values, indices] as [Tensor, Tensor], { values, indices });
}

type Dims = number | readonly number[];
const dimList = (dim: Dims | null | undefined): readonly number[] | null | undefined => (typeof dim === 'number' ? [dim] : dim);

/** Accepts `f(2, 3)` or `f([2, 3])`, as PyTorch's size arguments do. */
export function sizeArgs(args: readonly (number | readonly number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return [...(args[0] as readonly number[])];
  return args as number[];
}

export class Tensor implements Disposable {
  /** @internal The native handle. */
  readonly _h: Handle;
  #disposed = false;

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
    native.dispose(this._h);
  }
  get isDisposed(): boolean {
    return this.#disposed;
  }
  [Symbol.dispose](): void {
    this.dispose();
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

  // ---- arithmetic (broadcasting, scalars and type promotion are ATen's) -----------------

  add(other: TensorOrScalar, options?: { alpha?: Scalar }): Tensor {
    return wrap(native.callOp(ops.add, this._h, h(other), options?.alpha));
  }
  add_(other: TensorOrScalar, options?: { alpha?: Scalar }): this {
    native.callOp(ops.add_, this._h, h(other), options?.alpha);
    return this;
  }
  sub(other: TensorOrScalar, options?: { alpha?: Scalar }): Tensor {
    return wrap(native.callOp(ops.sub, this._h, h(other), options?.alpha));
  }
  sub_(other: TensorOrScalar, options?: { alpha?: Scalar }): this {
    native.callOp(ops.sub_, this._h, h(other), options?.alpha);
    return this;
  }
  mul(other: TensorOrScalar): Tensor {
    return wrap(native.callOp(ops.mul, this._h, h(other)));
  }
  mul_(other: TensorOrScalar): this {
    native.callOp(ops.mul_, this._h, h(other));
    return this;
  }
  /** True division; `roundingMode` 'trunc' or 'floor' as in PyTorch. */
  div(other: TensorOrScalar, options?: { roundingMode?: 'trunc' | 'floor' | null }): Tensor {
    if (options?.roundingMode != null) return wrap(native.callOp(ops.divMode, this._h, h(other), options.roundingMode));
    return wrap(native.callOp(ops.div, this._h, h(other)));
  }
  div_(other: TensorOrScalar): this {
    native.callOp(ops.div_, this._h, h(other));
    return this;
  }
  neg(): Tensor {
    return wrap(native.callOp(ops.neg, this._h));
  }
  matmul(other: Tensor): Tensor {
    return wrap(native.callOp(ops.matmul, this._h, h(other)));
  }

  // ---- reductions ------------------------------------------------------------------------

  /** sum() of all elements, or over `dim` (an int or a list of ints). */
  sum(dim?: number | readonly number[] | null, options?: { keepdim?: boolean; dtype?: DType }): Tensor {
    if (dim === undefined || dim === null) {
      if (options?.keepdim) return wrap(native.callOp(ops.sumDim, this._h, null, true, options.dtype?.code));
      return wrap(native.callOp(ops.sum, this._h, options?.dtype?.code));
    }
    return wrap(native.callOp(ops.sumDim, this._h, typeof dim === 'number' ? [dim] : dim, options?.keepdim, options?.dtype?.code));
  }
  mean(dim?: number | readonly number[] | null, options?: { keepdim?: boolean; dtype?: DType }): Tensor {
    if (dim === undefined || dim === null) {
      if (options?.keepdim) return wrap(native.callOp(ops.meanDim, this._h, null, true, options.dtype?.code));
      return wrap(native.callOp(ops.mean, this._h, options?.dtype?.code));
    }
    return wrap(native.callOp(ops.meanDim, this._h, typeof dim === 'number' ? [dim] : dim, options?.keepdim, options?.dtype?.code));
  }

  // ---- shape -----------------------------------------------------------------------------

  reshape(...shape: (number | readonly number[])[]): Tensor {
    return wrap(native.callOp(ops.reshape, this._h, sizeArgs(shape)));
  }
  view(...shape: (number | readonly number[])[]): Tensor {
    return wrap(native.callOp(ops.view, this._h, sizeArgs(shape)));
  }
  /** Transpose of a tensor with at most 2 dimensions. */
  t(): Tensor {
    return wrap(native.callOp(ops.t, this._h));
  }
  transpose(dim0: number, dim1: number): Tensor {
    return wrap(native.callOp(ops.transpose, this._h, dim0, dim1));
  }
  permute(...dims: (number | readonly number[])[]): Tensor {
    return wrap(native.callOp(ops.permute, this._h, sizeArgs(dims)));
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return wrap(native.callOp(ops.flatten, this._h, startDim, endDim));
  }
  squeeze(dim?: number): Tensor {
    return wrap(dim === undefined ? native.callOp(ops.squeeze, this._h) : native.callOp(ops.squeezeDim, this._h, dim));
  }
  unsqueeze(dim: number): Tensor {
    return wrap(native.callOp(ops.unsqueeze, this._h, dim));
  }
  expand(...sizes: (number | readonly number[])[]): Tensor {
    return wrap(native.callOp(ops.expand, this._h, sizeArgs(sizes)));
  }

  // ---- indexing ----------------------------------------------------------------------------

  /** The slice at `index` along `dim` (one dimension fewer), as `t[:, index]`. */
  select(dim: number, index: number): Tensor {
    return wrap(native.callOp(ops.select, this._h, dim, index));
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return wrap(native.callOp(ops.narrow, this._h, dim, start, length));
  }
  /** `t[start:end:step]` along `dim` (null bounds are open), a view. */
  slice(dim = 0, start: number | null = null, end: number | null = null, step = 1): Tensor {
    return wrap(native.callOp(ops.slice, this._h, dim, start, end, step));
  }
  /** Advanced indexing `t[i0, i1, ...]` with integer or boolean tensors (null keeps a dimension whole). */
  index(indices: readonly (Tensor | null)[]): Tensor {
    return wrap(native.callOp(ops.index, this._h, indices.map((t) => (t === null ? null : t._h))));
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return wrap(native.callOp(ops.indexSelect, this._h, dim, index._h));
  }
  gather(dim: number, index: Tensor): Tensor {
    return wrap(native.callOp(ops.gather, this._h, dim, index._h));
  }
  scatter_(dim: number, index: Tensor, src: Tensor | number): this {
    if (src instanceof Tensor) native.callOp(ops.scatterSrc_, this._h, dim, index._h, src._h);
    else native.callOp(ops.scatterValue_, this._h, dim, index._h, src);
    return this;
  }
  maskedFill(mask: Tensor, value: TensorOrScalar): Tensor {
    return wrap(native.callOp(ops.maskedFill, this._h, mask._h, h(value)));
  }
  maskedFill_(mask: Tensor, value: TensorOrScalar): this {
    native.callOp(ops.maskedFill_, this._h, mask._h, h(value));
    return this;
  }
  /** Pieces of `splitSize` along dim, or of the given sizes. */
  split(splitSize: number | readonly number[], dim = 0): Tensor[] {
    if (typeof splitSize === 'number') return wrapAll(native.callOp(ops.split, this._h, splitSize, dim));
    return wrapAll(native.callOp(ops.splitSizes, this._h, splitSize, dim));
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return wrapAll(native.callOp(ops.chunk, this._h, chunks, dim));
  }

  // ---- more reductions -----------------------------------------------------------------------

  /** max() of all elements, or max(dim) as [values, indices]. */
  max(): Tensor;
  max(dim: number, options?: { keepdim?: boolean }): ValuesIndices;
  max(dim?: number, options?: { keepdim?: boolean }): Tensor | ValuesIndices {
    if (dim === undefined) return wrap(native.callOp(ops.max, this._h));
    return valuesIndices(native.callOp(ops.maxDim, this._h, dim, options?.keepdim));
  }
  min(): Tensor;
  min(dim: number, options?: { keepdim?: boolean }): ValuesIndices;
  min(dim?: number, options?: { keepdim?: boolean }): Tensor | ValuesIndices {
    if (dim === undefined) return wrap(native.callOp(ops.min, this._h));
    return valuesIndices(native.callOp(ops.minDim, this._h, dim, options?.keepdim));
  }
  argmax(dim: number | null = null, options?: { keepdim?: boolean }): Tensor {
    return wrap(native.callOp(ops.argmax, this._h, dim, options?.keepdim));
  }
  argmin(dim: number | null = null, options?: { keepdim?: boolean }): Tensor {
    return wrap(native.callOp(ops.argmin, this._h, dim, options?.keepdim));
  }
  /** Variance with Bessel's correction by default (correction=1), as torch.var. */
  var(dim: Dims | null = null, options?: { correction?: number; keepdim?: boolean }): Tensor {
    return wrap(native.callOp(ops.var, this._h, dimList(dim), options?.correction, options?.keepdim));
  }
  std(dim: Dims | null = null, options?: { correction?: number; keepdim?: boolean }): Tensor {
    return wrap(native.callOp(ops.std, this._h, dimList(dim), options?.correction, options?.keepdim));
  }
  norm(p: number = 2, dim: Dims | null = null, options?: { keepdim?: boolean }): Tensor {
    if (dim === null) return wrap(native.callOp(ops.normAll, this._h, p));
    return wrap(native.callOp(ops.norm, this._h, p, dimList(dim), options?.keepdim));
  }
  logsumexp(dim: Dims, options?: { keepdim?: boolean }): Tensor {
    return wrap(native.callOp(ops.logsumexp, this._h, dimList(dim), options?.keepdim));
  }

  // ---- linear algebra and activations --------------------------------------------------------

  mm(other: Tensor): Tensor {
    return wrap(native.callOp(ops.mm, this._h, other._h));
  }
  bmm(other: Tensor): Tensor {
    return wrap(native.callOp(ops.bmm, this._h, other._h));
  }
  /** beta * this + alpha * (mat1 @ mat2) */
  addmm(mat1: Tensor, mat2: Tensor, options?: { beta?: Scalar; alpha?: Scalar }): Tensor {
    return wrap(native.callOp(ops.addmm, this._h, mat1._h, mat2._h, options?.beta, options?.alpha));
  }
  clamp(min: number | null = null, max: number | null = null): Tensor {
    return wrap(native.callOp(ops.clamp, this._h, min, max));
  }
  clamp_(min: number | null = null, max: number | null = null): this {
    native.callOp(ops.clamp_, this._h, min, max);
    return this;
  }
  softmax(dim: number, options?: { dtype?: DType }): Tensor {
    return wrap(native.callOp(ops.softmax, this._h, dim, options?.dtype?.code));
  }
  logSoftmax(dim: number, options?: { dtype?: DType }): Tensor {
    return wrap(native.callOp(ops.logSoftmax, this._h, dim, options?.dtype?.code));
  }

  /** Copies `src`'s values into this tensor (broadcasting, converting dtype and device). */
  copy_(src: Tensor, nonBlocking = false): this {
    native.callOp(ops.copy_, this._h, src._h, nonBlocking);
    return this;
  }
  zero_(): this {
    native.callOp(ops.zero_, this._h);
    return this;
  }
  fill_(value: Scalar | Tensor): this {
    if (value instanceof Tensor) native.callOp(ops.fillTensor_, this._h, value._h);
    else native.callOp(ops.fill_, this._h, value);
    return this;
  }
  contiguous(): Tensor {
    return wrap(native.callOp(ops.contiguous, this._h));
  }
  clone(): Tensor {
    return wrap(native.callOp(ops.clone, this._h));
  }

  // ---- autograd --------------------------------------------------------------------------

  /** Turns gradient recording on or off for this (leaf) tensor; returns it. */
  requiresGrad_(requiresGrad = true): this {
    if (typeof requiresGrad !== 'boolean') throw new TypeError('requires_grad_(): argument \'requires_grad\' must be bool');
    native.callOp(ops.requiresGrad_, this._h, requiresGrad);
    return this;
  }
  /** The accumulated gradient, or null. */
  get grad(): Tensor | null {
    const g = native.grad(this._h);
    return g === null ? null : wrap(g);
  }
  set grad(g: Tensor | null) {
    native.setGrad(this._h, g === null ? null : g._h);
  }
  /** The name of the autograd node that produced this tensor (grad_fn), or null for leaves. */
  get gradFn(): string | null {
    return native.gradFnName(this._h);
  }
  /** Whether this tensor was made in inference mode. */
  isInference(): boolean {
    return native.isInference(this._h);
  }
  get isLeaf(): boolean {
    return native.callOp(ops.isLeaf, this._h) as boolean;
  }
  /** Computes gradients of this tensor with respect to graph leaves (torch.Tensor.backward). */
  backward(gradient?: Tensor | null, options: { retainGraph?: boolean; createGraph?: boolean; inputs?: Tensor[] } = {}): void {
    native.callOp(ops.backward, this._h, (options.inputs ?? []).map((t) => t._h), gradient?._h ?? null, options.retainGraph ?? null, options.createGraph ?? false);
  }
  /** The tensor's data without autograd history (a view sharing storage, like `detach()`). */
  get data(): Tensor {
    return this.detach();
  }
  /** Swaps in another tensor's storage, shape and dtype, keeping this object (PyTorch's `t.data = x`). */
  set data(t: Tensor) {
    native.callOp(ops.setData, this._h, t._h);
  }
  /** A new tensor sharing storage, cut from the graph. */
  detach(): Tensor {
    return wrap(native.callOp(ops.detach, this._h));
  }
  detach_(): this {
    native.callOp(ops.detach_, this._h);
    return this;
  }
  /** Keeps .grad for this non-leaf tensor after backward(). */
  retainGrad(): void {
    native.callOp(ops.retainGrad, this._h);
  }

  // ---- random fills (the default generator; see torch.manualSeed) -------------------------

  normal_(mean = 0, std = 1): this {
    native.callOp(ops.normal_, this._h, mean, std);
    return this;
  }
  uniform_(from = 0, to = 1): this {
    native.callOp(ops.uniform_, this._h, from, to);
    return this;
  }

  // ---- conversion ------------------------------------------------------------------------

  /** to(dtype), to(device) or to({ dtype, device }); returns this tensor itself when nothing
   * changes, as PyTorch does. */
  to(target: DType | DeviceLike | { dtype?: DType; device?: DeviceLike }, options?: { copy?: boolean }): Tensor {
    const copy = options?.copy ?? false;
    if (!(target instanceof DType) && !(target instanceof Device) && typeof target === 'object' && target !== null) {
      const moved = target.device === undefined ? this : this.to(target.device, options);
      const converted = target.dtype === undefined ? moved : moved.to(target.dtype, moved === this ? options : undefined);
      if (moved !== this && converted !== moved) moved.dispose();
      return converted;
    }
    if (target instanceof DType) {
      if (!copy && target.code === native.dtype(this._h)) return this;
      return wrap(native.callOp(ops.toDtype, this._h, target.code, false, copy));
    }
    const device = checkedDevice(target);
    if (!copy && device === native.device(this._h)) return this;
    return wrap(native.callOp(ops.toDevice, this._h, device, native.dtype(this._h), false, copy));
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
  cpu(): Tensor { return this.to('cpu'); }
  /** Moves to a GPU; a clear Error where this build or machine has none. */
  cuda(device: number | null = null): Tensor {
    return this.to(device === null ? 'cuda' : `cuda:${device}`);
  }
  get isCuda(): boolean {
    return native.device(this._h).startsWith('cuda');
  }

  /** The value of a one-element tensor as a JS number (or boolean). */
  item(): Scalar {
    return native.callOp(ops.item, this._h) as Scalar;
  }

  /** A copy of the elements, in row-major order, in the TypedArray of this dtype
   * (float16 and bfloat16 as their raw 16-bit patterns in a Uint16Array). */
  toTypedArray(): TypedArray {
    const d = this.dtype;
    return new d.ArrayType(native.toBytes(this._h));
  }

  /** The elements as nested JS arrays (int64 beyond 2^53 as bigint), like PyTorch's tolist(). */
  tolist(): NestedArray {
    const d = this.dtype;
    let flat: ArrayLike<unknown>;
    if (d.name === 'float16' || d.name === 'bfloat16') {
      flat = new Float32Array(native.toBytes(native.callOp(ops.toDtype, this._h, 6) as Handle));
    } else {
      flat = this.toTypedArray();
    }
    const convert =
      d.name === 'bool'
        ? (v: unknown) => v !== 0
        : d.name === 'int64'
          ? (v: unknown) => (BigInt(Number(v)) === v ? Number(v) : (v as bigint))
          : (v: unknown) => v as number;
    const shape = native.shape(this._h);
    let i = 0;
    const build = (k: number): NestedArray => {
      if (k === shape.length) return convert(flat[i++]) as Scalar;
      const out: NestedArray[] = new Array(shape[k]);
      for (let j = 0; j < shape[k]!; ++j) out[j] = build(k + 1);
      return out;
    };
    return build(0);
  }

  /** What PyTorch's print(t) shows. */
  toString(): string {
    return formatTensor(this, { gradFn: this.gradFn });
  }
  [inspect.custom](): string {
    return this.isDisposed ? 'tensor(<disposed>)' : this.toString();
  }
}

// Element-wise ops, one line each: the name of the ATen op is the method's name, and every
// unary op also gets its in-place twin `name_`. Python numbers are accepted wherever a tensor is.
const UNARY = ['abs', 'exp', 'log', 'sqrt', 'rsqrt', 'sigmoid', 'tanh', 'relu', 'sin', 'cos', 'floor', 'ceil', 'round', 'reciprocal', 'sign', 'log1p', 'expm1', 'square'] as const;
const BINARY = { pow: 'aten::pow.Tensor_Tensor', eq: 'aten::eq.Tensor', ne: 'aten::ne.Tensor', lt: 'aten::lt.Tensor', le: 'aten::le.Tensor', gt: 'aten::gt.Tensor', ge: 'aten::ge.Tensor', maximum: 'aten::maximum', minimum: 'aten::minimum', remainder: 'aten::remainder.Tensor', fmod: 'aten::fmod.Tensor' } as const;

type UnaryMethods = { [K in (typeof UNARY)[number]]: () => Tensor } & { [K in `${(typeof UNARY)[number]}_`]: () => Tensor };
type BinaryMethods = { [K in keyof typeof BINARY]: (other: TensorOrScalar) => Tensor };
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface Tensor extends UnaryMethods, BinaryMethods {}

for (const name of UNARY) {
  const id = op(`aten::${name}`);
  const inplace = op(`aten::${name}_`);
  Object.defineProperty(Tensor.prototype, name, { value: function (this: Tensor) { return wrap(native.callOp(id, this._h)); }, writable: true, configurable: true });
  Object.defineProperty(Tensor.prototype, `${name}_`, { value: function (this: Tensor) { native.callOp(inplace, this._h); return this; }, writable: true, configurable: true });
}
for (const [name, schema] of Object.entries(BINARY)) {
  const id = op(schema);
  Object.defineProperty(Tensor.prototype, name, { value: function (this: Tensor, other: TensorOrScalar) { return wrap(native.callOp(id, this._h, h(other))); }, writable: true, configurable: true });
}
