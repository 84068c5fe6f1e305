// torchvision/ops/misc.py: the building blocks the models share (Conv2dNormActivation,
// SqueezeExcitation, Permute, MLP).
import * as nn from '../../nn';
import { isOptions } from '../../nn/modules_utils';
import { pySignature } from '../../python_signature';
import type { Tensor } from '../../tensor';
import { makeLayer, type LayerFactory } from '../models/_utils';

/** An activation layer: a class constructed with `{ inplace }` (when inplace is not null) or a function of it. */
export type ActivationFactory = LayerFactory<[{ inplace?: boolean }]> | LayerFactory<[]>;

export interface ConvNormActivationOptions {
  kernelSize?: number | readonly number[];
  stride?: number | readonly number[];
  padding?: number | readonly number[] | string | null;
  groups?: number;
  normLayer?: LayerFactory | null;
  activationLayer?: ActivationFactory | null;
  dilation?: number | readonly number[];
  inplace?: boolean | null;
  bias?: boolean | null;
}

type Bound = Required<ConvNormActivationOptions> & { inChannels: number; outChannels: number; convLayer: LayerFactory<unknown[]> };

function convNormActivationLayers(o: Bound): nn.Module[] {
  let { padding, kernelSize, dilation } = o;
  if (padding === null) {
    if (typeof kernelSize === 'number' && typeof dilation === 'number') {
      padding = Math.floor((kernelSize - 1) / 2) * dilation;
    } else {
      const dim = typeof kernelSize !== 'number' ? kernelSize.length : (dilation as readonly number[]).length;
      const k = typeof kernelSize === 'number' ? Array<number>(dim).fill(kernelSize) : [...kernelSize];
      const d = typeof dilation === 'number' ? Array<number>(dim).fill(dilation) : [...dilation];
      kernelSize = k;
      dilation = d;
      padding = k.map((ki, i) => Math.floor((ki - 1) / 2) * d[i]!);
    }
  }
  const bias = o.bias ?? o.normLayer === null;
  const layers = [makeLayer(o.convLayer, o.inChannels, o.outChannels, kernelSize, o.stride, padding, { dilation, groups: o.groups, bias })];
  if (o.normLayer !== null) layers.push(makeLayer(o.normLayer, o.outChannels));
  if (o.activationLayer !== null) {
    const act = o.activationLayer as LayerFactory<unknown[]>;
    layers.push(o.inplace === null ? makeLayer(act) : makeLayer(act, { inplace: o.inplace }));
  }
  return layers;
}

const CONV2D_NORM_ACTIVATION = pySignature(
  'Conv2dNormActivation.__init__',
  'self, in_channels, out_channels, kernel_size=3, stride=1, padding=None, groups=1, norm_layer=None, activation_layer=None, dilation=1, inplace=True, bias=None',
);

/** Convolution, normalization (BatchNorm2d unless given, none if null), activation (ReLU unless given, none if null). */
export class Conv2dNormActivation extends nn.Sequential {
  static override pythonModule = 'torchvision.ops.misc';
  declare outChannels: number;

  constructor(inChannels: number, outChannels: number, options?: ConvNormActivationOptions);
  constructor(inChannels: number, outChannels: number, kernelSize?: number | readonly number[], stride?: number | readonly number[], options?: ConvNormActivationOptions);
  constructor(...args: unknown[]) {
    const o = CONV2D_NORM_ACTIVATION<Bound>(args);
    // norm_layer and activation_layer default to BatchNorm2d and ReLU; an explicit null removes them.
    const last = args[args.length - 1];
    const given: ConvNormActivationOptions = isOptions(last) ? last : {};
    const bound: Bound = {
      ...o,
      normLayer: 'normLayer' in given ? o.normLayer : nn.BatchNorm2d,
      activationLayer: 'activationLayer' in given ? o.activationLayer : nn.ReLU,
      convLayer: nn.Conv2d as unknown as LayerFactory<unknown[]>,
    };
    super(...convNormActivationLayers(bound));
    this.outChannels = o.outChannels;
  }
}

const SQUEEZE_EXCITATION = pySignature('SqueezeExcitation.__init__', 'self, input_channels, squeeze_channels, activation=None, scale_activation=None');

/** The Squeeze-and-Excitation block of "Squeeze-and-Excitation Networks" (Fig. 1). */
export class SqueezeExcitation extends nn.Module {
  static override pythonModule = 'torchvision.ops.misc';
  declare avgpool: nn.AdaptiveAvgPool2d;
  declare fc1: nn.Conv2d;
  declare fc2: nn.Conv2d;
  declare activation: nn.Module;
  declare scale_activation: nn.Module;

  constructor(
    ...args:
      | [inputChannels: number, squeezeChannels: number, activation?: LayerFactory<[]> | null, scaleActivation?: LayerFactory<[]> | null]
      | [inputChannels: number, squeezeChannels: number, options: { activation?: LayerFactory<[]>; scaleActivation?: LayerFactory<[]> }]
  ) {
    super();
    const o = SQUEEZE_EXCITATION<{ inputChannels: number; squeezeChannels: number; activation: LayerFactory<[]> | null; scaleActivation: LayerFactory<[]> | null }>(args);
    this.avgpool = new nn.AdaptiveAvgPool2d(1);
    this.fc1 = new nn.Conv2d(o.inputChannels, o.squeezeChannels, 1);
    this.fc2 = new nn.Conv2d(o.squeezeChannels, o.inputChannels, 1);
    this.activation = makeLayer(o.activation ?? nn.ReLU);
    this.scale_activation = makeLayer(o.scaleActivation ?? nn.Sigmoid);
  }

  _scale(input: Tensor): Tensor {
    const scale = this.activation.call(this.fc1.call(this.avgpool.call(input))) as Tensor;
    return this.scale_activation.call(this.fc2.call(scale)) as Tensor;
  }

  override forward(input: Tensor): Tensor {
    return this._scale(input).mul(input);
  }
}

/** Permutes the dimensions of its input (torch.permute with fixed `dims`). */
export class Permute extends nn.Module {
  static override pythonModule = 'torchvision.ops.misc';
  static override listAttributes: readonly string[] = ['dims'];
  declare dims: number[];

  constructor(dims: readonly number[]) {
    super();
    this.dims = [...dims];
  }

  override forward(x: Tensor): Tensor {
    return x.permute(this.dims);
  }
}

const MLP_INIT = pySignature('MLP.__init__', 'self, in_channels, hidden_channels, norm_layer=None, activation_layer=None, inplace=None, bias=True, dropout=0.0');

export interface MLPOptions {
  normLayer?: LayerFactory | null;
  activationLayer?: ActivationFactory | null;
  inplace?: boolean | null;
  bias?: boolean;
  dropout?: number;
}

/** The multi-layer perceptron: Linear (norm) activation Dropout per hidden width, then Linear, Dropout. */
export class MLP extends nn.Sequential {
  static override pythonModule = 'torchvision.ops.misc';

  constructor(inChannels: number, hiddenChannels: readonly number[], options: MLPOptions = {}) {
    const o = MLP_INIT<Required<MLPOptions> & { inChannels: number; hiddenChannels: number[] }>([inChannels, hiddenChannels, options]);
    const activation = ('activationLayer' in options ? o.activationLayer : nn.ReLU) as LayerFactory<unknown[]>;
    const params = o.inplace === null ? [] : [{ inplace: o.inplace }];
    const layers: nn.Module[] = [];
    let inDim = o.inChannels;
    for (const hiddenDim of o.hiddenChannels.slice(0, -1)) {
      layers.push(new nn.Linear(inDim, hiddenDim, { bias: o.bias }));
      if (o.normLayer !== null) layers.push(makeLayer(o.normLayer, hiddenDim));
      layers.push(makeLayer(activation, ...params));
      layers.push(new nn.Dropout(o.dropout, ...(params as [])));
      inDim = hiddenDim;
    }
    layers.push(new nn.Linear(inDim, o.hiddenChannels[o.hiddenChannels.length - 1]!, { bias: o.bias }));
    layers.push(new nn.Dropout(o.dropout, ...(params as [])));
    super(...layers);
  }
}
