// torchvision/models/efficientnet.py: EfficientNet B0-B7 and V2 S/M/L.
import { flatten } from '../../generated/torch';
import * as nn from '../../nn';
import { pySignature } from '../../python_signature';
import type { Tensor } from '../../tensor';
import { Conv2dNormActivation, SqueezeExcitation } from '../ops/misc';
import { StochasticDepth } from '../ops/stochastic_depth';
import { ImageClassification, InterpolationMode } from '../transforms/_presets';
import { registerModel, Weights, WeightsEnum, type WeightsEnumClass } from './_api';
import { _IMAGENET_CATEGORIES } from './_meta';
import { _builderArgs, _makeDivisible, _ovewriteNamedParam, makeLayer, type BuilderOptions, type LayerFactory } from './_utils';

/** A block: `(config, stochasticDepthProb, normLayer) => Module`. */
export type BlockFactory = LayerFactory<[_MBConvConfig, number, LayerFactory]>;

/** A stage of blocks: its first block's configuration, repeated numLayers times. */
export class _MBConvConfig {
  constructor(
    public expandRatio: number,
    public kernel: number,
    public stride: number,
    public inputChannels: number,
    public outChannels: number,
    public numLayers: number,
    public block: BlockFactory,
  ) {}

  static adjustChannels(channels: number, widthMult: number, minValue: number | null = null): number {
    return _makeDivisible(channels * widthMult, 8, minValue);
  }
}

export class MBConvConfig extends _MBConvConfig {
  constructor(
    expandRatio: number,
    kernel: number,
    stride: number,
    inputChannels: number,
    outChannels: number,
    numLayers: number,
    widthMult = 1.0,
    depthMult = 1.0,
    block: BlockFactory | null = null,
  ) {
    super(
      expandRatio,
      kernel,
      stride,
      _MBConvConfig.adjustChannels(inputChannels, widthMult),
      _MBConvConfig.adjustChannels(outChannels, widthMult),
      MBConvConfig.adjustDepth(numLayers, depthMult),
      block ?? MBConv,
    );
  }

  static adjustDepth(numLayers: number, depthMult: number): number {
    return Math.ceil(numLayers * depthMult);
  }
}

export class FusedMBConvConfig extends _MBConvConfig {
  constructor(expandRatio: number, kernel: number, stride: number, inputChannels: number, outChannels: number, numLayers: number, block: BlockFactory | null = null) {
    super(expandRatio, kernel, stride, inputChannels, outChannels, numLayers, block ?? FusedMBConv);
  }
}

const siluInplace = (): nn.Module => new nn.SiLU(true);

export class MBConv extends nn.Module {
  static override pythonModule = 'torchvision.models.efficientnet';
  declare useResConnect: boolean;
  declare block: nn.Sequential;
  declare stochastic_depth: StochasticDepth;
  declare outChannels: number;

  constructor(cnf: _MBConvConfig, stochasticDepthProb: number, normLayer: LayerFactory, seLayer: LayerFactory<[number, number, { activation: () => nn.Module }]> = SqueezeExcitation) {
    super();
    if (!(cnf.stride >= 1 && cnf.stride <= 2)) throw new RangeError('illegal stride value');
    this.useResConnect = cnf.stride === 1 && cnf.inputChannels === cnf.outChannels;
    const layers: nn.Module[] = [];
    const activationLayer = nn.SiLU;
    const expandedChannels = _MBConvConfig.adjustChannels(cnf.inputChannels, cnf.expandRatio);
    if (expandedChannels !== cnf.inputChannels) {
      layers.push(new Conv2dNormActivation(cnf.inputChannels, expandedChannels, { kernelSize: 1, normLayer, activationLayer }));
    }
    layers.push(
      new Conv2dNormActivation(expandedChannels, expandedChannels, { kernelSize: cnf.kernel, stride: cnf.stride, groups: expandedChannels, normLayer, activationLayer }),
    );
    const squeezeChannels = Math.max(1, Math.floor(cnf.inputChannels / 4));
    layers.push(makeLayer(seLayer, expandedChannels, squeezeChannels, { activation: siluInplace }));
    layers.push(new Conv2dNormActivation(expandedChannels, cnf.outChannels, { kernelSize: 1, normLayer, activationLayer: null }));
    this.block = new nn.Sequential(...layers);
    this.stochastic_depth = new StochasticDepth(stochasticDepthProb, 'row');
    this.outChannels = cnf.outChannels;
  }

  override forward(input: Tensor): Tensor {
    let result = this.block.call(input) as Tensor;
    if (this.useResConnect) {
      result = this.stochastic_depth.call(result);
      result.add_(input);
    }
    return result;
  }
}

export class FusedMBConv extends nn.Module {
  static override pythonModule = 'torchvision.models.efficientnet';
  declare useResConnect: boolean;
  declare block: nn.Sequential;
  declare stochastic_depth: StochasticDepth;
  declare outChannels: number;

  constructor(cnf: _MBConvConfig, stochasticDepthProb: number, normLayer: LayerFactory) {
    super();
    if (!(cnf.stride >= 1 && cnf.stride <= 2)) throw new RangeError('illegal stride value');
    this.useResConnect = cnf.stride === 1 && cnf.inputChannels === cnf.outChannels;
    const layers: nn.Module[] = [];
    const activationLayer = nn.SiLU;
    const expandedChannels = _MBConvConfig.adjustChannels(cnf.inputChannels, cnf.expandRatio);
    if (expandedChannels !== cnf.inputChannels) {
      layers.push(new Conv2dNormActivation(cnf.inputChannels, expandedChannels, { kernelSize: cnf.kernel, stride: cnf.stride, normLayer, activationLayer }));
      layers.push(new Conv2dNormActivation(expandedChannels, cnf.outChannels, { kernelSize: 1, normLayer, activationLayer: null }));
    } else {
      layers.push(new Conv2dNormActivation(cnf.inputChannels, cnf.outChannels, { kernelSize: cnf.kernel, stride: cnf.stride, normLayer, activationLayer }));
    }
    this.block = new nn.Sequential(...layers);
    this.stochastic_depth = new StochasticDepth(stochasticDepthProb, 'row');
    this.outChannels = cnf.outChannels;
  }

  override forward(input: Tensor): Tensor {
    let result = this.block.call(input) as Tensor;
    if (this.useResConnect) {
      result = this.stochastic_depth.call(result);
      result.add_(input);
    }
    return result;
  }
}

const EFFICIENTNET = pySignature('EfficientNet.__init__', 'self, inverted_residual_setting, dropout, stochastic_depth_prob=0.2, num_classes=1000, norm_layer=None, last_channel=None');

export interface EfficientNetOptions {
  stochasticDepthProb?: number;
  numClasses?: number;
  normLayer?: LayerFactory | null;
  lastChannel?: number | null;
}

export class EfficientNet extends nn.Module {
  static override pythonModule = 'torchvision.models.efficientnet';
  declare features: nn.Sequential;
  declare avgpool: nn.AdaptiveAvgPool2d;
  declare classifier: nn.Sequential;

  constructor(
    ...args:
      | [invertedResidualSetting: readonly _MBConvConfig[], dropout: number, stochasticDepthProb?: number, numClasses?: number, normLayer?: LayerFactory | null, lastChannel?: number | null]
      | [invertedResidualSetting: readonly _MBConvConfig[], dropout: number, options: EfficientNetOptions]
  ) {
    super();
    const o = EFFICIENTNET<Required<EfficientNetOptions> & { invertedResidualSetting: _MBConvConfig[]; dropout: number }>(args);
    const setting = o.invertedResidualSetting;
    if (!setting || setting.length === 0) throw new RangeError('The inverted_residual_setting should not be empty');
    if (!Array.isArray(setting) || !setting.every((s) => s instanceof _MBConvConfig)) throw new TypeError('The inverted_residual_setting should be List[MBConvConfig]');
    const normLayer = o.normLayer ?? nn.BatchNorm2d;
    const layers: nn.Module[] = [];
    const firstconvOutputChannels = setting[0]!.inputChannels;
    layers.push(new Conv2dNormActivation(3, firstconvOutputChannels, { kernelSize: 3, stride: 2, normLayer, activationLayer: nn.SiLU }));
    const totalStageBlocks = setting.reduce((n, cnf) => n + cnf.numLayers, 0);
    let stageBlockId = 0;
    for (const cnf of setting) {
      const stage: nn.Module[] = [];
      for (let i = 0; i < cnf.numLayers; i++) {
        const blockCnf = Object.assign(Object.create(Object.getPrototypeOf(cnf) as object) as _MBConvConfig, cnf);
        if (stage.length > 0) {
          blockCnf.inputChannels = blockCnf.outChannels;
          blockCnf.stride = 1;
        }
        const sdProb = (o.stochasticDepthProb * stageBlockId) / totalStageBlocks;
        stage.push(makeLayer(blockCnf.block, blockCnf, sdProb, normLayer));
        stageBlockId += 1;
      }
      layers.push(new nn.Sequential(...stage));
    }
    const lastconvInputChannels = setting[setting.length - 1]!.outChannels;
    const lastconvOutputChannels = o.lastChannel ?? 4 * lastconvInputChannels;
    layers.push(new Conv2dNormActivation(lastconvInputChannels, lastconvOutputChannels, { kernelSize: 1, normLayer, activationLayer: nn.SiLU }));
    this.features = new nn.Sequential(...layers);
    this.avgpool = new nn.AdaptiveAvgPool2d(1);
    this.classifier = new nn.Sequential(new nn.Dropout(o.dropout, true), new nn.Linear(lastconvOutputChannels, o.numClasses));
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) {
        nn.init.kaimingNormal_(m.weight, { mode: 'fan_out' });
        if (m.bias !== null) nn.init.zeros_(m.bias);
      } else if (m instanceof nn.BatchNorm2d || m instanceof nn.GroupNorm) {
        nn.init.ones_(m.weight!);
        nn.init.zeros_(m.bias!);
      } else if (m instanceof nn.Linear) {
        const initRange = 1.0 / Math.sqrt(m.outFeatures);
        nn.init.uniform_(m.weight, -initRange, initRange);
        nn.init.zeros_(m.bias!);
      }
    }
  }

  _forwardImpl(x: Tensor): Tensor {
    x = this.features.call(x) as Tensor;
    x = flatten(this.avgpool.call(x), 1);
    return this.classifier.call(x) as Tensor;
  }

  override forward(x: Tensor): Tensor {
    return this._forwardImpl(x);
  }
}

/** The stage configurations and last width of an architecture ('efficientnet_b0', 'efficientnet_v2_s', ...). */
export function _efficientnetConf(arch: string, options: { widthMult?: number; depthMult?: number } = {}): [_MBConvConfig[], number | null] {
  if (arch.startsWith('efficientnet_b')) {
    const b = (e: number, k: number, s: number, i: number, o: number, n: number): MBConvConfig => new MBConvConfig(e, k, s, i, o, n, options.widthMult, options.depthMult);
    return [[b(1, 3, 1, 32, 16, 1), b(6, 3, 2, 16, 24, 2), b(6, 5, 2, 24, 40, 2), b(6, 3, 2, 40, 80, 3), b(6, 5, 1, 80, 112, 3), b(6, 5, 2, 112, 192, 4), b(6, 3, 1, 192, 320, 1)], null];
  }
  const F_ = (e: number, k: number, s: number, i: number, o: number, n: number): _MBConvConfig => new FusedMBConvConfig(e, k, s, i, o, n);
  const M = (e: number, k: number, s: number, i: number, o: number, n: number): _MBConvConfig => new MBConvConfig(e, k, s, i, o, n);
  if (arch.startsWith('efficientnet_v2_s')) {
    return [[F_(1, 3, 1, 24, 24, 2), F_(4, 3, 2, 24, 48, 4), F_(4, 3, 2, 48, 64, 4), M(4, 3, 2, 64, 128, 6), M(6, 3, 1, 128, 160, 9), M(6, 3, 2, 160, 256, 15)], 1280];
  }
  if (arch.startsWith('efficientnet_v2_m')) {
    return [[F_(1, 3, 1, 24, 24, 3), F_(4, 3, 2, 24, 48, 5), F_(4, 3, 2, 48, 80, 5), M(4, 3, 2, 80, 160, 7), M(6, 3, 1, 160, 176, 14), M(6, 3, 2, 176, 304, 18), M(6, 3, 1, 304, 512, 5)], 1280];
  }
  if (arch.startsWith('efficientnet_v2_l')) {
    return [[F_(1, 3, 1, 32, 32, 4), F_(4, 3, 2, 32, 64, 7), F_(4, 3, 2, 64, 96, 7), M(4, 3, 2, 96, 192, 10), M(6, 3, 1, 192, 224, 19), M(6, 3, 2, 224, 384, 25), M(6, 3, 1, 384, 640, 7)], 1280];
  }
  throw new RangeError(`Unsupported model type ${arch}`);
}

export type EfficientNetBuilderOptions<W extends WeightsEnum> = BuilderOptions<W> & Omit<EfficientNetOptions, 'lastChannel'> & { dropout?: number };

const bn = (options: { eps: number; momentum?: number }) => (c: number): nn.Module => new nn.BatchNorm2d(c, options);

function _efficientnet<W extends WeightsEnum>(
  arch: string,
  weightsEnum: WeightsEnumClass<W>,
  args: readonly unknown[],
  dropout: number,
  conf: { widthMult?: number; depthMult?: number },
  normLayer?: LayerFactory,
): EfficientNet {
  const { weights, progress, kwargs } = _builderArgs(arch, weightsEnum, args);
  const [setting, lastChannel] = _efficientnetConf(arch, conf);
  const { dropout: given, ...rest } = kwargs;
  if (normLayer !== undefined) {
    if ('normLayer' in rest) throw new TypeError("_efficientnet() got multiple values for keyword argument 'norm_layer'");
    rest.normLayer = normLayer;
  }
  if (weights !== null) _ovewriteNamedParam(rest, 'num_classes', weights.meta.categories!.length);
  const model = new EfficientNet(setting, (given as number | undefined) ?? dropout, { lastChannel, ...rest });
  if (weights !== null) model.loadStateDict(weights.getStateDict({ progress, checkHash: true }));
  return model;
}

export class EfficientNet_B0_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new EfficientNet_B0_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/efficientnet_b0_rwightman-7f5810bc.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 256, interpolation: InterpolationMode.BICUBIC }), {
      categories: _IMAGENET_CATEGORIES,
      minSize: [1, 1],
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v1',
      numParams: 5288548,
      _metrics: { 'ImageNet-1K': { 'acc@1': 77.692, 'acc@5': 93.532 } },
      _ops: 0.386,
      _fileSize: 20.451,
      _docs: 'These weights are ported from the original paper.',
    }),
  );
  static readonly DEFAULT = EfficientNet_B0_Weights.IMAGENET1K_V1;
}

export class EfficientNet_B1_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new EfficientNet_B1_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/efficientnet_b1_rwightman-bac287d4.pth', () => new ImageClassification({ cropSize: 240, resizeSize: 256, interpolation: InterpolationMode.BICUBIC }), {
      categories: _IMAGENET_CATEGORIES,
      minSize: [1, 1],
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v1',
      numParams: 7794184,
      _metrics: { 'ImageNet-1K': { 'acc@1': 78.642, 'acc@5': 94.186 } },
      _ops: 0.687,
      _fileSize: 30.134,
      _docs: 'These weights are ported from the original paper.',
    }),
  );
  static readonly IMAGENET1K_V2 = new EfficientNet_B1_Weights(
    'IMAGENET1K_V2',
    new Weights('https://download.pytorch.org/models/efficientnet_b1-c27df63c.pth', () => new ImageClassification({ cropSize: 240, resizeSize: 255, interpolation: InterpolationMode.BILINEAR }), {
      categories: _IMAGENET_CATEGORIES,
      minSize: [1, 1],
      recipe: 'https://github.com/pytorch/vision/issues/3995#new-recipe-with-lr-wd-crop-tuning',
      numParams: 7794184,
      _metrics: { 'ImageNet-1K': { 'acc@1': 79.838, 'acc@5': 94.934 } },
      _ops: 0.687,
      _fileSize: 30.136,
      _docs: '\n                These weights improve upon the results of the original paper by using a modified version of TorchVision\'s\n                `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly DEFAULT = EfficientNet_B1_Weights.IMAGENET1K_V2;
}

export class EfficientNet_B2_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new EfficientNet_B2_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/efficientnet_b2_rwightman-c35c1473.pth', () => new ImageClassification({ cropSize: 288, resizeSize: 288, interpolation: InterpolationMode.BICUBIC }), {
      categories: _IMAGENET_CATEGORIES,
      minSize: [1, 1],
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v1',
      numParams: 9109994,
      _metrics: { 'ImageNet-1K': { 'acc@1': 80.608, 'acc@5': 95.31 } },
      _ops: 1.088,
      _fileSize: 35.174,
      _docs: 'These weights are ported from the original paper.',
    }),
  );
  static readonly DEFAULT = EfficientNet_B2_Weights.IMAGENET1K_V1;
}

export class EfficientNet_B3_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new EfficientNet_B3_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/efficientnet_b3_rwightman-b3899882.pth', () => new ImageClassification({ cropSize: 300, resizeSize: 320, interpolation: InterpolationMode.BICUBIC }), {
      categories: _IMAGENET_CATEGORIES,
      minSize: [1, 1],
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v1',
      numParams: 12233232,
      _metrics: { 'ImageNet-1K': { 'acc@1': 82.008, 'acc@5': 96.054 } },
      _ops: 1.827,
      _fileSize: 47.184,
      _docs: 'These weights are ported from the original paper.',
    }),
  );
  static readonly DEFAULT = EfficientNet_B3_Weights.IMAGENET1K_V1;
}

export class EfficientNet_B4_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new EfficientNet_B4_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/efficientnet_b4_rwightman-23ab8bcd.pth', () => new ImageClassification({ cropSize: 380, resizeSize: 384, interpolation: InterpolationMode.BICUBIC }), {
      categories: _IMAGENET_CATEGORIES,
      minSize: [1, 1],
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v1',
      numParams: 19341616,
      _metrics: { 'ImageNet-1K': { 'acc@1': 83.384, 'acc@5': 96.594 } },
      _ops: 4.394,
      _fileSize: 74.489,
      _docs: 'These weights are ported from the original paper.',
    }),
  );
  static readonly DEFAULT = EfficientNet_B4_Weights.IMAGENET1K_V1;
}

export class EfficientNet_B5_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new EfficientNet_B5_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/efficientnet_b5_lukemelas-1a07897c.pth', () => new ImageClassification({ cropSize: 456, resizeSize: 456, interpolation: InterpolationMode.BICUBIC }), {
      categories: _IMAGENET_CATEGORIES,
      minSize: [1, 1],
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v1',
      numParams: 30389784,
      _metrics: { 'ImageNet-1K': { 'acc@1': 83.444, 'acc@5': 96.628 } },
      _ops: 10.266,
      _fileSize: 116.864,
      _docs: 'These weights are ported from the original paper.',
    }),
  );
  static readonly DEFAULT = EfficientNet_B5_Weights.IMAGENET1K_V1;
}

export class EfficientNet_B6_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new EfficientNet_B6_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/efficientnet_b6_lukemelas-24a108a5.pth', () => new ImageClassification({ cropSize: 528, resizeSize: 528, interpolation: InterpolationMode.BICUBIC }), {
      categories: _IMAGENET_CATEGORIES,
      minSize: [1, 1],
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v1',
      numParams: 43040704,
      _metrics: { 'ImageNet-1K': { 'acc@1': 84.008, 'acc@5': 96.916 } },
      _ops: 19.068,
      _fileSize: 165.362,
      _docs: 'These weights are ported from the original paper.',
    }),
  );
  static readonly DEFAULT = EfficientNet_B6_Weights.IMAGENET1K_V1;
}

export class EfficientNet_B7_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new EfficientNet_B7_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/efficientnet_b7_lukemelas-c5b4e57e.pth', () => new ImageClassification({ cropSize: 600, resizeSize: 600, interpolation: InterpolationMode.BICUBIC }), {
      categories: _IMAGENET_CATEGORIES,
      minSize: [1, 1],
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v1',
      numParams: 66347960,
      _metrics: { 'ImageNet-1K': { 'acc@1': 84.122, 'acc@5': 96.908 } },
      _ops: 37.746,
      _fileSize: 254.675,
      _docs: 'These weights are ported from the original paper.',
    }),
  );
  static readonly DEFAULT = EfficientNet_B7_Weights.IMAGENET1K_V1;
}

export class EfficientNet_V2_S_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new EfficientNet_V2_S_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/efficientnet_v2_s-dd5fe13b.pth', () => new ImageClassification({ cropSize: 384, resizeSize: 384, interpolation: InterpolationMode.BILINEAR }), {
      categories: _IMAGENET_CATEGORIES,
      minSize: [33, 33],
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v2',
      numParams: 21458488,
      _metrics: { 'ImageNet-1K': { 'acc@1': 84.228, 'acc@5': 96.878 } },
      _ops: 8.366,
      _fileSize: 82.704,
      _docs: '\n                These weights improve upon the results of the original paper by using a modified version of TorchVision\'s\n                `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly DEFAULT = EfficientNet_V2_S_Weights.IMAGENET1K_V1;
}

export class EfficientNet_V2_M_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new EfficientNet_V2_M_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/efficientnet_v2_m-dc08266a.pth', () => new ImageClassification({ cropSize: 480, resizeSize: 480, interpolation: InterpolationMode.BILINEAR }), {
      categories: _IMAGENET_CATEGORIES,
      minSize: [33, 33],
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v2',
      numParams: 54139356,
      _metrics: { 'ImageNet-1K': { 'acc@1': 85.112, 'acc@5': 97.156 } },
      _ops: 24.582,
      _fileSize: 208.01,
      _docs: '\n                These weights improve upon the results of the original paper by using a modified version of TorchVision\'s\n                `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly DEFAULT = EfficientNet_V2_M_Weights.IMAGENET1K_V1;
}

export class EfficientNet_V2_L_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new EfficientNet_V2_L_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/efficientnet_v2_l-59c71312.pth', () => new ImageClassification({ cropSize: 480, resizeSize: 480, interpolation: InterpolationMode.BICUBIC, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] }), {
      categories: _IMAGENET_CATEGORIES,
      minSize: [33, 33],
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v2',
      numParams: 118515272,
      _metrics: { 'ImageNet-1K': { 'acc@1': 85.808, 'acc@5': 97.788 } },
      _ops: 56.08,
      _fileSize: 454.573,
      _docs: 'These weights are ported from the original paper.',
    }),
  );
  static readonly DEFAULT = EfficientNet_V2_L_Weights.IMAGENET1K_V1;
}

/** EfficientNet-B0 from "EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks". */
export function efficientnetB0(...args: [EfficientNetBuilderOptions<EfficientNet_B0_Weights>?]): EfficientNet {
  return _efficientnet('efficientnet_b0', EfficientNet_B0_Weights, args, 0.2, { widthMult: 1.0, depthMult: 1.0 });
}
/** EfficientNet-B1 from "EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks". */
export function efficientnetB1(...args: [EfficientNetBuilderOptions<EfficientNet_B1_Weights>?]): EfficientNet {
  return _efficientnet('efficientnet_b1', EfficientNet_B1_Weights, args, 0.2, { widthMult: 1.0, depthMult: 1.1 });
}
/** EfficientNet-B2 from "EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks". */
export function efficientnetB2(...args: [EfficientNetBuilderOptions<EfficientNet_B2_Weights>?]): EfficientNet {
  return _efficientnet('efficientnet_b2', EfficientNet_B2_Weights, args, 0.3, { widthMult: 1.1, depthMult: 1.2 });
}
/** EfficientNet-B3 from "EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks". */
export function efficientnetB3(...args: [EfficientNetBuilderOptions<EfficientNet_B3_Weights>?]): EfficientNet {
  return _efficientnet('efficientnet_b3', EfficientNet_B3_Weights, args, 0.3, { widthMult: 1.2, depthMult: 1.4 });
}
/** EfficientNet-B4 from "EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks". */
export function efficientnetB4(...args: [EfficientNetBuilderOptions<EfficientNet_B4_Weights>?]): EfficientNet {
  return _efficientnet('efficientnet_b4', EfficientNet_B4_Weights, args, 0.4, { widthMult: 1.4, depthMult: 1.8 });
}
/** EfficientNet-B5 from "EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks". */
export function efficientnetB5(...args: [EfficientNetBuilderOptions<EfficientNet_B5_Weights>?]): EfficientNet {
  return _efficientnet('efficientnet_b5', EfficientNet_B5_Weights, args, 0.4, { widthMult: 1.6, depthMult: 2.2 }, bn({ eps: 0.001, momentum: 0.01 }));
}
/** EfficientNet-B6 from "EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks". */
export function efficientnetB6(...args: [EfficientNetBuilderOptions<EfficientNet_B6_Weights>?]): EfficientNet {
  return _efficientnet('efficientnet_b6', EfficientNet_B6_Weights, args, 0.5, { widthMult: 1.8, depthMult: 2.6 }, bn({ eps: 0.001, momentum: 0.01 }));
}
/** EfficientNet-B7 from "EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks". */
export function efficientnetB7(...args: [EfficientNetBuilderOptions<EfficientNet_B7_Weights>?]): EfficientNet {
  return _efficientnet('efficientnet_b7', EfficientNet_B7_Weights, args, 0.5, { widthMult: 2.0, depthMult: 3.1 }, bn({ eps: 0.001, momentum: 0.01 }));
}
/** EfficientNetV2-S from "EfficientNetV2: Smaller Models and Faster Training". */
export function efficientnetV2S(...args: [EfficientNetBuilderOptions<EfficientNet_V2_S_Weights>?]): EfficientNet {
  return _efficientnet('efficientnet_v2_s', EfficientNet_V2_S_Weights, args, 0.2, {}, bn({ eps: 1e-3 }));
}
/** EfficientNetV2-M from "EfficientNetV2: Smaller Models and Faster Training". */
export function efficientnetV2M(...args: [EfficientNetBuilderOptions<EfficientNet_V2_M_Weights>?]): EfficientNet {
  return _efficientnet('efficientnet_v2_m', EfficientNet_V2_M_Weights, args, 0.3, {}, bn({ eps: 1e-3 }));
}
/** EfficientNetV2-L from "EfficientNetV2: Smaller Models and Faster Training". */
export function efficientnetV2L(...args: [EfficientNetBuilderOptions<EfficientNet_V2_L_Weights>?]): EfficientNet {
  return _efficientnet('efficientnet_v2_l', EfficientNet_V2_L_Weights, args, 0.4, {}, bn({ eps: 1e-3 }));
}

registerModel('efficientnet_b0', efficientnetB0, EfficientNet_B0_Weights);
registerModel('efficientnet_b1', efficientnetB1, EfficientNet_B1_Weights);
registerModel('efficientnet_b2', efficientnetB2, EfficientNet_B2_Weights);
registerModel('efficientnet_b3', efficientnetB3, EfficientNet_B3_Weights);
registerModel('efficientnet_b4', efficientnetB4, EfficientNet_B4_Weights);
registerModel('efficientnet_b5', efficientnetB5, EfficientNet_B5_Weights);
registerModel('efficientnet_b6', efficientnetB6, EfficientNet_B6_Weights);
registerModel('efficientnet_b7', efficientnetB7, EfficientNet_B7_Weights);
registerModel('efficientnet_v2_s', efficientnetV2S, EfficientNet_V2_S_Weights);
registerModel('efficientnet_v2_m', efficientnetV2M, EfficientNet_V2_M_Weights);
registerModel('efficientnet_v2_l', efficientnetV2L, EfficientNet_V2_L_Weights);
