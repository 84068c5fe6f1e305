// torchvision/models/mnasnet.py
import * as nn from '../../nn';
import type { StateDict, StateDictCopy } from '../../nn/module';
import { pySignature } from '../../python_signature';
import type { Tensor } from '../../tensor';
import { ImageClassification } from '../transforms/_presets';
import { registerModel, Weights, WeightsEnum, type WeightsEnumClass } from './_api';
import { _IMAGENET_CATEGORIES } from './_meta';
import { _builderArgs, _ovewriteNamedParam, type BuilderOptions } from './_utils';

// Paper suggests 0.9997 momentum, for TensorFlow. Equivalent PyTorch momentum is 1.0 - tensorflow.
const _BN_MOMENTUM = 1 - 0.9997;

const INVERTED_RESIDUAL = pySignature('_InvertedResidual.__init__', 'self, in_ch, out_ch, kernel_size, stride, expansion_factor, bn_momentum=0.1');

export class _InvertedResidual extends nn.Module {
  static override pythonModule = 'torchvision.models.mnasnet';
  declare applyResidual: boolean;
  declare layers: nn.Sequential;

  constructor(
    ...args:
      | [inCh: number, outCh: number, kernelSize: number, stride: number, expansionFactor: number, bnMomentum?: number]
      | [inCh: number, outCh: number, kernelSize: number, stride: number, expansionFactor: number, options: { bnMomentum?: number }]
  ) {
    super();
    const o = INVERTED_RESIDUAL<{ inCh: number; outCh: number; kernelSize: number; stride: number; expansionFactor: number; bnMomentum: number }>(args);
    if (o.stride !== 1 && o.stride !== 2) throw new RangeError(`stride should be 1 or 2 instead of ${o.stride}`);
    if (o.kernelSize !== 3 && o.kernelSize !== 5) throw new RangeError(`kernel_size should be 3 or 5 instead of ${o.kernelSize}`);
    const midCh = o.inCh * o.expansionFactor;
    const momentum = o.bnMomentum;
    this.applyResidual = o.inCh === o.outCh && o.stride === 1;
    this.layers = new nn.Sequential(
      new nn.Conv2d(o.inCh, midCh, 1, { bias: false }),
      new nn.BatchNorm2d(midCh, { momentum }),
      new nn.ReLU(true),
      new nn.Conv2d(midCh, midCh, o.kernelSize, { padding: Math.floor(o.kernelSize / 2), stride: o.stride, groups: midCh, bias: false }),
      new nn.BatchNorm2d(midCh, { momentum }),
      new nn.ReLU(true),
      new nn.Conv2d(midCh, o.outCh, 1, { bias: false }),
      new nn.BatchNorm2d(o.outCh, { momentum }),
    );
  }

  override forward(input: Tensor): Tensor {
    const out = this.layers.call(input) as Tensor;
    return this.applyResidual ? out.add(input) : out;
  }
}

/** The first block strided by `stride`, then `repeats - 1` more. */
function _stack(inCh: number, outCh: number, kernelSize: number, stride: number, expFactor: number, repeats: number, bnMomentum: number): nn.Sequential {
  if (repeats < 1) throw new RangeError(`repeats should be >= 1, instead got ${repeats}`);
  const first = new _InvertedResidual(inCh, outCh, kernelSize, stride, expFactor, { bnMomentum });
  const remaining: nn.Module[] = [];
  for (let i = 1; i < repeats; i++) remaining.push(new _InvertedResidual(outCh, outCh, kernelSize, 1, expFactor, { bnMomentum }));
  return new nn.Sequential(first, ...remaining);
}

/** Rounds to a multiple of `divisor`, up unless that is no more than 10% above the multiple below. */
function _roundToMultipleOf(val: number, divisor: number, roundUpBias = 0.9): number {
  if (!(roundUpBias > 0.0 && roundUpBias < 1.0)) {
    throw new RangeError(`round_up_bias should be greater than 0.0 and smaller than 1.0 instead of ${roundUpBias}`);
  }
  const newVal = Math.max(divisor, Math.floor(Math.trunc(val + divisor / 2) / divisor) * divisor);
  return newVal >= roundUpBias * val ? newVal : newVal + divisor;
}

/** The depths of the layers scaled by `alpha`, rounded to multiples of 8 (up rather than down). */
function _getDepths(alpha: number): number[] {
  return [32, 16, 24, 40, 80, 96, 192, 320].map((depth) => _roundToMultipleOf(depth * alpha, 8));
}

const MNASNET = pySignature('MNASNet.__init__', 'self, alpha, num_classes=1000, dropout=0.2');

export interface MNASNetOptions {
  numClasses?: number;
  dropout?: number;
}

/** MNASNet (the B1 variant) from "MnasNet: Platform-Aware Neural Architecture Search for Mobile". */
export class MNASNet extends nn.Module {
  static override pythonModule = 'torchvision.models.mnasnet';
  static override _version = 2;
  static override floatAttributes: readonly string[] = ['alpha'];
  declare alpha: number;
  declare numClasses: number;
  declare layers: nn.Sequential;
  declare classifier: nn.Sequential;

  constructor(...args: [alpha: number, numClasses?: number, dropout?: number] | [alpha: number, options: MNASNetOptions]) {
    super();
    const o = MNASNET<Required<MNASNetOptions> & { alpha: number }>(args);
    if (o.alpha <= 0.0) throw new RangeError(`alpha should be greater than 0.0 instead of ${o.alpha}`);
    this.alpha = o.alpha;
    this.numClasses = o.numClasses;
    const depths = _getDepths(o.alpha);
    const d = (i: number): number => depths[i]!;
    this.layers = new nn.Sequential(
      new nn.Conv2d(3, d(0), 3, { padding: 1, stride: 2, bias: false }),
      new nn.BatchNorm2d(d(0), { momentum: _BN_MOMENTUM }),
      new nn.ReLU(true),
      new nn.Conv2d(d(0), d(0), 3, { padding: 1, stride: 1, groups: d(0), bias: false }),
      new nn.BatchNorm2d(d(0), { momentum: _BN_MOMENTUM }),
      new nn.ReLU(true),
      new nn.Conv2d(d(0), d(1), 1, { padding: 0, stride: 1, bias: false }),
      new nn.BatchNorm2d(d(1), { momentum: _BN_MOMENTUM }),
      _stack(d(1), d(2), 3, 2, 3, 3, _BN_MOMENTUM),
      _stack(d(2), d(3), 5, 2, 3, 3, _BN_MOMENTUM),
      _stack(d(3), d(4), 5, 2, 6, 3, _BN_MOMENTUM),
      _stack(d(4), d(5), 3, 1, 6, 2, _BN_MOMENTUM),
      _stack(d(5), d(6), 5, 2, 6, 4, _BN_MOMENTUM),
      _stack(d(6), d(7), 3, 1, 6, 1, _BN_MOMENTUM),
      new nn.Conv2d(d(7), 1280, 1, { padding: 0, stride: 1, bias: false }),
      new nn.BatchNorm2d(1280, { momentum: _BN_MOMENTUM }),
      new nn.ReLU(true),
    );
    this.classifier = new nn.Sequential(new nn.Dropout(o.dropout, true), new nn.Linear(1280, o.numClasses));
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) {
        nn.init.kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
        if (m.bias !== null) nn.init.zeros_(m.bias);
      } else if (m instanceof nn.BatchNorm2d) {
        nn.init.ones_(m.weight!);
        nn.init.zeros_(m.bias!);
      } else if (m instanceof nn.Linear) {
        nn.init.kaimingUniform_(m.weight, { mode: 'fan_out', nonlinearity: 'sigmoid' });
        nn.init.zeros_(m.bias!);
      }
    }
  }

  override forward(x: Tensor): Tensor {
    x = (this.layers.call(x) as Tensor).mean([2, 3]);
    return this.classifier.call(x) as Tensor;
  }

  /** Version-1 checkpoints of alpha != 1 models have the old stem: it is rebuilt before loading. */
  override _loadFromStateDict(
    stateDict: Map<string, unknown>,
    prefix: string,
    localMetadata: Map<string, unknown>,
    strict: boolean,
    missingKeys: string[],
    unexpectedKeys: string[],
    errorMsgs: string[],
    copies: StateDictCopy[],
  ): void {
    const version = localMetadata.get('version') ?? null;
    if (version !== 1 && version !== 2) throw new RangeError(`version should be set to 1 or 2 instead of ${version === null ? 'None' : String(version)}`);
    if (version === 1 && this.alpha !== 1.0) {
      const depths = _getDepths(this.alpha);
      const v1Stem = [
        new nn.Conv2d(3, 32, 3, { padding: 1, stride: 2, bias: false }),
        new nn.BatchNorm2d(32, { momentum: _BN_MOMENTUM }),
        new nn.ReLU(true),
        new nn.Conv2d(32, 32, 3, { padding: 1, stride: 1, groups: 32, bias: false }),
        new nn.BatchNorm2d(32, { momentum: _BN_MOMENTUM }),
        new nn.ReLU(true),
        new nn.Conv2d(32, 16, 1, { padding: 0, stride: 1, bias: false }),
        new nn.BatchNorm2d(16, { momentum: _BN_MOMENTUM }),
        _stack(16, depths[2]!, 3, 2, 3, 3, _BN_MOMENTUM),
      ];
      v1Stem.forEach((layer, idx) => {
        this.layers[idx] = layer;
      });
      process.emitWarning(
        'A new version of MNASNet model has been implemented. Your checkpoint was saved using the previous version. ' +
          'This checkpoint will load and work as before, but you may want to upgrade by training a newer model or ' +
          'transfer learning from an updated ImageNet checkpoint.',
        'UserWarning',
      );
    }
    super._loadFromStateDict(stateDict, prefix, localMetadata, strict, missingKeys, unexpectedKeys, errorMsgs, copies);
  }
}

export type MNASNetBuilderOptions<W extends WeightsEnum> = BuilderOptions<W> & MNASNetOptions;

function _mnasnet<W extends WeightsEnum>(name: string, alpha: number, weightsEnum: WeightsEnumClass<W>, args: readonly unknown[]): MNASNet {
  const { weights, progress, kwargs } = _builderArgs(name, weightsEnum, args);
  if (weights !== null) _ovewriteNamedParam(kwargs, 'num_classes', weights.meta.categories!.length);
  const model = new MNASNet(alpha, kwargs);
  if (weights !== null) model.loadStateDict(weights.getStateDict({ progress, checkHash: true }) as StateDict);
  return model;
}

export class MNASNet0_5_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new MNASNet0_5_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/mnasnet0.5_top1_67.823-3ffadce67e.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/1e100/mnasnet_trainer',
      numParams: 2218512,
      _metrics: { 'ImageNet-1K': { 'acc@1': 67.734, 'acc@5': 87.49 } },
      _ops: 0.104,
      _fileSize: 8.591,
      _docs: 'These weights reproduce closely the results of the paper.',
    }),
  );
  static readonly DEFAULT = MNASNet0_5_Weights.IMAGENET1K_V1;
}

export class MNASNet0_75_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new MNASNet0_75_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/mnasnet0_75-7090bc5f.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/pull/6019',
      numParams: 3170208,
      _metrics: { 'ImageNet-1K': { 'acc@1': 71.18, 'acc@5': 90.496 } },
      _ops: 0.215,
      _fileSize: 12.303,
      _docs: '\n                These weights were trained from scratch by using TorchVision\'s `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly DEFAULT = MNASNet0_75_Weights.IMAGENET1K_V1;
}

export class MNASNet1_0_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new MNASNet1_0_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/mnasnet1.0_top1_73.512-f206786ef8.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/1e100/mnasnet_trainer',
      numParams: 4383312,
      _metrics: { 'ImageNet-1K': { 'acc@1': 73.456, 'acc@5': 91.51 } },
      _ops: 0.314,
      _fileSize: 16.915,
      _docs: 'These weights reproduce closely the results of the paper.',
    }),
  );
  static readonly DEFAULT = MNASNet1_0_Weights.IMAGENET1K_V1;
}

export class MNASNet1_3_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new MNASNet1_3_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/mnasnet1_3-a4c69d6f.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/pull/6019',
      numParams: 6282256,
      _metrics: { 'ImageNet-1K': { 'acc@1': 76.506, 'acc@5': 93.522 } },
      _ops: 0.526,
      _fileSize: 24.246,
      _docs: '\n                These weights were trained from scratch by using TorchVision\'s `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly DEFAULT = MNASNet1_3_Weights.IMAGENET1K_V1;
}

/** MNASNet with depth multiplier 0.5. */
export function mnasnet0_5(...args: [MNASNetBuilderOptions<MNASNet0_5_Weights>?]): MNASNet {
  return _mnasnet('mnasnet0_5', 0.5, MNASNet0_5_Weights, args);
}
/** MNASNet with depth multiplier 0.75. */
export function mnasnet0_75(...args: [MNASNetBuilderOptions<MNASNet0_75_Weights>?]): MNASNet {
  return _mnasnet('mnasnet0_75', 0.75, MNASNet0_75_Weights, args);
}
/** MNASNet with depth multiplier 1.0. */
export function mnasnet1_0(...args: [MNASNetBuilderOptions<MNASNet1_0_Weights>?]): MNASNet {
  return _mnasnet('mnasnet1_0', 1.0, MNASNet1_0_Weights, args);
}
/** MNASNet with depth multiplier 1.3. */
export function mnasnet1_3(...args: [MNASNetBuilderOptions<MNASNet1_3_Weights>?]): MNASNet {
  return _mnasnet('mnasnet1_3', 1.3, MNASNet1_3_Weights, args);
}

registerModel('mnasnet0_5', mnasnet0_5, MNASNet0_5_Weights);
registerModel('mnasnet0_75', mnasnet0_75, MNASNet0_75_Weights);
registerModel('mnasnet1_0', mnasnet1_0, MNASNet1_0_Weights);
registerModel('mnasnet1_3', mnasnet1_3, MNASNet1_3_Weights);
