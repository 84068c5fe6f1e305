// torchvision/models/vgg.py
import { flatten } from '../../generated/torch';
import * as nn from '../../nn';
import { pySignature } from '../../python_signature';
import type { Tensor } from '../../tensor';
import { ImageClassification } from '../transforms/_presets';
import { registerModel, Weights, WeightsEnum, type WeightsEnumClass } from './_api';
import { _builderArgs, _ovewriteNamedParam, type BuilderOptions } from './_utils';
import { _IMAGENET_CATEGORIES } from './_meta';

const VGG_INIT = pySignature('VGG.__init__', 'self, features, num_classes=1000, init_weights=True, dropout=0.5');

export interface VGGOptions {
  numClasses?: number;
  initWeights?: boolean;
  dropout?: number;
}

export class VGG extends nn.Module {
  static override pythonModule = 'torchvision.models.vgg';
  declare features: nn.Module;
  declare avgpool: nn.AdaptiveAvgPool2d;
  declare classifier: nn.Sequential;

  constructor(features: nn.Module, ...args: [numClasses?: number, initWeights?: boolean, dropout?: number, options?: VGGOptions] | [VGGOptions?]) {
    super();
    const o = VGG_INIT<Required<VGGOptions> & { features: nn.Module }>([features, ...args]);
    this.features = o.features;
    this.avgpool = new nn.AdaptiveAvgPool2d([7, 7]);
    this.classifier = new nn.Sequential(
      new nn.Linear(512 * 7 * 7, 4096),
      new nn.ReLU(true),
      new nn.Dropout(o.dropout),
      new nn.Linear(4096, 4096),
      new nn.ReLU(true),
      new nn.Dropout(o.dropout),
      new nn.Linear(4096, o.numClasses),
    );
    if (o.initWeights) {
      for (const m of this.modules()) {
        if (m instanceof nn.Conv2d) {
          nn.init.kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
          if (m.bias !== null) nn.init.constant_(m.bias, 0);
        } else if (m instanceof nn.BatchNorm2d) {
          nn.init.constant_(m.weight!, 1);
          nn.init.constant_(m.bias!, 0);
        } else if (m instanceof nn.Linear) {
          nn.init.normal_(m.weight, 0, 0.01);
          nn.init.constant_(m.bias!, 0);
        }
      }
    }
  }

  override forward(x: Tensor): Tensor {
    x = this.features.call(x);
    x = this.avgpool.call(x);
    x = flatten(x, 1);
    return this.classifier.call(x);
  }
}

/** The feature stack of a configuration: numbers are 3x3 convolutions' widths, 'M' a 2x2 max-pool. */
export function makeLayers(cfg: readonly (number | 'M')[], batchNorm = false): nn.Sequential {
  const layers: nn.Module[] = [];
  let inChannels = 3;
  for (const v of cfg) {
    if (v === 'M') {
      layers.push(new nn.MaxPool2d(2, 2));
    } else {
      const conv2d = new nn.Conv2d(inChannels, v, 3, { padding: 1 });
      if (batchNorm) layers.push(conv2d, new nn.BatchNorm2d(v), new nn.ReLU(true));
      else layers.push(conv2d, new nn.ReLU(true));
      inChannels = v;
    }
  }
  return new nn.Sequential(...layers);
}

export const cfgs: Readonly<Record<'A' | 'B' | 'D' | 'E', readonly (number | 'M')[]>> = {
  A: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  B: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  D: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  E: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
};

export type VGGBuilderOptions<W extends WeightsEnum> = BuilderOptions<W> & VGGOptions;

function _vgg<W extends WeightsEnum>(name: string, cfg: keyof typeof cfgs, batchNorm: boolean, weightsEnum: WeightsEnumClass<W>, args: readonly unknown[]): VGG {
  const { weights, progress, kwargs } = _builderArgs(name, weightsEnum, args);
  if (weights !== null) {
    kwargs.initWeights = false;
    if (weights.meta.categories != null) _ovewriteNamedParam(kwargs, 'num_classes', weights.meta.categories.length);
  }
  const model = new VGG(makeLayers(cfgs[cfg], batchNorm), kwargs);
  if (weights !== null) model.loadStateDict(weights.getStateDict({ progress, checkHash: true }));
  return model;
}

export class VGG11_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new VGG11_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/vgg11-8a719046.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [32, 32],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg',
      _docs: 'These weights were trained from scratch by using a simplified training recipe.',
      numParams: 132863336,
      _metrics: { 'ImageNet-1K': { 'acc@1': 69.02, 'acc@5': 88.628 } },
      _ops: 7.609,
      _fileSize: 506.84,
    }),
  );
  static readonly DEFAULT = VGG11_Weights.IMAGENET1K_V1;
}

export class VGG11_BN_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new VGG11_BN_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/vgg11_bn-6002323d.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [32, 32],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg',
      _docs: 'These weights were trained from scratch by using a simplified training recipe.',
      numParams: 132868840,
      _metrics: { 'ImageNet-1K': { 'acc@1': 70.37, 'acc@5': 89.81 } },
      _ops: 7.609,
      _fileSize: 506.881,
    }),
  );
  static readonly DEFAULT = VGG11_BN_Weights.IMAGENET1K_V1;
}

export class VGG13_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new VGG13_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/vgg13-19584684.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [32, 32],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg',
      _docs: 'These weights were trained from scratch by using a simplified training recipe.',
      numParams: 133047848,
      _metrics: { 'ImageNet-1K': { 'acc@1': 69.928, 'acc@5': 89.246 } },
      _ops: 11.308,
      _fileSize: 507.545,
    }),
  );
  static readonly DEFAULT = VGG13_Weights.IMAGENET1K_V1;
}

export class VGG13_BN_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new VGG13_BN_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/vgg13_bn-abd245e5.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [32, 32],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg',
      _docs: 'These weights were trained from scratch by using a simplified training recipe.',
      numParams: 133053736,
      _metrics: { 'ImageNet-1K': { 'acc@1': 71.586, 'acc@5': 90.374 } },
      _ops: 11.308,
      _fileSize: 507.59,
    }),
  );
  static readonly DEFAULT = VGG13_BN_Weights.IMAGENET1K_V1;
}

export class VGG16_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new VGG16_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/vgg16-397923af.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [32, 32],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg',
      _docs: 'These weights were trained from scratch by using a simplified training recipe.',
      numParams: 138357544,
      _metrics: { 'ImageNet-1K': { 'acc@1': 71.592, 'acc@5': 90.382 } },
      _ops: 15.47,
      _fileSize: 527.796,
    }),
  );
  static readonly IMAGENET1K_FEATURES = new VGG16_Weights(
    'IMAGENET1K_FEATURES',
    new Weights('https://download.pytorch.org/models/vgg16_features-amdegroot-88682ab5.pth', () => new ImageClassification({ cropSize: 224, mean: [0.48235, 0.45882, 0.40784], std: [0.00392156862745098, 0.00392156862745098, 0.00392156862745098] }), {
      minSize: [32, 32],
      categories: null,
      recipe: 'https://github.com/amdegroot/ssd.pytorch#training-ssd',
      _docs: '\n                These weights can\'t be used for classification because they are missing values in the `classifier`\n                module. Only the `features` module has valid values and can be used for feature extraction. The weights\n                were trained using the original input standardization method as described in the paper.\n            ',
      numParams: 138357544,
      _metrics: { 'ImageNet-1K': { 'acc@1': NaN, 'acc@5': NaN } },
      _ops: 15.47,
      _fileSize: 527.802,
    }),
  );
  static readonly DEFAULT = VGG16_Weights.IMAGENET1K_V1;
}

export class VGG16_BN_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new VGG16_BN_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/vgg16_bn-6c64b313.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [32, 32],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg',
      _docs: 'These weights were trained from scratch by using a simplified training recipe.',
      numParams: 138365992,
      _metrics: { 'ImageNet-1K': { 'acc@1': 73.36, 'acc@5': 91.516 } },
      _ops: 15.47,
      _fileSize: 527.866,
    }),
  );
  static readonly DEFAULT = VGG16_BN_Weights.IMAGENET1K_V1;
}

export class VGG19_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new VGG19_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/vgg19-dcbb9e9d.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [32, 32],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg',
      _docs: 'These weights were trained from scratch by using a simplified training recipe.',
      numParams: 143667240,
      _metrics: { 'ImageNet-1K': { 'acc@1': 72.376, 'acc@5': 90.876 } },
      _ops: 19.632,
      _fileSize: 548.051,
    }),
  );
  static readonly DEFAULT = VGG19_Weights.IMAGENET1K_V1;
}

export class VGG19_BN_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new VGG19_BN_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/vgg19_bn-c79401a0.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [32, 32],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg',
      _docs: 'These weights were trained from scratch by using a simplified training recipe.',
      numParams: 143678248,
      _metrics: { 'ImageNet-1K': { 'acc@1': 74.218, 'acc@5': 91.842 } },
      _ops: 19.632,
      _fileSize: 548.143,
    }),
  );
  static readonly DEFAULT = VGG19_BN_Weights.IMAGENET1K_V1;
}

/** VGG-11 from "Very Deep Convolutional Networks for Large-Scale Image Recognition". */
export function vgg11(...args: [VGGBuilderOptions<VGG11_Weights>?]): VGG {
  return _vgg('vgg11', 'A', false, VGG11_Weights, args);
}
/** VGG-11 with batch normalization. */
export function vgg11Bn(...args: [VGGBuilderOptions<VGG11_BN_Weights>?]): VGG {
  return _vgg('vgg11_bn', 'A', true, VGG11_BN_Weights, args);
}
/** VGG-13. */
export function vgg13(...args: [VGGBuilderOptions<VGG13_Weights>?]): VGG {
  return _vgg('vgg13', 'B', false, VGG13_Weights, args);
}
/** VGG-13 with batch normalization. */
export function vgg13Bn(...args: [VGGBuilderOptions<VGG13_BN_Weights>?]): VGG {
  return _vgg('vgg13_bn', 'B', true, VGG13_BN_Weights, args);
}
/** VGG-16. */
export function vgg16(...args: [VGGBuilderOptions<VGG16_Weights>?]): VGG {
  return _vgg('vgg16', 'D', false, VGG16_Weights, args);
}
/** VGG-16 with batch normalization. */
export function vgg16Bn(...args: [VGGBuilderOptions<VGG16_BN_Weights>?]): VGG {
  return _vgg('vgg16_bn', 'D', true, VGG16_BN_Weights, args);
}
/** VGG-19. */
export function vgg19(...args: [VGGBuilderOptions<VGG19_Weights>?]): VGG {
  return _vgg('vgg19', 'E', false, VGG19_Weights, args);
}
/** VGG-19 with batch normalization. */
export function vgg19Bn(...args: [VGGBuilderOptions<VGG19_BN_Weights>?]): VGG {
  return _vgg('vgg19_bn', 'E', true, VGG19_BN_Weights, args);
}

registerModel('vgg11', vgg11, VGG11_Weights);
registerModel('vgg11_bn', vgg11Bn, VGG11_BN_Weights);
registerModel('vgg13', vgg13, VGG13_Weights);
registerModel('vgg13_bn', vgg13Bn, VGG13_BN_Weights);
registerModel('vgg16', vgg16, VGG16_Weights);
registerModel('vgg16_bn', vgg16Bn, VGG16_BN_Weights);
registerModel('vgg19', vgg19, VGG19_Weights);
registerModel('vgg19_bn', vgg19Bn, VGG19_BN_Weights);
