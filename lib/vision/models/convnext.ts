// torchvision/models/convnext.py
import { ones } from '../../generated/torch';
import * as nn from '../../nn';
import * as F from '../../nn/functional';
import { pySignature } from '../../python_signature';
import type { Tensor } from '../../tensor';
import { Conv2dNormActivation, Permute } from '../ops/misc';
import { StochasticDepth } from '../ops/stochastic_depth';
import { ImageClassification, InterpolationMode } from '../transforms/_presets';
import { registerModel, Weights, WeightsEnum, type WeightsEnumClass } from './_api';
import { _IMAGENET_CATEGORIES } from './_meta';
import { _builderArgs, _ovewriteNamedParam, makeLayer, type BuilderOptions, type LayerFactory } from './_utils';

/** LayerNorm over the channels of an NCHW tensor. */
export class LayerNorm2d extends nn.LayerNorm {
  static override pythonModule = 'torchvision.models.convnext';
  override forward(x: Tensor): Tensor {
    x = x.permute(0, 2, 3, 1);
    x = F.layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
    return x.permute(0, 3, 1, 2);
  }
}

const CN_BLOCK = pySignature('CNBlock.__init__', 'self, dim, layer_scale, stochastic_depth_prob, norm_layer=None');

export class CNBlock extends nn.Module {
  static override pythonModule = 'torchvision.models.convnext';
  declare block: nn.Sequential;
  declare layer_scale: nn.Parameter;
  declare stochastic_depth: StochasticDepth;

  constructor(
    ...args:
      | [dim: number, layerScale: number, stochasticDepthProb: number, normLayer?: LayerFactory | null]
      | [dim: number, layerScale: number, stochasticDepthProb: number, options: { normLayer?: LayerFactory | null }]
  ) {
    super();
    const o = CN_BLOCK<{ dim: number; layerScale: number; stochasticDepthProb: number; normLayer: LayerFactory | null }>(args);
    const normLayer = o.normLayer ?? ((d: number) => new nn.LayerNorm(d, { eps: 1e-6 }));
    const dim = o.dim;
    this.block = new nn.Sequential(
      new nn.Conv2d(dim, dim, 7, { padding: 3, groups: dim, bias: true }),
      new Permute([0, 2, 3, 1]),
      makeLayer(normLayer, dim),
      new nn.Linear(dim, 4 * dim, { bias: true }),
      new nn.GELU(),
      new nn.Linear(4 * dim, dim, { bias: true }),
      new Permute([0, 3, 1, 2]),
    );
    this.layer_scale = new nn.Parameter(ones(dim, 1, 1).mul(o.layerScale));
    this.stochastic_depth = new StochasticDepth(o.stochasticDepthProb, 'row');
  }

  override forward(input: Tensor): Tensor {
    let result = this.layer_scale.mul(this.block.call(input) as Tensor);
    result = this.stochastic_depth.call(result);
    return result.add_(input);
  }
}

/** A stage: its width, the width of the downsampling after it (null: none), its number of blocks. */
export class CNBlockConfig {
  constructor(
    readonly inputChannels: number,
    readonly outChannels: number | null,
    readonly numLayers: number,
  ) {}

  toString(): string {
    return `CNBlockConfig(input_channels=${this.inputChannels}, out_channels=${this.outChannels ?? 'None'}, num_layers=${this.numLayers})`;
  }
}

const CONVNEXT = pySignature('ConvNeXt.__init__', 'self, block_setting, stochastic_depth_prob=0.0, layer_scale=1e-6, num_classes=1000, block=None, norm_layer=None');

export interface ConvNeXtOptions {
  stochasticDepthProb?: number;
  layerScale?: number;
  numClasses?: number;
  block?: LayerFactory<[number, number, number]> | null;
  normLayer?: LayerFactory | null;
}

export class ConvNeXt extends nn.Module {
  static override pythonModule = 'torchvision.models.convnext';
  declare features: nn.Sequential;
  declare avgpool: nn.AdaptiveAvgPool2d;
  declare classifier: nn.Sequential;

  /** Options it does not take are ignored, as by torchvision's `**kwargs`. */
  constructor(blockSetting: readonly CNBlockConfig[], options: ConvNeXtOptions & Record<string, unknown> = {}) {
    super();
    const known = Object.fromEntries(Object.entries(options).filter(([k]) => ['stochasticDepthProb', 'layerScale', 'numClasses', 'block', 'normLayer'].includes(k)));
    const o = CONVNEXT<Required<ConvNeXtOptions> & { blockSetting: CNBlockConfig[] }>([blockSetting, known]);
    const setting = o.blockSetting;
    if (!setting || setting.length === 0) throw new RangeError('The block_setting should not be empty');
    if (!Array.isArray(setting) || !setting.every((s) => s instanceof CNBlockConfig)) throw new TypeError('The block_setting should be List[CNBlockConfig]');
    const block = o.block ?? CNBlock;
    const normLayer = o.normLayer ?? ((c: number) => new LayerNorm2d(c, { eps: 1e-6 }));
    const layers: nn.Module[] = [];
    const firstconvOutputChannels = setting[0]!.inputChannels;
    layers.push(new Conv2dNormActivation(3, firstconvOutputChannels, { kernelSize: 4, stride: 4, padding: 0, normLayer, activationLayer: null, bias: true }));
    const totalStageBlocks = setting.reduce((n, cnf) => n + cnf.numLayers, 0);
    let stageBlockId = 0;
    for (const cnf of setting) {
      const stage: nn.Module[] = [];
      for (let i = 0; i < cnf.numLayers; i++) {
        const sdProb = (o.stochasticDepthProb * stageBlockId) / (totalStageBlocks - 1.0);
        stage.push(makeLayer(block, cnf.inputChannels, o.layerScale, sdProb));
        stageBlockId += 1;
      }
      layers.push(new nn.Sequential(...stage));
      if (cnf.outChannels !== null) {
        layers.push(new nn.Sequential(makeLayer(normLayer, cnf.inputChannels), new nn.Conv2d(cnf.inputChannels, cnf.outChannels, 2, { stride: 2 })));
      }
    }
    this.features = new nn.Sequential(...layers);
    this.avgpool = new nn.AdaptiveAvgPool2d(1);
    const lastblock = setting[setting.length - 1]!;
    const lastconvOutputChannels = lastblock.outChannels ?? lastblock.inputChannels;
    this.classifier = new nn.Sequential(makeLayer(normLayer, lastconvOutputChannels), new nn.Flatten(1), new nn.Linear(lastconvOutputChannels, o.numClasses));
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d || m instanceof nn.Linear) {
        nn.init.truncNormal_(m.weight, { std: 0.02 });
        if (m.bias !== null) nn.init.zeros_(m.bias);
      }
    }
  }

  _forwardImpl(x: Tensor): Tensor {
    x = this.avgpool.call(this.features.call(x) as Tensor);
    return this.classifier.call(x) as Tensor;
  }

  override forward(x: Tensor): Tensor {
    return this._forwardImpl(x);
  }
}

export type ConvNeXtBuilderOptions<W extends WeightsEnum> = BuilderOptions<W> & ConvNeXtOptions;

function _convnext<W extends WeightsEnum>(name: string, blockSetting: CNBlockConfig[], stochasticDepthProb: number, weightsEnum: WeightsEnumClass<W>, args: readonly unknown[]): ConvNeXt {
  const { weights, progress, kwargs } = _builderArgs(name, weightsEnum, args);
  const { stochasticDepthProb: given, ...rest } = kwargs;
  if (weights !== null) _ovewriteNamedParam(rest, 'num_classes', weights.meta.categories!.length);
  const model = new ConvNeXt(blockSetting, { ...rest, stochasticDepthProb: (given as number | undefined) ?? stochasticDepthProb });
  if (weights !== null) model.loadStateDict(weights.getStateDict({ progress, checkHash: true }));
  return model;
}

export class ConvNeXt_Tiny_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new ConvNeXt_Tiny_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/convnext_tiny-983f1562.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 236 }), {
      minSize: [32, 32],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#convnext',
      _docs: '\n        These weights improve upon the results of the original paper by using a modified version of TorchVision\'s\n        `new training recipe\n        <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n    ',
      numParams: 28589128,
      _metrics: { 'ImageNet-1K': { 'acc@1': 82.52, 'acc@5': 96.146 } },
      _ops: 4.456,
      _fileSize: 109.119,
    }),
  );
  static readonly DEFAULT = ConvNeXt_Tiny_Weights.IMAGENET1K_V1;
}

export class ConvNeXt_Small_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new ConvNeXt_Small_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/convnext_small-0c510722.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 230 }), {
      minSize: [32, 32],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#convnext',
      _docs: '\n        These weights improve upon the results of the original paper by using a modified version of TorchVision\'s\n        `new training recipe\n        <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n    ',
      numParams: 50223688,
      _metrics: { 'ImageNet-1K': { 'acc@1': 83.616, 'acc@5': 96.65 } },
      _ops: 8.684,
      _fileSize: 191.703,
    }),
  );
  static readonly DEFAULT = ConvNeXt_Small_Weights.IMAGENET1K_V1;
}

export class ConvNeXt_Base_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new ConvNeXt_Base_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/convnext_base-6075fbad.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      minSize: [32, 32],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#convnext',
      _docs: '\n        These weights improve upon the results of the original paper by using a modified version of TorchVision\'s\n        `new training recipe\n        <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n    ',
      numParams: 88591464,
      _metrics: { 'ImageNet-1K': { 'acc@1': 84.062, 'acc@5': 96.87 } },
      _ops: 15.355,
      _fileSize: 338.064,
    }),
  );
  static readonly DEFAULT = ConvNeXt_Base_Weights.IMAGENET1K_V1;
}

export class ConvNeXt_Large_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new ConvNeXt_Large_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/convnext_large-ea097f82.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      minSize: [32, 32],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#convnext',
      _docs: '\n        These weights improve upon the results of the original paper by using a modified version of TorchVision\'s\n        `new training recipe\n        <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n    ',
      numParams: 197767336,
      _metrics: { 'ImageNet-1K': { 'acc@1': 84.414, 'acc@5': 96.976 } },
      _ops: 34.361,
      _fileSize: 754.537,
    }),
  );
  static readonly DEFAULT = ConvNeXt_Large_Weights.IMAGENET1K_V1;
}

const cn = (i: number, o: number | null, n: number): CNBlockConfig => new CNBlockConfig(i, o, n);

/** ConvNeXt Tiny from "A ConvNet for the 2020s". */
export function convnextTiny(...args: [ConvNeXtBuilderOptions<ConvNeXt_Tiny_Weights>?]): ConvNeXt {
  return _convnext('convnext_tiny', [cn(96, 192, 3), cn(192, 384, 3), cn(384, 768, 9), cn(768, null, 3)], 0.1, ConvNeXt_Tiny_Weights, args);
}
/** ConvNeXt Small. */
export function convnextSmall(...args: [ConvNeXtBuilderOptions<ConvNeXt_Small_Weights>?]): ConvNeXt {
  return _convnext('convnext_small', [cn(96, 192, 3), cn(192, 384, 3), cn(384, 768, 27), cn(768, null, 3)], 0.4, ConvNeXt_Small_Weights, args);
}
/** ConvNeXt Base. */
export function convnextBase(...args: [ConvNeXtBuilderOptions<ConvNeXt_Base_Weights>?]): ConvNeXt {
  return _convnext('convnext_base', [cn(128, 256, 3), cn(256, 512, 3), cn(512, 1024, 27), cn(1024, null, 3)], 0.5, ConvNeXt_Base_Weights, args);
}
/** ConvNeXt Large. */
export function convnextLarge(...args: [ConvNeXtBuilderOptions<ConvNeXt_Large_Weights>?]): ConvNeXt {
  return _convnext('convnext_large', [cn(192, 384, 3), cn(384, 768, 3), cn(768, 1536, 27), cn(1536, null, 3)], 0.5, ConvNeXt_Large_Weights, args);
}

registerModel('convnext_tiny', convnextTiny, ConvNeXt_Tiny_Weights);
registerModel('convnext_small', convnextSmall, ConvNeXt_Small_Weights);
registerModel('convnext_base', convnextBase, ConvNeXt_Base_Weights);
registerModel('convnext_large', convnextLarge, ConvNeXt_Large_Weights);
