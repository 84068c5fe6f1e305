// torchvision/models/squeezenet.py
import { cat, flatten } from '../../generated/torch';
import * as nn from '../../nn';
import { pySignature } from '../../python_signature';
import type { Tensor } from '../../tensor';
import { ImageClassification } from '../transforms/_presets';
import { registerModel, Weights, WeightsEnum, type WeightsEnumClass } from './_api';
import { _IMAGENET_CATEGORIES } from './_meta';
import { _builderArgs, _ovewriteNamedParam, type BuilderOptions } from './_utils';

const FIRE = pySignature('Fire.__init__', 'self, inplanes, squeeze_planes, expand1x1_planes, expand3x3_planes');

export class Fire extends nn.Module {
  static override pythonModule = 'torchvision.models.squeezenet';
  declare inplanes: number;
  declare squeeze: nn.Conv2d;
  declare squeeze_activation: nn.ReLU;
  declare expand1x1: nn.Conv2d;
  declare expand1x1_activation: nn.ReLU;
  declare expand3x3: nn.Conv2d;
  declare expand3x3_activation: nn.ReLU;

  constructor(inplanes: number, squeezePlanes: number, expand1x1Planes: number, expand3x3Planes: number) {
    super();
    const o = FIRE<{ inplanes: number; squeezePlanes: number; expand1x1Planes: number; expand3x3Planes: number }>([inplanes, squeezePlanes, expand1x1Planes, expand3x3Planes]);
    this.inplanes = o.inplanes;
    this.squeeze = new nn.Conv2d(o.inplanes, o.squeezePlanes, 1);
    this.squeeze_activation = new nn.ReLU(true);
    this.expand1x1 = new nn.Conv2d(o.squeezePlanes, o.expand1x1Planes, 1);
    this.expand1x1_activation = new nn.ReLU(true);
    this.expand3x3 = new nn.Conv2d(o.squeezePlanes, o.expand3x3Planes, 3, { padding: 1 });
    this.expand3x3_activation = new nn.ReLU(true);
  }

  override forward(x: Tensor): Tensor {
    x = this.squeeze_activation.call(this.squeeze.call(x));
    return cat([this.expand1x1_activation.call(this.expand1x1.call(x)), this.expand3x3_activation.call(this.expand3x3.call(x))], 1);
  }
}

const SQUEEZENET = pySignature('SqueezeNet.__init__', "self, version='1_0', num_classes=1000, dropout=0.5");

export interface SqueezeNetOptions {
  version?: '1_0' | '1_1';
  numClasses?: number;
  dropout?: number;
}

export class SqueezeNet extends nn.Module {
  static override pythonModule = 'torchvision.models.squeezenet';
  declare numClasses: number;
  declare features: nn.Sequential;
  declare classifier: nn.Sequential;

  constructor(
    ...args: [version?: '1_0' | '1_1', numClasses?: number, dropout?: number, options?: SqueezeNetOptions] | [version: '1_0' | '1_1', options?: SqueezeNetOptions] | [SqueezeNetOptions?]
  ) {
    super();
    const o = SQUEEZENET<Required<SqueezeNetOptions>>(args);
    this.numClasses = o.numClasses;
    if (o.version === '1_0') {
      this.features = new nn.Sequential(
        new nn.Conv2d(3, 96, 7, { stride: 2 }),
        new nn.ReLU(true),
        new nn.MaxPool2d(3, 2, { ceilMode: true }),
        new Fire(96, 16, 64, 64),
        new Fire(128, 16, 64, 64),
        new Fire(128, 32, 128, 128),
        new nn.MaxPool2d(3, 2, { ceilMode: true }),
        new Fire(256, 32, 128, 128),
        new Fire(256, 48, 192, 192),
        new Fire(384, 48, 192, 192),
        new Fire(384, 64, 256, 256),
        new nn.MaxPool2d(3, 2, { ceilMode: true }),
        new Fire(512, 64, 256, 256),
      );
    } else if (o.version === '1_1') {
      this.features = new nn.Sequential(
        new nn.Conv2d(3, 64, 3, { stride: 2 }),
        new nn.ReLU(true),
        new nn.MaxPool2d(3, 2, { ceilMode: true }),
        new Fire(64, 16, 64, 64),
        new Fire(128, 16, 64, 64),
        new nn.MaxPool2d(3, 2, { ceilMode: true }),
        new Fire(128, 32, 128, 128),
        new Fire(256, 32, 128, 128),
        new nn.MaxPool2d(3, 2, { ceilMode: true }),
        new Fire(256, 48, 192, 192),
        new Fire(384, 48, 192, 192),
        new Fire(384, 64, 256, 256),
        new Fire(512, 64, 256, 256),
      );
    } else {
      throw new RangeError(`Unsupported SqueezeNet version ${String(o.version)}: 1_0 or 1_1 expected`);
    }
    // The final convolution is initialized differently from the rest.
    const finalConv = new nn.Conv2d(512, this.numClasses, 1);
    this.classifier = new nn.Sequential(new nn.Dropout(o.dropout), finalConv, new nn.ReLU(true), new nn.AdaptiveAvgPool2d([1, 1]));
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) {
        if (m === finalConv) nn.init.normal_(m.weight, { mean: 0.0, std: 0.01 });
        else nn.init.kaimingUniform_(m.weight);
        if (m.bias !== null) nn.init.constant_(m.bias, 0);
      }
    }
  }

  override forward(x: Tensor): Tensor {
    x = this.features.call(x);
    x = this.classifier.call(x);
    return flatten(x, 1);
  }
}

export type SqueezeNetBuilderOptions<W extends WeightsEnum> = BuilderOptions<W> & Omit<SqueezeNetOptions, 'version'>;

function _squeezenet<W extends WeightsEnum>(name: string, version: '1_0' | '1_1', weightsEnum: WeightsEnumClass<W>, args: readonly unknown[]): SqueezeNet {
  const { weights, progress, kwargs } = _builderArgs(name, weightsEnum, args);
  if (weights !== null) _ovewriteNamedParam(kwargs, 'num_classes', weights.meta.categories!.length);
  const model = new SqueezeNet(version, kwargs);
  if (weights !== null) model.loadStateDict(weights.getStateDict({ progress, checkHash: true }));
  return model;
}

export class SqueezeNet1_0_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new SqueezeNet1_0_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/squeezenet1_0-b66bff10.pth', () => new ImageClassification({ cropSize: 224 }), {
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/pull/49#issuecomment-277560717',
      _docs: 'These weights reproduce closely the results of the paper using a simple training recipe.',
      minSize: [21, 21],
      numParams: 1248424,
      _metrics: { 'ImageNet-1K': { 'acc@1': 58.092, 'acc@5': 80.42 } },
      _ops: 0.819,
      _fileSize: 4.778,
    }),
  );
  static readonly DEFAULT = SqueezeNet1_0_Weights.IMAGENET1K_V1;
}

export class SqueezeNet1_1_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new SqueezeNet1_1_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/squeezenet1_1-b8a52dc0.pth', () => new ImageClassification({ cropSize: 224 }), {
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/pull/49#issuecomment-277560717',
      _docs: 'These weights reproduce closely the results of the paper using a simple training recipe.',
      minSize: [17, 17],
      numParams: 1235496,
      _metrics: { 'ImageNet-1K': { 'acc@1': 58.178, 'acc@5': 80.624 } },
      _ops: 0.349,
      _fileSize: 4.729,
    }),
  );
  static readonly DEFAULT = SqueezeNet1_1_Weights.IMAGENET1K_V1;
}

/** SqueezeNet 1.0 from "SqueezeNet: AlexNet-level accuracy with 50x fewer parameters and <0.5MB model size". */
export function squeezenet1_0(...args: [SqueezeNetBuilderOptions<SqueezeNet1_0_Weights>?]): SqueezeNet {
  return _squeezenet('squeezenet1_0', '1_0', SqueezeNet1_0_Weights, args);
}
/** SqueezeNet 1.1: 2.4x less computation than 1.0 and slightly fewer parameters, the same accuracy. */
export function squeezenet1_1(...args: [SqueezeNetBuilderOptions<SqueezeNet1_1_Weights>?]): SqueezeNet {
  return _squeezenet('squeezenet1_1', '1_1', SqueezeNet1_1_Weights, args);
}

registerModel('squeezenet1_0', squeezenet1_0, SqueezeNet1_0_Weights);
registerModel('squeezenet1_1', squeezenet1_1, SqueezeNet1_1_Weights);
