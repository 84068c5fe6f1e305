// torchnode: `import * as torch from 'torchnode'` or `const torch = require('torchnode')`.
export { native } from './native';
export { Tensor, type TensorOrScalar, type Scalar, type NestedArray, type ValuesIndices } from './tensor';
export { Size } from './size';
export { Device, type DeviceLike } from './device';
export {
  DType, uint8, int8, int16, int32, int64, float16, float32, float64, bool, bfloat16,
  float, double, half, long, int, short, getDefaultDtype, type TypedArray,
} from './dtype';
export {
  tensor, zeros, ones, empty, full, arange, linspace, eye,
  zerosLike, onesLike, emptyLike, fullLike, randLike, randnLike, type TensorOptions,
} from './creation';
export * as cuda from './cuda';
export * as nn from './nn';
export { tidy, keep, dispose, memory, setGcInterval, type MemoryInfo, type Disposable } from './memory';
export { op, schemaOf } from './ops';
export { cat, stack, where, equal, allclose } from './functions';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled, inferenceMode, isInferenceModeEnabled } from './autograd';
export * as autograd from './autograd';
export { manualSeed, rand, randn, randint, randperm } from './random';

import { native } from './native';
/** The libtorch version the addon runs on. */
export const __libtorchVersion: string = native.torchVersion;
export const __version__ = '0.1.0';
export { save, load, saveSafetensors, loadSafetensors, Tuple, type LoadOptions, type MapLocation, type SafetensorsDict } from './serialization';
export * as serialization from './serialization';
