// torch/amp/autocast_mode.py: torch.autocast as a scope over libtorch's own autocast state
// (thread-local, read by the Autocast dispatch keys), so the op casting lists are libtorch's.
import { pyTypeName } from './arg_parser';
import { isAvailable as cudaIsAvailable } from './cuda';
import { DType, dtypeFromCode, bfloat16, float16 } from './dtype';
import { native } from './native';
import { pySignature } from './python_signature';

function checkDeviceType(deviceType: unknown, fn: string): string {
  if (typeof deviceType !== 'string') throw new TypeError(`${fn}(): argument 'device_type' must be str, not ${pyTypeName(deviceType)}`);
  return deviceType;
}

/** torch.is_autocast_enabled(device_type): whether autocast is on for that device type ('cuda' when omitted). */
export function isAutocastEnabled(deviceType = 'cuda'): boolean {
  return native.isAutocastEnabled(checkDeviceType(deviceType, 'is_autocast_enabled'));
}
export function setAutocastEnabled(deviceType: string, enabled: boolean): void {
  native.setAutocastEnabled(checkDeviceType(deviceType, 'set_autocast_enabled'), enabled);
}
/** torch.get_autocast_dtype(device_type): the lower-precision dtype autocast casts to (bfloat16 on CPU, float16 on CUDA by default). */
export function getAutocastDtype(deviceType: string): DType {
  return dtypeFromCode(native.getAutocastDtype(checkDeviceType(deviceType, 'get_autocast_dtype')));
}
export function setAutocastDtype(deviceType: string, dtype: DType): void {
  if (!(dtype instanceof DType)) throw new TypeError("set_autocast_dtype(): argument 'dtype' must be torch.dtype");
  native.setAutocastDtype(checkDeviceType(deviceType, 'set_autocast_dtype'), dtype.code);
}
export function isAutocastCacheEnabled(): boolean {
  return native.isAutocastCacheEnabled();
}
export function setAutocastCacheEnabled(enabled: boolean): void {
  native.setAutocastCacheEnabled(enabled);
}
export function clearAutocastCache(): void {
  native.clearAutocastCache();
}
/** torch.amp.is_autocast_available(device_type). */
export function isAutocastAvailable(deviceType: string): boolean {
  return native.isAutocastAvailable(checkDeviceType(deviceType, 'is_autocast_available'));
}

export interface AutocastOptions {
  dtype?: DType | null;
  enabled?: boolean;
  cacheEnabled?: boolean | null;
}
const AUTOCAST = pySignature<{ deviceType: unknown; dtype: DType | null; enabled: boolean; cacheEnabled: boolean | null }>(
  'autocast', 'device_type, dtype=None, enabled=True, cache_enabled=None');

const warn = (message: string): void => void process.emitWarning(message, 'UserWarning');

/**
 * torch.autocast: runs fn with autocast on for one device type and returns what fn returns.
 * `torch.autocast('cpu', fn)`, `torch.autocast('cpu', { dtype: torch.bfloat16 }, fn)`,
 * `torch.autocast('cuda', { enabled: false }, fn)`. Ops in libtorch's lists run in the lower
 * precision dtype, others in float32 or the widest input type, as in PyTorch.
 */
export function autocast<T>(...args: [...unknown[], () => T]): T {
  const fn = args.pop();
  if (typeof fn !== 'function') throw new TypeError('autocast(..., fn): the last argument must be a function');
  // The state is per thread, not per async context: across an await it would leak into whatever else runs.
  if (fn.constructor.name === 'AsyncFunction') throw new TypeError('autocast(fn): fn must be synchronous; autocast cannot follow awaits');
  const bound = AUTOCAST(args);
  if (typeof bound.deviceType !== 'string') throw new RangeError(`Expected \`device_type\` of type \`str\`, got: \`<class '${pyTypeName(bound.deviceType)}'>\``);
  const device = bound.deviceType;
  if (bound.dtype !== null && !(bound.dtype instanceof DType)) throw new TypeError("autocast(): argument 'dtype' must be torch.dtype");
  if (!native.isAutocastAvailable(device)) throw new Error(`User specified an unsupported autocast device_type '${device}'`);
  const fastDtype = bound.dtype ?? getAutocastDtype(device);
  const cacheEnabled = bound.cacheEnabled ?? native.isAutocastCacheEnabled();
  let enabled = bound.enabled;
  if (enabled) {
    if (device === 'cuda') {
      if (!cudaIsAvailable()) {
        warn('CUDA is not available or torch_xla is imported. Disabling autocast.');
        enabled = false;
      }
    } else if (fastDtype !== bfloat16 && fastDtype !== float16) {
      const name = device.toUpperCase();
      warn(`In ${name} autocast, but the target dtype is not supported. Disabling autocast.\n` +
        `${name} Autocast only supports dtypes of torch.bfloat16, torch.float16 currently.`);
      enabled = false;
    }
  }
  const prevCacheEnabled = native.isAutocastCacheEnabled();
  const prev = native.isAutocastEnabled(device);
  const prevFastDtype = native.getAutocastDtype(device);
  native.setAutocastEnabled(device, enabled);
  native.setAutocastDtype(device, fastDtype.code);
  native.autocastIncrementNesting();
  native.setAutocastCacheEnabled(cacheEnabled);
  try {
    return (fn as () => T)();
  } finally {
    // The weight cache is dropped when leaving the outermost autocast scope.
    if (native.autocastDecrementNesting() === 0) native.clearAutocastCache();
    native.setAutocastEnabled(device, prev);
    native.setAutocastDtype(device, prevFastDtype);
    native.setAutocastCacheEnabled(prevCacheEnabled);
  }
}
