// torchvision/models/mobilenetv2.py
import { flatten } from '../../generated/torch';
import * as nn from '../../nn';
import * as F from '../../nn/functional';
import { pySignature } from '../../python_signature';
import type { Tensor } from '../../tensor';
import { Conv2dNormActivation } from '../ops/misc';
import { ImageClassification } from '../transforms/_presets';
import { registerModel, Weights, WeightsEnum } from './_api';
import { _IMAGENET_CATEGORIES } from './_meta';
import { _builderArgs, _makeDivisible, _ovewriteNamedParam, makeLayer, type BuilderOptions, type LayerFactory } from './_utils';
import { pyRound } from '../../scalar';

const INVERTED_RESIDUAL = pySignature('InvertedResidual.__init__', 'self, inp, oup, stride, expand_ratio, norm_layer=None');


export class InvertedResidual extends nn.Module {
  static override pythonModule = 'torchvision.models.mobilenetv2';
  declare stride: number;
  declare useResConnect: boolean;
  declare conv: nn.Sequential;
  declare outChannels: number;
  declare _isCn: boolean;

  constructor(
    ...args:
      | [inp: number, oup: number, stride: number, expandRatio: number, normLayer?: LayerFactory | null]
      | [inp: number, oup: number, stride: number, options: { expandRatio: number; normLayer?: LayerFactory | null }]
  ) {
    super();
    const o = INVERTED_RESIDUAL<{ inp: number; oup: number; stride: number; expandRatio: number; normLayer: LayerFactory | null }>(args);
    this.stride = o.stride;
    if (o.stride !== 1 && o.stride !== 2) throw new RangeError(`stride should be 1 or 2 instead of ${o.stride}`);
    const normLayer = o.normLayer ?? nn.BatchNorm2d;
    const hiddenDim = Math.trunc(pyRound(o.inp * o.expandRatio));
    this.useResConnect = this.stride === 1 && o.inp === o.oup;
    const layers: nn.Module[] = [];
    if (o.expandRatio !== 1) {
      layers.push(new Conv2dNormActivation(o.inp, hiddenDim, { kernelSize: 1, normLayer, activationLayer: nn.ReLU6 }));
    }
    layers.push(
      new Conv2dNormActivation(hiddenDim, hiddenDim, { stride: o.stride, groups: hiddenDim, normLayer, activationLayer: nn.ReLU6 }),
      new nn.Conv2d(hiddenDim, o.oup, 1, 1, 0, { bias: false }),
      makeLayer(normLayer, o.oup),
    );
    this.conv = new nn.Sequential(...layers);
    this.outChannels = o.oup;
    this._isCn = o.stride > 1;
  }

  override forward(x: Tensor): Tensor {
    return this.useResConnect ? x.add(this.conv.call(x) as Tensor) : (this.conv.call(x) as Tensor);
  }
}

const MOBILENET_V2 = pySignature(
  'MobileNetV2.__init__',
  'self, num_classes=1000, width_mult=1.0, inverted_residual_setting=None, round_nearest=8, block=None, norm_layer=None, dropout=0.2',
);

export interface MobileNetV2Options {
  numClasses?: number;
  widthMult?: number;
  /** Rows of [t (expansion), c (channels), n (repeats), s (stride)]. */
  invertedResidualSetting?: readonly (readonly number[])[] | null;
  roundNearest?: number;
  block?: LayerFactory<never[]> | null;
  normLayer?: LayerFactory | null;
  dropout?: number;
}

export class MobileNetV2 extends nn.Module {
  static override pythonModule = 'torchvision.models.mobilenetv2';
  declare lastChannel: number;
  declare features: nn.Sequential;
  declare classifier: nn.Sequential;

  constructor(...args: [MobileNetV2Options?]) {
    super();
    const o = MOBILENET_V2<Required<MobileNetV2Options>>(args);
    const block = (o.block ?? InvertedResidual) as LayerFactory<unknown[]>;
    const normLayer = o.normLayer ?? nn.BatchNorm2d;
    let inputChannel = 32;
    const lastChannel = 1280;
    const setting = o.invertedResidualSetting ?? [
      [1, 16, 1, 1],
      [6, 24, 2, 2],
      [6, 32, 3, 2],
      [6, 64, 4, 2],
      [6, 96, 3, 1],
      [6, 160, 3, 2],
      [6, 320, 1, 1],
    ];
    if (setting.length === 0 || setting[0]!.length !== 4) {
      throw new RangeError(`inverted_residual_setting should be non-empty or a 4-element list, got [${setting.map((r) => `[${r.join(', ')}]`).join(', ')}]`);
    }
    inputChannel = _makeDivisible(inputChannel * o.widthMult, o.roundNearest);
    this.lastChannel = _makeDivisible(lastChannel * Math.max(1.0, o.widthMult), o.roundNearest);
    const features: nn.Module[] = [new Conv2dNormActivation(3, inputChannel, { stride: 2, normLayer, activationLayer: nn.ReLU6 })];
    for (const [t, c, n, s] of setting as [number, number, number, number][]) {
      const outputChannel = _makeDivisible(c * o.widthMult, o.roundNearest);
      for (let i = 0; i < n; i++) {
        features.push(makeLayer(block, inputChannel, outputChannel, i === 0 ? s : 1, { expandRatio: t, normLayer }));
        inputChannel = outputChannel;
      }
    }
    features.push(new Conv2dNormActivation(inputChannel, this.lastChannel, { kernelSize: 1, normLayer, activationLayer: nn.ReLU6 }));
    this.features = new nn.Sequential(...features);
    this.classifier = new nn.Sequential(new nn.Dropout(o.dropout), new nn.Linear(this.lastChannel, o.numClasses));
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) {
        nn.init.kaimingNormal_(m.weight, { mode: 'fan_out' });
        if (m.bias !== null) nn.init.zeros_(m.bias);
      } else if (m instanceof nn.BatchNorm2d || m instanceof nn.GroupNorm) {
        nn.init.ones_(m.weight!);
        nn.init.zeros_(m.bias!);
      } else if (m instanceof nn.Linear) {
        nn.init.normal_(m.weight, 0, 0.01);
        nn.init.zeros_(m.bias!);
      }
    }
  }

  _forwardImpl(x: Tensor): Tensor {
    x = this.features.call(x) as Tensor;
    x = flatten(F.adaptiveAvgPool2d(x, [1, 1]), 1);
    return this.classifier.call(x) as Tensor;
  }

  override forward(x: Tensor): Tensor {
    return this._forwardImpl(x);
  }
}

export class MobileNet_V2_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new MobileNet_V2_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/mobilenet_v2-b0353104.pth', () => new ImageClassification({ cropSize: 224 }), {
      numParams: 3504872,
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#mobilenetv2',
      _metrics: { 'ImageNet-1K': { 'acc@1': 71.878, 'acc@5': 90.286 } },
      _ops: 0.301,
      _fileSize: 13.555,
      _docs: 'These weights reproduce closely the results of the paper using a simple training recipe.',
    }),
  );
  static readonly IMAGENET1K_V2 = new MobileNet_V2_Weights(
    'IMAGENET1K_V2',
    new Weights('https://download.pytorch.org/models/mobilenet_v2-7ebf99e0.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      numParams: 3504872,
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/issues/3995#new-recipe-with-reg-tuning',
      _metrics: { 'ImageNet-1K': { 'acc@1': 72.154, 'acc@5': 90.822 } },
      _ops: 0.301,
      _fileSize: 13.598,
      _docs: '\n                These weights improve upon the results of the original paper by using a modified version of TorchVision\'s\n                `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly DEFAULT = MobileNet_V2_Weights.IMAGENET1K_V2;
}

/** MobileNetV2 from "MobileNetV2: Inverted Residuals and Linear Bottlenecks". */
export function mobilenetV2(...args: [(BuilderOptions<MobileNet_V2_Weights> & MobileNetV2Options)?]): MobileNetV2 {
  const { weights, progress, kwargs } = _builderArgs('mobilenet_v2', MobileNet_V2_Weights, args);
  if (weights !== null) _ovewriteNamedParam(kwargs, 'num_classes', weights.meta.categories!.length);
  const model = new MobileNetV2(kwargs);
  if (weights !== null) model.loadStateDict(weights.getStateDict({ progress, checkHash: true }));
  return model;
}

registerModel('mobilenet_v2', mobilenetV2, MobileNet_V2_Weights);
