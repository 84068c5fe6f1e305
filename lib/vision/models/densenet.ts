// torchvision/models/densenet.py
import { cat, flatten } from '../../generated/torch';
import * as nn from '../../nn';
import * as F from '../../nn/functional';
import type { StateDict } from '../../nn/module';
import { pySignature } from '../../python_signature';
import { Tensor } from '../../tensor';
import { ImageClassification } from '../transforms/_presets';
import { registerModel, Weights, WeightsEnum, type GetStateDictOptions, type WeightsEnumClass } from './_api';
import { _IMAGENET_CATEGORIES } from './_meta';
import { _builderArgs, _ovewriteNamedParam, type BuilderOptions } from './_utils';

const DENSE_LAYER = pySignature('_DenseLayer.__init__', 'self, num_input_features, growth_rate, bn_size, drop_rate, memory_efficient=False');

export interface DenseLayerOptions {
  numInputFeatures?: number;
  growthRate?: number;
  bnSize?: number;
  dropRate?: number;
  memoryEfficient?: boolean;
}

export class _DenseLayer extends nn.Module {
  static override pythonModule = 'torchvision.models.densenet';
  static override floatAttributes: readonly string[] = ['drop_rate'];
  declare norm1: nn.BatchNorm2d;
  declare relu1: nn.ReLU;
  declare conv1: nn.Conv2d;
  declare norm2: nn.BatchNorm2d;
  declare relu2: nn.ReLU;
  declare conv2: nn.Conv2d;
  declare dropRate: number;
  declare memoryEfficient: boolean;

  constructor(
    ...args:
      | [numInputFeatures: number, growthRate: number, bnSize: number, dropRate: number, memoryEfficient?: boolean]
      | [numInputFeatures: number, options: DenseLayerOptions]
      | [DenseLayerOptions]
  ) {
    super();
    const o = DENSE_LAYER<Required<DenseLayerOptions>>(args);
    this.norm1 = new nn.BatchNorm2d(o.numInputFeatures);
    this.relu1 = new nn.ReLU(true);
    this.conv1 = new nn.Conv2d(o.numInputFeatures, o.bnSize * o.growthRate, 1, { stride: 1, bias: false });
    this.norm2 = new nn.BatchNorm2d(o.bnSize * o.growthRate);
    this.relu2 = new nn.ReLU(true);
    this.conv2 = new nn.Conv2d(o.bnSize * o.growthRate, o.growthRate, 3, { stride: 1, padding: 1, bias: false });
    this.dropRate = o.dropRate;
    this.memoryEfficient = o.memoryEfficient;
  }

  bnFunction(inputs: Tensor[]): Tensor {
    const concatedFeatures = cat(inputs, 1);
    return this.conv1.call(this.relu1.call(this.norm1.call(concatedFeatures)));
  }

  /** One tensor, or the list of the block's feature maps so far. */
  override forward(input: Tensor | Tensor[]): Tensor {
    const prevFeatures = input instanceof Tensor ? [input] : input;
    if (this.memoryEfficient && prevFeatures.some((t) => t.requiresGrad)) {
      // torchvision recomputes the bottleneck in backward with torch.utils.checkpoint.
      throw new Error('DenseNet memory_efficient=True needs torch.utils.checkpoint, which torchnode does not have');
    }
    const bottleneckOutput = this.bnFunction(prevFeatures);
    let newFeatures = this.conv2.call(this.relu2.call(this.norm2.call(bottleneckOutput)));
    if (this.dropRate > 0) newFeatures = F.dropout(newFeatures, { p: this.dropRate, training: this.training });
    return newFeatures;
  }
}

const DENSE_BLOCK = pySignature('_DenseBlock.__init__', 'self, num_layers, num_input_features, bn_size, growth_rate, drop_rate, memory_efficient=False');

export interface DenseBlockOptions extends DenseLayerOptions {
  numLayers?: number;
}

export class _DenseBlock extends nn.ModuleDict {
  static override pythonModule = 'torchvision.models.densenet';
  static override _version = 2;

  constructor(
    ...args:
      | [numLayers: number, numInputFeatures: number, bnSize: number, growthRate: number, dropRate: number, memoryEfficient?: boolean]
      | [DenseBlockOptions]
  ) {
    super();
    const o = DENSE_BLOCK<Required<DenseBlockOptions>>(args);
    for (let i = 0; i < o.numLayers; i++) {
      const layer = new _DenseLayer(o.numInputFeatures + i * o.growthRate, {
        growthRate: o.growthRate,
        bnSize: o.bnSize,
        dropRate: o.dropRate,
        memoryEfficient: o.memoryEfficient,
      });
      this.addModule(`denselayer${i + 1}`, layer);
    }
  }

  override forward(initFeatures: Tensor): Tensor {
    const features = [initFeatures];
    for (const [, layer] of this.items()) features.push(layer.call(features) as Tensor);
    return cat(features, 1);
  }
}

export class _Transition extends nn.Sequential {
  static override pythonModule = 'torchvision.models.densenet';
  declare norm: nn.BatchNorm2d;
  declare relu: nn.ReLU;
  declare conv: nn.Conv2d;
  declare pool: nn.AvgPool2d;

  constructor(numInputFeatures: number, numOutputFeatures: number) {
    super();
    this.norm = new nn.BatchNorm2d(numInputFeatures);
    this.relu = new nn.ReLU(true);
    this.conv = new nn.Conv2d(numInputFeatures, numOutputFeatures, 1, { stride: 1, bias: false });
    this.pool = new nn.AvgPool2d(2, 2);
  }
}

const DENSENET = pySignature(
  'DenseNet.__init__',
  'self, growth_rate=32, block_config=(6, 12, 24, 16), num_init_features=64, bn_size=4, drop_rate=0, num_classes=1000, memory_efficient=False',
);

export interface DenseNetOptions {
  growthRate?: number;
  blockConfig?: readonly number[];
  numInitFeatures?: number;
  bnSize?: number;
  dropRate?: number;
  numClasses?: number;
  memoryEfficient?: boolean;
}

/** Densenet-BC from "Densely Connected Convolutional Networks". */
export class DenseNet extends nn.Module {
  static override pythonModule = 'torchvision.models.densenet';
  declare features: nn.Sequential;
  declare classifier: nn.Linear;

  constructor(
    ...args:
      | [growthRate?: number, blockConfig?: readonly number[], numInitFeatures?: number, bnSize?: number, dropRate?: number, numClasses?: number, memoryEfficient?: boolean]
      | [growthRate: number, blockConfig: readonly number[], numInitFeatures: number, options?: DenseNetOptions]
      | [DenseNetOptions?]
  ) {
    super();
    const o = DENSENET<Required<DenseNetOptions>>(args);
    this.features = new nn.Sequential(
      new Map<string, nn.Module>([
        ['conv0', new nn.Conv2d(3, o.numInitFeatures, 7, { stride: 2, padding: 3, bias: false })],
        ['norm0', new nn.BatchNorm2d(o.numInitFeatures)],
        ['relu0', new nn.ReLU(true)],
        ['pool0', new nn.MaxPool2d(3, 2, 1)],
      ]),
    );
    let numFeatures = o.numInitFeatures;
    o.blockConfig.forEach((numLayers, i) => {
      const block = new _DenseBlock({
        numLayers,
        numInputFeatures: numFeatures,
        bnSize: o.bnSize,
        growthRate: o.growthRate,
        dropRate: o.dropRate,
        memoryEfficient: o.memoryEfficient,
      });
      this.features.addModule(`denseblock${i + 1}`, block);
      numFeatures = numFeatures + numLayers * o.growthRate;
      if (i !== o.blockConfig.length - 1) {
        const trans = new _Transition(numFeatures, Math.floor(numFeatures / 2));
        this.features.addModule(`transition${i + 1}`, trans);
        numFeatures = Math.floor(numFeatures / 2);
      }
    });
    this.features.addModule('norm5', new nn.BatchNorm2d(numFeatures));
    this.classifier = new nn.Linear(numFeatures, o.numClasses);
    // The official init from the Torch repo.
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) {
        nn.init.kaimingNormal_(m.weight);
      } else if (m instanceof nn.BatchNorm2d) {
        nn.init.constant_(m.weight!, 1);
        nn.init.constant_(m.bias!, 0);
      } else if (m instanceof nn.Linear) {
        nn.init.constant_(m.bias!, 0);
      }
    }
  }

  override forward(x: Tensor): Tensor {
    const features = this.features.call(x) as Tensor;
    let out = F.relu(features, { inplace: true });
    out = F.adaptiveAvgPool2d(out, [1, 1]);
    out = flatten(out, 1);
    return this.classifier.call(out);
  }
}

// '.'s are no longer allowed in module names, but the checkpoints of the first _DenseLayer have
// keys 'norm.1', 'relu.1', 'conv.1', 'norm.2', 'relu.2', 'conv.2'.
const OLD_KEY = /^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var))$/;

/** Loads `weights` into `model`, renaming the old-style keys of torchvision's DenseNet checkpoints. */
export function _loadStateDict(model: nn.Module, weights: { getStateDict(options?: GetStateDictOptions): StateDict }, progress: boolean): void {
  const stateDict = weights.getStateDict({ progress, checkHash: true });
  for (const key of [...stateDict.keys()]) {
    const res = OLD_KEY.exec(key);
    if (res) {
      stateDict.set(res[1]! + res[2]!, stateDict.get(key)!);
      stateDict.delete(key);
    }
  }
  model.loadStateDict(stateDict);
}

export type DenseNetBuilderOptions<W extends WeightsEnum> = BuilderOptions<W> & Omit<DenseNetOptions, 'growthRate' | 'blockConfig' | 'numInitFeatures'>;

function _densenet<W extends WeightsEnum>(
  name: string,
  growthRate: number,
  blockConfig: number[],
  numInitFeatures: number,
  weightsEnum: WeightsEnumClass<W>,
  args: readonly unknown[],
): DenseNet {
  const { weights, progress, kwargs } = _builderArgs(name, weightsEnum, args);
  if (weights !== null) _ovewriteNamedParam(kwargs, 'num_classes', weights.meta.categories!.length);
  const model = new DenseNet(growthRate, blockConfig, numInitFeatures, kwargs);
  if (weights !== null) _loadStateDict(model, weights, progress);
  return model;
}

export class DenseNet121_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new DenseNet121_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/densenet121-a639ec97.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [29, 29],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/pull/116',
      _docs: 'These weights are ported from LuaTorch.',
      numParams: 7978856,
      _metrics: { 'ImageNet-1K': { 'acc@1': 74.434, 'acc@5': 91.972 } },
      _ops: 2.834,
      _fileSize: 30.845,
    }),
  );
  static readonly DEFAULT = DenseNet121_Weights.IMAGENET1K_V1;
}

export class DenseNet161_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new DenseNet161_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/densenet161-8d451a50.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [29, 29],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/pull/116',
      _docs: 'These weights are ported from LuaTorch.',
      numParams: 28681000,
      _metrics: { 'ImageNet-1K': { 'acc@1': 77.138, 'acc@5': 93.56 } },
      _ops: 7.728,
      _fileSize: 110.369,
    }),
  );
  static readonly DEFAULT = DenseNet161_Weights.IMAGENET1K_V1;
}

export class DenseNet169_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new DenseNet169_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/densenet169-b2777c0a.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [29, 29],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/pull/116',
      _docs: 'These weights are ported from LuaTorch.',
      numParams: 14149480,
      _metrics: { 'ImageNet-1K': { 'acc@1': 75.6, 'acc@5': 92.806 } },
      _ops: 3.36,
      _fileSize: 54.708,
    }),
  );
  static readonly DEFAULT = DenseNet169_Weights.IMAGENET1K_V1;
}

export class DenseNet201_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new DenseNet201_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/densenet201-c1103571.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [29, 29],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/pull/116',
      _docs: 'These weights are ported from LuaTorch.',
      numParams: 20013928,
      _metrics: { 'ImageNet-1K': { 'acc@1': 76.896, 'acc@5': 93.37 } },
      _ops: 4.291,
      _fileSize: 77.373,
    }),
  );
  static readonly DEFAULT = DenseNet201_Weights.IMAGENET1K_V1;
}

/** DenseNet-121 from "Densely Connected Convolutional Networks". */
export function densenet121(...args: [DenseNetBuilderOptions<DenseNet121_Weights>?]): DenseNet {
  return _densenet('densenet121', 32, [6, 12, 24, 16], 64, DenseNet121_Weights, args);
}
/** DenseNet-161. */
export function densenet161(...args: [DenseNetBuilderOptions<DenseNet161_Weights>?]): DenseNet {
  return _densenet('densenet161', 48, [6, 12, 36, 24], 96, DenseNet161_Weights, args);
}
/** DenseNet-169. */
export function densenet169(...args: [DenseNetBuilderOptions<DenseNet169_Weights>?]): DenseNet {
  return _densenet('densenet169', 32, [6, 12, 32, 32], 64, DenseNet169_Weights, args);
}
/** DenseNet-201. */
export function densenet201(...args: [DenseNetBuilderOptions<DenseNet201_Weights>?]): DenseNet {
  return _densenet('densenet201', 32, [6, 12, 48, 32], 64, DenseNet201_Weights, args);
}

registerModel('densenet121', densenet121, DenseNet121_Weights);
registerModel('densenet161', densenet161, DenseNet161_Weights);
registerModel('densenet169', densenet169, DenseNet169_Weights);
registerModel('densenet201', densenet201, DenseNet201_Weights);
