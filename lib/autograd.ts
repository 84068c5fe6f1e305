// Grad mode: libtorch's thread-local flag, read and set through the addon so that what JS sees
// is what the kernels see. (torch.no_grad / torch.enable_grad / torch.set_grad_enabled)
import { native } from './native';

export function isGradEnabled(): boolean {
  return native.isGradEnabled();
}
export function setGradEnabled(enabled: boolean): void {
  native.setGradEnabled(enabled);
}

function withGradMode<T>(enabled: boolean, name: string, fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError(`${name}(fn): fn must be a function`);
  // Grad mode is per thread, not per async context: across an await it would leak into
  // whatever else runs, so async functions are refused rather than silently mis-scoped.
  if (fn.constructor.name === 'AsyncFunction') throw new TypeError(`${name}(fn): fn must be synchronous; grad mode cannot follow awaits`);
  const previous = native.isGradEnabled();
  native.setGradEnabled(enabled);
  try {
    return fn();
  } finally {
    native.setGradEnabled(previous);
  }
}

/** Runs fn with gradient recording off (torch.no_grad). */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, 'noGrad', fn);
}
/** Runs fn with gradient recording on (torch.enable_grad). */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, 'enableGrad', fn);
}
