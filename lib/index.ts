// torchnode: `import * as torch from 'torchnode'` or `const torch = require('torchnode')`.
export { native } from './native';
export { Tensor, type TensorOrScalar, type Scalar, type NestedArray, type ValuesIndices } from './tensor';
export { Size } from './size';
export { Device, type DeviceLike } from './device';
export {
  DType, uint8, int8, int16, int32, int64, float16, float32, float64, bool, bfloat16,
  float, double, half, long, int, short, getDefaultDtype, setDefaultDtype, type TypedArray,
  complex32, complex64, complex128, chalf, cfloat, cdouble, uint16, uint32, uint64,
  float8_e5m2, float8_e4m3fn, float8_e5m2fnuz, float8_e4m3fnuz, float8_e8m0fnu, float4_e2m1fn_x2,
  Complex, finfo, iinfo, FInfo, IInfo,
} from './dtype';
export { tensor, type TensorOptions } from './creation';
export { slice, Slice, type Index, type IndexList, type IndexValue } from './indexing';
export * as cuda from './cuda';
export { pyFloat, PyFloat, type IntLike, type FloatLike, type ScalarLike, type IntList } from './scalar';
export { Layout, MemoryFormat, strided, sparseCoo, sparseCsr, contiguousFormat, preserveFormat, channelsLast, channelsLast3d } from './layout';
export * from './generated/torch';
// torch/functional.py and torch/_tensor.py (these names override the generated ones).
import './tensor_python';
export {
  split, unique, uniqueConsecutive, norm, meshgrid, tensordot, einsum, broadcastTensors, broadcastShapes,
  atleast1d, atleast2d, atleast3d, cdist, blockDiag, cartesianProd, chainMatmul, stft, unravelIndex, lu, isTensor,
  svdLowrank, pcaLowrank, nonzero, type SvdLowrankResult,
  type StftOptions, type IstftOptions, type NormOptions, type LuResult, type LuWithInfo,
} from './functional';
export * as linalg from './generated/linalg';
export * as fft from './generated/fft';
export * as special from './generated/special';
export * as signal from './signal';
export * as masked from './masked';
export * as nn from './nn';
export { tidy, keep, dispose, memory, resetPeakMemoryStats, setGcInterval, cpuCache, emptyCache, setCpuCacheLimit, type MemoryInfo, type DeviceMemoryInfo, type Disposable } from './memory';
export { op, schemaOf } from './ops';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled, inferenceMode, isInferenceModeEnabled } from './autograd';
export * as autograd from './autograd';
export { manualSeed, seed, initialSeed, getRngState, setRngState, Generator, defaultGenerator } from './random'; export * as random from './random';
export { autocast, isAutocastEnabled, setAutocastEnabled, getAutocastDtype, setAutocastDtype, isAutocastCacheEnabled, setAutocastCacheEnabled, clearAutocastCache } from './autocast_mode';
export { setNumThreads, getNumThreads, setNumInteropThreads, getNumInteropThreads } from './threads';

import { native } from './native';
/** The libtorch version the addon runs on. */
export const __libtorchVersion: string = native.torchVersion;
export const __version__ = '0.1.0';
export { save, load, saveAsync, loadAsync, saveSafetensors, loadSafetensors, Tuple, type LoadOptions, type MapLocation, type SafetensorsDict } from './serialization';
export * as serialization from './serialization';
export * as jit from './jit';
export { ScriptObject } from './jit';
export * as inductor from './inductor';
export * as optim from './optim';
export * as utils from './utils';
export * as future from './future'; export * as __future__ from './future';
export * as vision from './vision';
export * as amp from './amp';
export * as func from './func';
