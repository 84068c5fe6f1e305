// torchvision/models/regnet.py: RegNetX and RegNetY.
import { tensor } from '../../creation';
import { arange, diff, divide, log, pow, round } from '../../generated/torch';
import * as nn from '../../nn';
import { pySignature } from '../../python_signature';
import type { Tensor } from '../../tensor';
import { Conv2dNormActivation, SqueezeExcitation } from '../ops/misc';
import { ImageClassification, InterpolationMode } from '../transforms/_presets';
import { registerModel, Weights, WeightsEnum, type WeightsEnumClass } from './_api';
import { _IMAGENET_CATEGORIES } from './_meta';
import { _builderArgs, _makeDivisible, _ovewriteNamedParam, makeLayer, type BuilderOptions, type LayerFactory } from './_utils';
import { pyRound } from '../../scalar';


/** The activation class (constructed with no arguments, or `{ inplace }`). */
export type Activation = LayerFactory<[]> & LayerFactory<[{ inplace?: boolean }]>;

/** The simple ImageNet stem: a strided 3x3 convolution, normalization, activation. */
export class SimpleStemIN extends Conv2dNormActivation {
  static override pythonModule = 'torchvision.models.regnet';
  constructor(widthIn: number, widthOut: number, normLayer: LayerFactory, activationLayer: Activation) {
    super(widthIn, widthOut, { kernelSize: 3, stride: 2, normLayer, activationLayer });
  }
}

/** The bottleneck transformation: 1x1, 3x3 (grouped), optional squeeze-excitation, 1x1. */
export class BottleneckTransform extends nn.Sequential {
  static override pythonModule = 'torchvision.models.regnet';
  constructor(
    widthIn: number,
    widthOut: number,
    stride: number,
    normLayer: LayerFactory,
    activationLayer: Activation,
    groupWidth: number,
    bottleneckMultiplier: number,
    seRatio: number | null,
  ) {
    const layers = new Map<string, nn.Module>();
    const wB = Math.trunc(pyRound(widthOut * bottleneckMultiplier));
    const g = Math.floor(wB / groupWidth);
    layers.set('a', new Conv2dNormActivation(widthIn, wB, { kernelSize: 1, stride: 1, normLayer, activationLayer }));
    layers.set('b', new Conv2dNormActivation(wB, wB, { kernelSize: 3, stride, groups: g, normLayer, activationLayer }));
    if (seRatio) {
      const widthSeOut = Math.trunc(pyRound(seRatio * widthIn));
      layers.set('se', new SqueezeExcitation(wB, widthSeOut, { activation: activationLayer }));
    }
    layers.set('c', new Conv2dNormActivation(wB, widthOut, { kernelSize: 1, stride: 1, normLayer, activationLayer: null }));
    super(layers);
  }
}

/** A residual bottleneck block: x + f(x), projected when the width or the stride changes. */
export class ResBottleneckBlock extends nn.Module {
  static override pythonModule = 'torchvision.models.regnet';
  declare proj: nn.Module | null;
  declare f: BottleneckTransform;
  declare activation: nn.Module;

  constructor(
    widthIn: number,
    widthOut: number,
    stride: number,
    normLayer: LayerFactory,
    activationLayer: Activation,
    groupWidth = 1,
    bottleneckMultiplier = 1.0,
    seRatio: number | null = null,
  ) {
    super();
    this.proj = null;
    if (widthIn !== widthOut || stride !== 1) {
      this.proj = new Conv2dNormActivation(widthIn, widthOut, { kernelSize: 1, stride, normLayer, activationLayer: null });
    }
    this.f = new BottleneckTransform(widthIn, widthOut, stride, normLayer, activationLayer, groupWidth, bottleneckMultiplier, seRatio);
    this.activation = makeLayer(activationLayer, { inplace: true });
  }

  override forward(x: Tensor): Tensor {
    x = this.proj !== null ? (this.proj.call(x) as Tensor).add(this.f.call(x) as Tensor) : x.add(this.f.call(x) as Tensor);
    return this.activation.call(x) as Tensor;
  }
}

/** `depth` blocks of one width, the first strided, named `block<stageIndex>-<i>`. */
export class AnyStage extends nn.Sequential {
  static override pythonModule = 'torchvision.models.regnet';
  constructor(
    widthIn: number,
    widthOut: number,
    stride: number,
    depth: number,
    blockConstructor: LayerFactory<[number, number, number, LayerFactory, Activation, number, number, number | null]>,
    normLayer: LayerFactory,
    activationLayer: Activation,
    groupWidth: number,
    bottleneckMultiplier: number,
    seRatio: number | null = null,
    stageIndex = 0,
  ) {
    super();
    for (let i = 0; i < depth; i++) {
      const block = makeLayer(blockConstructor, i === 0 ? widthIn : widthOut, widthOut, i === 0 ? stride : 1, normLayer, activationLayer, groupWidth, bottleneckMultiplier, seRatio);
      this.addModule(`block${stageIndex}-${i}`, block);
    }
  }
}

export interface BlockParamsInit {
  depth: number;
  w0: number;
  wA: number;
  wM: number;
  groupWidth: number;
  bottleneckMultiplier?: number;
  seRatio?: number | null;
}

/** The per-stage settings of a RegNet. */
export class BlockParams {
  constructor(
    readonly depths: number[],
    readonly widths: number[],
    readonly groupWidths: number[],
    readonly bottleneckMultipliers: number[],
    readonly strides: number[],
    readonly seRatio: number | null = null,
  ) {}

  /**
   * The stages of a RegNet from its parameters: block widths w_0 + w_a * i, quantized in log space
   * (step w_m) and to multiples of 8, computed in float32 tensors as torchvision does.
   */
  static fromInitParams(p: BlockParamsInit): BlockParams {
    const QUANT = 8;
    const STRIDE = 2;
    const { depth, w0, wA, wM, groupWidth } = p;
    const bottleneckMultiplier = p.bottleneckMultiplier ?? 1.0;
    if (wA < 0 || w0 <= 0 || wM <= 1 || w0 % 8 !== 0) throw new RangeError('Invalid RegNet settings');
    const widthsCont = arange(depth).mul(wA).add(w0);
    const blockCapacity = round(log(widthsCont.div(w0)).div(Math.log(wM)));
    const blockWidths = round(divide(pow(wM, blockCapacity).mul(w0), QUANT)).mul(QUANT).int().tolist() as number[];
    const numStages = new Set(blockWidths).size;
    const splits = [...blockWidths, 0].map((w, i) => {
      const wp = [0, ...blockWidths][i]!;
      return w !== wp;
    });
    const stageWidths = blockWidths.filter((_, i) => splits[i]);
    const stageDepths = diff(tensor(splits.flatMap((t, d) => (t ? [d] : [])))).int().tolist() as number[];
    const strides = Array<number>(numStages).fill(STRIDE);
    const bottleneckMultipliers = Array<number>(numStages).fill(bottleneckMultiplier);
    const [widths, groupWidths] = BlockParams._adjustWidthsGroupsCompatibilty(stageWidths, bottleneckMultipliers, Array<number>(numStages).fill(groupWidth));
    return new BlockParams(stageDepths, widths, groupWidths, bottleneckMultipliers, strides, p.seRatio ?? null);
  }

  /** Per stage: [width, stride, depth, group width, bottleneck multiplier]. */
  _getExpandedParams(): [number, number, number, number, number][] {
    return this.widths.map((w, i) => [w, this.strides[i]!, this.depths[i]!, this.groupWidths[i]!, this.bottleneckMultipliers[i]!]);
  }

  /** Widths whose bottleneck is divisible by the (capped) group width. */
  static _adjustWidthsGroupsCompatibilty(stageWidths: number[], bottleneckRatios: number[], groupWidths: number[]): [number[], number[]] {
    const widths = stageWidths.map((w, i) => Math.trunc(w * bottleneckRatios[i]!));
    const groupWidthsMin = groupWidths.map((g, i) => Math.min(g, widths[i]!));
    const wsBot = widths.map((wBot, i) => _makeDivisible(wBot, groupWidthsMin[i]!));
    return [wsBot.map((wBot, i) => Math.trunc(wBot / bottleneckRatios[i]!)), groupWidthsMin];
  }
}

const REGNET = pySignature('RegNet.__init__', 'self, block_params, num_classes=1000, stem_width=32, stem_type=None, block_type=None, norm_layer=None, activation=None');

export interface RegNetOptions {
  numClasses?: number;
  stemWidth?: number;
  stemType?: LayerFactory<[number, number, LayerFactory, Activation]> | null;
  blockType?: LayerFactory<[number, number, number, LayerFactory, Activation, number, number, number | null]> | null;
  normLayer?: LayerFactory | null;
  activation?: Activation | null;
}

export class RegNet extends nn.Module {
  static override pythonModule = 'torchvision.models.regnet';
  declare stem: nn.Module;
  declare trunk_output: nn.Sequential;
  declare avgpool: nn.AdaptiveAvgPool2d;
  declare fc: nn.Linear;

  constructor(...args: [blockParams: BlockParams, options?: RegNetOptions]) {
    super();
    const o = REGNET<Required<RegNetOptions> & { blockParams: BlockParams }>(args);
    const stemType = o.stemType ?? SimpleStemIN;
    const normLayer = o.normLayer ?? nn.BatchNorm2d;
    const blockType = o.blockType ?? ResBottleneckBlock;
    const activation = o.activation ?? (nn.ReLU as unknown as Activation);
    this.stem = makeLayer(stemType, 3, o.stemWidth, normLayer, activation);
    let currentWidth = o.stemWidth;
    const blocks = new Map<string, nn.Module>();
    o.blockParams._getExpandedParams().forEach(([widthOut, stride, depth, groupWidth, bottleneckMultiplier], i) => {
      blocks.set(
        `block${i + 1}`,
        new AnyStage(currentWidth, widthOut, stride, depth, blockType, normLayer, activation, groupWidth, bottleneckMultiplier, o.blockParams.seRatio, i + 1),
      );
      currentWidth = widthOut;
    });
    this.trunk_output = new nn.Sequential(blocks);
    this.avgpool = new nn.AdaptiveAvgPool2d([1, 1]);
    this.fc = new nn.Linear(currentWidth, o.numClasses);
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) {
        const fanOut = m.kernelSize[0]! * m.kernelSize[1]! * m.outChannels;
        nn.init.normal_(m.weight, { mean: 0.0, std: Math.sqrt(2.0 / fanOut) });
      } else if (m instanceof nn.BatchNorm2d) {
        nn.init.ones_(m.weight!);
        nn.init.zeros_(m.bias!);
      } else if (m instanceof nn.Linear) {
        nn.init.normal_(m.weight, { mean: 0.0, std: 0.01 });
        nn.init.zeros_(m.bias!);
      }
    }
  }

  override forward(x: Tensor): Tensor {
    x = this.trunk_output.call(this.stem.call(x)) as Tensor;
    x = (this.avgpool.call(x) as Tensor).flatten(1);
    return this.fc.call(x);
  }
}

export type RegNetBuilderOptions<W extends WeightsEnum> = BuilderOptions<W> & RegNetOptions;

function _regnet<W extends WeightsEnum>(name: string, params: BlockParamsInit, weightsEnum: WeightsEnumClass<W>, args: readonly unknown[]): RegNet {
  const { weights, progress, kwargs } = _builderArgs(name, weightsEnum, args);
  const blockParams = BlockParams.fromInitParams(params);
  if (weights !== null) _ovewriteNamedParam(kwargs, 'num_classes', weights.meta.categories!.length);
  const { normLayer, ...rest } = kwargs;
  const model = new RegNet(blockParams, { normLayer: (normLayer as LayerFactory | undefined) ?? ((c: number) => new nn.BatchNorm2d(c, { eps: 1e-5, momentum: 0.1 })), ...rest });
  if (weights !== null) model.loadStateDict(weights.getStateDict({ progress, checkHash: true }));
  return model;
}

export class RegNet_Y_400MF_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new RegNet_Y_400MF_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/regnet_y_400mf-c65dace8.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 4344144,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#small-models',
      _metrics: { 'ImageNet-1K': { 'acc@1': 74.046, 'acc@5': 91.716 } },
      _ops: 0.402,
      _fileSize: 16.806,
      _docs: 'These weights reproduce closely the results of the paper using a simple training recipe.',
    }),
  );
  static readonly IMAGENET1K_V2 = new RegNet_Y_400MF_Weights(
    'IMAGENET1K_V2',
    new Weights('https://download.pytorch.org/models/regnet_y_400mf-e6988f5f.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 4344144,
      recipe: 'https://github.com/pytorch/vision/issues/3995#new-recipe',
      _metrics: { 'ImageNet-1K': { 'acc@1': 75.804, 'acc@5': 92.742 } },
      _ops: 0.402,
      _fileSize: 16.806,
      _docs: '\n                These weights improve upon the results of the original paper by using a modified version of TorchVision\'s\n                `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly DEFAULT = RegNet_Y_400MF_Weights.IMAGENET1K_V2;
}

export class RegNet_Y_800MF_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new RegNet_Y_800MF_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/regnet_y_800mf-1b27b58c.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 6432512,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#small-models',
      _metrics: { 'ImageNet-1K': { 'acc@1': 76.42, 'acc@5': 93.136 } },
      _ops: 0.834,
      _fileSize: 24.774,
      _docs: 'These weights reproduce closely the results of the paper using a simple training recipe.',
    }),
  );
  static readonly IMAGENET1K_V2 = new RegNet_Y_800MF_Weights(
    'IMAGENET1K_V2',
    new Weights('https://download.pytorch.org/models/regnet_y_800mf-58fc7688.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 6432512,
      recipe: 'https://github.com/pytorch/vision/issues/3995#new-recipe',
      _metrics: { 'ImageNet-1K': { 'acc@1': 78.828, 'acc@5': 94.502 } },
      _ops: 0.834,
      _fileSize: 24.774,
      _docs: '\n                These weights improve upon the results of the original paper by using a modified version of TorchVision\'s\n                `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly DEFAULT = RegNet_Y_800MF_Weights.IMAGENET1K_V2;
}

export class RegNet_Y_1_6GF_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new RegNet_Y_1_6GF_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/regnet_y_1_6gf-b11a554e.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 11202430,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#small-models',
      _metrics: { 'ImageNet-1K': { 'acc@1': 77.95, 'acc@5': 93.966 } },
      _ops: 1.612,
      _fileSize: 43.152,
      _docs: 'These weights reproduce closely the results of the paper using a simple training recipe.',
    }),
  );
  static readonly IMAGENET1K_V2 = new RegNet_Y_1_6GF_Weights(
    'IMAGENET1K_V2',
    new Weights('https://download.pytorch.org/models/regnet_y_1_6gf-0d7bc02a.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 11202430,
      recipe: 'https://github.com/pytorch/vision/issues/3995#new-recipe',
      _metrics: { 'ImageNet-1K': { 'acc@1': 80.876, 'acc@5': 95.444 } },
      _ops: 1.612,
      _fileSize: 43.152,
      _docs: '\n                These weights improve upon the results of the original paper by using a modified version of TorchVision\'s\n                `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly DEFAULT = RegNet_Y_1_6GF_Weights.IMAGENET1K_V2;
}

export class RegNet_Y_3_2GF_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new RegNet_Y_3_2GF_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/regnet_y_3_2gf-b5a9779c.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 19436338,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#medium-models',
      _metrics: { 'ImageNet-1K': { 'acc@1': 78.948, 'acc@5': 94.576 } },
      _ops: 3.176,
      _fileSize: 74.567,
      _docs: 'These weights reproduce closely the results of the paper using a simple training recipe.',
    }),
  );
  static readonly IMAGENET1K_V2 = new RegNet_Y_3_2GF_Weights(
    'IMAGENET1K_V2',
    new Weights('https://download.pytorch.org/models/regnet_y_3_2gf-9180c971.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 19436338,
      recipe: 'https://github.com/pytorch/vision/issues/3995#new-recipe',
      _metrics: { 'ImageNet-1K': { 'acc@1': 81.982, 'acc@5': 95.972 } },
      _ops: 3.176,
      _fileSize: 74.567,
      _docs: '\n                These weights improve upon the results of the original paper by using a modified version of TorchVision\'s\n                `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly DEFAULT = RegNet_Y_3_2GF_Weights.IMAGENET1K_V2;
}

export class RegNet_Y_8GF_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new RegNet_Y_8GF_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/regnet_y_8gf-d0d0e4a8.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 39381472,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#medium-models',
      _metrics: { 'ImageNet-1K': { 'acc@1': 80.032, 'acc@5': 95.048 } },
      _ops: 8.473,
      _fileSize: 150.701,
      _docs: 'These weights reproduce closely the results of the paper using a simple training recipe.',
    }),
  );
  static readonly IMAGENET1K_V2 = new RegNet_Y_8GF_Weights(
    'IMAGENET1K_V2',
    new Weights('https://download.pytorch.org/models/regnet_y_8gf-dc2b1b54.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 39381472,
      recipe: 'https://github.com/pytorch/vision/issues/3995#new-recipe',
      _metrics: { 'ImageNet-1K': { 'acc@1': 82.828, 'acc@5': 96.33 } },
      _ops: 8.473,
      _fileSize: 150.701,
      _docs: '\n                These weights improve upon the results of the original paper by using a modified version of TorchVision\'s\n                `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly DEFAULT = RegNet_Y_8GF_Weights.IMAGENET1K_V2;
}

export class RegNet_Y_16GF_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new RegNet_Y_16GF_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/regnet_y_16gf-9e6ed7dd.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 83590140,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#large-models',
      _metrics: { 'ImageNet-1K': { 'acc@1': 80.424, 'acc@5': 95.24 } },
      _ops: 15.912,
      _fileSize: 319.49,
      _docs: 'These weights reproduce closely the results of the paper using a simple training recipe.',
    }),
  );
  static readonly IMAGENET1K_V2 = new RegNet_Y_16GF_Weights(
    'IMAGENET1K_V2',
    new Weights('https://download.pytorch.org/models/regnet_y_16gf-3e4a00f9.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 83590140,
      recipe: 'https://github.com/pytorch/vision/issues/3995#new-recipe',
      _metrics: { 'ImageNet-1K': { 'acc@1': 82.886, 'acc@5': 96.328 } },
      _ops: 15.912,
      _fileSize: 319.49,
      _docs: '\n                These weights improve upon the results of the original paper by using a modified version of TorchVision\'s\n                `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly IMAGENET1K_SWAG_E2E_V1 = new RegNet_Y_16GF_Weights(
    'IMAGENET1K_SWAG_E2E_V1',
    new Weights('https://download.pytorch.org/models/regnet_y_16gf_swag-43afe44d.pth', () => new ImageClassification({ cropSize: 384, resizeSize: 384, interpolation: InterpolationMode.BICUBIC }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/facebookresearch/SWAG',
      license: 'https://github.com/facebookresearch/SWAG/blob/main/LICENSE',
      numParams: 83590140,
      _metrics: { 'ImageNet-1K': { 'acc@1': 86.012, 'acc@5': 98.054 } },
      _ops: 46.735,
      _fileSize: 319.49,
      _docs: '\n                These weights are learnt via transfer learning by end-to-end fine-tuning the original\n                `SWAG <https://arxiv.org/abs/2201.08371>`_ weights on ImageNet-1K data.\n            ',
    }),
  );
  static readonly IMAGENET1K_SWAG_LINEAR_V1 = new RegNet_Y_16GF_Weights(
    'IMAGENET1K_SWAG_LINEAR_V1',
    new Weights('https://download.pytorch.org/models/regnet_y_16gf_lc_swag-f3ec0043.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 224, interpolation: InterpolationMode.BICUBIC }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/pull/5793',
      license: 'https://github.com/facebookresearch/SWAG/blob/main/LICENSE',
      numParams: 83590140,
      _metrics: { 'ImageNet-1K': { 'acc@1': 83.976, 'acc@5': 97.244 } },
      _ops: 15.912,
      _fileSize: 319.49,
      _docs: '\n                These weights are composed of the original frozen `SWAG <https://arxiv.org/abs/2201.08371>`_ trunk\n                weights and a linear classifier learnt on top of them trained on ImageNet-1K data.\n            ',
    }),
  );
  static readonly DEFAULT = RegNet_Y_16GF_Weights.IMAGENET1K_V2;
}

export class RegNet_Y_32GF_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new RegNet_Y_32GF_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/regnet_y_32gf-4dee3f7a.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 145046770,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#large-models',
      _metrics: { 'ImageNet-1K': { 'acc@1': 80.878, 'acc@5': 95.34 } },
      _ops: 32.28,
      _fileSize: 554.076,
      _docs: 'These weights reproduce closely the results of the paper using a simple training recipe.',
    }),
  );
  static readonly IMAGENET1K_V2 = new RegNet_Y_32GF_Weights(
    'IMAGENET1K_V2',
    new Weights('https://download.pytorch.org/models/regnet_y_32gf-8db6d4b5.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 145046770,
      recipe: 'https://github.com/pytorch/vision/issues/3995#new-recipe',
      _metrics: { 'ImageNet-1K': { 'acc@1': 83.368, 'acc@5': 96.498 } },
      _ops: 32.28,
      _fileSize: 554.076,
      _docs: '\n                These weights improve upon the results of the original paper by using a modified version of TorchVision\'s\n                `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly IMAGENET1K_SWAG_E2E_V1 = new RegNet_Y_32GF_Weights(
    'IMAGENET1K_SWAG_E2E_V1',
    new Weights('https://download.pytorch.org/models/regnet_y_32gf_swag-04fdfa75.pth', () => new ImageClassification({ cropSize: 384, resizeSize: 384, interpolation: InterpolationMode.BICUBIC }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/facebookresearch/SWAG',
      license: 'https://github.com/facebookresearch/SWAG/blob/main/LICENSE',
      numParams: 145046770,
      _metrics: { 'ImageNet-1K': { 'acc@1': 86.838, 'acc@5': 98.362 } },
      _ops: 94.826,
      _fileSize: 554.076,
      _docs: '\n                These weights are learnt via transfer learning by end-to-end fine-tuning the original\n                `SWAG <https://arxiv.org/abs/2201.08371>`_ weights on ImageNet-1K data.\n            ',
    }),
  );
  static readonly IMAGENET1K_SWAG_LINEAR_V1 = new RegNet_Y_32GF_Weights(
    'IMAGENET1K_SWAG_LINEAR_V1',
    new Weights('https://download.pytorch.org/models/regnet_y_32gf_lc_swag-e1583746.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 224, interpolation: InterpolationMode.BICUBIC }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/pull/5793',
      license: 'https://github.com/facebookresearch/SWAG/blob/main/LICENSE',
      numParams: 145046770,
      _metrics: { 'ImageNet-1K': { 'acc@1': 84.622, 'acc@5': 97.48 } },
      _ops: 32.28,
      _fileSize: 554.076,
      _docs: '\n                These weights are composed of the original frozen `SWAG <https://arxiv.org/abs/2201.08371>`_ trunk\n                weights and a linear classifier learnt on top of them trained on ImageNet-1K data.\n            ',
    }),
  );
  static readonly DEFAULT = RegNet_Y_32GF_Weights.IMAGENET1K_V2;
}

export class RegNet_Y_128GF_Weights extends WeightsEnum {
  static readonly IMAGENET1K_SWAG_E2E_V1 = new RegNet_Y_128GF_Weights(
    'IMAGENET1K_SWAG_E2E_V1',
    new Weights('https://download.pytorch.org/models/regnet_y_128gf_swag-c8ce3e52.pth', () => new ImageClassification({ cropSize: 384, resizeSize: 384, interpolation: InterpolationMode.BICUBIC }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/facebookresearch/SWAG',
      license: 'https://github.com/facebookresearch/SWAG/blob/main/LICENSE',
      numParams: 644812894,
      _metrics: { 'ImageNet-1K': { 'acc@1': 88.228, 'acc@5': 98.682 } },
      _ops: 374.57,
      _fileSize: 2461.564,
      _docs: '\n                These weights are learnt via transfer learning by end-to-end fine-tuning the original\n                `SWAG <https://arxiv.org/abs/2201.08371>`_ weights on ImageNet-1K data.\n            ',
    }),
  );
  static readonly IMAGENET1K_SWAG_LINEAR_V1 = new RegNet_Y_128GF_Weights(
    'IMAGENET1K_SWAG_LINEAR_V1',
    new Weights('https://download.pytorch.org/models/regnet_y_128gf_lc_swag-cbe8ce12.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 224, interpolation: InterpolationMode.BICUBIC }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/pull/5793',
      license: 'https://github.com/facebookresearch/SWAG/blob/main/LICENSE',
      numParams: 644812894,
      _metrics: { 'ImageNet-1K': { 'acc@1': 86.068, 'acc@5': 97.844 } },
      _ops: 127.518,
      _fileSize: 2461.564,
      _docs: '\n                These weights are composed of the original frozen `SWAG <https://arxiv.org/abs/2201.08371>`_ trunk\n                weights and a linear classifier learnt on top of them trained on ImageNet-1K data.\n            ',
    }),
  );
  static readonly DEFAULT = RegNet_Y_128GF_Weights.IMAGENET1K_SWAG_E2E_V1;
}

export class RegNet_X_400MF_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new RegNet_X_400MF_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/regnet_x_400mf-adf1edd5.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 5495976,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#small-models',
      _metrics: { 'ImageNet-1K': { 'acc@1': 72.834, 'acc@5': 90.95 } },
      _ops: 0.414,
      _fileSize: 21.258,
      _docs: 'These weights reproduce closely the results of the paper using a simple training recipe.',
    }),
  );
  static readonly IMAGENET1K_V2 = new RegNet_X_400MF_Weights(
    'IMAGENET1K_V2',
    new Weights('https://download.pytorch.org/models/regnet_x_400mf-62229a5f.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 5495976,
      recipe: 'https://github.com/pytorch/vision/issues/3995#new-recipe-with-fixres',
      _metrics: { 'ImageNet-1K': { 'acc@1': 74.864, 'acc@5': 92.322 } },
      _ops: 0.414,
      _fileSize: 21.257,
      _docs: '\n                These weights improve upon the results of the original paper by using a modified version of TorchVision\'s\n                `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly DEFAULT = RegNet_X_400MF_Weights.IMAGENET1K_V2;
}

export class RegNet_X_800MF_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new RegNet_X_800MF_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/regnet_x_800mf-ad17e45c.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 7259656,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#small-models',
      _metrics: { 'ImageNet-1K': { 'acc@1': 75.212, 'acc@5': 92.348 } },
      _ops: 0.8,
      _fileSize: 27.945,
      _docs: 'These weights reproduce closely the results of the paper using a simple training recipe.',
    }),
  );
  static readonly IMAGENET1K_V2 = new RegNet_X_800MF_Weights(
    'IMAGENET1K_V2',
    new Weights('https://download.pytorch.org/models/regnet_x_800mf-94a99ebd.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 7259656,
      recipe: 'https://github.com/pytorch/vision/issues/3995#new-recipe-with-fixres',
      _metrics: { 'ImageNet-1K': { 'acc@1': 77.522, 'acc@5': 93.826 } },
      _ops: 0.8,
      _fileSize: 27.945,
      _docs: '\n                These weights improve upon the results of the original paper by using a modified version of TorchVision\'s\n                `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly DEFAULT = RegNet_X_800MF_Weights.IMAGENET1K_V2;
}

export class RegNet_X_1_6GF_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new RegNet_X_1_6GF_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/regnet_x_1_6gf-e3633e7f.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 9190136,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#small-models',
      _metrics: { 'ImageNet-1K': { 'acc@1': 77.04, 'acc@5': 93.44 } },
      _ops: 1.603,
      _fileSize: 35.339,
      _docs: 'These weights reproduce closely the results of the paper using a simple training recipe.',
    }),
  );
  static readonly IMAGENET1K_V2 = new RegNet_X_1_6GF_Weights(
    'IMAGENET1K_V2',
    new Weights('https://download.pytorch.org/models/regnet_x_1_6gf-a12f2b72.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 9190136,
      recipe: 'https://github.com/pytorch/vision/issues/3995#new-recipe-with-fixres',
      _metrics: { 'ImageNet-1K': { 'acc@1': 79.668, 'acc@5': 94.922 } },
      _ops: 1.603,
      _fileSize: 35.339,
      _docs: '\n                These weights improve upon the results of the original paper by using a modified version of TorchVision\'s\n                `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly DEFAULT = RegNet_X_1_6GF_Weights.IMAGENET1K_V2;
}

export class RegNet_X_3_2GF_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new RegNet_X_3_2GF_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/regnet_x_3_2gf-f342aeae.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 15296552,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#medium-models',
      _metrics: { 'ImageNet-1K': { 'acc@1': 78.364, 'acc@5': 93.992 } },
      _ops: 3.177,
      _fileSize: 58.756,
      _docs: 'These weights reproduce closely the results of the paper using a simple training recipe.',
    }),
  );
  static readonly IMAGENET1K_V2 = new RegNet_X_3_2GF_Weights(
    'IMAGENET1K_V2',
    new Weights('https://download.pytorch.org/models/regnet_x_3_2gf-7071aa85.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 15296552,
      recipe: 'https://github.com/pytorch/vision/issues/3995#new-recipe',
      _metrics: { 'ImageNet-1K': { 'acc@1': 81.196, 'acc@5': 95.43 } },
      _ops: 3.177,
      _fileSize: 58.756,
      _docs: '\n                These weights improve upon the results of the original paper by using a modified version of TorchVision\'s\n                `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly DEFAULT = RegNet_X_3_2GF_Weights.IMAGENET1K_V2;
}

export class RegNet_X_8GF_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new RegNet_X_8GF_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/regnet_x_8gf-03ceed89.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 39572648,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#medium-models',
      _metrics: { 'ImageNet-1K': { 'acc@1': 79.344, 'acc@5': 94.686 } },
      _ops: 7.995,
      _fileSize: 151.456,
      _docs: 'These weights reproduce closely the results of the paper using a simple training recipe.',
    }),
  );
  static readonly IMAGENET1K_V2 = new RegNet_X_8GF_Weights(
    'IMAGENET1K_V2',
    new Weights('https://download.pytorch.org/models/regnet_x_8gf-2b70d774.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 39572648,
      recipe: 'https://github.com/pytorch/vision/issues/3995#new-recipe',
      _metrics: { 'ImageNet-1K': { 'acc@1': 81.682, 'acc@5': 95.678 } },
      _ops: 7.995,
      _fileSize: 151.456,
      _docs: '\n                These weights improve upon the results of the original paper by using a modified version of TorchVision\'s\n                `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly DEFAULT = RegNet_X_8GF_Weights.IMAGENET1K_V2;
}

export class RegNet_X_16GF_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new RegNet_X_16GF_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/regnet_x_16gf-2007eb11.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 54278536,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#medium-models',
      _metrics: { 'ImageNet-1K': { 'acc@1': 80.058, 'acc@5': 94.944 } },
      _ops: 15.941,
      _fileSize: 207.627,
      _docs: 'These weights reproduce closely the results of the paper using a simple training recipe.',
    }),
  );
  static readonly IMAGENET1K_V2 = new RegNet_X_16GF_Weights(
    'IMAGENET1K_V2',
    new Weights('https://download.pytorch.org/models/regnet_x_16gf-ba3796d7.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 54278536,
      recipe: 'https://github.com/pytorch/vision/issues/3995#new-recipe',
      _metrics: { 'ImageNet-1K': { 'acc@1': 82.716, 'acc@5': 96.196 } },
      _ops: 15.941,
      _fileSize: 207.627,
      _docs: '\n                These weights improve upon the results of the original paper by using a modified version of TorchVision\'s\n                `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly DEFAULT = RegNet_X_16GF_Weights.IMAGENET1K_V2;
}

export class RegNet_X_32GF_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new RegNet_X_32GF_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/regnet_x_32gf-9d47f8d0.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 107811560,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#large-models',
      _metrics: { 'ImageNet-1K': { 'acc@1': 80.622, 'acc@5': 95.248 } },
      _ops: 31.736,
      _fileSize: 412.039,
      _docs: 'These weights reproduce closely the results of the paper using a simple training recipe.',
    }),
  );
  static readonly IMAGENET1K_V2 = new RegNet_X_32GF_Weights(
    'IMAGENET1K_V2',
    new Weights('https://download.pytorch.org/models/regnet_x_32gf-6eb8fdc6.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 107811560,
      recipe: 'https://github.com/pytorch/vision/issues/3995#new-recipe',
      _metrics: { 'ImageNet-1K': { 'acc@1': 83.014, 'acc@5': 96.288 } },
      _ops: 31.736,
      _fileSize: 412.039,
      _docs: '\n                These weights improve upon the results of the original paper by using a modified version of TorchVision\'s\n                `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly DEFAULT = RegNet_X_32GF_Weights.IMAGENET1K_V2;
}

/** RegNetY_400MF from "Designing Network Design Spaces". */
export function regnetY400mf(...args: [RegNetBuilderOptions<RegNet_Y_400MF_Weights>?]): RegNet {
  return _regnet('regnet_y_400mf', { depth: 16, w0: 48, wA: 27.89, wM: 2.09, groupWidth: 8, seRatio: 0.25 }, RegNet_Y_400MF_Weights, args);
}
/** RegNetY_800MF from "Designing Network Design Spaces". */
export function regnetY800mf(...args: [RegNetBuilderOptions<RegNet_Y_800MF_Weights>?]): RegNet {
  return _regnet('regnet_y_800mf', { depth: 14, w0: 56, wA: 38.84, wM: 2.4, groupWidth: 16, seRatio: 0.25 }, RegNet_Y_800MF_Weights, args);
}
/** RegNetY_1_6GF from "Designing Network Design Spaces". */
export function regnetY1_6gf(...args: [RegNetBuilderOptions<RegNet_Y_1_6GF_Weights>?]): RegNet {
  return _regnet('regnet_y_1_6gf', { depth: 27, w0: 48, wA: 20.71, wM: 2.65, groupWidth: 24, seRatio: 0.25 }, RegNet_Y_1_6GF_Weights, args);
}
/** RegNetY_3_2GF from "Designing Network Design Spaces". */
export function regnetY3_2gf(...args: [RegNetBuilderOptions<RegNet_Y_3_2GF_Weights>?]): RegNet {
  return _regnet('regnet_y_3_2gf', { depth: 21, w0: 80, wA: 42.63, wM: 2.66, groupWidth: 24, seRatio: 0.25 }, RegNet_Y_3_2GF_Weights, args);
}
/** RegNetY_8GF from "Designing Network Design Spaces". */
export function regnetY8gf(...args: [RegNetBuilderOptions<RegNet_Y_8GF_Weights>?]): RegNet {
  return _regnet('regnet_y_8gf', { depth: 17, w0: 192, wA: 76.82, wM: 2.19, groupWidth: 56, seRatio: 0.25 }, RegNet_Y_8GF_Weights, args);
}
/** RegNetY_16GF from "Designing Network Design Spaces". */
export function regnetY16gf(...args: [RegNetBuilderOptions<RegNet_Y_16GF_Weights>?]): RegNet {
  return _regnet('regnet_y_16gf', { depth: 18, w0: 200, wA: 106.23, wM: 2.48, groupWidth: 112, seRatio: 0.25 }, RegNet_Y_16GF_Weights, args);
}
/** RegNetY_32GF from "Designing Network Design Spaces". */
export function regnetY32gf(...args: [RegNetBuilderOptions<RegNet_Y_32GF_Weights>?]): RegNet {
  return _regnet('regnet_y_32gf', { depth: 20, w0: 232, wA: 115.89, wM: 2.53, groupWidth: 232, seRatio: 0.25 }, RegNet_Y_32GF_Weights, args);
}
/** RegNetY_128GF from "Designing Network Design Spaces". */
export function regnetY128gf(...args: [RegNetBuilderOptions<RegNet_Y_128GF_Weights>?]): RegNet {
  return _regnet('regnet_y_128gf', { depth: 27, w0: 456, wA: 160.83, wM: 2.52, groupWidth: 264, seRatio: 0.25 }, RegNet_Y_128GF_Weights, args);
}
/** RegNetX_400MF from "Designing Network Design Spaces". */
export function regnetX400mf(...args: [RegNetBuilderOptions<RegNet_X_400MF_Weights>?]): RegNet {
  return _regnet('regnet_x_400mf', { depth: 22, w0: 24, wA: 24.48, wM: 2.54, groupWidth: 16 }, RegNet_X_400MF_Weights, args);
}
/** RegNetX_800MF from "Designing Network Design Spaces". */
export function regnetX800mf(...args: [RegNetBuilderOptions<RegNet_X_800MF_Weights>?]): RegNet {
  return _regnet('regnet_x_800mf', { depth: 16, w0: 56, wA: 35.73, wM: 2.28, groupWidth: 16 }, RegNet_X_800MF_Weights, args);
}
/** RegNetX_1_6GF from "Designing Network Design Spaces". */
export function regnetX1_6gf(...args: [RegNetBuilderOptions<RegNet_X_1_6GF_Weights>?]): RegNet {
  return _regnet('regnet_x_1_6gf', { depth: 18, w0: 80, wA: 34.01, wM: 2.25, groupWidth: 24 }, RegNet_X_1_6GF_Weights, args);
}
/** RegNetX_3_2GF from "Designing Network Design Spaces". */
export function regnetX3_2gf(...args: [RegNetBuilderOptions<RegNet_X_3_2GF_Weights>?]): RegNet {
  return _regnet('regnet_x_3_2gf', { depth: 25, w0: 88, wA: 26.31, wM: 2.25, groupWidth: 48 }, RegNet_X_3_2GF_Weights, args);
}
/** RegNetX_8GF from "Designing Network Design Spaces". */
export function regnetX8gf(...args: [RegNetBuilderOptions<RegNet_X_8GF_Weights>?]): RegNet {
  return _regnet('regnet_x_8gf', { depth: 23, w0: 80, wA: 49.56, wM: 2.88, groupWidth: 120 }, RegNet_X_8GF_Weights, args);
}
/** RegNetX_16GF from "Designing Network Design Spaces". */
export function regnetX16gf(...args: [RegNetBuilderOptions<RegNet_X_16GF_Weights>?]): RegNet {
  return _regnet('regnet_x_16gf', { depth: 22, w0: 216, wA: 55.59, wM: 2.1, groupWidth: 128 }, RegNet_X_16GF_Weights, args);
}
/** RegNetX_32GF from "Designing Network Design Spaces". */
export function regnetX32gf(...args: [RegNetBuilderOptions<RegNet_X_32GF_Weights>?]): RegNet {
  return _regnet('regnet_x_32gf', { depth: 23, w0: 320, wA: 69.86, wM: 2.0, groupWidth: 168 }, RegNet_X_32GF_Weights, args);
}

registerModel('regnet_y_400mf', regnetY400mf, RegNet_Y_400MF_Weights);
registerModel('regnet_y_800mf', regnetY800mf, RegNet_Y_800MF_Weights);
registerModel('regnet_y_1_6gf', regnetY1_6gf, RegNet_Y_1_6GF_Weights);
registerModel('regnet_y_3_2gf', regnetY3_2gf, RegNet_Y_3_2GF_Weights);
registerModel('regnet_y_8gf', regnetY8gf, RegNet_Y_8GF_Weights);
registerModel('regnet_y_16gf', regnetY16gf, RegNet_Y_16GF_Weights);
registerModel('regnet_y_32gf', regnetY32gf, RegNet_Y_32GF_Weights);
registerModel('regnet_y_128gf', regnetY128gf, RegNet_Y_128GF_Weights);
registerModel('regnet_x_400mf', regnetX400mf, RegNet_X_400MF_Weights);
registerModel('regnet_x_800mf', regnetX800mf, RegNet_X_800MF_Weights);
registerModel('regnet_x_1_6gf', regnetX1_6gf, RegNet_X_1_6GF_Weights);
registerModel('regnet_x_3_2gf', regnetX3_2gf, RegNet_X_3_2GF_Weights);
registerModel('regnet_x_8gf', regnetX8gf, RegNet_X_8GF_Weights);
registerModel('regnet_x_16gf', regnetX16gf, RegNet_X_16GF_Weights);
registerModel('regnet_x_32gf', regnetX32gf, RegNet_X_32GF_Weights);
