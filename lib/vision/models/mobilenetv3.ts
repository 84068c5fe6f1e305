// torchvision/models/mobilenetv3.py
import { flatten } from '../../generated/torch';
import * as nn from '../../nn';
import { pySignature } from '../../python_signature';
import type { Tensor } from '../../tensor';
import { Conv2dNormActivation, SqueezeExcitation } from '../ops/misc';
import { ImageClassification } from '../transforms/_presets';
import { registerModel, Weights, WeightsEnum, type WeightsEnumClass } from './_api';
import { _IMAGENET_CATEGORIES } from './_meta';
import { _builderArgs, _makeDivisible, _ovewriteNamedParam, makeLayer, type BuilderOptions, type LayerFactory } from './_utils';

/** One inverted-residual block's configuration (channels already scaled by widthMult). */
export class InvertedResidualConfig {
  readonly inputChannels: number;
  readonly kernel: number;
  readonly expandedChannels: number;
  readonly outChannels: number;
  readonly useSe: boolean;
  readonly useHs: boolean;
  readonly stride: number;
  readonly dilation: number;

  constructor(
    inputChannels: number,
    kernel: number,
    expandedChannels: number,
    outChannels: number,
    useSe: boolean,
    activation: 'RE' | 'HS',
    stride: number,
    dilation: number,
    widthMult: number,
  ) {
    this.inputChannels = InvertedResidualConfig.adjustChannels(inputChannels, widthMult);
    this.kernel = kernel;
    this.expandedChannels = InvertedResidualConfig.adjustChannels(expandedChannels, widthMult);
    this.outChannels = InvertedResidualConfig.adjustChannels(outChannels, widthMult);
    this.useSe = useSe;
    this.useHs = activation === 'HS';
    this.stride = stride;
    this.dilation = dilation;
  }

  static adjustChannels(channels: number, widthMult: number): number {
    return _makeDivisible(channels * widthMult, 8);
  }
}

/** SqueezeExcitation with a Hardsigmoid gate (torchvision's default se_layer here). */
const hardSE = (inputChannels: number, squeezeChannels: number): nn.Module =>
  new SqueezeExcitation(inputChannels, squeezeChannels, { scaleActivation: nn.Hardsigmoid });

export class InvertedResidual extends nn.Module {
  static override pythonModule = 'torchvision.models.mobilenetv3';
  declare useResConnect: boolean;
  declare block: nn.Sequential;
  declare outChannels: number;
  declare _isCn: boolean;

  constructor(cnf: InvertedResidualConfig, normLayer: LayerFactory, seLayer: LayerFactory<[number, number]> = hardSE) {
    super();
    if (!(cnf.stride >= 1 && cnf.stride <= 2)) throw new RangeError('illegal stride value');
    this.useResConnect = cnf.stride === 1 && cnf.inputChannels === cnf.outChannels;
    const layers: nn.Module[] = [];
    const activationLayer = cnf.useHs ? nn.Hardswish : nn.ReLU;
    if (cnf.expandedChannels !== cnf.inputChannels) {
      layers.push(new Conv2dNormActivation(cnf.inputChannels, cnf.expandedChannels, { kernelSize: 1, normLayer, activationLayer }));
    }
    const stride = cnf.dilation > 1 ? 1 : cnf.stride;
    layers.push(
      new Conv2dNormActivation(cnf.expandedChannels, cnf.expandedChannels, {
        kernelSize: cnf.kernel,
        stride,
        dilation: cnf.dilation,
        groups: cnf.expandedChannels,
        normLayer,
        activationLayer,
      }),
    );
    if (cnf.useSe) {
      const squeezeChannels = _makeDivisible(Math.floor(cnf.expandedChannels / 4), 8);
      layers.push(makeLayer(seLayer, cnf.expandedChannels, squeezeChannels));
    }
    layers.push(new Conv2dNormActivation(cnf.expandedChannels, cnf.outChannels, { kernelSize: 1, normLayer, activationLayer: null }));
    this.block = new nn.Sequential(...layers);
    this.outChannels = cnf.outChannels;
    this._isCn = cnf.stride > 1;
  }

  override forward(input: Tensor): Tensor {
    const result = this.block.call(input) as Tensor;
    if (this.useResConnect) result.add_(input);
    return result;
  }
}

const MOBILENET_V3 = pySignature('MobileNetV3.__init__', 'self, inverted_residual_setting, last_channel, num_classes=1000, block=None, norm_layer=None, dropout=0.2');

export interface MobileNetV3Options {
  numClasses?: number;
  block?: LayerFactory<[InvertedResidualConfig, LayerFactory]> | null;
  normLayer?: LayerFactory | null;
  dropout?: number;
}

export class MobileNetV3 extends nn.Module {
  static override pythonModule = 'torchvision.models.mobilenetv3';
  declare features: nn.Sequential;
  declare avgpool: nn.AdaptiveAvgPool2d;
  declare classifier: nn.Sequential;

  /** Options it does not take are ignored, as by torchvision's `**kwargs` (the builders pass theirs on). */
  constructor(invertedResidualSetting: readonly InvertedResidualConfig[], lastChannel: number, options: MobileNetV3Options & Record<string, unknown> = {}) {
    super();
    const known = Object.fromEntries(Object.entries(options).filter(([k]) => ['numClasses', 'block', 'normLayer', 'dropout'].includes(k)));
    const o = MOBILENET_V3<Required<MobileNetV3Options> & { invertedResidualSetting: InvertedResidualConfig[]; lastChannel: number }>([invertedResidualSetting, lastChannel, known]);
    const setting = o.invertedResidualSetting;
    if (!setting || setting.length === 0) throw new RangeError('The inverted_residual_setting should not be empty');
    if (!Array.isArray(setting) || !setting.every((s) => s instanceof InvertedResidualConfig)) {
      throw new TypeError('The inverted_residual_setting should be List[InvertedResidualConfig]');
    }
    const block = (o.block ?? InvertedResidual) as LayerFactory<[InvertedResidualConfig, LayerFactory]>;
    const normLayer = o.normLayer ?? ((c: number) => new nn.BatchNorm2d(c, { eps: 0.001, momentum: 0.01 }));
    const layers: nn.Module[] = [];
    const firstconvOutputChannels = setting[0]!.inputChannels;
    layers.push(new Conv2dNormActivation(3, firstconvOutputChannels, { kernelSize: 3, stride: 2, normLayer, activationLayer: nn.Hardswish }));
    for (const cnf of setting) layers.push(makeLayer(block, cnf, normLayer));
    const lastconvInputChannels = setting[setting.length - 1]!.outChannels;
    const lastconvOutputChannels = 6 * lastconvInputChannels;
    layers.push(new Conv2dNormActivation(lastconvInputChannels, lastconvOutputChannels, { kernelSize: 1, normLayer, activationLayer: nn.Hardswish }));
    this.features = new nn.Sequential(...layers);
    this.avgpool = new nn.AdaptiveAvgPool2d(1);
    this.classifier = new nn.Sequential(
      new nn.Linear(lastconvOutputChannels, o.lastChannel),
      new nn.Hardswish(true),
      new nn.Dropout(o.dropout, true),
      new nn.Linear(o.lastChannel, o.numClasses),
    );
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
    x = flatten(this.avgpool.call(x), 1);
    return this.classifier.call(x) as Tensor;
  }

  override forward(x: Tensor): Tensor {
    return this._forwardImpl(x);
  }
}

export interface MobileNetV3ConfOptions {
  widthMult?: number;
  reducedTail?: boolean;
  dilated?: boolean;
}

/** The block configurations and the penultimate width of 'mobilenet_v3_large' or 'mobilenet_v3_small'. */
export function _mobilenetV3Conf(arch: string, options: MobileNetV3ConfOptions = {}): [InvertedResidualConfig[], number] {
  const widthMult = options.widthMult ?? 1.0;
  const reduceDivider = options.reducedTail ? 2 : 1;
  const dilation = options.dilated ? 2 : 1;
  const bneck = (i: number, k: number, e: number, o: number, se: boolean, act: 'RE' | 'HS', s: number, d: number): InvertedResidualConfig =>
    new InvertedResidualConfig(i, k, e, o, se, act, s, d, widthMult);
  const r = (c: number): number => Math.floor(c / reduceDivider);
  if (arch === 'mobilenet_v3_large') {
    const setting = [
      bneck(16, 3, 16, 16, false, 'RE', 1, 1),
      bneck(16, 3, 64, 24, false, 'RE', 2, 1), // C1
      bneck(24, 3, 72, 24, false, 'RE', 1, 1),
      bneck(24, 5, 72, 40, true, 'RE', 2, 1), // C2
      bneck(40, 5, 120, 40, true, 'RE', 1, 1),
      bneck(40, 5, 120, 40, true, 'RE', 1, 1),
      bneck(40, 3, 240, 80, false, 'HS', 2, 1), // C3
      bneck(80, 3, 200, 80, false, 'HS', 1, 1),
      bneck(80, 3, 184, 80, false, 'HS', 1, 1),
      bneck(80, 3, 184, 80, false, 'HS', 1, 1),
      bneck(80, 3, 480, 112, true, 'HS', 1, 1),
      bneck(112, 3, 672, 112, true, 'HS', 1, 1),
      bneck(112, 5, 672, r(160), true, 'HS', 2, dilation), // C4
      bneck(r(160), 5, r(960), r(160), true, 'HS', 1, dilation),
      bneck(r(160), 5, r(960), r(160), true, 'HS', 1, dilation),
    ];
    return [setting, InvertedResidualConfig.adjustChannels(r(1280), widthMult)]; // C5
  }
  if (arch === 'mobilenet_v3_small') {
    const setting = [
      bneck(16, 3, 16, 16, true, 'RE', 2, 1), // C1
      bneck(16, 3, 72, 24, false, 'RE', 2, 1), // C2
      bneck(24, 3, 88, 24, false, 'RE', 1, 1),
      bneck(24, 5, 96, 40, true, 'HS', 2, 1), // C3
      bneck(40, 5, 240, 40, true, 'HS', 1, 1),
      bneck(40, 5, 240, 40, true, 'HS', 1, 1),
      bneck(40, 5, 120, 48, true, 'HS', 1, 1),
      bneck(48, 5, 144, 48, true, 'HS', 1, 1),
      bneck(48, 5, 288, r(96), true, 'HS', 2, dilation), // C4
      bneck(r(96), 5, r(576), r(96), true, 'HS', 1, dilation),
      bneck(r(96), 5, r(576), r(96), true, 'HS', 1, dilation),
    ];
    return [setting, InvertedResidualConfig.adjustChannels(r(1024), widthMult)]; // C5
  }
  throw new RangeError(`Unsupported model type ${arch}`);
}

export type MobileNetV3BuilderOptions<W extends WeightsEnum> = BuilderOptions<W> & MobileNetV3Options & MobileNetV3ConfOptions;

function _mobilenetV3<W extends WeightsEnum>(arch: string, weightsEnum: WeightsEnumClass<W>, args: readonly unknown[]): MobileNetV3 {
  const { weights, progress, kwargs } = _builderArgs(arch, weightsEnum, args);
  const [setting, lastChannel] = _mobilenetV3Conf(arch, kwargs as MobileNetV3ConfOptions);
  if (weights !== null) _ovewriteNamedParam(kwargs, 'num_classes', weights.meta.categories!.length);
  const model = new MobileNetV3(setting, lastChannel, kwargs);
  if (weights !== null) model.loadStateDict(weights.getStateDict({ progress, checkHash: true }));
  return model;
}

export class MobileNet_V3_Large_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new MobileNet_V3_Large_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/mobilenet_v3_large-8738ca79.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 5483032,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#mobilenetv3-large--small',
      _metrics: { 'ImageNet-1K': { 'acc@1': 74.042, 'acc@5': 91.34 } },
      _ops: 0.217,
      _fileSize: 21.114,
      _docs: 'These weights were trained from scratch by using a simple training recipe.',
    }),
  );
  static readonly IMAGENET1K_V2 = new MobileNet_V3_Large_Weights(
    'IMAGENET1K_V2',
    new Weights('https://download.pytorch.org/models/mobilenet_v3_large-5c1a4163.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 5483032,
      recipe: 'https://github.com/pytorch/vision/issues/3995#new-recipe-with-reg-tuning',
      _metrics: { 'ImageNet-1K': { 'acc@1': 75.274, 'acc@5': 92.566 } },
      _ops: 0.217,
      _fileSize: 21.107,
      _docs: '\n                These weights improve marginally upon the results of the original paper by using a modified version of\n                TorchVision\'s `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly DEFAULT = MobileNet_V3_Large_Weights.IMAGENET1K_V2;
}

export class MobileNet_V3_Small_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new MobileNet_V3_Small_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/mobilenet_v3_small-047dcff4.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      numParams: 2542856,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#mobilenetv3-large--small',
      _metrics: { 'ImageNet-1K': { 'acc@1': 67.668, 'acc@5': 87.402 } },
      _ops: 0.057,
      _fileSize: 9.829,
      _docs: '\n                These weights improve upon the results of the original paper by using a simple training recipe.\n            ',
    }),
  );
  static readonly DEFAULT = MobileNet_V3_Small_Weights.IMAGENET1K_V1;
}

/** The large MobileNetV3 from "Searching for MobileNetV3". */
export function mobilenetV3Large(...args: [MobileNetV3BuilderOptions<MobileNet_V3_Large_Weights>?]): MobileNetV3 {
  return _mobilenetV3('mobilenet_v3_large', MobileNet_V3_Large_Weights, args);
}
/** The small MobileNetV3. */
export function mobilenetV3Small(...args: [MobileNetV3BuilderOptions<MobileNet_V3_Small_Weights>?]): MobileNetV3 {
  return _mobilenetV3('mobilenet_v3_small', MobileNet_V3_Small_Weights, args);
}

registerModel('mobilenet_v3_large', mobilenetV3Large, MobileNet_V3_Large_Weights);
registerModel('mobilenet_v3_small', mobilenetV3Small, MobileNet_V3_Small_Weights);
