// torchvision/models/shufflenetv2.py
import { cat, transpose } from '../../generated/torch';
import * as nn from '../../nn';
import { pySignature } from '../../python_signature';
import type { Tensor } from '../../tensor';
import { ImageClassification } from '../transforms/_presets';
import { registerModel, Weights, WeightsEnum, type WeightsEnumClass } from './_api';
import { _IMAGENET_CATEGORIES } from './_meta';
import { _builderArgs, _ovewriteNamedParam, makeLayer, type BuilderOptions, type LayerFactory } from './_utils';

/** Interleaves the channels of `groups` groups. */
export function channelShuffle(x: Tensor, groups: number): Tensor {
  const [batchsize, numChannels, height, width] = [...x.shape] as [number, number, number, number];
  const channelsPerGroup = Math.floor(numChannels / groups);
  x = x.view(batchsize, groups, channelsPerGroup, height, width);
  x = transpose(x, 1, 2).contiguous();
  return x.view(batchsize, numChannels, height, width);
}

export class InvertedResidual extends nn.Module {
  static override pythonModule = 'torchvision.models.shufflenetv2';
  declare stride: number;
  declare branch1: nn.Sequential;
  declare branch2: nn.Sequential;

  constructor(inp: number, oup: number, stride: number) {
    super();
    if (!(stride >= 1 && stride <= 3)) throw new RangeError('illegal stride value');
    this.stride = stride;
    const branchFeatures = Math.floor(oup / 2);
    if (this.stride === 1 && inp !== branchFeatures << 1) {
      throw new RangeError(
        `Invalid combination of stride ${stride}, inp ${inp} and oup ${oup} values. If stride == 1 then inp should be equal to oup // 2 << 1.`,
      );
    }
    if (this.stride > 1) {
      this.branch1 = new nn.Sequential(
        InvertedResidual.depthwiseConv(inp, inp, 3, this.stride, 1),
        new nn.BatchNorm2d(inp),
        new nn.Conv2d(inp, branchFeatures, 1, { stride: 1, padding: 0, bias: false }),
        new nn.BatchNorm2d(branchFeatures),
        new nn.ReLU(true),
      );
    } else {
      this.branch1 = new nn.Sequential();
    }
    this.branch2 = new nn.Sequential(
      new nn.Conv2d(this.stride > 1 ? inp : branchFeatures, branchFeatures, 1, { stride: 1, padding: 0, bias: false }),
      new nn.BatchNorm2d(branchFeatures),
      new nn.ReLU(true),
      InvertedResidual.depthwiseConv(branchFeatures, branchFeatures, 3, this.stride, 1),
      new nn.BatchNorm2d(branchFeatures),
      new nn.Conv2d(branchFeatures, branchFeatures, 1, { stride: 1, padding: 0, bias: false }),
      new nn.BatchNorm2d(branchFeatures),
      new nn.ReLU(true),
    );
  }

  static depthwiseConv(i: number, o: number, kernelSize: number, stride = 1, padding = 0, bias = false): nn.Conv2d {
    return new nn.Conv2d(i, o, kernelSize, stride, padding, { bias, groups: i });
  }

  override forward(x: Tensor): Tensor {
    let out: Tensor;
    if (this.stride === 1) {
      const [x1, x2] = x.chunk(2, { dim: 1 }) as [Tensor, Tensor];
      out = cat([x1, this.branch2.call(x2) as Tensor], { dim: 1 });
    } else {
      out = cat([this.branch1.call(x) as Tensor, this.branch2.call(x) as Tensor], { dim: 1 });
    }
    return channelShuffle(out, 2);
  }
}

const SHUFFLENET_V2 = pySignature('ShuffleNetV2.__init__', 'self, stages_repeats, stages_out_channels, num_classes=1000, inverted_residual=None');

export interface ShuffleNetV2Options {
  numClasses?: number;
  invertedResidual?: LayerFactory<[number, number, number]> | null;
}

export class ShuffleNetV2 extends nn.Module {
  static override pythonModule = 'torchvision.models.shufflenetv2';
  static override listAttributes: readonly string[] = ['_stage_out_channels'];
  declare _stageOutChannels: number[];
  declare conv1: nn.Sequential;
  declare maxpool: nn.MaxPool2d;
  declare stage2: nn.Sequential;
  declare stage3: nn.Sequential;
  declare stage4: nn.Sequential;
  declare conv5: nn.Sequential;
  declare fc: nn.Linear;

  constructor(
    ...args:
      | [stagesRepeats: readonly number[], stagesOutChannels: readonly number[], numClasses?: number, invertedResidual?: LayerFactory<[number, number, number]> | null]
      | [stagesRepeats: readonly number[], stagesOutChannels: readonly number[], options: ShuffleNetV2Options]
  ) {
    super();
    const o = SHUFFLENET_V2<Required<ShuffleNetV2Options> & { stagesRepeats: number[]; stagesOutChannels: number[] }>(args);
    const invertedResidual = o.invertedResidual ?? InvertedResidual;
    if (o.stagesRepeats.length !== 3) throw new RangeError('expected stages_repeats as list of 3 positive ints');
    if (o.stagesOutChannels.length !== 5) throw new RangeError('expected stages_out_channels as list of 5 positive ints');
    this._stageOutChannels = [...o.stagesOutChannels];
    let inputChannels = 3;
    let outputChannels = this._stageOutChannels[0]!;
    this.conv1 = new nn.Sequential(new nn.Conv2d(inputChannels, outputChannels, 3, 2, 1, { bias: false }), new nn.BatchNorm2d(outputChannels), new nn.ReLU(true));
    inputChannels = outputChannels;
    this.maxpool = new nn.MaxPool2d(3, 2, 1);
    (['stage2', 'stage3', 'stage4'] as const).forEach((name, i) => {
      const repeats = o.stagesRepeats[i]!;
      const out = this._stageOutChannels[i + 1]!;
      const seq = [makeLayer(invertedResidual, inputChannels, out, 2)];
      for (let j = 0; j < repeats - 1; j++) seq.push(makeLayer(invertedResidual, out, out, 1));
      this[name] = new nn.Sequential(...seq);
      inputChannels = out;
    });
    outputChannels = this._stageOutChannels[this._stageOutChannels.length - 1]!;
    this.conv5 = new nn.Sequential(new nn.Conv2d(inputChannels, outputChannels, 1, 1, 0, { bias: false }), new nn.BatchNorm2d(outputChannels), new nn.ReLU(true));
    this.fc = new nn.Linear(outputChannels, o.numClasses);
  }

  _forwardImpl(x: Tensor): Tensor {
    x = this.maxpool.call(this.conv1.call(x) as Tensor);
    x = this.stage4.call(this.stage3.call(this.stage2.call(x))) as Tensor;
    x = (this.conv5.call(x) as Tensor).mean([2, 3]); // global pool
    return this.fc.call(x);
  }

  override forward(x: Tensor): Tensor {
    return this._forwardImpl(x);
  }
}

export type ShuffleNetV2BuilderOptions<W extends WeightsEnum> = BuilderOptions<W> & ShuffleNetV2Options;

function _shufflenetv2<W extends WeightsEnum>(name: string, weightsEnum: WeightsEnumClass<W>, args: readonly unknown[], stagesRepeats: number[], stagesOutChannels: number[]): ShuffleNetV2 {
  const { weights, progress, kwargs } = _builderArgs(name, weightsEnum, args);
  if (weights !== null) _ovewriteNamedParam(kwargs, 'num_classes', weights.meta.categories!.length);
  const model = new ShuffleNetV2(stagesRepeats, stagesOutChannels, kwargs);
  if (weights !== null) model.loadStateDict(weights.getStateDict({ progress, checkHash: true }));
  return model;
}

export class ShuffleNet_V2_X0_5_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new ShuffleNet_V2_X0_5_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/shufflenetv2_x0.5-f707e7126e.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/ericsun99/Shufflenet-v2-Pytorch',
      numParams: 1366792,
      _metrics: { 'ImageNet-1K': { 'acc@1': 60.552, 'acc@5': 81.746 } },
      _ops: 0.04,
      _fileSize: 5.282,
      _docs: 'These weights were trained from scratch to reproduce closely the results of the paper.',
    }),
  );
  static readonly DEFAULT = ShuffleNet_V2_X0_5_Weights.IMAGENET1K_V1;
}

export class ShuffleNet_V2_X1_0_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new ShuffleNet_V2_X1_0_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/shufflenetv2_x1-5666bf0f80.pth', () => new ImageClassification({ cropSize: 224 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/ericsun99/Shufflenet-v2-Pytorch',
      numParams: 2278604,
      _metrics: { 'ImageNet-1K': { 'acc@1': 69.362, 'acc@5': 88.316 } },
      _ops: 0.145,
      _fileSize: 8.791,
      _docs: 'These weights were trained from scratch to reproduce closely the results of the paper.',
    }),
  );
  static readonly DEFAULT = ShuffleNet_V2_X1_0_Weights.IMAGENET1K_V1;
}

export class ShuffleNet_V2_X1_5_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new ShuffleNet_V2_X1_5_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/shufflenetv2_x1_5-3c479a10.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/pull/5906',
      numParams: 3503624,
      _metrics: { 'ImageNet-1K': { 'acc@1': 72.996, 'acc@5': 91.086 } },
      _ops: 0.296,
      _fileSize: 13.557,
      _docs: '\n                These weights were trained from scratch by using TorchVision\'s `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly DEFAULT = ShuffleNet_V2_X1_5_Weights.IMAGENET1K_V1;
}

export class ShuffleNet_V2_X2_0_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new ShuffleNet_V2_X2_0_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/shufflenetv2_x2_0-8be3c8ee.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 232 }), {
      minSize: [1, 1],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/pull/5906',
      numParams: 7393996,
      _metrics: { 'ImageNet-1K': { 'acc@1': 76.23, 'acc@5': 93.006 } },
      _ops: 0.583,
      _fileSize: 28.433,
      _docs: '\n                These weights were trained from scratch by using TorchVision\'s `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly DEFAULT = ShuffleNet_V2_X2_0_Weights.IMAGENET1K_V1;
}

/** ShuffleNetV2 with 0.5x output channels, from "ShuffleNet V2: Practical Guidelines for Efficient CNN Architecture Design". */
export function shufflenetV2X0_5(...args: [ShuffleNetV2BuilderOptions<ShuffleNet_V2_X0_5_Weights>?]): ShuffleNetV2 {
  return _shufflenetv2('shufflenet_v2_x0_5', ShuffleNet_V2_X0_5_Weights, args, [4, 8, 4], [24, 48, 96, 192, 1024]);
}
/** ShuffleNetV2 with 1.0x output channels. */
export function shufflenetV2X1_0(...args: [ShuffleNetV2BuilderOptions<ShuffleNet_V2_X1_0_Weights>?]): ShuffleNetV2 {
  return _shufflenetv2('shufflenet_v2_x1_0', ShuffleNet_V2_X1_0_Weights, args, [4, 8, 4], [24, 116, 232, 464, 1024]);
}
/** ShuffleNetV2 with 1.5x output channels. */
export function shufflenetV2X1_5(...args: [ShuffleNetV2BuilderOptions<ShuffleNet_V2_X1_5_Weights>?]): ShuffleNetV2 {
  return _shufflenetv2('shufflenet_v2_x1_5', ShuffleNet_V2_X1_5_Weights, args, [4, 8, 4], [24, 176, 352, 704, 1024]);
}
/** ShuffleNetV2 with 2.0x output channels. */
export function shufflenetV2X2_0(...args: [ShuffleNetV2BuilderOptions<ShuffleNet_V2_X2_0_Weights>?]): ShuffleNetV2 {
  return _shufflenetv2('shufflenet_v2_x2_0', ShuffleNet_V2_X2_0_Weights, args, [4, 8, 4], [24, 244, 488, 976, 2048]);
}

registerModel('shufflenet_v2_x0_5', shufflenetV2X0_5, ShuffleNet_V2_X0_5_Weights);
registerModel('shufflenet_v2_x1_0', shufflenetV2X1_0, ShuffleNet_V2_X1_0_Weights);
registerModel('shufflenet_v2_x1_5', shufflenetV2X1_5, ShuffleNet_V2_X1_5_Weights);
registerModel('shufflenet_v2_x2_0', shufflenetV2X2_0, ShuffleNet_V2_X2_0_Weights);
