// torch/nn/modules/conv.py: the shared _ConvNd base, Conv1d/2d/3d, ConvTranspose1d/2d/3d.
import { noGrad } from '../autograd';
import { empty } from '../generated/torch';
import type { Tensor } from '../tensor';
import * as F from './functional';
import * as init from './init';
import type { FactoryOptions } from './linear';
import { Module } from './module';
import { Parameter } from './parameter';
import { pyStr } from './repr';
import { pySignature } from '../python_signature';
import { _pair, _reverseRepeatTuple, _single, _triple, type Args, type IntOrTuple } from './modules_utils';

export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

export interface ConvOptions extends FactoryOptions {
  stride?: IntOrTuple;
  padding?: IntOrTuple | 'same' | 'valid';
  dilation?: IntOrTuple;
  groups?: number;
  bias?: boolean;
  paddingMode?: PaddingMode;
}
export interface ConvTransposeOptions extends FactoryOptions {
  stride?: IntOrTuple;
  padding?: IntOrTuple;
  outputPadding?: IntOrTuple;
  groups?: number;
  bias?: boolean;
  dilation?: IntOrTuple;
  paddingMode?: PaddingMode;
}

const allEqual = (t: readonly number[] | string, v: number): boolean => typeof t !== 'string' && t.every((x) => x === v);

/** What every convolution shares: argument checks, weight and bias, their initialisation, the repr. */
export abstract class _ConvNd extends Module {
  declare inChannels: number;
  declare outChannels: number;
  declare kernelSize: number[];
  declare stride: number[];
  declare padding: number[] | 'same' | 'valid';
  declare dilation: number[];
  declare transposed: boolean;
  declare outputPadding: number[];
  declare groups: number;
  declare paddingMode: PaddingMode;
  /** The padding to hand F.pad for padding modes other than 'zeros' (F.pad's order: last dim first). */
  declare _reversedPaddingRepeatedTwice: number[];
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number[],
    stride: number[],
    padding: number[] | string,
    dilation: number[],
    transposed: boolean,
    outputPadding: number[],
    groups: number,
    bias: boolean,
    paddingMode: string,
    factory: FactoryOptions = {},
  ) {
    super();
    if (groups <= 0) throw new RangeError('groups must be a positive integer');
    if (inChannels % groups !== 0) throw new RangeError('in_channels must be divisible by groups');
    if (outChannels % groups !== 0) throw new RangeError('out_channels must be divisible by groups');
    if (typeof padding === 'string') {
      if (padding !== 'same' && padding !== 'valid') throw new RangeError(`Invalid padding string '${padding}', should be one of {'same', 'valid'}`);
      if (padding === 'same' && stride.some((s) => s !== 1)) throw new RangeError("padding='same' is not supported for strided convolutions");
    }
    if (!['zeros', 'reflect', 'replicate', 'circular'].includes(paddingMode)) {
      throw new RangeError(`padding_mode must be one of {'zeros', 'reflect', 'replicate', 'circular'}, but got padding_mode='${paddingMode}'`);
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = kernelSize;
    this.stride = stride;
    this.padding = padding as number[] | 'same' | 'valid';
    this.dilation = dilation;
    this.transposed = transposed;
    this.outputPadding = outputPadding;
    this.groups = groups;
    this.paddingMode = paddingMode as PaddingMode;
    if (typeof padding === 'string') {
      const reversed = Array<number>(2 * kernelSize.length).fill(0);
      if (padding === 'same') {
        kernelSize.forEach((k, j) => {
          const i = kernelSize.length - 1 - j;
          const total = dilation[j]! * (k - 1);
          const left = Math.floor(total / 2);
          reversed[2 * i] = left;
          reversed[2 * i + 1] = total - left;
        });
      }
      this._reversedPaddingRepeatedTwice = reversed;
    } else {
      this._reversedPaddingRepeatedTwice = _reverseRepeatTuple(padding, 2);
    }
    const shape = transposed ? [inChannels, outChannels / groups, ...kernelSize] : [outChannels, inChannels / groups, ...kernelSize];
    this.weight = new Parameter(empty(shape, factory));
    if (bias) this.bias = new Parameter(empty([outChannels], factory));
    else this.registerParameter('bias', null);
    this.resetParameters();
  }

  resetParameters(): void {
    noGrad(() => {
      // The weight is always contiguous here (no channels_last construction), so PyTorch's
      // contiguous-buffer branch never applies.
      init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
      if (this.bias !== null) {
        const [fanIn] = init._calculateFanInAndFanOut(this.weight);
        const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
        init.uniform_(this.bias, -bound, bound);
      }
    });
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyStr(this.kernelSize)}, stride=${pyStr(this.stride)}`;
    if (!allEqual(this.padding, 0)) s += `, padding=${pyStr(this.padding)}`;
    if (!allEqual(this.dilation, 1)) s += `, dilation=${pyStr(this.dilation)}`;
    if (!allEqual(this.outputPadding, 0)) s += `, output_padding=${pyStr(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}

// The constructors' Python signatures, named in messages by the class (Conv3d.__init__, ...).
const CONV = pySignature(
  'Conv2d.__init__',
  "self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros', device=None, dtype=None",
);
const CONV_TRANSPOSE = pySignature(
  'ConvTranspose2d.__init__',
  "self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1, padding_mode='zeros', device=None, dtype=None",
);
type ConvPositional = [stride: IntOrTuple, padding: IntOrTuple | 'same' | 'valid', dilation: IntOrTuple, groups: number, bias: boolean, paddingMode: PaddingMode];
interface ConvBound {
  inChannels: number;
  outChannels: number;
  kernelSize: IntOrTuple;
  stride: IntOrTuple;
  padding: IntOrTuple | string;
  outputPadding: IntOrTuple;
  dilation: IntOrTuple;
  groups: number;
  bias: boolean;
  paddingMode: string;
  device: FactoryOptions['device'] | null;
  dtype: FactoryOptions['dtype'] | null;
}
const factoryOf = (o: ConvBound): FactoryOptions => ({ device: o.device ?? undefined, dtype: o.dtype ?? undefined });

/** Conv{1,2,3}d.__init__: the sizes made n-tuples, then _ConvNd's arguments. */
function bindConv(name: string, args: readonly unknown[], ntuple: (x: IntOrTuple) => number[]) {
  const o = CONV<ConvBound>(args, `${name}.__init__`);
  const padding = o.padding;
  return [
    o.inChannels,
    o.outChannels,
    ntuple(o.kernelSize),
    ntuple(o.stride),
    typeof padding === 'string' ? padding : ntuple(padding),
    ntuple(o.dilation),
    false,
    ntuple(0),
    o.groups,
    o.bias,
    o.paddingMode,
    factoryOf(o),
  ] as const;
}

/** ConvTranspose{1,2,3}d.__init__: the same, transposed, with output_padding. */
function bindConvTranspose(name: string, args: readonly unknown[], ntuple: (x: IntOrTuple) => number[]) {
  const o = CONV_TRANSPOSE<ConvBound>(args, `${name}.__init__`);
  return [
    o.inChannels,
    o.outChannels,
    ntuple(o.kernelSize),
    ntuple(o.stride),
    ntuple(o.padding as IntOrTuple),
    ntuple(o.dilation),
    true,
    ntuple(o.outputPadding),
    o.groups,
    o.bias,
    o.paddingMode,
    factoryOf(o),
  ] as const;
}

/** 1-D convolution over (N, C, L) or (C, L) input. */
export class Conv1d extends _ConvNd {
  static override pythonModule = 'torch.nn.modules.conv';
  constructor(...args: Args<[inChannels: number, outChannels: number, kernelSize: IntOrTuple], ConvPositional, ConvOptions>) {
    super(...bindConv('Conv1d', args, _single));
  }
  _convForward(input: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
    if (this.paddingMode !== 'zeros') {
      const padded = F.pad(input, this._reversedPaddingRepeatedTwice, this.paddingMode);
      return F.conv1d(padded, weight, bias, { stride: this.stride, padding: _single(0), dilation: this.dilation, groups: this.groups });
    }
    const { stride, padding, dilation, groups } = this;
    return typeof padding === 'string'
      ? F.conv1d(input, weight, bias, { stride, padding, dilation, groups })
      : F.conv1d(input, weight, bias, { stride, padding, dilation, groups });
  }
  override forward(input: Tensor): Tensor {
    return this._convForward(input, this.weight, this.bias);
  }
}

/** 2-D convolution over (N, C, H, W) or (C, H, W) input. */
export class Conv2d extends _ConvNd {
  static override pythonModule = 'torch.nn.modules.conv';
  constructor(...args: Args<[inChannels: number, outChannels: number, kernelSize: IntOrTuple], ConvPositional, ConvOptions>) {
    super(...bindConv('Conv2d', args, _pair));
  }
  _convForward(input: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
    if (this.paddingMode !== 'zeros') {
      const padded = F.pad(input, this._reversedPaddingRepeatedTwice, this.paddingMode);
      return F.conv2d(padded, weight, bias, { stride: this.stride, padding: _pair(0), dilation: this.dilation, groups: this.groups });
    }
    const { stride, padding, dilation, groups } = this;
    return typeof padding === 'string'
      ? F.conv2d(input, weight, bias, { stride, padding, dilation, groups })
      : F.conv2d(input, weight, bias, { stride, padding, dilation, groups });
  }
  override forward(input: Tensor): Tensor {
    return this._convForward(input, this.weight, this.bias);
  }
}

/** 3-D convolution over (N, C, D, H, W) or (C, D, H, W) input. */
export class Conv3d extends _ConvNd {
  static override pythonModule = 'torch.nn.modules.conv';
  constructor(...args: Args<[inChannels: number, outChannels: number, kernelSize: IntOrTuple], ConvPositional, ConvOptions>) {
    super(...bindConv('Conv3d', args, _triple));
  }
  _convForward(input: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
    if (this.paddingMode !== 'zeros') {
      const padded = F.pad(input, this._reversedPaddingRepeatedTwice, this.paddingMode);
      return F.conv3d(padded, weight, bias, { stride: this.stride, padding: _triple(0), dilation: this.dilation, groups: this.groups });
    }
    const { stride, padding, dilation, groups } = this;
    return typeof padding === 'string'
      ? F.conv3d(input, weight, bias, { stride, padding, dilation, groups })
      : F.conv3d(input, weight, bias, { stride, padding, dilation, groups });
  }
  override forward(input: Tensor): Tensor {
    return this._convForward(input, this.weight, this.bias);
  }
}

/** The transposed convolutions' base: only 'zeros' padding, and output_size → output_padding. */
export abstract class _ConvTransposeNd extends _ConvNd {
  declare padding: number[];

  constructor(...args: ConstructorParameters<typeof _ConvNd>) {
    // Python checks padding_mode before Module.__init__; no state exists yet either way.
    if (args[10] !== 'zeros') throw new RangeError(`Only "zeros" padding mode is supported for ${new.target.name}`);
    super(...args);
  }

  /** The output_padding that makes the output `outputSize` (or the stored one when it is null). */
  _outputPadding(
    input: Tensor,
    outputSize: readonly number[] | null | undefined,
    stride: readonly number[],
    padding: readonly number[],
    kernelSize: readonly number[],
    numSpatialDims: number,
    dilation: readonly number[] | null = null,
  ): number[] {
    if (outputSize == null) return _single(this.outputPadding);
    const hasBatchDim = input.dim() === numSpatialDims + 2;
    const numNonSpatialDims = hasBatchDim ? 2 : 1;
    let size = [...outputSize];
    if (size.length === numNonSpatialDims + numSpatialDims) size = size.slice(numNonSpatialDims);
    if (size.length !== numSpatialDims) {
      throw new RangeError(
        `ConvTranspose${numSpatialDims}D: for ${input.dim()}D input, output_size must have ${numSpatialDims} ` +
          `or ${numNonSpatialDims + numSpatialDims} elements (got ${size.length})`,
      );
    }
    const minSizes: number[] = [];
    const maxSizes: number[] = [];
    for (let d = 0; d < numSpatialDims; d++) {
      const dimSize =
        ((input.size(d + numNonSpatialDims) as number) - 1) * stride[d]! - 2 * padding[d]! + (dilation !== null ? dilation[d]! : 1) * (kernelSize[d]! - 1) + 1;
      minSizes.push(dimSize);
      maxSizes.push(dimSize + stride[d]! - 1);
    }
    for (let i = 0; i < size.length; i++) {
      if (size[i]! < minSizes[i]! || size[i]! > maxSizes[i]!) {
        const list = (xs: readonly number[]): string => `[${xs.join(', ')}]`;
        const spatial = input.shape.slice(2);
        throw new RangeError(
          `requested an output size of ${list(size)}, but valid sizes range from ${list(minSizes)} to ${list(maxSizes)} ` +
            `(for an input of torch.Size([${spatial.join(', ')}]))`,
        );
      }
    }
    return size.map((s, d) => s - minSizes[d]!);
  }
}

type ConvTransposePositional = [
  stride: IntOrTuple,
  padding: IntOrTuple,
  outputPadding: IntOrTuple,
  groups: number,
  bias: boolean,
  dilation: IntOrTuple,
  paddingMode: PaddingMode,
];
type ConvTransposeArgs = Args<[inChannels: number, outChannels: number, kernelSize: IntOrTuple], ConvTransposePositional, ConvTransposeOptions>;

/** The gradient of Conv1d with respect to its input, over (N, C, L) or (C, L) input. */
export class ConvTranspose1d extends _ConvTransposeNd {
  static override pythonModule = 'torch.nn.modules.conv';
  constructor(...args: ConvTransposeArgs) {
    super(...bindConvTranspose('ConvTranspose1d', args, _single));
  }

  override forward(input: Tensor, outputSize: readonly number[] | null = null): Tensor {
    if (this.paddingMode !== 'zeros') throw new RangeError('Only `zeros` padding mode is supported for ConvTranspose1d');
    const outputPadding = this._outputPadding(input, outputSize, this.stride, this.padding, this.kernelSize, 1, this.dilation);
    return F.convTranspose1d(input, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding,
      outputPadding,
      groups: this.groups,
      dilation: this.dilation,
    });
  }
}

/** The gradient of Conv2d with respect to its input ("deconvolution"). */
export class ConvTranspose2d extends _ConvTransposeNd {
  static override pythonModule = 'torch.nn.modules.conv';
  constructor(...args: ConvTransposeArgs) {
    super(...bindConvTranspose('ConvTranspose2d', args, _pair));
  }

  override forward(input: Tensor, outputSize: readonly number[] | null = null): Tensor {
    if (this.paddingMode !== 'zeros') throw new RangeError('Only `zeros` padding mode is supported for ConvTranspose2d');
    const outputPadding = this._outputPadding(input, outputSize, this.stride, this.padding, this.kernelSize, 2, this.dilation);
    return F.convTranspose2d(input, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding,
      outputPadding,
      groups: this.groups,
      dilation: this.dilation,
    });
  }
}

/** The gradient of Conv3d with respect to its input, over (N, C, D, H, W) or (C, D, H, W) input. */
export class ConvTranspose3d extends _ConvTransposeNd {
  static override pythonModule = 'torch.nn.modules.conv';
  constructor(...args: ConvTransposeArgs) {
    super(...bindConvTranspose('ConvTranspose3d', args, _triple));
  }

  override forward(input: Tensor, outputSize: readonly number[] | null = null): Tensor {
    if (this.paddingMode !== 'zeros') throw new RangeError('Only `zeros` padding mode is supported for ConvTranspose3d');
    const outputPadding = this._outputPadding(input, outputSize, this.stride, this.padding, this.kernelSize, 3, this.dilation);
    return F.convTranspose3d(input, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding,
      outputPadding,
      groups: this.groups,
      dilation: this.dilation,
    });
  }
}
