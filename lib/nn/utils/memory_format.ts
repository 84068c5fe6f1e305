// torch/nn/utils/memory_format.py: the weights of every (transposed) 2d or 3d convolution of a
// module tree converted to a memory format (channels_last for faster NHWC kernels).
import type { MemoryFormat } from '../../layout';
import { pySignature } from '../../python_signature';
import { Conv2d, Conv3d, ConvTranspose2d, ConvTranspose3d } from '../conv';
import type { Module } from '../module';

const CONV2D = pySignature('convert_conv2d_weight_memory_format', 'module, memory_format');
const CONV3D = pySignature('convert_conv3d_weight_memory_format', 'module, memory_format');

function convert(module: Module, memoryFormat: MemoryFormat, isConv: (m: Module) => boolean): Module {
  if (isConv(module)) {
    const conv = module as Conv2d;
    const weightData = conv.weight.detach().clone({ memoryFormat });
    conv.weight.data = weightData.resize_(weightData.shape, { memoryFormat });
  }
  for (const child of module.children()) convert(child, memoryFormat, isConv);
  return module;
}

/** Converts the weights of the Conv2d and ConvTranspose2d layers in `module` to `memoryFormat` (in place; returns `module`). */
export function convertConv2dWeightMemoryFormat<M extends Module>(module: M, memoryFormat: MemoryFormat): M;
export function convertConv2dWeightMemoryFormat(...args: unknown[]): Module {
  const o = CONV2D<{ module: Module; memoryFormat: MemoryFormat }>(args);
  return convert(o.module, o.memoryFormat, (m) => m instanceof Conv2d || m instanceof ConvTranspose2d);
}

/** Converts the weights of the Conv3d and ConvTranspose3d layers in `module` to `memoryFormat` (in place; returns `module`). */
export function convertConv3dWeightMemoryFormat<M extends Module>(module: M, memoryFormat: MemoryFormat): M;
export function convertConv3dWeightMemoryFormat(...args: unknown[]): Module {
  const o = CONV3D<{ module: Module; memoryFormat: MemoryFormat }>(args);
  return convert(o.module, o.memoryFormat, (m) => m instanceof Conv3d || m instanceof ConvTranspose3d);
}
