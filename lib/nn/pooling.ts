// torch/nn/modules/pooling.py: MaxPool1d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d.
// Like PyTorch, each stores its sizes as given (an int stays an int, a tuple a tuple).
import type { Tensor } from '../tensor';
import * as F from './functional';
import { Module } from './module';
import { pyStr } from './repr';
import { bindArgs, type Args, type IntOrTuple } from './utils';

export interface MaxPoolOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  dilation?: IntOrTuple;
  returnIndices?: boolean;
  ceilMode?: boolean;
}
type MaxPoolPositional = [stride: IntOrTuple | null, padding: IntOrTuple, dilation: IntOrTuple, returnIndices: boolean, ceilMode: boolean];

/** What a max pool returns: the values, or [values, indices] when built with returnIndices (type it `new nn.MaxPool2d<true>(...)`). */
export type PoolResult<R extends boolean> = R extends true ? [Tensor, Tensor] : Tensor;

/** Max pooling's shared state and repr. */
export abstract class _MaxPoolNd<R extends boolean = false> extends Module {
  declare kernelSize: IntOrTuple;
  declare stride: IntOrTuple;
  declare padding: IntOrTuple;
  declare dilation: IntOrTuple;
  declare returnIndices: boolean;
  declare ceilMode: boolean;

  constructor(...args: Args<[kernelSize: IntOrTuple], MaxPoolPositional, MaxPoolOptions> | [MaxPoolOptions & { kernelSize: IntOrTuple }]) {
    super();
    const names = ['kernelSize', 'stride', 'padding', 'dilation', 'returnIndices', 'ceilMode'];
    const o = bindArgs<MaxPoolOptions & { kernelSize: IntOrTuple }>(`${new.target.name}.__init__`, names, 1, args);
    this.kernelSize = o.kernelSize;
    this.stride = o.stride ?? o.kernelSize;
    this.padding = o.padding ?? 0;
    this.dilation = o.dilation ?? 1;
    this.returnIndices = o.returnIndices ?? false;
    this.ceilMode = o.ceilMode ?? false;
  }

  override extraRepr(): string {
    return (
      `kernel_size=${pyStr(this.kernelSize)}, stride=${pyStr(this.stride)}, padding=${pyStr(this.padding)}` +
      `, dilation=${pyStr(this.dilation)}, ceil_mode=${pyStr(this.ceilMode)}`
    );
  }
}

/** Max over sliding windows of (N, C, L) or (C, L) input; with returnIndices, [values, indices]. */
export class MaxPool1d<R extends boolean = false> extends _MaxPoolNd<R> {
  override forward(input: Tensor): PoolResult<R> {
    const o = { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode, returnIndices: this.returnIndices };
    return F.maxPool1d(input, this.kernelSize, o) as PoolResult<R>;
  }
}

/** Max over sliding windows of (N, C, H, W) or (C, H, W) input; with returnIndices, [values, indices]. */
export class MaxPool2d<R extends boolean = false> extends _MaxPoolNd<R> {
  override forward(input: Tensor): PoolResult<R> {
    const o = { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode, returnIndices: this.returnIndices };
    return F.maxPool2d(input, this.kernelSize, o) as PoolResult<R>;
  }
}

export interface AvgPool2dOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

/** Average over sliding windows of (N, C, H, W) or (C, H, W) input. */
export class AvgPool2d extends Module {
  declare kernelSize: IntOrTuple;
  declare stride: IntOrTuple;
  declare padding: IntOrTuple;
  declare ceilMode: boolean;
  declare countIncludePad: boolean;
  declare divisorOverride: number | null;

  constructor(
    ...args:
      | Args<[kernelSize: IntOrTuple], [stride: IntOrTuple | null, padding: IntOrTuple, ceilMode: boolean, countIncludePad: boolean, divisorOverride: number | null], AvgPool2dOptions>
      | [AvgPool2dOptions & { kernelSize: IntOrTuple }]
  ) {
    super();
    const names = ['kernelSize', 'stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'];
    const o = bindArgs<AvgPool2dOptions & { kernelSize: IntOrTuple }>('AvgPool2d.__init__', names, 1, args);
    this.kernelSize = o.kernelSize;
    this.stride = o.stride ?? o.kernelSize;
    this.padding = o.padding ?? 0;
    this.ceilMode = o.ceilMode ?? false;
    this.countIncludePad = o.countIncludePad ?? true;
    this.divisorOverride = o.divisorOverride ?? null;
  }

  override forward(input: Tensor): Tensor {
    return F.avgPool2d(input, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
      divisorOverride: this.divisorOverride,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${pyStr(this.kernelSize)}, stride=${pyStr(this.stride)}, padding=${pyStr(this.padding)}`;
  }
}

/** Average pooling to a fixed output size (ResNet's `avgpool`). */
export class AdaptiveAvgPool2d extends Module {
  declare outputSize: F.OutputSize;

  constructor(outputSize: F.OutputSize | { outputSize: F.OutputSize }) {
    super();
    this.outputSize = typeof outputSize === 'object' && !Array.isArray(outputSize) ? (outputSize as { outputSize: F.OutputSize }).outputSize : (outputSize as F.OutputSize);
  }

  override forward(input: Tensor): Tensor {
    return F.adaptiveAvgPool2d(input, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${pyStr(this.outputSize)}`;
  }
}

/** Max pooling to a fixed output size; with returnIndices, [values, indices]. */
export class AdaptiveMaxPool2d<R extends boolean = false> extends Module {
  declare outputSize: F.OutputSize;
  declare returnIndices: boolean;

  constructor(...args: [outputSize: F.OutputSize, returnIndices?: boolean] | [outputSize: F.OutputSize, options: { returnIndices?: boolean }] | [{ outputSize: F.OutputSize; returnIndices?: boolean }]) {
    super();
    const o = bindArgs<{ outputSize: F.OutputSize; returnIndices?: boolean }>('AdaptiveMaxPool2d.__init__', ['outputSize', 'returnIndices'], 1, args);
    this.outputSize = o.outputSize;
    this.returnIndices = o.returnIndices ?? false;
  }

  override forward(input: Tensor): PoolResult<R> {
    return F.adaptiveMaxPool2d(input, this.outputSize, { returnIndices: this.returnIndices }) as PoolResult<R>;
  }

  override extraRepr(): string {
    return `output_size=${pyStr(this.outputSize)}`;
  }
}
