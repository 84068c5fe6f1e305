// Grad mode: libtorch's thread-local flag, read and set through the addon so that what JS sees
// is what the kernels see. (torch.no_grad / torch.enable_grad / torch.set_grad_enabled)
import { native } from './native';
import { Tensor } from './tensor';

export function isGradEnabled(): boolean {
  return native.isGradEnabled();
}
export function setGradEnabled(enabled: boolean): void {
  native.setGradEnabled(enabled);
}

function withGradMode<T>(enabled: boolean, name: string, fn: () => T): T {
  refuseAsync(name, fn);
  const previous = native.isGradEnabled();
  native.setGradEnabled(enabled);
  try {
    return fn();
  } finally {
    native.setGradEnabled(previous);
  }
}

function refuseAsync(name: string, fn: unknown): void {
  if (typeof fn !== 'function') throw new TypeError(`${name}(fn): fn must be a function`);
  // These modes are per thread, not per async context: across an await they would leak into
  // whatever else runs, so async functions are refused rather than silently mis-scoped.
  if (fn.constructor.name === 'AsyncFunction') throw new TypeError(`${name}(fn): fn must be synchronous; grad mode cannot follow awaits`);
}

/**
 * Runs fn in inference mode (torch.inference_mode): no autograd recording and no version
 * counting; tensors made inside are inference tensors that autograd refuses later.
 */
export function inferenceMode<T>(fn: () => T): T {
  refuseAsync('inferenceMode', fn);
  native.enterInferenceMode();
  try {
    return fn();
  } finally {
    native.exitInferenceMode();
  }
}
export function isInferenceModeEnabled(): boolean {
  return native.isInferenceModeEnabled();
}

/** Runs fn with gradient recording off (torch.no_grad). */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, 'noGrad', fn);
}
/** Runs fn with gradient recording on (torch.enable_grad). */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, 'enableGrad', fn);
}

/**
 * torch.autograd.grad: gradients of `outputs` with respect to `inputs`, returned rather than
 * accumulated into `.grad` (null for an input the outputs do not use, with allowUnused).
 */
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  options: { gradOutputs?: Tensor | readonly (Tensor | null)[]; retainGraph?: boolean; createGraph?: boolean; allowUnused?: boolean } = {},
): (Tensor | null)[] {
  const list = <T>(x: T | readonly T[] | undefined): readonly T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x as T]);
  const handles = native.autogradGrad(
    list(outputs).map((t) => t._h),
    list(inputs).map((t) => t._h),
    list(options.gradOutputs).map((t) => (t === null ? null : t._h)),
    options.retainGraph ?? null,
    options.createGraph ?? false,
    options.allowUnused ?? false,
  );
  return handles.map((h) => (h === null ? null : new Tensor(h)));
}
