// torchvision/models/googlenet.py
import { cat, flatten, unsqueeze } from '../../generated/torch';
import * as nn from '../../nn';
import * as F from '../../nn/functional';
import { pySignature } from '../../python_signature';
import type { Tensor } from '../../tensor';
import { ImageClassification } from '../transforms/_presets';
import { registerModel, Weights, WeightsEnum } from './_api';
import { _IMAGENET_CATEGORIES } from './_meta';
import { _builderArgs, _ovewriteNamedParam, makeLayer, type BuilderOptions, type LayerFactory } from './_utils';

/** GoogLeNet's training-mode output: the logits and the two auxiliary heads' (a named tuple). */
export type GoogLeNetOutputs = [logits: Tensor, auxLogits2: Tensor | null, auxLogits1: Tensor | null] & {
  logits: Tensor;
  auxLogits2: Tensor | null;
  auxLogits1: Tensor | null;
};

function googLeNetOutputs(logits: Tensor, auxLogits2: Tensor | null, auxLogits1: Tensor | null): GoogLeNetOutputs {
  return Object.assign([logits, auxLogits2, auxLogits1], { logits, auxLogits2, auxLogits1 }) as GoogLeNetOutputs;
}

/** A convolution block: `(inChannels, outChannels, convOptions) => Module`. */
export type ConvBlock = LayerFactory<[number, number, Record<string, unknown>]>;

const GOOGLENET = pySignature(
  'GoogLeNet.__init__',
  'self, num_classes=1000, aux_logits=True, transform_input=False, init_weights=None, blocks=None, dropout=0.2, dropout_aux=0.7',
);

export interface GoogLeNetOptions {
  numClasses?: number;
  auxLogits?: boolean;
  transformInput?: boolean;
  initWeights?: boolean | null;
  blocks?: [ConvBlock, LayerFactory<never[]>, LayerFactory<never[]>] | null;
  dropout?: number;
  dropoutAux?: number;
}

export class GoogLeNet extends nn.Module {
  static override pythonModule = 'torchvision.models.googlenet';
  declare auxLogits: boolean;
  declare transformInput: boolean;
  declare conv1: nn.Module;
  declare maxpool1: nn.MaxPool2d;
  declare conv2: nn.Module;
  declare conv3: nn.Module;
  declare maxpool2: nn.MaxPool2d;
  declare inception3a: nn.Module;
  declare inception3b: nn.Module;
  declare maxpool3: nn.MaxPool2d;
  declare inception4a: nn.Module;
  declare inception4b: nn.Module;
  declare inception4c: nn.Module;
  declare inception4d: nn.Module;
  declare inception4e: nn.Module;
  declare maxpool4: nn.MaxPool2d;
  declare inception5a: nn.Module;
  declare inception5b: nn.Module;
  declare aux1: nn.Module | null;
  declare aux2: nn.Module | null;
  declare avgpool: nn.AdaptiveAvgPool2d;
  declare dropout: nn.Dropout;
  declare fc: nn.Linear;

  constructor(...args: [GoogLeNetOptions?]) {
    super();
    const o = GOOGLENET<Required<GoogLeNetOptions>>(args);
    const blocks = (o.blocks ?? [BasicConv2d, Inception, InceptionAux]) as unknown as [ConvBlock, LayerFactory<unknown[]>, LayerFactory<unknown[]>];
    let initWeights = o.initWeights;
    if (initWeights === null) {
      process.emitWarning(
        'The default weight initialization of GoogleNet will be changed in future releases of torchvision. If you wish to keep the old ' +
          'behavior (which leads to long initialization times due to scipy/scipy#11299), please set init_weights=True.',
        'FutureWarning',
      );
      initWeights = true;
    }
    if (blocks.length !== 3) throw new RangeError(`blocks length should be 3 instead of ${blocks.length}`);
    const [convBlock, inceptionBlock, inceptionAuxBlock] = blocks;
    this.auxLogits = o.auxLogits;
    this.transformInput = o.transformInput;

    this.conv1 = makeLayer(convBlock, 3, 64, { kernelSize: 7, stride: 2, padding: 3 });
    this.maxpool1 = new nn.MaxPool2d(3, { stride: 2, ceilMode: true });
    this.conv2 = makeLayer(convBlock, 64, 64, { kernelSize: 1 });
    this.conv3 = makeLayer(convBlock, 64, 192, { kernelSize: 3, padding: 1 });
    this.maxpool2 = new nn.MaxPool2d(3, { stride: 2, ceilMode: true });

    this.inception3a = makeLayer(inceptionBlock, 192, 64, 96, 128, 16, 32, 32);
    this.inception3b = makeLayer(inceptionBlock, 256, 128, 128, 192, 32, 96, 64);
    this.maxpool3 = new nn.MaxPool2d(3, { stride: 2, ceilMode: true });

    this.inception4a = makeLayer(inceptionBlock, 480, 192, 96, 208, 16, 48, 64);
    this.inception4b = makeLayer(inceptionBlock, 512, 160, 112, 224, 24, 64, 64);
    this.inception4c = makeLayer(inceptionBlock, 512, 128, 128, 256, 24, 64, 64);
    this.inception4d = makeLayer(inceptionBlock, 512, 112, 144, 288, 32, 64, 64);
    this.inception4e = makeLayer(inceptionBlock, 528, 256, 160, 320, 32, 128, 128);
    this.maxpool4 = new nn.MaxPool2d(2, { stride: 2, ceilMode: true });

    this.inception5a = makeLayer(inceptionBlock, 832, 256, 160, 320, 32, 128, 128);
    this.inception5b = makeLayer(inceptionBlock, 832, 384, 192, 384, 48, 128, 128);

    if (o.auxLogits) {
      this.aux1 = makeLayer(inceptionAuxBlock, 512, o.numClasses, { dropout: o.dropoutAux });
      this.aux2 = makeLayer(inceptionAuxBlock, 528, o.numClasses, { dropout: o.dropoutAux });
    } else {
      this.aux1 = null;
      this.aux2 = null;
    }
    this.avgpool = new nn.AdaptiveAvgPool2d([1, 1]);
    this.dropout = new nn.Dropout(o.dropout);
    this.fc = new nn.Linear(1024, o.numClasses);

    if (initWeights) {
      for (const m of this.modules()) {
        if (m instanceof nn.Conv2d || m instanceof nn.Linear) {
          nn.init.truncNormal_(m.weight, { mean: 0.0, std: 0.01, a: -2, b: 2 });
        } else if (m instanceof nn.BatchNorm2d) {
          nn.init.constant_(m.weight!, 1);
          nn.init.constant_(m.bias!, 0);
        }
      }
    }
  }

  _transformInput(x: Tensor): Tensor {
    if (!this.transformInput) return x;
    const ch0 = unsqueeze(x.get(':', 0), 1).mul(0.229 / 0.5).add((0.485 - 0.5) / 0.5);
    const ch1 = unsqueeze(x.get(':', 1), 1).mul(0.224 / 0.5).add((0.456 - 0.5) / 0.5);
    const ch2 = unsqueeze(x.get(':', 2), 1).mul(0.225 / 0.5).add((0.406 - 0.5) / 0.5);
    return cat([ch0, ch1, ch2], 1);
  }

  _forward(x: Tensor): [Tensor, Tensor | null, Tensor | null] {
    x = this.maxpool1.call(this.conv1.call(x));
    x = this.maxpool2.call(this.conv3.call(this.conv2.call(x)));
    x = this.inception3b.call(this.inception3a.call(x));
    x = this.inception4a.call(this.maxpool3.call(x));
    const aux1 = this.aux1 !== null && this.training ? (this.aux1.call(x) as Tensor) : null;
    x = this.inception4d.call(this.inception4c.call(this.inception4b.call(x)));
    const aux2 = this.aux2 !== null && this.training ? (this.aux2.call(x) as Tensor) : null;
    x = this.maxpool4.call(this.inception4e.call(x));
    x = this.inception5b.call(this.inception5a.call(x));
    x = flatten(this.avgpool.call(x), 1);
    x = this.fc.call(this.dropout.call(x));
    return [x, aux2, aux1];
  }

  /** The logits; in training mode with auxLogits, GoogLeNetOutputs. */
  override forward(x: Tensor): Tensor | GoogLeNetOutputs {
    const [logits, aux2, aux1] = this._forward(this._transformInput(x));
    return this.training && this.auxLogits ? googLeNetOutputs(logits, aux2, aux1) : logits;
  }
}

const INCEPTION = pySignature('Inception.__init__', 'self, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj, conv_block=None');

export class Inception extends nn.Module {
  static override pythonModule = 'torchvision.models.googlenet';
  declare branch1: nn.Module;
  declare branch2: nn.Sequential;
  declare branch3: nn.Sequential;
  declare branch4: nn.Sequential;

  constructor(
    ...args:
      | [inChannels: number, ch1x1: number, ch3x3red: number, ch3x3: number, ch5x5red: number, ch5x5: number, poolProj: number, convBlock?: ConvBlock | null]
      | [inChannels: number, ch1x1: number, ch3x3red: number, ch3x3: number, ch5x5red: number, ch5x5: number, poolProj: number, options: { convBlock?: ConvBlock | null }]
  ) {
    super();
    const o = INCEPTION<{ inChannels: number; ch1x1: number; ch3x3red: number; ch3x3: number; ch5x5red: number; ch5x5: number; poolProj: number; convBlock: ConvBlock | null }>(args);
    const convBlock = o.convBlock ?? BasicConv2d;
    this.branch1 = makeLayer(convBlock, o.inChannels, o.ch1x1, { kernelSize: 1 });
    this.branch2 = new nn.Sequential(makeLayer(convBlock, o.inChannels, o.ch3x3red, { kernelSize: 1 }), makeLayer(convBlock, o.ch3x3red, o.ch3x3, { kernelSize: 3, padding: 1 }));
    // kernel_size=3 instead of 5 is a known bug kept for the checkpoints (pytorch/vision#906).
    this.branch3 = new nn.Sequential(makeLayer(convBlock, o.inChannels, o.ch5x5red, { kernelSize: 1 }), makeLayer(convBlock, o.ch5x5red, o.ch5x5, { kernelSize: 3, padding: 1 }));
    this.branch4 = new nn.Sequential(new nn.MaxPool2d(3, { stride: 1, padding: 1, ceilMode: true }), makeLayer(convBlock, o.inChannels, o.poolProj, { kernelSize: 1 }));
  }

  _forward(x: Tensor): Tensor[] {
    return [this.branch1.call(x), this.branch2.call(x), this.branch3.call(x), this.branch4.call(x)] as Tensor[];
  }

  override forward(x: Tensor): Tensor {
    return cat(this._forward(x), 1);
  }
}

const INCEPTION_AUX = pySignature('InceptionAux.__init__', 'self, in_channels, num_classes, conv_block=None, dropout=0.7');

export class InceptionAux extends nn.Module {
  static override pythonModule = 'torchvision.models.googlenet';
  declare conv: nn.Module;
  declare fc1: nn.Linear;
  declare fc2: nn.Linear;
  declare dropout: nn.Dropout;

  constructor(
    ...args:
      | [inChannels: number, numClasses: number, convBlock?: ConvBlock | null, dropout?: number]
      | [inChannels: number, numClasses: number, options: { convBlock?: ConvBlock | null; dropout?: number }]
  ) {
    super();
    const o = INCEPTION_AUX<{ inChannels: number; numClasses: number; convBlock: ConvBlock | null; dropout: number }>(args);
    const convBlock = o.convBlock ?? BasicConv2d;
    this.conv = makeLayer(convBlock, o.inChannels, 128, { kernelSize: 1 });
    this.fc1 = new nn.Linear(2048, 1024);
    this.fc2 = new nn.Linear(1024, o.numClasses);
    this.dropout = new nn.Dropout(o.dropout);
  }

  override forward(x: Tensor): Tensor {
    x = F.adaptiveAvgPool2d(x, [4, 4]);
    x = flatten(this.conv.call(x) as Tensor, 1);
    x = F.relu(this.fc1.call(x), { inplace: true });
    return this.fc2.call(this.dropout.call(x));
  }
}

/** Convolution (no bias), BatchNorm (eps 0.001), ReLU; `options` are the convolution's (kernelSize, stride, ...). */
export class BasicConv2d extends nn.Module {
  static override pythonModule = 'torchvision.models.googlenet';
  declare conv: nn.Conv2d;
  declare bn: nn.BatchNorm2d;

  constructor(inChannels: number, outChannels: number, options: Record<string, unknown> = {}) {
    super();
    this.conv = new nn.Conv2d(inChannels, outChannels, { bias: false, ...options } as never);
    this.bn = new nn.BatchNorm2d(outChannels, { eps: 0.001 });
  }

  override forward(x: Tensor): Tensor {
    return F.relu(this.bn.call(this.conv.call(x)), { inplace: true });
  }
}

export class GoogLeNet_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new GoogLeNet_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/googlenet-1378be20.pth', () => new ImageClassification({ cropSize: 224 }), {
      numParams: 6624904,
      minSize: [15, 15],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#googlenet',
      _metrics: { 'ImageNet-1K': { 'acc@1': 69.778, 'acc@5': 89.53 } },
      _ops: 1.498,
      _fileSize: 49.731,
      _docs: 'These weights are ported from the original paper.',
    }),
  );
  static readonly DEFAULT = GoogLeNet_Weights.IMAGENET1K_V1;
}

/** GoogLeNet (Inception v1) from "Going Deeper with Convolutions". */
export function googlenet(...args: [(BuilderOptions<GoogLeNet_Weights> & GoogLeNetOptions)?]): GoogLeNet {
  const { weights, progress, kwargs } = _builderArgs('googlenet', GoogLeNet_Weights, args);
  const originalAuxLogits = (kwargs.auxLogits as boolean | undefined) ?? false;
  if (weights !== null) {
    if (!('transformInput' in kwargs)) _ovewriteNamedParam(kwargs, 'transform_input', true);
    _ovewriteNamedParam(kwargs, 'aux_logits', true);
    _ovewriteNamedParam(kwargs, 'init_weights', false);
    _ovewriteNamedParam(kwargs, 'num_classes', weights.meta.categories!.length);
  }
  const model = new GoogLeNet(kwargs);
  if (weights !== null) {
    model.loadStateDict(weights.getStateDict({ progress, checkHash: true }));
    if (!originalAuxLogits) {
      model.auxLogits = false;
      model.aux1 = null;
      model.aux2 = null;
    } else {
      process.emitWarning('auxiliary heads in the pretrained googlenet model are NOT pretrained, so make sure to train them', 'UserWarning');
    }
  }
  return model;
}

registerModel('googlenet', googlenet, GoogLeNet_Weights);
