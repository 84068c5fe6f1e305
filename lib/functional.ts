// torch/functional.py: the torch.* functions PyTorch writes in Python over its ATen bindings
// (split, unique, norm, meshgrid, einsum, tensordot, stft, ...). Arguments bind as Python binds
// them (lib/python_signature.ts) — positional or by name in a trailing options object with
// camelCase keys — and the ATen
// call underneath goes through the generated binder (lib/arg_parser.ts), so its type errors are
// PyTorch's own.
import { bindFunction, pyTypeName } from './arg_parser';
import { DType, float32, int64 } from './dtype';
import { native, type Handle } from './native';
import { op } from './ops';
import { PyFloat, isPyInt } from './scalar';
import { Size } from './size';
import { Tensor, type NamedTuple } from './tensor';
import { tensor } from './creation';
import { isOptions } from './nn/modules_utils';
import { pySignature } from './python_signature';
import { nonzeroOf } from './tensor_python';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFn = (...args: any[]) => any;

/** Python's repr() of a JS value, for messages. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number') return Number.isInteger(v) && !isPyInt(v) ? `${v}.0` : Number.isNaN(v) ? 'nan' : !Number.isFinite(v) ? (v > 0 ? 'inf' : '-inf') : String(v);
  if (v instanceof PyFloat) return Number.isInteger(v.value) ? `${v.value}.0` : pyRepr(v.value);
  if (v instanceof Size) return String(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  return String(v);
}

/** Python's truth value of an argument (`if flag:`). */
function truthy(v: unknown): boolean {
  if (v instanceof Tensor) {
    if (v.numel() !== 1) throw new Error('Boolean value of Tensor with more than one value is ambiguous');
    return Boolean(v.item());
  }
  if (v instanceof PyFloat) return v.value !== 0;
  if (Array.isArray(v)) return v.length > 0;
  return Boolean(v);
}

// ---- the ATen bindings underneath (torch._VF / torch._C._VariableFunctions) ---------------------

const VF = {
  split: bindFunction<AnyFn>('torch', 'split'),
  splitWithSizes: bindFunction<AnyFn>('torch', 'split_with_sizes'),
  broadcastTensors: bindFunction<AnyFn>('torch', 'broadcast_tensors'),
  einsum: bindFunction<AnyFn>('torch', 'einsum'),
  meshgrid: bindFunction<AnyFn>('torch', 'meshgrid'),
  stft: bindFunction<AnyFn>('torch', 'stft'),
  istft: bindFunction<AnyFn>('torch', 'istft'),
  uniqueDim: bindFunction<AnyFn>('torch', 'unique_dim'),
  uniqueConsecutive: bindFunction<AnyFn>('torch', 'unique_consecutive'),
  tensordot: bindFunction<AnyFn>('torch', 'tensordot'),
  cartesianProd: bindFunction<AnyFn>('torch', 'cartesian_prod'),
  blockDiag: bindFunction<AnyFn>('torch', 'block_diag'),
  cdist: bindFunction<AnyFn>('torch', 'cdist'),
  atleast1d: bindFunction<AnyFn>('torch', 'atleast_1d'),
  atleast2d: bindFunction<AnyFn>('torch', 'atleast_2d'),
  atleast3d: bindFunction<AnyFn>('torch', 'atleast_3d'),
  chainMatmul: bindFunction<AnyFn>('torch', 'chain_matmul'),
  norm: bindFunction<AnyFn>('torch', 'norm'),
  frobeniusNorm: bindFunction<AnyFn>('torch', 'frobenius_norm'),
  nuclearNorm: bindFunction<AnyFn>('torch', 'nuclear_norm'),
  vectorNorm: bindFunction<AnyFn>('linalg', 'vector_norm', 'linalg_vector_norm'),
  matrixNorm: bindFunction<AnyFn>('linalg', 'matrix_norm', 'linalg_matrix_norm'),
  pad: bindFunction<AnyFn>('nn', 'pad'),
};
const ops = {
  unique2: op('aten::_unique2'),
  luWithInfo: op('aten::_lu_with_info'),
};

function namedTuple<T extends unknown[]>(values: T, names: readonly string[]): T & NamedTuple {
  names.forEach((n, i) => Object.defineProperty(values, n, { value: values[i], enumerable: false }));
  return values as T & NamedTuple;
}

// Python passes these by keyword, so PyTorch's message names no position.
function checkBool(fn: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`${fn}(): argument '${name}' must be bool, not ${pyTypeName(v)}`);
  return v;
}

// ---- split ---------------------------------------------------------------------------------------

/** Tensor.split (torch/_tensor.py): pieces of `splitSize` along `dim`, or of the given sizes. */
export function tensorSplit(self: Tensor, splitSize: unknown, dim: unknown): Tensor[] {
  // int(tensor) where it converts (one element), as Python's `int(split_size)` does.
  if (splitSize instanceof Tensor && splitSize.numel() === 1) splitSize = Math.trunc(Number(splitSize.item()));
  if (isPyInt(splitSize)) return VF.split(self, splitSize, dim) as Tensor[];
  return VF.splitWithSizes(self, splitSize, dim) as Tensor[];
}

const SPLIT = pySignature('split', 'tensor, split_size_or_sections, dim=0');
/**
 * torch.split(tensor, splitSizeOrSections, dim = 0): chunks of `splitSizeOrSections` elements
 * along `dim` (the last one smaller), or chunks of the listed sizes. Views of `tensor`.
 */
export function split(tensor: Tensor, splitSizeOrSections: number | bigint | Tensor | readonly (number | bigint)[], dim?: number | bigint): Tensor[];
export function split(tensor: Tensor, splitSizeOrSections: number | bigint | Tensor | readonly (number | bigint)[], options?: { dim?: number | bigint }): Tensor[];
export function split(tensor: Tensor, options: { splitSizeOrSections: number | bigint | Tensor | readonly (number | bigint)[]; dim?: number | bigint }): Tensor[];
export function split(...args: unknown[]): Tensor[] {
  const a = SPLIT(args);
  const t = a.tensor;
  if (!(t instanceof Tensor)) throw new TypeError(`split(): argument 'tensor' must be Tensor, not ${pyTypeName(t)}`);
  return tensorSplit(t, a.splitSizeOrSections, a.dim ?? 0);
}

// ---- broadcasting ----------------------------------------------------------------------------------

/** torch.broadcast_tensors(*tensors): the tensors expanded to their common shape (views). */
export function broadcastTensors(...tensors: Tensor[]): Tensor[] {
  return VF.broadcastTensors(tensors) as Tensor[];
}

/**
 * torch.broadcast_shapes(*shapes): the shape broadcasting tensors of these shapes gives, without
 * making any tensor. Each shape is an int or a list of ints.
 */
export function broadcastShapes(...shapes: (number | bigint | readonly (number | bigint)[] | null)[]): Size {
  const list = shapes.filter((s) => s !== null && s !== undefined).map((s) => (isPyInt(s) ? [s] : s)) as unknown[];
  if (list.length === 0) return Size.fromDims([]);
  for (const s of list) {
    if (!Array.isArray(s)) throw new Error(`Input shapes should be of type ints, a tuple of ints, or a list of ints, got ${pyRepr(s)}`);
  }
  const shapesList = list as unknown[][];
  const common: unknown[] = new Array(Math.max(...shapesList.map((s) => s.length))).fill(1);
  shapesList.forEach((shape, argIdx) => {
    for (let idx = -1; idx >= -shape.length; idx--) {
      const d = shape[shape.length + idx];
      const c = common.length + idx;
      if (d == common[c]) continue; // eslint-disable-line eqeqeq
      if (common[c] == 1) { // eslint-disable-line eqeqeq
        if ((d as number) < 0) throw new Error('Attempting to broadcast a dimension with negative length!');
        common[c] = d;
      }
      if (d == 1) continue; // eslint-disable-line eqeqeq
      if (common[c] != d) { // eslint-disable-line eqeqeq
        throw new Error(
          `Attempting to broadcast a dimension of length ${String(d)} at ${idx}! Mismatching argument at index ${argIdx} had ${pyRepr(shape)}; ` +
            `but expected shape should be broadcastable to ${pyRepr(common)}`,
        );
      }
    }
  });
  for (const d of common) if (!isPyInt(d)) throw new TypeError(`broadcast_shapes(): expected ints, got ${pyTypeName(d)}`);
  return Size.fromDims(common.map(Number));
}

// ---- einsum -------------------------------------------------------------------------------------

/** Ellipsis in einsum's sublist format (Python's `...`). */
const Ellipsis = '...';

function subscript(n: unknown): string {
  if (n === Ellipsis) return '...';
  if (typeof n === 'number' && n >= 0 && n < 26) return String.fromCharCode(65 + n);
  if (typeof n === 'number' && n >= 26 && n < 52) return String.fromCharCode(97 + n - 26);
  throw new Error('einsum(): subscript in subscript list is not within the valid range [0, 52)');
}

/**
 * torch.einsum(equation, *operands): Einstein summation. The operands come as arguments or as
 * one list; the sublist format `einsum(a, [0, 1], b, [1, 2], [0, 2])` works too (`'...'` is
 * Python's Ellipsis there).
 */
export function einsum(equation: string, ...operands: Tensor[]): Tensor;
export function einsum(equation: string, operands: readonly Tensor[]): Tensor;
export function einsum(...sublistFormat: (Tensor | readonly (number | string)[])[]): Tensor;
export function einsum(...args: unknown[]): Tensor {
  if (args.length < 2) {
    throw new Error('einsum(): must specify the equation string and at least one operand, or at least one operand and its subscripts list');
  }
  let equation: unknown;
  let operands: unknown[];
  if (args[0] instanceof Tensor) {
    const lists = args.filter((_, i) => i % 2 === 1) as unknown[][];
    equation = lists.map((l) => l.map(subscript).join('')).join(',');
    if (args.length % 2 === 1) {
      equation += `->${(args[args.length - 1] as unknown[]).map(subscript).join('')}`;
      operands = args.slice(0, -1).filter((_, i) => i % 2 === 0);
    } else {
      operands = args.filter((_, i) => i % 2 === 0);
    }
  } else {
    equation = args[0];
    operands = args.slice(1);
  }
  if (operands.length === 1 && Array.isArray(operands[0])) operands = [...(operands[0] as unknown[])];
  // Python computes a contraction path only with opt_einsum installed and 3+ operands; the
  // default (no path) contracts left to right.
  return VF.einsum(equation, operands) as Tensor;
}

// ---- meshgrid -------------------------------------------------------------------------------------

/**
 * torch.meshgrid(*tensors, indexing = null): coordinate grids of 1-D tensors, `'ij'` (the
 * default, with a warning that it will be required) or `'xy'` indexing.
 */
const MESHGRID = pySignature('meshgrid', '*tensors, indexing=None');
export function meshgrid(...tensors: (Tensor | readonly Tensor[] | { indexing?: 'ij' | 'xy' | null })[]): Tensor[] {
  const opts = MESHGRID(tensors);
  let list = opts.tensors as unknown[];
  if (list.length === 1 && Array.isArray(list[0])) list = [...(list[0] as unknown[])];
  if (opts.indexing === null || opts.indexing === undefined) return VF.meshgrid(list) as Tensor[];
  return VF.meshgrid(list, { indexing: opts.indexing }) as Tensor[];
}

// ---- stft / istft ---------------------------------------------------------------------------------

export interface StftOptions {
  hopLength?: number | null;
  winLength?: number | null;
  window?: Tensor | null;
  center?: boolean;
  padMode?: string;
  normalized?: boolean;
  onesided?: boolean | null;
  returnComplex?: boolean | null;
  alignToWindow?: boolean | null;
}
const STFT = pySignature(
  'stft',
  'input, n_fft, hop_length=None, win_length=None, window=None, center=True, pad_mode="reflect", normalized=False, onesided=None, return_complex=None, align_to_window=None',
);

/** @internal torch.stft's body (torch/functional.py), on bound arguments. */
export function stftImpl(a: Record<string, unknown>): Tensor {
  let input = a.input as Tensor;
  const nFft = a.nFft;
  const center = a.center ?? true;
  const alignToWindow = a.alignToWindow ?? null;
  if (truthy(center) && alignToWindow !== null) throw new Error('stft align_to_window should only be set when center = false');
  if (truthy(center)) {
    const signalDim = input.dim();
    const extended = [...Array<number>(Math.max(3 - signalDim, 0)).fill(1), ...input.shape];
    if (!isPyInt(nFft)) throw new TypeError(`unsupported operand type(s) for //: '${pyTypeName(nFft)}' and 'int'`);
    const pad = Math.floor(Number(nFft) / 2);
    const padded = VF.pad(input.view(extended), [pad, pad], a.padMode ?? 'reflect') as Tensor;
    const shape = padded.shape;
    input = padded.view(signalDim === 0 ? shape : shape.slice(-signalDim));
  }
  const n = (k: string): unknown => a[k] ?? null;
  return VF.stft(input, nFft, n('hopLength'), n('winLength'), n('window'), a.normalized ?? false, n('onesided'), n('returnComplex'), alignToWindow) as Tensor;
}

/**
 * torch.stft(input, nFft, hopLength, winLength, window, center = true, padMode = 'reflect',
 * normalized = false, onesided, returnComplex, alignToWindow): the short-time Fourier
 * transform (`returnComplex` is required for real inputs, as in PyTorch).
 */
export function stft(input: Tensor, nFft: number, options?: StftOptions): Tensor;
export function stft(input: Tensor, nFft: number, hopLength?: number | null, winLength?: number | null, window?: Tensor | null, center?: boolean, padMode?: string, normalized?: boolean, onesided?: boolean | null, returnComplex?: boolean | null, options?: StftOptions): Tensor;
export function stft(...args: unknown[]): Tensor {
  return stftImpl(STFT(args));
}

export interface IstftOptions {
  hopLength?: number | null;
  winLength?: number | null;
  window?: Tensor | null;
  center?: boolean;
  normalized?: boolean;
  onesided?: boolean | null;
  length?: number | null;
  returnComplex?: boolean;
}
/** @internal */
export function istftImpl(self: Tensor, a: Record<string, unknown>): Tensor {
  const n = (k: string): unknown => a[k] ?? null;
  return VF.istft(self, a.nFft, n('hopLength'), n('winLength'), n('window'), a.center ?? true, a.normalized ?? false, n('onesided'), n('length'), { returnComplex: a.returnComplex ?? false }) as Tensor;
}

// ---- unique -------------------------------------------------------------------------------------

type UniqueResult = Tensor | [Tensor, Tensor] | [Tensor, Tensor, Tensor];
const UNIQUE = pySignature('unique', 'input, sorted=True, return_inverse=False, return_counts=False, dim=None');
const UNIQUE_CONSECUTIVE = pySignature('unique_consecutive', 'input, return_inverse=False, return_counts=False, dim=None');

// torch._jit_internal.boolean_dispatch: which result shape to return is decided by the flag given
// by name, else by the positional argument at `index`, else the default.
function dispatchFlag(args: ArrayLike<unknown>, key: string, index: number): boolean {
  const last = args[args.length - 1];
  const opts = args.length > 0 && isOptions(last) ? (last as Record<string, unknown>) : undefined;
  const n = opts === undefined ? args.length : args.length - 1;
  if (opts !== undefined && key in opts && opts[key] !== undefined) return truthy(opts[key]);
  if (index < n && args[index] !== undefined) return truthy(args[index]);
  return false;
}

function pick(out: [Tensor, Tensor, Tensor], inverse: boolean, counts: boolean): UniqueResult {
  const [output, inv, cnt] = out;
  if (inverse && counts) return [output, inv, cnt];
  if (inverse) {
    cnt.dispose();
    return [output, inv];
  }
  inv.dispose();
  if (counts) return [output, cnt];
  cnt.dispose();
  return output;
}

/** @internal torch.unique on bound arguments; `inverse`/`counts` pick the result's shape. */
export function uniqueImpl(a: Record<string, unknown>, inverse: boolean, counts: boolean): UniqueResult {
  const input = a.input;
  const sorted = a.sorted ?? true;
  const returnInverse = a.returnInverse ?? false;
  const returnCounts = a.returnCounts ?? false;
  const dim = a.dim ?? null;
  let out: [Tensor, Tensor, Tensor];
  if (dim !== null) {
    out = VF.uniqueDim(input, dim, { sorted, returnInverse, returnCounts }) as [Tensor, Tensor, Tensor];
  } else {
    if (!(input instanceof Tensor)) throw new TypeError(`_unique2(): argument 'input' must be Tensor, not ${pyTypeName(input)}`);
    checkBool('_unique2', 'sorted', sorted);
    checkBool('_unique2', 'return_inverse', returnInverse);
    checkBool('_unique2', 'return_counts', returnCounts);
    const r = native.callOp(ops.unique2, input._h, sorted, returnInverse, returnCounts) as Handle[];
    out = r.map((h) => new Tensor(h)) as [Tensor, Tensor, Tensor];
  }
  return pick(out, inverse, counts);
}

/**
 * torch.unique(input, sorted = true, returnInverse = false, returnCounts = false, dim = null):
 * the unique elements (or slices along `dim`); with `returnInverse` and/or `returnCounts`, an
 * array [output, inverseIndices?, counts?] as Python's tuple.
 */
export function unique(input: Tensor, sorted?: boolean, returnInverse?: boolean, returnCounts?: boolean, dim?: number | null, options?: { sorted?: boolean; returnInverse?: boolean; returnCounts?: boolean; dim?: number | null }): UniqueResult;
export function unique(input: Tensor, options?: { sorted?: boolean; returnInverse?: boolean; returnCounts?: boolean; dim?: number | null }): UniqueResult;
export function unique(...args: unknown[]): UniqueResult {
  const a = UNIQUE(args);
  return uniqueImpl(a, dispatchFlag(args, 'returnInverse', 2), dispatchFlag(args, 'returnCounts', 3));
}

/** @internal torch.unique_consecutive on bound arguments. */
export function uniqueConsecutiveImpl(a: Record<string, unknown>, inverse: boolean, counts: boolean): UniqueResult {
  const out = VF.uniqueConsecutive(a.input, { returnInverse: a.returnInverse ?? false, returnCounts: a.returnCounts ?? false, dim: a.dim ?? null }) as [Tensor, Tensor, Tensor];
  return pick(out, inverse, counts);
}

/**
 * torch.unique_consecutive(input, returnInverse = false, returnCounts = false, dim = null): each
 * run of equal consecutive elements once. As in PyTorch, which results come back is decided by
 * `returnInverse`/`returnCounts` given by name, or by the 3rd and 2nd positional arguments
 * (torch/functional.py's boolean_dispatch indices): pass the flags by name.
 */
export function uniqueConsecutive(input: Tensor, options?: { returnInverse?: boolean; returnCounts?: boolean; dim?: number | null }): UniqueResult;
export function uniqueConsecutive(input: Tensor, returnInverse?: boolean, returnCounts?: boolean, dim?: number | null, options?: { returnInverse?: boolean; returnCounts?: boolean; dim?: number | null }): UniqueResult;
export function uniqueConsecutive(...args: unknown[]): UniqueResult {
  const a = UNIQUE_CONSECUTIVE(args);
  return uniqueConsecutiveImpl(a, dispatchFlag(args, 'returnInverse', 2), dispatchFlag(args, 'returnCounts', 1));
}

// ---- tensordot -----------------------------------------------------------------------------------

const TENSORDOT = pySignature('tensordot', 'a, b, dims=2');
/**
 * torch.tensordot(a, b, dims = 2): contracts the last `dims` dimensions of `a` with the first
 * `dims` of `b`, or the listed dimensions `[dimsA, dimsB]` (or a tensor of either form).
 */
export function tensordot(a: Tensor, b: Tensor, dims?: number | bigint | Tensor | readonly [readonly number[], readonly number[]], options?: { dims?: number | bigint | Tensor | readonly [readonly number[], readonly number[]] }): Tensor;
export function tensordot(a: Tensor, b: Tensor, options?: { dims?: number | bigint | Tensor | readonly [readonly number[], readonly number[]] }): Tensor;
export function tensordot(...args: unknown[]): Tensor {
  const p = TENSORDOT(args);
  const a = p.a as Tensor;
  const b = p.b as Tensor;
  const dims = p.dims ?? 2;
  if (!(Array.isArray(dims) || dims instanceof Tensor || isPyInt(dims))) {
    throw new Error(`tensordot expects dims to be int or tuple[list[int], list[int]] or list[list[int]] containing two lists, but got dims=${pyRepr(dims)}`);
  }
  let dimsA: unknown = [];
  let dimsB: unknown = [];
  const range = (lo: number, hi: number): number[] => Array.from({ length: Math.max(hi - lo, 0) }, (_, i) => lo + i);
  if (Array.isArray(dims)) {
    if (dims.length < 2) throw new Error(`not enough values to unpack (expected 2, got ${dims.length})`);
    if (dims.length > 2) throw new Error('too many values to unpack (expected 2)');
    [dimsA, dimsB] = dims as unknown[];
  } else if (dims instanceof Tensor) {
    if (dims.numel() > 1) {
      if (dims.size(0) !== 2) throw new Error(`dims tensor must have size 2 in first dimension, got ${dims.size(0)}`);
      dimsA = dims.select(0, 0).tolist();
      dimsB = dims.select(0, 1).tolist();
    } else {
      const v = Math.trunc(Number(dims.item()));
      // An f-string formats a 0-d tensor as its value (Tensor.__format__).
      if (v < 0) throw new Error(`tensordot expects dims >= 0, but got dims=${dims.dim() === 0 ? pyRepr(dims.item()) : String(dims)}`);
      dimsA = range(-v, 0);
      dimsB = range(0, v);
    }
  } else {
    const v = Number(dims);
    if (v < 0) throw new Error(`tensordot expects dims >= 0, but got dims=${v}`);
    if (v > Math.min(a.dim(), b.dim())) throw new Error(`tensordot expects dims < ndim_a or ndim_b, but got dims=${v}`);
    dimsA = range(-v, 0);
    dimsB = range(0, v);
  }
  return VF.tensordot(a, b, dimsA, dimsB) as Tensor;
}

// ---- products, blocks, distances -------------------------------------------------------------------

/** torch.cartesian_prod(*tensors): the Cartesian product of 1-D tensors, one row per tuple. */
export function cartesianProd(...tensors: Tensor[]): Tensor {
  return VF.cartesianProd(tensors) as Tensor;
}

/** torch.block_diag(*tensors): a block-diagonal matrix of the given tensors (0-, 1- or 2-D). */
export function blockDiag(...tensors: Tensor[]): Tensor {
  return VF.blockDiag(tensors) as Tensor;
}

/** torch.chain_matmul(*matrices): the product of the matrices (deprecated in PyTorch for linalg.multi_dot). */
export function chainMatmul(...matrices: Tensor[]): Tensor {
  return VF.chainMatmul(matrices) as Tensor;
}

type ComputeMode = 'use_mm_for_euclid_dist_if_necessary' | 'use_mm_for_euclid_dist' | 'donot_use_mm_for_euclid_dist';
const CDIST = pySignature('cdist', "x1, x2, p=2.0, compute_mode='use_mm_for_euclid_dist_if_necessary'");
/** torch.cdist(x1, x2, p = 2.0, computeMode = 'use_mm_for_euclid_dist_if_necessary'): pairwise p-norm distances. */
export function cdist(x1: Tensor, x2: Tensor, p?: number | PyFloat, computeMode?: ComputeMode, options?: { p?: number | PyFloat; computeMode?: ComputeMode }): Tensor;
export function cdist(x1: Tensor, x2: Tensor, options?: { p?: number | PyFloat; computeMode?: ComputeMode }): Tensor;
export function cdist(...args: unknown[]): Tensor {
  const a = CDIST(args);
  const p = a.p ?? 2;
  const mode = a.computeMode ?? 'use_mm_for_euclid_dist_if_necessary';
  if (mode === 'use_mm_for_euclid_dist_if_necessary') return VF.cdist(a.x1, a.x2, p, null) as Tensor;
  if (mode === 'use_mm_for_euclid_dist') return VF.cdist(a.x1, a.x2, p, 1) as Tensor;
  if (mode === 'donot_use_mm_for_euclid_dist') return VF.cdist(a.x1, a.x2, p, 2) as Tensor;
  throw new Error(`${String(mode)} is not a valid value for compute_mode`);
}

// ---- atleast_nd -------------------------------------------------------------------------------------

function atleast(f: AnyFn, tensors: unknown[]): Tensor | Tensor[] {
  return f(tensors.length === 1 ? tensors[0] : tensors) as Tensor | Tensor[];
}
/** torch.atleast_1d: one tensor gives a tensor, several (or a list) an array. */
export function atleast1d(tensor: Tensor): Tensor;
export function atleast1d(...tensors: (Tensor | readonly Tensor[])[]): Tensor[];
export function atleast1d(...tensors: unknown[]): Tensor | Tensor[] {
  return atleast(VF.atleast1d, tensors);
}
/** torch.atleast_2d: one tensor gives a tensor, several (or a list) an array. */
export function atleast2d(tensor: Tensor): Tensor;
export function atleast2d(...tensors: (Tensor | readonly Tensor[])[]): Tensor[];
export function atleast2d(...tensors: unknown[]): Tensor | Tensor[] {
  return atleast(VF.atleast2d, tensors);
}
/** torch.atleast_3d: one tensor gives a tensor, several (or a list) an array. */
export function atleast3d(tensor: Tensor): Tensor;
export function atleast3d(...tensors: (Tensor | readonly Tensor[])[]): Tensor[];
export function atleast3d(...tensors: unknown[]): Tensor | Tensor[] {
  return atleast(VF.atleast3d, tensors);
}

// ---- norm -------------------------------------------------------------------------------------------

type NormP = number | bigint | PyFloat | 'fro' | 'nuc' | null;
type Dims = number | bigint | readonly (number | bigint)[] | null;
export interface NormOptions {
  p?: NormP;
  dim?: Dims;
  keepdim?: boolean;
  dtype?: DType | null;
}
const NORM = pySignature('norm', 'input, p="fro", dim=None, keepdim=False, out=None, dtype=None');

/** @internal torch.norm's body on bound arguments (Tensor.norm calls it too). */
export function normImpl(a: Record<string, unknown>): Tensor {
  if (a.out !== undefined && a.out !== null) throw new TypeError("norm(): the 'out' argument is not supported by torchnode; assign the result instead");
  const input = a.input as Tensor;
  const p = a.p === undefined ? 'fro' : a.p;
  const dim = a.dim ?? null;
  const keepdim = a.keepdim ?? false;
  const dtype = a.dtype ?? null;
  // The strided CPU/CUDA path of torch/functional.py's norm (torchnode's tensors are strided).
  const list = dim === null ? null : isPyInt(dim) ? [dim] : dim;
  if (typeof p === 'string') {
    if (p === 'fro' && (dim === null || isPyInt(dim) || (list as unknown[]).length <= 2)) {
      return VF.vectorNorm(input, 2, list, keepdim, { dtype }) as Tensor;
    }
    const all = list ?? Array.from({ length: input.dim() }, (_, i) => i);
    return VF.matrixNorm(input, p, all, keepdim, { dtype }) as Tensor;
  }
  return VF.vectorNorm(input, p === null ? new PyFloat(2) : p, list, keepdim, { dtype }) as Tensor;
}

/**
 * torch.norm(input, p = 'fro', dim = null, keepdim = false, dtype = null) (deprecated in PyTorch
 * for torch.linalg's norms): a vector norm of order `p` over `dim` (all elements by default),
 * `'fro'` the 2-norm over up to two dims, `'nuc'` (or 'fro' over more dims) a matrix norm.
 */
export function norm(input: Tensor, p?: NormP, dim?: Dims, keepdim?: boolean, options?: NormOptions): Tensor;
export function norm(input: Tensor, options?: NormOptions): Tensor;
export function norm(...args: unknown[]): Tensor {
  return normImpl(NORM(args));
}

// ---- unravel_index ------------------------------------------------------------------------------------

const UNRAVEL = pySignature('unravel_index', 'indices, shape');
/**
 * torch.unravel_index(indices, shape): converts flat indices into coordinates in `shape`; one
 * tensor per dimension.
 */
export function unravelIndex(indices: Tensor, shape: number | bigint | readonly (number | bigint)[], options?: { shape?: number | bigint | readonly (number | bigint)[] }): Tensor[];
export function unravelIndex(...args: unknown[]): Tensor[] {
  const a = UNRAVEL(args);
  const indices = a.indices as Tensor;
  const dt = indices.dtype;
  if (dt.isComplex || dt.isFloatingPoint || dt.name === 'bool') throw new TypeError(`expected 'indices' to be integer dtype, but got ${String(dt)}`);
  let shape = a.shape;
  if (isPyInt(shape)) shape = [shape];
  else if (Array.isArray(shape)) {
    for (const d of shape) if (!isPyInt(d)) throw new TypeError(`expected 'shape' sequence to only contain ints, but got <class '${pyTypeName(d)}'>`);
  } else {
    throw new TypeError(`expected 'shape' to be int or sequence of ints, but got <class '${pyTypeName(shape)}'>`);
  }
  const dims = (shape as (number | bigint)[]).map(Number);
  if (dims.some((d) => d < 0)) throw new Error(`'shape' cannot have negative values, but got (${dims.join(', ')}${dims.length === 1 ? ',' : ''})`);
  const coefs: number[] = [];
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    coefs.unshift(acc);
    acc *= dims[i]!;
  }
  if (dims.length === 0) coefs.push(1);
  const device = indices.device;
  const c = tensor(coefs, { dtype: int64, device });
  const s = tensor(dims, { dtype: int64, device });
  const u = indices.unsqueeze(-1);
  const q = u.floorDivide(c);
  const r = q.remainder(s);
  for (const t of [c, s, u, q]) t.dispose();
  const out = r.unbind(-1);
  r.dispose();
  return out;
}

// ---- lu ----------------------------------------------------------------------------------------------

export type LuResult = [Tensor, Tensor];
export type LuWithInfo = [Tensor, Tensor, Tensor] & { LU: Tensor; pivots: Tensor; info: Tensor };
const LU = pySignature('lu', 'A, pivot=True, get_infos=False, out=None');

/** @internal torch.lu on bound arguments. */
export function luImpl(a: Record<string, unknown>, withInfos: boolean): LuResult | LuWithInfo {
  if (a.out !== undefined && a.out !== null) throw new TypeError("lu(): the 'out' argument is not supported by torchnode; assign the result instead");
  const A = a.A;
  if (!(A instanceof Tensor)) throw new TypeError(`_lu_with_info(): argument 'input' must be Tensor, not ${pyTypeName(A)}`);
  const pivot = checkBool('_lu_with_info', 'pivot', a.pivot ?? true);
  const checkErrors = !truthy(a.getInfos ?? false);
  const [LU_, pivots, info] = (native.callOp(ops.luWithInfo, A._h, pivot, checkErrors) as Handle[]).map((h) => new Tensor(h)) as [Tensor, Tensor, Tensor];
  if (withInfos) return namedTuple([LU_, pivots, info], ['LU', 'pivots', 'info']) as unknown as LuWithInfo;
  info.dispose();
  return [LU_, pivots];
}

/**
 * torch.lu(A, pivot = true, getInfos = false) (deprecated in PyTorch for linalg.luFactor): the
 * LU factorization [LU, pivots], or [LU, pivots, info] with `getInfos`.
 */
export function lu(A: Tensor, pivot?: boolean, getInfos?: false, options?: { pivot?: boolean; getInfos?: false }): LuResult;
export function lu(A: Tensor, pivot: boolean, getInfos: true): LuWithInfo;
export function lu(A: Tensor, options: { pivot?: boolean; getInfos: true }): LuWithInfo;
export function lu(A: Tensor, options?: { pivot?: boolean; getInfos?: boolean }): LuResult | LuWithInfo;
export function lu(...args: unknown[]): LuResult | LuWithInfo {
  return luImpl(LU(args), dispatchFlag(args, 'getInfos', 2));
}

// ---- torch/__init__.py ----------------------------------------------------------------------------------

/** torch.is_tensor(obj): whether `obj` is a Tensor. */
export function isTensor(obj: unknown): obj is Tensor {
  return obj instanceof Tensor;
}

// ---- torch/_lowrank.py ---------------------------------------------------------------------------------

const LOWRANK = {
  randn: bindFunction<AnyFn>('torch', 'randn'),
  qr: bindFunction<AnyFn>('linalg', 'qr', 'linalg_qr'),
  svd: bindFunction<AnyFn>('linalg', 'svd', 'linalg_svd'),
};

function floatingDtype(A: Tensor): DType {
  const d = A.dtype;
  return d.isFloatingPoint ? d : float32;
}

// Frees the intermediates of a computation as they are replaced.
function replace(old: Tensor | null, next: Tensor): Tensor {
  if (old !== null && old !== next) old.dispose();
  return next;
}

function qrQ(X: Tensor): Tensor {
  const [Q, R] = LOWRANK.qr(X) as [Tensor, Tensor];
  R.dispose();
  return Q;
}

// torch._lowrank.get_approximate_basis
function approximateBasis(A: Tensor, q: number, niter: number, M: Tensor | null): Tensor {
  const dtype = A.dtype.isComplex ? A.dtype : floatingDtype(A);
  const R = LOWRANK.randn(A.shape[A.dim() - 1], q, { dtype, device: A.device }) as Tensor;
  const project = (L: Tensor, Lm: Tensor | null, Y: Tensor): Tensor => {
    const X = L.matmul(Y);
    if (Lm === null) return X;
    const MX = Lm.matmul(Y);
    const out = X.sub(MX);
    X.dispose();
    MX.dispose();
    return out;
  };
  let X = project(A, M, R);
  R.dispose();
  let Q = qrQ(X);
  const AH = A.mH;
  const MH = M === null ? null : M.mH;
  for (let i = 0; i < niter; i++) {
    X = replace(X, project(AH, MH, Q));
    Q = replace(Q, qrQ(X));
    X = replace(X, project(A, M, Q));
    Q = replace(Q, qrQ(X));
  }
  X.dispose();
  return Q;
}

export type SvdLowrankResult = [Tensor, Tensor, Tensor];

function svdLowrankImpl(A: Tensor, q: number, niter: number, M: Tensor | null): SvdLowrankResult {
  const shape = A.shape;
  const [m, n] = [shape[shape.length - 2]!, shape[shape.length - 1]!];
  if (M !== null) M = M.broadcastTo(A.size());
  if (m < n) {
    A = A.mH;
    if (M !== null) M = M.mH;
  }
  const Q = approximateBasis(A, q, niter, M);
  const QH = Q.mH;
  let B = QH.matmul(A);
  if (M !== null) B = replace(B, B.sub(QH.matmul(M)));
  const [U0, S, Vh] = LOWRANK.svd(B, { fullMatrices: false }) as [Tensor, Tensor, Tensor];
  B.dispose();
  const V = Vh.mH;
  const U = Q.matmul(U0);
  U0.dispose();
  Q.dispose();
  return m < n ? [V, S, U] : [U, S, V];
}

const SVD_LOWRANK = pySignature('svd_lowrank', 'A, q=6, niter=2, M=None');
/**
 * torch.svd_lowrank(A, q = 6, niter = 2, M = null): a randomized rank-`q` SVD [U, S, V] of A
 * (or of A - M), drawing from the default generator as PyTorch does (dense tensors only).
 */
export function svdLowrank(A: Tensor, q?: number | null, niter?: number | null, M?: Tensor | null, options?: { q?: number | null; niter?: number | null; M?: Tensor | null }): SvdLowrankResult;
export function svdLowrank(A: Tensor, options?: { q?: number | null; niter?: number | null; M?: Tensor | null }): SvdLowrankResult;
export function svdLowrank(...args: unknown[]): SvdLowrankResult {
  const a = SVD_LOWRANK(args);
  return svdLowrankImpl(a.A as Tensor, Number(a.q ?? 6), Number(a.niter ?? 2), (a.M ?? null) as Tensor | null);
}

const PCA_LOWRANK = pySignature('pca_lowrank', 'A, q=None, center=True, niter=2');
/**
 * torch.pca_lowrank(A, q = min(6, m, n), center = true, niter = 2): a randomized PCA [U, S, V]
 * of the (centered) data matrix A (dense tensors only).
 */
export function pcaLowrank(A: Tensor, q?: number | null, center?: boolean, niter?: number, options?: { q?: number | null; center?: boolean; niter?: number }): SvdLowrankResult;
export function pcaLowrank(A: Tensor, options?: { q?: number | null; center?: boolean; niter?: number }): SvdLowrankResult;
export function pcaLowrank(...args: unknown[]): SvdLowrankResult {
  const a = PCA_LOWRANK(args);
  const A = a.A as Tensor;
  const shape = A.shape;
  const [m, n] = [shape[shape.length - 2]!, shape[shape.length - 1]!];
  let q = a.q ?? null;
  const niter = a.niter ?? 2;
  if (q === null) q = Math.min(6, m, n);
  else if (!(Number(q) >= 0 && Number(q) <= Math.min(m, n))) {
    throw new Error(`q(=${pyRepr(q)}) must be non-negative integer and not greater than min(m, n)=${Math.min(m, n)}`);
  }
  if (!(Number(niter) >= 0)) throw new Error(`niter(=${pyRepr(niter)}) must be non-negative integer`);
  if (!truthy(a.center ?? true)) return svdLowrankImpl(A, Number(q), Number(niter), null);
  const C = A.mean([-2], { keepdim: true });
  const centered = A.sub(C);
  C.dispose();
  const out = svdLowrankImpl(centered, Number(q), Number(niter), null);
  centered.dispose();
  return out;
}

const NONZERO = pySignature('nonzero', 'input, *, as_tuple=False');
/** torch.nonzero(input, { asTuple }): the indices of the nonzero elements. */
export function nonzero(input: Tensor, options?: { asTuple?: false }): Tensor;
export function nonzero(input: Tensor, options: { asTuple: true }): Tensor[];
export function nonzero(...args: unknown[]): Tensor | Tensor[] {
  const a = NONZERO(args);
  if (!(a.input instanceof Tensor)) throw new TypeError(`nonzero(): argument 'input' (position 1) must be Tensor, not ${typeof a.input}`);
  return nonzeroOf(a.input, a.asTuple);
}
