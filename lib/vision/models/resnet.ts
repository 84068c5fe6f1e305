// torchvision/models/resnet.py: ResNet, ResNeXt and Wide ResNet.
import { flatten } from '../../generated/torch';
import * as nn from '../../nn';
import { pyRepr } from '../../nn/repr';
import { pySignature } from '../../python_signature';
import type { Tensor } from '../../tensor';
import { ImageClassification } from '../transforms/_presets';
import { registerModel, Weights, WeightsEnum, type WeightsEnumClass } from './_api';
import { _IMAGENET_CATEGORIES } from './_meta';
import { _builderArgs, _ovewriteNamedParam, makeLayer, type BuilderOptions, type LayerFactory } from './_utils';

/** 3x3 convolution with padding. */
export function conv3x3(inPlanes: number, outPlanes: number, stride = 1, groups = 1, dilation = 1): nn.Conv2d {
  return new nn.Conv2d(inPlanes, outPlanes, 3, { stride, padding: dilation, groups, bias: false, dilation });
}

/** 1x1 convolution. */
export function conv1x1(inPlanes: number, outPlanes: number, stride = 1): nn.Conv2d {
  return new nn.Conv2d(inPlanes, outPlanes, 1, { stride, bias: false });
}

const BLOCK = 'self, inplanes, planes, stride=1, downsample=None, groups=1, base_width=64, dilation=1, norm_layer=None';
const BASIC_BLOCK = pySignature('BasicBlock.__init__', BLOCK);
const BOTTLENECK = pySignature('Bottleneck.__init__', BLOCK);

export interface BlockOptions {
  stride?: number;
  downsample?: nn.Module | null;
  groups?: number;
  baseWidth?: number;
  dilation?: number;
  normLayer?: LayerFactory | null;
}
type BlockArgs =
  | [inplanes: number, planes: number, stride?: number, downsample?: nn.Module | null, groups?: number, baseWidth?: number, dilation?: number, normLayer?: LayerFactory | null]
  | [inplanes: number, planes: number, options?: BlockOptions]
  | [inplanes: number, planes: number, stride: number, downsample: nn.Module | null, groups: number, baseWidth: number, dilation: number, normLayer: LayerFactory | null, options: BlockOptions];
type BoundBlock = Required<BlockOptions> & { inplanes: number; planes: number };

export class BasicBlock extends nn.Module {
  static override pythonModule = 'torchvision.models.resnet';
  static expansion = 1;
  declare conv1: nn.Conv2d;
  declare bn1: nn.Module;
  declare relu: nn.ReLU;
  declare conv2: nn.Conv2d;
  declare bn2: nn.Module;
  declare downsample: nn.Module | null;
  declare stride: number;

  constructor(...args: BlockArgs) {
    super();
    const o = BASIC_BLOCK<BoundBlock>(args);
    const normLayer = o.normLayer ?? nn.BatchNorm2d;
    if (o.groups !== 1 || o.baseWidth !== 64) throw new RangeError('BasicBlock only supports groups=1 and base_width=64');
    if (o.dilation > 1) throw new Error('Dilation > 1 not supported in BasicBlock');
    this.conv1 = conv3x3(o.inplanes, o.planes, o.stride);
    this.bn1 = makeLayer(normLayer, o.planes);
    this.relu = new nn.ReLU(true);
    this.conv2 = conv3x3(o.planes, o.planes);
    this.bn2 = makeLayer(normLayer, o.planes);
    this.downsample = o.downsample;
    this.stride = o.stride;
  }

  override forward(x: Tensor): Tensor {
    let identity = x;
    let out = this.relu.call(this.bn1.call(this.conv1.call(x)));
    out = this.bn2.call(this.conv2.call(out));
    if (this.downsample !== null) identity = this.downsample.call(x);
    out.add_(identity);
    return this.relu.call(out);
  }
}

/** The bottleneck block with the stride on its 3x3 convolution (ResNet V1.5). */
export class Bottleneck extends nn.Module {
  static override pythonModule = 'torchvision.models.resnet';
  static expansion = 4;
  declare conv1: nn.Conv2d;
  declare bn1: nn.Module;
  declare conv2: nn.Conv2d;
  declare bn2: nn.Module;
  declare conv3: nn.Conv2d;
  declare bn3: nn.Module;
  declare relu: nn.ReLU;
  declare downsample: nn.Module | null;
  declare stride: number;

  constructor(...args: BlockArgs) {
    super();
    const o = BOTTLENECK<BoundBlock>(args);
    const normLayer = o.normLayer ?? nn.BatchNorm2d;
    const width = Math.trunc(o.planes * (o.baseWidth / 64)) * o.groups;
    this.conv1 = conv1x1(o.inplanes, width);
    this.bn1 = makeLayer(normLayer, width);
    this.conv2 = conv3x3(width, width, o.stride, o.groups, o.dilation);
    this.bn2 = makeLayer(normLayer, width);
    this.conv3 = conv1x1(width, o.planes * Bottleneck.expansion);
    this.bn3 = makeLayer(normLayer, o.planes * Bottleneck.expansion);
    this.relu = new nn.ReLU(true);
    this.downsample = o.downsample;
    this.stride = o.stride;
  }

  override forward(x: Tensor): Tensor {
    let identity = x;
    let out = this.relu.call(this.bn1.call(this.conv1.call(x)));
    out = this.relu.call(this.bn2.call(this.conv2.call(out)));
    out = this.bn3.call(this.conv3.call(out));
    if (this.downsample !== null) identity = this.downsample.call(x);
    out.add_(identity);
    return this.relu.call(out);
  }
}

export type Block = typeof BasicBlock | typeof Bottleneck;

const RESNET = pySignature(
  'ResNet.__init__',
  'self, block, layers, num_classes=1000, zero_init_residual=False, groups=1, width_per_group=64, replace_stride_with_dilation=None, norm_layer=None',
);

export interface ResNetOptions {
  numClasses?: number;
  zeroInitResidual?: boolean;
  groups?: number;
  widthPerGroup?: number;
  replaceStrideWithDilation?: readonly boolean[] | null;
  normLayer?: LayerFactory | null;
}

export class ResNet extends nn.Module {
  static override pythonModule = 'torchvision.models.resnet';
  declare _normLayer: LayerFactory;
  declare inplanes: number;
  declare dilation: number;
  declare groups: number;
  declare baseWidth: number;
  declare conv1: nn.Conv2d;
  declare bn1: nn.Module;
  declare relu: nn.ReLU;
  declare maxpool: nn.MaxPool2d;
  declare layer1: nn.Sequential;
  declare layer2: nn.Sequential;
  declare layer3: nn.Sequential;
  declare layer4: nn.Sequential;
  declare avgpool: nn.AdaptiveAvgPool2d;
  declare fc: nn.Linear;

  constructor(block: Block, layers: readonly number[], options?: ResNetOptions);
  constructor(
    block: Block,
    layers: readonly number[],
    numClasses?: number,
    zeroInitResidual?: boolean,
    groups?: number,
    widthPerGroup?: number,
    replaceStrideWithDilation?: readonly boolean[] | null,
    normLayer?: LayerFactory | null,
  );
  constructor(...args: unknown[]) {
    super();
    const o = RESNET<Required<ResNetOptions> & { block: Block; layers: number[] }>(args);
    const normLayer = o.normLayer ?? nn.BatchNorm2d;
    this._normLayer = normLayer;
    this.inplanes = 64;
    this.dilation = 1;
    const replace = o.replaceStrideWithDilation ?? [false, false, false];
    if (replace.length !== 3) {
      throw new RangeError(`replace_stride_with_dilation should be None or a 3-element tuple, got [${replace.map(pyRepr).join(', ')}]`);
    }
    this.groups = o.groups;
    this.baseWidth = o.widthPerGroup;
    this.conv1 = new nn.Conv2d(3, this.inplanes, 7, { stride: 2, padding: 3, bias: false });
    this.bn1 = makeLayer(normLayer, this.inplanes);
    this.relu = new nn.ReLU(true);
    this.maxpool = new nn.MaxPool2d(3, 2, 1);
    this.layer1 = this._makeLayer(o.block, 64, o.layers[0]!);
    this.layer2 = this._makeLayer(o.block, 128, o.layers[1]!, 2, replace[0]);
    this.layer3 = this._makeLayer(o.block, 256, o.layers[2]!, 2, replace[1]);
    this.layer4 = this._makeLayer(o.block, 512, o.layers[3]!, 2, replace[2]);
    this.avgpool = new nn.AdaptiveAvgPool2d([1, 1]);
    this.fc = new nn.Linear(512 * o.block.expansion, o.numClasses);

    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) {
        nn.init.kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
      } else if (m instanceof nn.BatchNorm2d || m instanceof nn.GroupNorm) {
        nn.init.constant_(m.weight!, 1);
        nn.init.constant_(m.bias!, 0);
      }
    }
    // The last BN of each residual branch starts at zero: each block starts as the identity.
    if (o.zeroInitResidual) {
      for (const m of this.modules()) {
        const bn = m instanceof Bottleneck ? m.bn3 : m instanceof BasicBlock ? m.bn2 : null;
        const weight = bn === null ? null : (bn as nn.Module & { weight?: unknown }).weight;
        if (weight instanceof nn.Parameter) nn.init.constant_(weight, 0);
      }
    }
  }

  _makeLayer(block: Block, planes: number, blocks: number, stride = 1, dilate = false): nn.Sequential {
    const normLayer = this._normLayer;
    let downsample: nn.Module | null = null;
    const previousDilation = this.dilation;
    if (dilate) {
      this.dilation *= stride;
      stride = 1;
    }
    if (stride !== 1 || this.inplanes !== planes * block.expansion) {
      downsample = new nn.Sequential(conv1x1(this.inplanes, planes * block.expansion, stride), makeLayer(normLayer, planes * block.expansion));
    }
    const layers: nn.Module[] = [new block(this.inplanes, planes, stride, downsample, this.groups, this.baseWidth, previousDilation, normLayer)];
    this.inplanes = planes * block.expansion;
    for (let i = 1; i < blocks; i++) {
      layers.push(new block(this.inplanes, planes, { groups: this.groups, baseWidth: this.baseWidth, dilation: this.dilation, normLayer }));
    }
    return new nn.Sequential(...layers);
  }

  _forwardImpl(x: Tensor): Tensor {
    x = this.maxpool.call(this.relu.call(this.bn1.call(this.conv1.call(x))));
    x = this.layer1.call(x);
    x = this.layer2.call(x);
    x = this.layer3.call(x);
    x = this.layer4.call(x);
    x = flatten(this.avgpool.call(x), 1);
    return this.fc.call(x);
  }

  override forward(x: Tensor): Tensor {
    return this._forwardImpl(x);
  }
}

export type ResNetBuilderOptions<W extends WeightsEnum> = BuilderOptions<W> & ResNetOptions;

function _resnet<W extends WeightsEnum>(
  name: string,
  block: Block,
  layers: number[],
  weightsEnum: WeightsEnumClass<W>,
  args: readonly unknown[],
  fixed: Record<string, number> = {},
): ResNet {
  const { weights, progress, kwargs } = _builderArgs(name, weightsEnum, args);
  for (const [param, value] of Object.entries(fixed)) _ovewriteNamedParam(kwargs, param, value);
  if (weights !== null) _ovewriteNamedParam(kwargs, 'num_classes', weights.meta.categories!.length);
  const model = new ResNet(block, layers, kwargs);
  if (weights !== null) model.loadStateDict(weights.getStateDict({ progress, checkHash: true }));
  return model;
}

export class ResNet18_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new ResNet18_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/resnet18-f37072fd.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 11689512,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#resnet',
      _metrics: { 'ImageNet-1K': { 'acc@1': 69.758, 'acc@5': 89.078 } },
      _ops: 1.814,
      _fileSize: 44.661,
      _docs: 'These weights reproduce closely the results of the paper using a simple training recipe.',
    }),
  );
  static readonly DEFAULT = ResNet18_Weights.IMAGENET1K_V1;
}

export class ResNet34_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new ResNet34_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/resnet34-b627a593.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 21797672,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#resnet',
      _metrics: { 'ImageNet-1K': { 'acc@1': 73.314, 'acc@5': 91.42 } },
      _ops: 3.664,
      _fileSize: 83.275,
      _docs: 'These weights reproduce closely the results of the paper using a simple training recipe.',
    }),
  );
  static readonly DEFAULT = ResNet34_Weights.IMAGENET1K_V1;
}

export class ResNet50_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new ResNet50_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/resnet50-0676ba61.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 25557032,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#resnet',
      _metrics: { 'ImageNet-1K': { 'acc@1': 76.13, 'acc@5': 92.862 } },
      _ops: 4.089,
      _fileSize: 97.781,
      _docs: 'These weights reproduce closely the results of the paper using a simple training recipe.',
    }),
  );
  static readonly IMAGENET1K_V2 = new ResNet50_Weights(
    'IMAGENET1K_V2',
    new Weights('https://download.pytorch.org/models/resnet50-11ad3fa6.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 25557032,
      recipe: 'https://github.com/pytorch/vision/issues/3995#issuecomment-1013906621',
      _metrics: { 'ImageNet-1K': { 'acc@1': 80.858, 'acc@5': 95.434 } },
      _ops: 4.089,
      _fileSize: 97.79,
      _docs: '\n                These weights improve upon the results of the original paper by using TorchVision\'s `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly DEFAULT = ResNet50_Weights.IMAGENET1K_V2;
}

export class ResNet101_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new ResNet101_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/resnet101-63fe2227.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 44549160,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#resnet',
      _metrics: { 'ImageNet-1K': { 'acc@1': 77.374, 'acc@5': 93.546 } },
      _ops: 7.801,
      _fileSize: 170.511,
      _docs: 'These weights reproduce closely the results of the paper using a simple training recipe.',
    }),
  );
  static readonly IMAGENET1K_V2 = new ResNet101_Weights(
    'IMAGENET1K_V2',
    new Weights('https://download.pytorch.org/models/resnet101-cd907fc2.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 44549160,
      recipe: 'https://github.com/pytorch/vision/issues/3995#new-recipe',
      _metrics: { 'ImageNet-1K': { 'acc@1': 81.886, 'acc@5': 95.78 } },
      _ops: 7.801,
      _fileSize: 170.53,
      _docs: '\n                These weights improve upon the results of the original paper by using TorchVision\'s `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly DEFAULT = ResNet101_Weights.IMAGENET1K_V2;
}

export class ResNet152_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new ResNet152_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/resnet152-394f9c45.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 60192808,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#resnet',
      _metrics: { 'ImageNet-1K': { 'acc@1': 78.312, 'acc@5': 94.046 } },
      _ops: 11.514,
      _fileSize: 230.434,
      _docs: 'These weights reproduce closely the results of the paper using a simple training recipe.',
    }),
  );
  static readonly IMAGENET1K_V2 = new ResNet152_Weights(
    'IMAGENET1K_V2',
    new Weights('https://download.pytorch.org/models/resnet152-f82ba261.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 60192808,
      recipe: 'https://github.com/pytorch/vision/issues/3995#new-recipe',
      _metrics: { 'ImageNet-1K': { 'acc@1': 82.284, 'acc@5': 96.002 } },
      _ops: 11.514,
      _fileSize: 230.474,
      _docs: '\n                These weights improve upon the results of the original paper by using TorchVision\'s `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly DEFAULT = ResNet152_Weights.IMAGENET1K_V2;
}

export class ResNeXt50_32X4D_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new ResNeXt50_32X4D_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/resnext50_32x4d-7cdf4587.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 25028904,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#resnext',
      _metrics: { 'ImageNet-1K': { 'acc@1': 77.618, 'acc@5': 93.698 } },
      _ops: 4.23,
      _fileSize: 95.789,
      _docs: 'These weights reproduce closely the results of the paper using a simple training recipe.',
    }),
  );
  static readonly IMAGENET1K_V2 = new ResNeXt50_32X4D_Weights(
    'IMAGENET1K_V2',
    new Weights('https://download.pytorch.org/models/resnext50_32x4d-1a0047aa.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 25028904,
      recipe: 'https://github.com/pytorch/vision/issues/3995#new-recipe',
      _metrics: { 'ImageNet-1K': { 'acc@1': 81.198, 'acc@5': 95.34 } },
      _ops: 4.23,
      _fileSize: 95.833,
      _docs: '\n                These weights improve upon the results of the original paper by using TorchVision\'s `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly DEFAULT = ResNeXt50_32X4D_Weights.IMAGENET1K_V2;
}

export class ResNeXt101_32X8D_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new ResNeXt101_32X8D_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/resnext101_32x8d-8ba56ff5.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 88791336,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#resnext',
      _metrics: { 'ImageNet-1K': { 'acc@1': 79.312, 'acc@5': 94.526 } },
      _ops: 16.414,
      _fileSize: 339.586,
      _docs: 'These weights reproduce closely the results of the paper using a simple training recipe.',
    }),
  );
  static readonly IMAGENET1K_V2 = new ResNeXt101_32X8D_Weights(
    'IMAGENET1K_V2',
    new Weights('https://download.pytorch.org/models/resnext101_32x8d-110c445d.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 88791336,
      recipe: 'https://github.com/pytorch/vision/issues/3995#new-recipe-with-fixres',
      _metrics: { 'ImageNet-1K': { 'acc@1': 82.834, 'acc@5': 96.228 } },
      _ops: 16.414,
      _fileSize: 339.673,
      _docs: '\n                These weights improve upon the results of the original paper by using TorchVision\'s `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly DEFAULT = ResNeXt101_32X8D_Weights.IMAGENET1K_V2;
}

export class ResNeXt101_64X4D_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new ResNeXt101_64X4D_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/resnext101_64x4d-173b62eb.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 83455272,
      recipe: 'https://github.com/pytorch/vision/pull/5935',
      _metrics: { 'ImageNet-1K': { 'acc@1': 83.246, 'acc@5': 96.454 } },
      _ops: 15.46,
      _fileSize: 319.318,
      _docs: '\n                These weights were trained from scratch by using TorchVision\'s `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly DEFAULT = ResNeXt101_64X4D_Weights.IMAGENET1K_V1;
}

export class Wide_ResNet50_2_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new Wide_ResNet50_2_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/wide_resnet50_2-95faca4d.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 68883240,
      recipe: 'https://github.com/pytorch/vision/pull/912#issue-445437439',
      _metrics: { 'ImageNet-1K': { 'acc@1': 78.468, 'acc@5': 94.086 } },
      _ops: 11.398,
      _fileSize: 131.82,
      _docs: 'These weights reproduce closely the results of the paper using a simple training recipe.',
    }),
  );
  static readonly IMAGENET1K_V2 = new Wide_ResNet50_2_Weights(
    'IMAGENET1K_V2',
    new Weights('https://download.pytorch.org/models/wide_resnet50_2-9ba9bcbe.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 68883240,
      recipe: 'https://github.com/pytorch/vision/issues/3995#new-recipe-with-fixres',
      _metrics: { 'ImageNet-1K': { 'acc@1': 81.602, 'acc@5': 95.758 } },
      _ops: 11.398,
      _fileSize: 263.124,
      _docs: '\n                These weights improve upon the results of the original paper by using TorchVision\'s `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly DEFAULT = Wide_ResNet50_2_Weights.IMAGENET1K_V2;
}

export class Wide_ResNet101_2_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new Wide_ResNet101_2_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/wide_resnet101_2-32ee1156.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 126886696,
      recipe: 'https://github.com/pytorch/vision/pull/912#issue-445437439',
      _metrics: { 'ImageNet-1K': { 'acc@1': 78.848, 'acc@5': 94.284 } },
      _ops: 22.753,
      _fileSize: 242.896,
      _docs: 'These weights reproduce closely the results of the paper using a simple training recipe.',
    }),
  );
  static readonly IMAGENET1K_V2 = new Wide_ResNet101_2_Weights(
    'IMAGENET1K_V2',
    new Weights('https://download.pytorch.org/models/wide_resnet101_2-d733dc28.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 126886696,
      recipe: 'https://github.com/pytorch/vision/issues/3995#new-recipe',
      _metrics: { 'ImageNet-1K': { 'acc@1': 82.51, 'acc@5': 96.02 } },
      _ops: 22.753,
      _fileSize: 484.747,
      _docs: '\n                These weights improve upon the results of the original paper by using TorchVision\'s `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly DEFAULT = Wide_ResNet101_2_Weights.IMAGENET1K_V2;
}

/** ResNet-18 from "Deep Residual Learning for Image Recognition". */
export function resnet18(...args: [ResNetBuilderOptions<ResNet18_Weights>?]): ResNet {
  return _resnet('resnet18', BasicBlock, [2, 2, 2, 2], ResNet18_Weights, args);
}
/** ResNet-34. */
export function resnet34(...args: [ResNetBuilderOptions<ResNet34_Weights>?]): ResNet {
  return _resnet('resnet34', BasicBlock, [3, 4, 6, 3], ResNet34_Weights, args);
}
/** ResNet-50 (V1.5: the stride on the bottleneck's 3x3 convolution). */
export function resnet50(...args: [ResNetBuilderOptions<ResNet50_Weights>?]): ResNet {
  return _resnet('resnet50', Bottleneck, [3, 4, 6, 3], ResNet50_Weights, args);
}
/** ResNet-101. */
export function resnet101(...args: [ResNetBuilderOptions<ResNet101_Weights>?]): ResNet {
  return _resnet('resnet101', Bottleneck, [3, 4, 23, 3], ResNet101_Weights, args);
}
/** ResNet-152. */
export function resnet152(...args: [ResNetBuilderOptions<ResNet152_Weights>?]): ResNet {
  return _resnet('resnet152', Bottleneck, [3, 8, 36, 3], ResNet152_Weights, args);
}
/** ResNeXt-50 32x4d from "Aggregated Residual Transformation for Deep Neural Networks". */
export function resnext50_32x4d(...args: [ResNetBuilderOptions<ResNeXt50_32X4D_Weights>?]): ResNet {
  return _resnet('resnext50_32x4d', Bottleneck, [3, 4, 6, 3], ResNeXt50_32X4D_Weights, args, { groups: 32, width_per_group: 4 });
}
/** ResNeXt-101 32x8d. */
export function resnext101_32x8d(...args: [ResNetBuilderOptions<ResNeXt101_32X8D_Weights>?]): ResNet {
  return _resnet('resnext101_32x8d', Bottleneck, [3, 4, 23, 3], ResNeXt101_32X8D_Weights, args, { groups: 32, width_per_group: 8 });
}
/** ResNeXt-101 64x4d. */
export function resnext101_64x4d(...args: [ResNetBuilderOptions<ResNeXt101_64X4D_Weights>?]): ResNet {
  return _resnet('resnext101_64x4d', Bottleneck, [3, 4, 23, 3], ResNeXt101_64X4D_Weights, args, { groups: 64, width_per_group: 4 });
}
/** Wide ResNet-50-2 from "Wide Residual Networks": bottlenecks twice as wide. */
export function wideResnet50_2(...args: [ResNetBuilderOptions<Wide_ResNet50_2_Weights>?]): ResNet {
  return _resnet('wide_resnet50_2', Bottleneck, [3, 4, 6, 3], Wide_ResNet50_2_Weights, args, { width_per_group: 64 * 2 });
}
/** Wide ResNet-101-2. */
export function wideResnet101_2(...args: [ResNetBuilderOptions<Wide_ResNet101_2_Weights>?]): ResNet {
  return _resnet('wide_resnet101_2', Bottleneck, [3, 4, 23, 3], Wide_ResNet101_2_Weights, args, { width_per_group: 64 * 2 });
}

registerModel('resnet18', resnet18, ResNet18_Weights);
registerModel('resnet34', resnet34, ResNet34_Weights);
registerModel('resnet50', resnet50, ResNet50_Weights);
registerModel('resnet101', resnet101, ResNet101_Weights);
registerModel('resnet152', resnet152, ResNet152_Weights);
registerModel('resnext50_32x4d', resnext50_32x4d, ResNeXt50_32X4D_Weights);
registerModel('resnext101_32x8d', resnext101_32x8d, ResNeXt101_32X8D_Weights);
registerModel('resnext101_64x4d', resnext101_64x4d, ResNeXt101_64X4D_Weights);
registerModel('wide_resnet50_2', wideResnet50_2, Wide_ResNet50_2_Weights);
registerModel('wide_resnet101_2', wideResnet101_2, Wide_ResNet101_2_Weights);
