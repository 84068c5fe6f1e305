// torch/nn/utils/clip_grad.py: gradient clipping by total norm or by value, in PyTorch's order
// of operations (per-(device, dtype) norms, then the norm of those; the fused _foreach_* kernels
// wherever the device has them, as PyTorch picks them).
import { noGrad } from '../../autograd';
import { tensor } from '../../creation';
import { clamp, logicalOr, stack } from '../../generated/torch';
import { vectorNorm } from '../../generated/linalg';
import { foreachClampMax_, foreachClampMin_, foreachMul_, foreachNorm } from '../../_foreach';
import { Tensor } from '../../tensor';
import { pySignature } from '../../python_signature';
import { PyFloat } from '../../scalar';
import { typename } from '../module';
import { pyFloat } from '../repr';
import { _deviceHasForeachSupport, _groupTensorsByDeviceAndDtype } from '../../utils/_foreach_utils';

const GET_TOTAL_NORM = pySignature('get_total_norm', 'tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None');
const CLIP_GRADS_WITH_NORM = pySignature('clip_grads_with_norm_', 'parameters, max_norm, total_norm, foreach=None');
const CLIP_GRAD_NORM = pySignature('clip_grad_norm_', 'parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None');
const CLIP_GRAD_VALUE = pySignature('clip_grad_value_', 'parameters, clip_value, foreach=None');

/** A tensor or an iterable of tensors (a generator such as `module.parameters()` included). */
export type TensorOrTensors = Tensor | Iterable<Tensor>;
export type NormType = number | 'inf' | '-inf';

export interface TotalNormOptions {
  normType?: NormType;
  errorIfNonfinite?: boolean;
  foreach?: boolean | null;
}

/** Python's `float(x)`: a number, a numeric string ('inf', '-inf', 'nan', '2') or a one-element tensor. */
function toFloat(x: unknown): number {
  if (typeof x === 'number') return x;
  if (typeof x === 'bigint') return Number(x);
  if (x instanceof Tensor && x.numel() === 1) return Number(x.item());
  if (typeof x === 'string') {
    const s = x.trim().toLowerCase();
    const sign = s.startsWith('-') ? -1 : 1;
    const bare = s.replace(/^[+-]/, '');
    if (bare === 'inf' || bare === 'infinity') return sign * Infinity;
    if (bare === 'nan') return NaN;
    const n = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(bare) ? Number(bare) : NaN;
    if (!Number.isNaN(n)) return sign * n;
    throw new RangeError(`could not convert string to float: '${x}'`);
  }
  throw new TypeError(`float() argument must be a string or a real number, not '${typename(x)}'`);
}

function tensorList(tensors: TensorOrTensors): Tensor[] {
  return tensors instanceof Tensor ? [tensors] : [...tensors];
}

function grads(parameters: readonly Tensor[]): Tensor[] {
  const out: Tensor[] = [];
  for (const p of parameters) {
    const g = p.grad;
    if (g !== null) out.push(g);
  }
  return out;
}

/** Whether a (device, dtype) group takes the _foreach_* path (`foreach` None: wherever the device has it). */
function useForeach(group: readonly Tensor[], foreach: boolean | null): boolean {
  const device = group[0]!.device;
  if (foreach === false) return false;
  if (_deviceHasForeachSupport(device)) return true;
  if (foreach === true) throw new Error(`foreach=True was passed, but can't use the foreach API on ${device.type} tensors`);
  return false;
}

/** The groups of `_group_tensors_by_device_and_dtype([tensors])`. */
function groupsOf(tensors: Tensor[]): Tensor[][] {
  return _groupTensorsByDeviceAndDtype([tensors]).map(({ lists: [group] }) => group!);
}

function totalNorm(tensors: Tensor[], normType: number, errorIfNonfinite: boolean, foreach: boolean | null): Tensor {
  if (tensors.length === 0) return tensor(new PyFloat(0));
  const firstDevice = tensors[0]!.device;
  const norms: Tensor[] = [];
  for (const group of groupsOf(tensors)) {
    if (useForeach(group, foreach)) norms.push(...foreachNorm(group, normType));
    else for (const g of group) norms.push(vectorNorm(g, normType));
  }
  const total = vectorNorm(stack(norms.map((n) => n.to(firstDevice))), normType);
  if (errorIfNonfinite && logicalOr(total.isnan(), total.isinf()).item()) {
    throw new Error(
      `The total norm of order ${pyFloat(normType)} for gradients from \`parameters\` is non-finite, so it cannot be clipped. ` +
        'To disable this error and scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`',
    );
  }
  return total;
}

function clipWithNorm(parameters: Tensor[], maxNorm: number, total: Tensor, foreach: boolean | null): void {
  const gs = grads(parameters);
  if (gs.length === 0) return;
  // Python's `max_norm / (total_norm + 1e-6)` is Tensor.__rtruediv__: reciprocal() * max_norm.
  const coef = clamp(total.add(1e-6).reciprocal().mul(maxNorm), { max: 1.0 });
  for (const group of groupsOf(gs)) {
    const c = coef.to(group[0]!.device);
    if (useForeach(group, foreach)) foreachMul_(group, c);
    else for (const g of group) g.mul_(c);
  }
}

/**
 * The norm of the norms of `tensors` (torch.nn.utils.get_total_norm): a 0-dim tensor.
 * `normType` may be `Infinity` ('inf'); `errorIfNonfinite` throws on a NaN or infinite result.
 */
export function getTotalNorm(tensors: TensorOrTensors, normType?: NormType, errorIfNonfinite?: boolean, foreach?: boolean | null): Tensor;
export function getTotalNorm(tensors: TensorOrTensors, options: TotalNormOptions): Tensor;
export function getTotalNorm(...args: unknown[]): Tensor {
  const o = GET_TOTAL_NORM<{ tensors: TensorOrTensors; normType: unknown; errorIfNonfinite: boolean; foreach: boolean | null }>(args);
  return noGrad(() => totalNorm(tensorList(o.tensors), toFloat(o.normType), o.errorIfNonfinite, o.foreach));
}

/** Scales the gradients of `parameters` by `min(1, maxNorm / (totalNorm + 1e-6))` (torch.nn.utils.clip_grads_with_norm_). */
export function clipGradsWithNorm_(parameters: TensorOrTensors, maxNorm: number, totalNorm: Tensor, foreach?: boolean | null): void;
export function clipGradsWithNorm_(parameters: TensorOrTensors, maxNorm: number, totalNorm: Tensor, options: { foreach?: boolean | null }): void;
export function clipGradsWithNorm_(...args: unknown[]): void {
  const o = CLIP_GRADS_WITH_NORM<{ parameters: TensorOrTensors; maxNorm: unknown; totalNorm: Tensor; foreach: boolean | null }>(args);
  noGrad(() => clipWithNorm(tensorList(o.parameters), toFloat(o.maxNorm), o.totalNorm, o.foreach));
}

/**
 * Clips the gradients of `parameters` in place so that their total norm is at most `maxNorm`
 * (torch.nn.utils.clip_grad_norm_); returns the total norm before clipping.
 */
export function clipGradNorm_(parameters: TensorOrTensors, maxNorm: number, normType?: NormType, errorIfNonfinite?: boolean, foreach?: boolean | null): Tensor;
export function clipGradNorm_(parameters: TensorOrTensors, maxNorm: number, options: TotalNormOptions): Tensor;
export function clipGradNorm_(parameters: TensorOrTensors, options: TotalNormOptions & { maxNorm: number }): Tensor;
export function clipGradNorm_(...args: unknown[]): Tensor {
  return clipGradNormImpl('clip_grad_norm_', args);
}

function clipGradNormImpl(name: string, args: unknown[]): Tensor {
  const o = CLIP_GRAD_NORM<{ parameters: TensorOrTensors; maxNorm: unknown; normType: unknown; errorIfNonfinite: boolean; foreach: boolean | null }>(args, name);
  return noGrad(() => {
    const isGenerator = Object.prototype.toString.call(o.parameters) === '[object Generator]';
    const parameters = tensorList(o.parameters);
    if (isGenerator && parameters.length === 0) process.emitWarning('`parameters` is an empty generator, no gradient clipping will occur.', 'UserWarning');
    const total = totalNorm(grads(parameters), toFloat(o.normType), o.errorIfNonfinite, o.foreach);
    clipWithNorm(parameters, toFloat(o.maxNorm), total, o.foreach);
    return total;
  });
}

/** Deprecated alias of clipGradNorm_ (PyTorch's FutureWarning). */
export const clipGradNorm = ((...args: unknown[]): Tensor => {
  process.emitWarning('`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.', 'FutureWarning');
  return clipGradNormImpl('clip_grad_norm', args);
}) as typeof clipGradNorm_;

/** Clamps the gradients of `parameters` in place to [-clipValue, clipValue] (torch.nn.utils.clip_grad_value_). */
export function clipGradValue_(parameters: TensorOrTensors, clipValue: number, foreach?: boolean | null): void;
export function clipGradValue_(parameters: TensorOrTensors, clipValue: number, options: { foreach?: boolean | null }): void;
export function clipGradValue_(...args: unknown[]): void {
  const o = CLIP_GRAD_VALUE<{ parameters: TensorOrTensors; clipValue: unknown; foreach: boolean | null }>(args);
  const clipValue = toFloat(o.clipValue);
  noGrad(() => {
    for (const group of groupsOf(grads(tensorList(o.parameters)))) {
      if (useForeach(group, o.foreach)) {
        foreachClampMin_(group, -clipValue);
        foreachClampMax_(group, clipValue);
      } else {
        for (const g of group) g.clamp_({ min: -clipValue, max: clipValue });
      }
    }
  });
}
