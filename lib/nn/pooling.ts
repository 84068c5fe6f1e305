// torch/nn/modules/pooling.py: max, average, LP, fractional and adaptive pooling in 1, 2 and 3
// dimensions, and max unpooling. Like PyTorch, the MaxPool/AvgPool2d/3d/LPPool/adaptive layers store
// their sizes as given (an int stays an int, a tuple a tuple); AvgPool1d, MaxUnpool and
// FractionalMaxPool store n-tuples.
import type { Tensor } from '../tensor';
import { pyFloat as float } from '../scalar';
import * as F from './functional';
import { Module } from './module';
import { pyFloat, pyStr } from './repr';
import { pySignature } from '../python_signature';
import { _pair, _single, _triple, type Args, type IntOrTuple } from './modules_utils';

// The constructors' Python signatures (named by the class whose __init__ it is, as Python does).
const MAX_POOL = pySignature('_MaxPoolNd.__init__', 'self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False');
const AVG_POOL_1D = pySignature('AvgPool1d.__init__', 'self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True');
const AVG_POOL = pySignature('AvgPool2d.__init__', 'self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None');
const ADAPTIVE_MAX_POOL = pySignature('_AdaptiveMaxPoolNd.__init__', 'self, output_size, return_indices=False');
const ADAPTIVE_AVG_POOL = pySignature('_AdaptiveAvgPoolNd.__init__', 'self, output_size');
const LP_POOL = pySignature('_LPPoolNd.__init__', 'self, norm_type, kernel_size, stride=None, ceil_mode=False');
const FRACTIONAL = pySignature('FractionalMaxPool2d.__init__', 'self, kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None');
const MAX_UNPOOL = pySignature('MaxUnpool2d.__init__', 'self, kernel_size, stride=None, padding=0');

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

// ---- max pooling ----------------------------------------------------------------------------------

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
    const o = MAX_POOL<Required<MaxPoolOptions> & { kernelSize: IntOrTuple }>(args);
    this.kernelSize = o.kernelSize;
    this.stride = o.stride ?? o.kernelSize;
    this.padding = o.padding;
    this.dilation = o.dilation;
    this.returnIndices = o.returnIndices;
    this.ceilMode = o.ceilMode;
  }

  override extraRepr(): string {
    return (
      `kernel_size=${pyStr(this.kernelSize)}, stride=${pyStr(this.stride)}, padding=${pyStr(this.padding)}` +
      `, dilation=${pyStr(this.dilation)}, ceil_mode=${pyStr(this.ceilMode)}`
    );
  }

  protected _options() {
    return { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode, returnIndices: this.returnIndices };
  }
}

/** Max over sliding windows of (N, C, L) or (C, L) input; with returnIndices, [values, indices]. */
export class MaxPool1d<R extends boolean = false> extends _MaxPoolNd<R> {
  static override pythonModule = 'torch.nn.modules.pooling';
  override forward(input: Tensor): PoolResult<R> {
    return F.maxPool1d(input, this.kernelSize, this._options()) as PoolResult<R>;
  }
}

/** Max over sliding windows of (N, C, H, W) or (C, H, W) input; with returnIndices, [values, indices]. */
export class MaxPool2d<R extends boolean = false> extends _MaxPoolNd<R> {
  static override pythonModule = 'torch.nn.modules.pooling';
  override forward(input: Tensor): PoolResult<R> {
    return F.maxPool2d(input, this.kernelSize, this._options()) as PoolResult<R>;
  }
}

/** Max over sliding windows of (N, C, D, H, W) or (C, D, H, W) input; with returnIndices, [values, indices]. */
export class MaxPool3d<R extends boolean = false> extends _MaxPoolNd<R> {
  static override pythonModule = 'torch.nn.modules.pooling';
  override forward(input: Tensor): PoolResult<R> {
    return F.maxPool3d(input, this.kernelSize, this._options()) as PoolResult<R>;
  }
}

// ---- max unpooling --------------------------------------------------------------------------------

export interface MaxUnpoolOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
}
type MaxUnpoolArgs = Args<[kernelSize: IntOrTuple], [stride: IntOrTuple | null, padding: IntOrTuple], MaxUnpoolOptions> | [MaxUnpoolOptions & { kernelSize: IntOrTuple }];

/** The partial inverse of a max pool: scatters values back to the positions its indices name (zeros elsewhere). */
export abstract class _MaxUnpoolNd extends Module {
  declare kernelSize: number[];
  declare stride: number[];
  declare padding: number[];

  constructor(ntuple: (x: IntOrTuple) => number[], name: string, args: readonly unknown[]) {
    super();
    const o = MAX_UNPOOL<{ kernelSize: IntOrTuple; stride: IntOrTuple | null; padding: IntOrTuple }>(args, `${name}.__init__`);
    this.kernelSize = ntuple(o.kernelSize);
    this.stride = ntuple(o.stride ?? o.kernelSize);
    this.padding = ntuple(o.padding);
  }

  override extraRepr(): string {
    return `kernel_size=${pyStr(this.kernelSize)}, stride=${pyStr(this.stride)}, padding=${pyStr(this.padding)}`;
  }
}

/** Unpools (N, C, L) or (C, L) input with the indices MaxPool1d returned. */
export class MaxUnpool1d extends _MaxUnpoolNd {
  static override pythonModule = 'torch.nn.modules.pooling';
  constructor(...args: MaxUnpoolArgs) {
    super(_single, 'MaxUnpool1d', args);
  }
  override forward(input: Tensor, indices: Tensor, outputSize: readonly number[] | null = null): Tensor {
    return F.maxUnpool1d(input, indices, this.kernelSize, this.stride, this.padding, outputSize);
  }
}

/** Unpools (N, C, H, W) or (C, H, W) input with the indices MaxPool2d returned. */
export class MaxUnpool2d extends _MaxUnpoolNd {
  static override pythonModule = 'torch.nn.modules.pooling';
  constructor(...args: MaxUnpoolArgs) {
    super(_pair, 'MaxUnpool2d', args);
  }
  override forward(input: Tensor, indices: Tensor, outputSize: readonly number[] | null = null): Tensor {
    return F.maxUnpool2d(input, indices, this.kernelSize, this.stride, this.padding, outputSize);
  }
}

/** Unpools (N, C, D, H, W) or (C, D, H, W) input with the indices MaxPool3d returned. */
export class MaxUnpool3d extends _MaxUnpoolNd {
  static override pythonModule = 'torch.nn.modules.pooling';
  constructor(...args: MaxUnpoolArgs) {
    super(_triple, 'MaxUnpool3d', args);
  }
  override forward(input: Tensor, indices: Tensor, outputSize: readonly number[] | null = null): Tensor {
    return F.maxUnpool3d(input, indices, this.kernelSize, this.stride, this.padding, outputSize);
  }
}

// ---- average pooling ------------------------------------------------------------------------------

export interface AvgPool1dOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}
export interface AvgPool2dOptions extends AvgPool1dOptions {
  divisorOverride?: number | null;
}
type AvgPool1dPositional = [stride: IntOrTuple | null, padding: IntOrTuple, ceilMode: boolean, countIncludePad: boolean];
type AvgPoolArgs =
  | Args<[kernelSize: IntOrTuple], [...AvgPool1dPositional, divisorOverride: number | null], AvgPool2dOptions>
  | [AvgPool2dOptions & { kernelSize: IntOrTuple }];
type AvgBound = { [K in keyof AvgPool2dOptions]-?: Exclude<AvgPool2dOptions[K], undefined> } & { kernelSize: IntOrTuple };

/** Average pooling's shared state and repr. */
export abstract class _AvgPoolNd extends Module {
  declare kernelSize: IntOrTuple;
  declare stride: IntOrTuple;
  declare padding: IntOrTuple;
  declare ceilMode: boolean;
  declare countIncludePad: boolean;

  override extraRepr(): string {
    return `kernel_size=${pyStr(this.kernelSize)}, stride=${pyStr(this.stride)}, padding=${pyStr(this.padding)}`;
  }
}

/** Average over sliding windows of (N, C, L) or (C, L) input. */
export class AvgPool1d extends _AvgPoolNd {
  static override pythonModule = 'torch.nn.modules.pooling';
  declare kernelSize: number[];
  declare stride: number[];
  declare padding: number[];

  constructor(...args: Args<[kernelSize: IntOrTuple], AvgPool1dPositional, AvgPool1dOptions> | [AvgPool1dOptions & { kernelSize: IntOrTuple }]) {
    super();
    const o = AVG_POOL_1D<AvgBound>(args);
    this.kernelSize = _single(o.kernelSize);
    this.stride = _single(o.stride ?? o.kernelSize);
    this.padding = _single(o.padding);
    this.ceilMode = o.ceilMode;
    this.countIncludePad = o.countIncludePad;
  }

  override forward(input: Tensor): Tensor {
    return F.avgPool1d(input, this.kernelSize, this.stride, this.padding, this.ceilMode, this.countIncludePad);
  }
}

/** AvgPool2d/3d: the sizes as given, and divisor_override. */
abstract class _AvgPool23d extends _AvgPoolNd {
  declare divisorOverride: number | null;

  constructor(name: string, args: readonly unknown[]) {
    super();
    const o = AVG_POOL<AvgBound>(args, `${name}.__init__`);
    this.kernelSize = o.kernelSize;
    this.stride = o.stride ?? o.kernelSize;
    this.padding = o.padding;
    this.ceilMode = o.ceilMode;
    this.countIncludePad = o.countIncludePad;
    this.divisorOverride = o.divisorOverride;
  }

  protected _options() {
    return { stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad, divisorOverride: this.divisorOverride };
  }
}

/** Average over sliding windows of (N, C, H, W) or (C, H, W) input. */
export class AvgPool2d extends _AvgPool23d {
  static override pythonModule = 'torch.nn.modules.pooling';
  constructor(...args: AvgPoolArgs) {
    super('AvgPool2d', args);
  }
  override forward(input: Tensor): Tensor {
    return F.avgPool2d(input, this.kernelSize, this._options());
  }
}

/** Average over sliding windows of (N, C, D, H, W) or (C, D, H, W) input. */
export class AvgPool3d extends _AvgPool23d {
  static override pythonModule = 'torch.nn.modules.pooling';
  constructor(...args: AvgPoolArgs) {
    super('AvgPool3d', args);
  }
  override forward(input: Tensor): Tensor {
    return F.avgPool3d(input, this.kernelSize, this._options());
  }
}

// ---- fractional max pooling -----------------------------------------------------------------------

export interface FractionalMaxPoolOptions {
  outputSize?: IntOrTuple | null;
  outputRatio?: number | readonly number[] | null;
  returnIndices?: boolean;
  /** Fixed random samples (N, C, n) in [0, 1): the pooling regions then no longer change from call to call. */
  _randomSamples?: Tensor | null;
}
type FractionalArgs =
  | Args<[kernelSize: IntOrTuple], [outputSize: IntOrTuple | null, outputRatio: number | readonly number[] | null, returnIndices: boolean, _randomSamples: Tensor | null], FractionalMaxPoolOptions>
  | [FractionalMaxPoolOptions & { kernelSize: IntOrTuple }];
type FractionalBound = { [K in keyof FractionalMaxPoolOptions]-?: Exclude<FractionalMaxPoolOptions[K], undefined> } & { kernelSize: IntOrTuple };

/**
 * Max pooling over pseudo-random regions (Graham, 2014) to an output size or a fraction of the
 * input's. Each forward draws its samples with torch.rand unless `_random_samples` is set.
 */
export abstract class _FractionalMaxPoolNd<R extends boolean = false> extends Module {
  declare kernelSize: number[];
  declare returnIndices: boolean;
  declare outputSize: number[] | null;
  declare outputRatio: number[] | null;
  declare _random_samples: Tensor | null;

  constructor(n: 2 | 3, args: readonly unknown[]) {
    super();
    const name = `FractionalMaxPool${n}d`;
    const o = FRACTIONAL<FractionalBound>(args, `${name}.__init__`);
    const ntuple = n === 2 ? _pair : _triple;
    const k = o.kernelSize;
    if (n === 3 && (typeof k === 'number' ? k <= 0 : !k.every((x) => x > 0))) throw new RangeError(`kernel_size must be greater than 0, but got ${pyStr(k)}`);
    this.kernelSize = ntuple(k);
    this.returnIndices = o.returnIndices;
    this.registerBuffer('_random_samples', o._randomSamples);
    this.outputSize = o.outputSize !== null ? ntuple(o.outputSize) : null;
    this.outputRatio = o.outputRatio !== null ? ntuple(o.outputRatio) : null;
    if (o.outputSize === null && o.outputRatio === null) throw new RangeError(`${name} requires specifying either an output size, or a pooling ratio`);
    if (o.outputSize !== null && o.outputRatio !== null) throw new RangeError('only one of output_size and output_ratio may be specified');
    if (this.outputRatio !== null && !this.outputRatio.every((r) => r > 0 && r < 1)) {
      throw new RangeError(`output_ratio must be between 0 and 1 (got ${pyStr(o.outputRatio)})`);
    }
  }

  protected _pool(fn: (...args: unknown[]) => Tensor | [Tensor, Tensor], input: Tensor): PoolResult<R> {
    return fn(input, this.kernelSize, this.outputSize, this.outputRatio, this.returnIndices, { _randomSamples: this._random_samples }) as PoolResult<R>;
  }
}

/** Fractional max pooling of (N, C, H, W) or (C, H, W) input; with returnIndices, [values, indices]. */
export class FractionalMaxPool2d<R extends boolean = false> extends _FractionalMaxPoolNd<R> {
  static override pythonModule = 'torch.nn.modules.pooling';
  constructor(...args: FractionalArgs) {
    super(2, args);
  }
  override forward(input: Tensor): PoolResult<R> {
    return this._pool(F.fractionalMaxPool2d as (...args: unknown[]) => Tensor, input);
  }
}

/** Fractional max pooling of (N, C, D, H, W) or (C, D, H, W) input; with returnIndices, [values, indices]. */
export class FractionalMaxPool3d<R extends boolean = false> extends _FractionalMaxPoolNd<R> {
  static override pythonModule = 'torch.nn.modules.pooling';
  constructor(...args: FractionalArgs) {
    super(3, args);
  }
  override forward(input: Tensor): PoolResult<R> {
    return this._pool(F.fractionalMaxPool3d as (...args: unknown[]) => Tensor, input);
  }
}

// ---- power-average pooling ------------------------------------------------------------------------

export interface LPPoolOptions {
  stride?: IntOrTuple | null;
  ceilMode?: boolean;
}
type LPPoolArgs =
  | Args<[normType: number, kernelSize: IntOrTuple], [stride: IntOrTuple | null, ceilMode: boolean], LPPoolOptions>
  | [LPPoolOptions & { normType: number; kernelSize: IntOrTuple }];

/** (Σ x^p)^(1/p) over sliding windows: p = 1 is sum pooling, p = ∞ max pooling. */
export abstract class _LPPoolNd extends Module {
  declare normType: number;
  declare kernelSize: IntOrTuple;
  declare stride: IntOrTuple | null;
  declare ceilMode: boolean;

  constructor(...args: LPPoolArgs) {
    super();
    const o = LP_POOL<{ normType: number; kernelSize: IntOrTuple; stride: IntOrTuple | null; ceilMode: boolean }>(args);
    this.normType = o.normType;
    this.kernelSize = o.kernelSize;
    this.stride = o.stride;
    this.ceilMode = o.ceilMode;
  }

  override extraRepr(): string {
    return `norm_type=${this._pyNum('normType')}, kernel_size=${pyStr(this.kernelSize)}, stride=${pyStr(this.stride)}, ceil_mode=${pyStr(this.ceilMode)}`;
  }

  /** `float(self.norm_type)`, as the forward hands it on. */
  protected get _norm(): number {
    return float(this.normType) as unknown as number;
  }
}

/** LP pooling of (N, C, L) or (C, L) input. */
export class LPPool1d extends _LPPoolNd {
  static override pythonModule = 'torch.nn.modules.pooling';
  override forward(input: Tensor): Tensor {
    return F.lpPool1d(input, this._norm, this.kernelSize, this.stride, this.ceilMode);
  }
}

/** LP pooling of (N, C, H, W) or (C, H, W) input. */
export class LPPool2d extends _LPPoolNd {
  static override pythonModule = 'torch.nn.modules.pooling';
  override forward(input: Tensor): Tensor {
    return F.lpPool2d(input, this._norm, this.kernelSize, this.stride, this.ceilMode);
  }
}

/** LP pooling of (N, C, D, H, W) or (C, D, H, W) input. */
export class LPPool3d extends _LPPoolNd {
  static override pythonModule = 'torch.nn.modules.pooling';
  override forward(input: Tensor): Tensor {
    return F.lpPool3d(input, this._norm, this.kernelSize, this.stride, this.ceilMode);
  }
}

// ---- adaptive pooling -----------------------------------------------------------------------------

type AdaptiveMaxArgs =
  | [outputSize: F.OutputSize, returnIndices?: boolean]
  | [outputSize: F.OutputSize, options: { returnIndices?: boolean }]
  | [{ outputSize: F.OutputSize; returnIndices?: boolean }];

/** Adaptive max pooling's shared state and repr. */
export abstract class _AdaptiveMaxPoolNd<R extends boolean = false> extends Module {
  declare outputSize: F.OutputSize;
  declare returnIndices: boolean;

  constructor(...args: AdaptiveMaxArgs) {
    super();
    const o = ADAPTIVE_MAX_POOL<{ outputSize: F.OutputSize; returnIndices: boolean }>(args);
    this.outputSize = o.outputSize;
    this.returnIndices = o.returnIndices;
  }

  override extraRepr(): string {
    return `output_size=${pyStr(this.outputSize)}`;
  }
}

/** Max pooling of (N, C, L) or (C, L) input to a fixed length; with returnIndices, [values, indices]. */
export class AdaptiveMaxPool1d<R extends boolean = false> extends _AdaptiveMaxPoolNd<R> {
  static override pythonModule = 'torch.nn.modules.pooling';
  override forward(input: Tensor): PoolResult<R> {
    return F.adaptiveMaxPool1d(input, this.outputSize, { returnIndices: this.returnIndices }) as PoolResult<R>;
  }
}

/** Max pooling to a fixed output size; with returnIndices, [values, indices]. */
export class AdaptiveMaxPool2d<R extends boolean = false> extends _AdaptiveMaxPoolNd<R> {
  static override pythonModule = 'torch.nn.modules.pooling';
  override forward(input: Tensor): PoolResult<R> {
    return F.adaptiveMaxPool2d(input, this.outputSize, { returnIndices: this.returnIndices }) as PoolResult<R>;
  }
}

/** Max pooling of (N, C, D, H, W) or (C, D, H, W) input to a fixed size; with returnIndices, [values, indices]. */
export class AdaptiveMaxPool3d<R extends boolean = false> extends _AdaptiveMaxPoolNd<R> {
  static override pythonModule = 'torch.nn.modules.pooling';
  override forward(input: Tensor): PoolResult<R> {
    return F.adaptiveMaxPool3d(input, this.outputSize, { returnIndices: this.returnIndices }) as PoolResult<R>;
  }
}

/** Adaptive average pooling's shared state and repr. */
export abstract class _AdaptiveAvgPoolNd extends Module {
  declare outputSize: F.OutputSize;

  constructor(...args: [outputSize: F.OutputSize] | [{ outputSize: F.OutputSize }]) {
    super();
    this.outputSize = ADAPTIVE_AVG_POOL<{ outputSize: F.OutputSize }>(args).outputSize;
  }

  override extraRepr(): string {
    return `output_size=${pyStr(this.outputSize)}`;
  }
}

/** Average pooling of (N, C, L) or (C, L) input to a fixed length. */
export class AdaptiveAvgPool1d extends _AdaptiveAvgPoolNd {
  static override pythonModule = 'torch.nn.modules.pooling';
  override forward(input: Tensor): Tensor {
    return F.adaptiveAvgPool1d(input, this.outputSize as number | readonly number[]);
  }
}

/** Average pooling to a fixed output size (ResNet's `avgpool`). */
export class AdaptiveAvgPool2d extends _AdaptiveAvgPoolNd {
  static override pythonModule = 'torch.nn.modules.pooling';
  override forward(input: Tensor): Tensor {
    return F.adaptiveAvgPool2d(input, this.outputSize);
  }
}

/** Average pooling of (N, C, D, H, W) or (C, D, H, W) input to a fixed size. */
export class AdaptiveAvgPool3d extends _AdaptiveAvgPoolNd {
  static override pythonModule = 'torch.nn.modules.pooling';
  override forward(input: Tensor): Tensor {
    return F.adaptiveAvgPool3d(input, this.outputSize);
  }
}
