// torchvision/models/inception.py: Inception v3.
import { cat, flatten, unsqueeze } from '../../generated/torch';
import * as nn from '../../nn';
import * as F from '../../nn/functional';
import { pySignature } from '../../python_signature';
import type { Tensor } from '../../tensor';
import { ImageClassification } from '../transforms/_presets';
import { registerModel, Weights, WeightsEnum } from './_api';
import { _IMAGENET_CATEGORIES } from './_meta';
import { _builderArgs, _ovewriteNamedParam, makeLayer, type BuilderOptions, type LayerFactory } from './_utils';

/** Inception3's training-mode output: the logits and the auxiliary head's (a named tuple). */
export type InceptionOutputs = [logits: Tensor, auxLogits: Tensor | null] & { logits: Tensor; auxLogits: Tensor | null };

/** A convolution block: `(inChannels, outChannels, convOptions) => Module`. */
export type ConvBlock = LayerFactory<[number, number, Record<string, unknown>]>;
type AnyFactory = LayerFactory<unknown[]>;

const INCEPTION3 = pySignature(
  'Inception3.__init__',
  'self, num_classes=1000, aux_logits=True, transform_input=False, inception_blocks=None, init_weights=None, dropout=0.5',
);

export interface Inception3Options {
  numClasses?: number;
  auxLogits?: boolean;
  transformInput?: boolean;
  /** [conv block, InceptionA, InceptionB, InceptionC, InceptionD, InceptionE, InceptionAux] */
  inceptionBlocks?: readonly AnyFactory[] | null;
  initWeights?: boolean | null;
  dropout?: number;
}

export class Inception3 extends nn.Module {
  static override pythonModule = 'torchvision.models.inception';
  declare auxLogits: boolean;
  declare transformInput: boolean;
  declare Conv2d_1a_3x3: nn.Module;
  declare Conv2d_2a_3x3: nn.Module;
  declare Conv2d_2b_3x3: nn.Module;
  declare maxpool1: nn.MaxPool2d;
  declare Conv2d_3b_1x1: nn.Module;
  declare Conv2d_4a_3x3: nn.Module;
  declare maxpool2: nn.MaxPool2d;
  declare Mixed_5b: nn.Module;
  declare Mixed_5c: nn.Module;
  declare Mixed_5d: nn.Module;
  declare Mixed_6a: nn.Module;
  declare Mixed_6b: nn.Module;
  declare Mixed_6c: nn.Module;
  declare Mixed_6d: nn.Module;
  declare Mixed_6e: nn.Module;
  declare AuxLogits: nn.Module | null;
  declare Mixed_7a: nn.Module;
  declare Mixed_7b: nn.Module;
  declare Mixed_7c: nn.Module;
  declare avgpool: nn.AdaptiveAvgPool2d;
  declare dropout: nn.Dropout;
  declare fc: nn.Linear;

  constructor(...args: [Inception3Options?]) {
    super();
    const o = INCEPTION3<Required<Inception3Options>>(args);
    const blocks = (o.inceptionBlocks ?? [BasicConv2d, InceptionA, InceptionB, InceptionC, InceptionD, InceptionE, InceptionAux]) as AnyFactory[];
    let initWeights = o.initWeights;
    if (initWeights === null) {
      process.emitWarning(
        'The default weight initialization of inception_v3 will be changed in future releases of torchvision. If you wish to keep the old ' +
          'behavior (which leads to long initialization times due to scipy/scipy#11299), please set init_weights=True.',
        'FutureWarning',
      );
      initWeights = true;
    }
    if (blocks.length !== 7) throw new RangeError(`length of inception_blocks should be 7 instead of ${blocks.length}`);
    const [convBlock, inceptionA, inceptionB, inceptionC, inceptionD, inceptionE, inceptionAux] = blocks as [AnyFactory, AnyFactory, AnyFactory, AnyFactory, AnyFactory, AnyFactory, AnyFactory];
    this.auxLogits = o.auxLogits;
    this.transformInput = o.transformInput;
    this.Conv2d_1a_3x3 = makeLayer(convBlock, 3, 32, { kernelSize: 3, stride: 2 });
    this.Conv2d_2a_3x3 = makeLayer(convBlock, 32, 32, { kernelSize: 3 });
    this.Conv2d_2b_3x3 = makeLayer(convBlock, 32, 64, { kernelSize: 3, padding: 1 });
    this.maxpool1 = new nn.MaxPool2d(3, 2);
    this.Conv2d_3b_1x1 = makeLayer(convBlock, 64, 80, { kernelSize: 1 });
    this.Conv2d_4a_3x3 = makeLayer(convBlock, 80, 192, { kernelSize: 3 });
    this.maxpool2 = new nn.MaxPool2d(3, 2);
    this.Mixed_5b = makeLayer(inceptionA, 192, { poolFeatures: 32 });
    this.Mixed_5c = makeLayer(inceptionA, 256, { poolFeatures: 64 });
    this.Mixed_5d = makeLayer(inceptionA, 288, { poolFeatures: 64 });
    this.Mixed_6a = makeLayer(inceptionB, 288);
    this.Mixed_6b = makeLayer(inceptionC, 768, { channels7x7: 128 });
    this.Mixed_6c = makeLayer(inceptionC, 768, { channels7x7: 160 });
    this.Mixed_6d = makeLayer(inceptionC, 768, { channels7x7: 160 });
    this.Mixed_6e = makeLayer(inceptionC, 768, { channels7x7: 192 });
    this.AuxLogits = o.auxLogits ? makeLayer(inceptionAux, 768, o.numClasses) : null;
    this.Mixed_7a = makeLayer(inceptionD, 768);
    this.Mixed_7b = makeLayer(inceptionE, 1280);
    this.Mixed_7c = makeLayer(inceptionE, 2048);
    this.avgpool = new nn.AdaptiveAvgPool2d([1, 1]);
    this.dropout = new nn.Dropout(o.dropout);
    this.fc = new nn.Linear(2048, o.numClasses);
    if (initWeights) {
      for (const m of this.modules()) {
        if (m instanceof nn.Conv2d || m instanceof nn.Linear) {
          const stddev = 'stddev' in m ? (m as unknown as { stddev: number }).stddev : 0.1;
          nn.init.truncNormal_(m.weight, { mean: 0.0, std: stddev, a: -2, b: 2 });
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

  _forward(x: Tensor): [Tensor, Tensor | null] {
    for (const name of ['Conv2d_1a_3x3', 'Conv2d_2a_3x3', 'Conv2d_2b_3x3', 'maxpool1', 'Conv2d_3b_1x1', 'Conv2d_4a_3x3', 'maxpool2'] as const) {
      x = this[name].call(x) as Tensor;
    }
    for (const name of ['Mixed_5b', 'Mixed_5c', 'Mixed_5d', 'Mixed_6a', 'Mixed_6b', 'Mixed_6c', 'Mixed_6d', 'Mixed_6e'] as const) {
      x = this[name].call(x) as Tensor;
    }
    const aux = this.AuxLogits !== null && this.training ? (this.AuxLogits.call(x) as Tensor) : null;
    x = this.Mixed_7c.call(this.Mixed_7b.call(this.Mixed_7a.call(x))) as Tensor;
    x = this.dropout.call(this.avgpool.call(x));
    return [this.fc.call(flatten(x, 1)), aux];
  }

  /** The logits; in training mode with auxLogits, InceptionOutputs. */
  override forward(x: Tensor): Tensor | InceptionOutputs {
    const [logits, aux] = this._forward(this._transformInput(x));
    if (this.training && this.auxLogits) return Object.assign([logits, aux], { logits, auxLogits: aux }) as InceptionOutputs;
    return logits;
  }
}

const INCEPTION_A = pySignature('InceptionA.__init__', 'self, in_channels, pool_features, conv_block=None');
const INCEPTION_B = pySignature('InceptionB.__init__', 'self, in_channels, conv_block=None');
const INCEPTION_C = pySignature('InceptionC.__init__', 'self, in_channels, channels_7x7, conv_block=None');
const INCEPTION_D = pySignature('InceptionD.__init__', 'self, in_channels, conv_block=None');
const INCEPTION_E = pySignature('InceptionE.__init__', 'self, in_channels, conv_block=None');
const INCEPTION_AUX = pySignature('InceptionAux.__init__', 'self, in_channels, num_classes, conv_block=None');

type Bound = { inChannels: number; convBlock: ConvBlock | null; poolFeatures: number; channels7x7: number; numClasses: number };
const conv = (block: ConvBlock, i: number, o: number, options: Record<string, unknown>): nn.Module => makeLayer(block, i, o, options);
const avgPool3 = (x: Tensor): Tensor => F.avgPool2d(x, { kernelSize: 3, stride: 1, padding: 1 });

export class InceptionA extends nn.Module {
  static override pythonModule = 'torchvision.models.inception';
  declare branch1x1: nn.Module;
  declare branch5x5_1: nn.Module;
  declare branch5x5_2: nn.Module;
  declare branch3x3dbl_1: nn.Module;
  declare branch3x3dbl_2: nn.Module;
  declare branch3x3dbl_3: nn.Module;
  declare branch_pool: nn.Module;

  constructor(...args: [inChannels: number, poolFeatures: number, convBlock?: ConvBlock | null] | [inChannels: number, options: { poolFeatures: number; convBlock?: ConvBlock | null }]) {
    super();
    const o = INCEPTION_A<Bound>(args);
    const b = o.convBlock ?? BasicConv2d;
    this.branch1x1 = conv(b, o.inChannels, 64, { kernelSize: 1 });
    this.branch5x5_1 = conv(b, o.inChannels, 48, { kernelSize: 1 });
    this.branch5x5_2 = conv(b, 48, 64, { kernelSize: 5, padding: 2 });
    this.branch3x3dbl_1 = conv(b, o.inChannels, 64, { kernelSize: 1 });
    this.branch3x3dbl_2 = conv(b, 64, 96, { kernelSize: 3, padding: 1 });
    this.branch3x3dbl_3 = conv(b, 96, 96, { kernelSize: 3, padding: 1 });
    this.branch_pool = conv(b, o.inChannels, o.poolFeatures, { kernelSize: 1 });
  }

  _forward(x: Tensor): Tensor[] {
    const branch1x1 = this.branch1x1.call(x) as Tensor;
    const branch5x5 = this.branch5x5_2.call(this.branch5x5_1.call(x)) as Tensor;
    const branch3x3dbl = this.branch3x3dbl_3.call(this.branch3x3dbl_2.call(this.branch3x3dbl_1.call(x))) as Tensor;
    const branchPool = this.branch_pool.call(avgPool3(x)) as Tensor;
    return [branch1x1, branch5x5, branch3x3dbl, branchPool];
  }

  override forward(x: Tensor): Tensor {
    return cat(this._forward(x), 1);
  }
}

export class InceptionB extends nn.Module {
  static override pythonModule = 'torchvision.models.inception';
  declare branch3x3: nn.Module;
  declare branch3x3dbl_1: nn.Module;
  declare branch3x3dbl_2: nn.Module;
  declare branch3x3dbl_3: nn.Module;

  constructor(...args: [inChannels: number, convBlock?: ConvBlock | null] | [inChannels: number, options: { convBlock?: ConvBlock | null }]) {
    super();
    const o = INCEPTION_B<Bound>(args);
    const b = o.convBlock ?? BasicConv2d;
    this.branch3x3 = conv(b, o.inChannels, 384, { kernelSize: 3, stride: 2 });
    this.branch3x3dbl_1 = conv(b, o.inChannels, 64, { kernelSize: 1 });
    this.branch3x3dbl_2 = conv(b, 64, 96, { kernelSize: 3, padding: 1 });
    this.branch3x3dbl_3 = conv(b, 96, 96, { kernelSize: 3, stride: 2 });
  }

  _forward(x: Tensor): Tensor[] {
    const branch3x3 = this.branch3x3.call(x) as Tensor;
    const branch3x3dbl = this.branch3x3dbl_3.call(this.branch3x3dbl_2.call(this.branch3x3dbl_1.call(x))) as Tensor;
    const branchPool = F.maxPool2d(x, 3, { stride: 2 });
    return [branch3x3, branch3x3dbl, branchPool];
  }

  override forward(x: Tensor): Tensor {
    return cat(this._forward(x), 1);
  }
}

export class InceptionC extends nn.Module {
  static override pythonModule = 'torchvision.models.inception';
  declare branch1x1: nn.Module;
  declare branch7x7_1: nn.Module;
  declare branch7x7_2: nn.Module;
  declare branch7x7_3: nn.Module;
  declare branch7x7dbl_1: nn.Module;
  declare branch7x7dbl_2: nn.Module;
  declare branch7x7dbl_3: nn.Module;
  declare branch7x7dbl_4: nn.Module;
  declare branch7x7dbl_5: nn.Module;
  declare branch_pool: nn.Module;

  constructor(...args: [inChannels: number, channels7x7: number, convBlock?: ConvBlock | null] | [inChannels: number, options: { channels7x7: number; convBlock?: ConvBlock | null }]) {
    super();
    const o = INCEPTION_C<Bound>(args);
    const b = o.convBlock ?? BasicConv2d;
    const c7 = o.channels7x7;
    this.branch1x1 = conv(b, o.inChannels, 192, { kernelSize: 1 });
    this.branch7x7_1 = conv(b, o.inChannels, c7, { kernelSize: 1 });
    this.branch7x7_2 = conv(b, c7, c7, { kernelSize: [1, 7], padding: [0, 3] });
    this.branch7x7_3 = conv(b, c7, 192, { kernelSize: [7, 1], padding: [3, 0] });
    this.branch7x7dbl_1 = conv(b, o.inChannels, c7, { kernelSize: 1 });
    this.branch7x7dbl_2 = conv(b, c7, c7, { kernelSize: [7, 1], padding: [3, 0] });
    this.branch7x7dbl_3 = conv(b, c7, c7, { kernelSize: [1, 7], padding: [0, 3] });
    this.branch7x7dbl_4 = conv(b, c7, c7, { kernelSize: [7, 1], padding: [3, 0] });
    this.branch7x7dbl_5 = conv(b, c7, 192, { kernelSize: [1, 7], padding: [0, 3] });
    this.branch_pool = conv(b, o.inChannels, 192, { kernelSize: 1 });
  }

  _forward(x: Tensor): Tensor[] {
    const branch1x1 = this.branch1x1.call(x) as Tensor;
    const branch7x7 = this.branch7x7_3.call(this.branch7x7_2.call(this.branch7x7_1.call(x))) as Tensor;
    let branch7x7dbl = x;
    for (const name of ['branch7x7dbl_1', 'branch7x7dbl_2', 'branch7x7dbl_3', 'branch7x7dbl_4', 'branch7x7dbl_5'] as const) {
      branch7x7dbl = this[name].call(branch7x7dbl) as Tensor;
    }
    const branchPool = this.branch_pool.call(avgPool3(x)) as Tensor;
    return [branch1x1, branch7x7, branch7x7dbl, branchPool];
  }

  override forward(x: Tensor): Tensor {
    return cat(this._forward(x), 1);
  }
}

export class InceptionD extends nn.Module {
  static override pythonModule = 'torchvision.models.inception';
  declare branch3x3_1: nn.Module;
  declare branch3x3_2: nn.Module;
  declare branch7x7x3_1: nn.Module;
  declare branch7x7x3_2: nn.Module;
  declare branch7x7x3_3: nn.Module;
  declare branch7x7x3_4: nn.Module;

  constructor(...args: [inChannels: number, convBlock?: ConvBlock | null] | [inChannels: number, options: { convBlock?: ConvBlock | null }]) {
    super();
    const o = INCEPTION_D<Bound>(args);
    const b = o.convBlock ?? BasicConv2d;
    this.branch3x3_1 = conv(b, o.inChannels, 192, { kernelSize: 1 });
    this.branch3x3_2 = conv(b, 192, 320, { kernelSize: 3, stride: 2 });
    this.branch7x7x3_1 = conv(b, o.inChannels, 192, { kernelSize: 1 });
    this.branch7x7x3_2 = conv(b, 192, 192, { kernelSize: [1, 7], padding: [0, 3] });
    this.branch7x7x3_3 = conv(b, 192, 192, { kernelSize: [7, 1], padding: [3, 0] });
    this.branch7x7x3_4 = conv(b, 192, 192, { kernelSize: 3, stride: 2 });
  }

  _forward(x: Tensor): Tensor[] {
    const branch3x3 = this.branch3x3_2.call(this.branch3x3_1.call(x)) as Tensor;
    let branch7x7x3 = x;
    for (const name of ['branch7x7x3_1', 'branch7x7x3_2', 'branch7x7x3_3', 'branch7x7x3_4'] as const) {
      branch7x7x3 = this[name].call(branch7x7x3) as Tensor;
    }
    const branchPool = F.maxPool2d(x, 3, { stride: 2 });
    return [branch3x3, branch7x7x3, branchPool];
  }

  override forward(x: Tensor): Tensor {
    return cat(this._forward(x), 1);
  }
}

export class InceptionE extends nn.Module {
  static override pythonModule = 'torchvision.models.inception';
  declare branch1x1: nn.Module;
  declare branch3x3_1: nn.Module;
  declare branch3x3_2a: nn.Module;
  declare branch3x3_2b: nn.Module;
  declare branch3x3dbl_1: nn.Module;
  declare branch3x3dbl_2: nn.Module;
  declare branch3x3dbl_3a: nn.Module;
  declare branch3x3dbl_3b: nn.Module;
  declare branch_pool: nn.Module;

  constructor(...args: [inChannels: number, convBlock?: ConvBlock | null] | [inChannels: number, options: { convBlock?: ConvBlock | null }]) {
    super();
    const o = INCEPTION_E<Bound>(args);
    const b = o.convBlock ?? BasicConv2d;
    this.branch1x1 = conv(b, o.inChannels, 320, { kernelSize: 1 });
    this.branch3x3_1 = conv(b, o.inChannels, 384, { kernelSize: 1 });
    this.branch3x3_2a = conv(b, 384, 384, { kernelSize: [1, 3], padding: [0, 1] });
    this.branch3x3_2b = conv(b, 384, 384, { kernelSize: [3, 1], padding: [1, 0] });
    this.branch3x3dbl_1 = conv(b, o.inChannels, 448, { kernelSize: 1 });
    this.branch3x3dbl_2 = conv(b, 448, 384, { kernelSize: 3, padding: 1 });
    this.branch3x3dbl_3a = conv(b, 384, 384, { kernelSize: [1, 3], padding: [0, 1] });
    this.branch3x3dbl_3b = conv(b, 384, 384, { kernelSize: [3, 1], padding: [1, 0] });
    this.branch_pool = conv(b, o.inChannels, 192, { kernelSize: 1 });
  }

  _forward(x: Tensor): Tensor[] {
    const branch1x1 = this.branch1x1.call(x) as Tensor;
    const b3 = this.branch3x3_1.call(x) as Tensor;
    const branch3x3 = cat([this.branch3x3_2a.call(b3) as Tensor, this.branch3x3_2b.call(b3) as Tensor], 1);
    const d3 = this.branch3x3dbl_2.call(this.branch3x3dbl_1.call(x)) as Tensor;
    const branch3x3dbl = cat([this.branch3x3dbl_3a.call(d3) as Tensor, this.branch3x3dbl_3b.call(d3) as Tensor], 1);
    const branchPool = this.branch_pool.call(avgPool3(x)) as Tensor;
    return [branch1x1, branch3x3, branch3x3dbl, branchPool];
  }

  override forward(x: Tensor): Tensor {
    return cat(this._forward(x), 1);
  }
}

export class InceptionAux extends nn.Module {
  static override pythonModule = 'torchvision.models.inception';
  declare conv0: nn.Module;
  declare conv1: nn.Module;
  declare fc: nn.Linear;

  constructor(...args: [inChannels: number, numClasses: number, convBlock?: ConvBlock | null] | [inChannels: number, numClasses: number, options: { convBlock?: ConvBlock | null }]) {
    super();
    const o = INCEPTION_AUX<Bound>(args);
    const b = o.convBlock ?? BasicConv2d;
    this.conv0 = conv(b, o.inChannels, 128, { kernelSize: 1 });
    this.conv1 = conv(b, 128, 768, { kernelSize: 5 });
    // Read by Inception3's init only from Conv2d/Linear modules: this one (on the block) is never used.
    (this.conv1 as unknown as { stddev: number }).stddev = 0.01;
    this.fc = new nn.Linear(768, o.numClasses);
    (this.fc as unknown as { stddev: number }).stddev = 0.001;
  }

  override forward(x: Tensor): Tensor {
    x = F.avgPool2d(x, { kernelSize: 5, stride: 3 });
    x = this.conv1.call(this.conv0.call(x)) as Tensor;
    x = F.adaptiveAvgPool2d(x, [1, 1]);
    return this.fc.call(flatten(x, 1));
  }
}

/** Convolution (no bias), BatchNorm (eps 0.001), ReLU; `options` are the convolution's (kernelSize, stride, ...). */
export class BasicConv2d extends nn.Module {
  static override pythonModule = 'torchvision.models.inception';
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

export class Inception_V3_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new Inception_V3_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/inception_v3_google-0cc3c7bd.pth', () => new ImageClassification({ cropSize: 299, resizeSize: 342 }), {
      numParams: 27161264,
      minSize: [75, 75],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#inception-v3',
      _metrics: { 'ImageNet-1K': { 'acc@1': 77.294, 'acc@5': 93.45 } },
      _ops: 5.713,
      _fileSize: 103.903,
      _docs: 'These weights are ported from the original paper.',
    }),
  );
  static readonly DEFAULT = Inception_V3_Weights.IMAGENET1K_V1;
}

/** Inception v3 from "Rethinking the Inception Architecture for Computer Vision" (expects 299x299 inputs). */
export function inceptionV3(...args: [(BuilderOptions<Inception_V3_Weights> & Inception3Options)?]): Inception3 {
  const { weights, progress, kwargs } = _builderArgs('inception_v3', Inception_V3_Weights, args);
  const originalAuxLogits = (kwargs.auxLogits as boolean | undefined) ?? true;
  if (weights !== null) {
    if (!('transformInput' in kwargs)) _ovewriteNamedParam(kwargs, 'transform_input', true);
    _ovewriteNamedParam(kwargs, 'aux_logits', true);
    _ovewriteNamedParam(kwargs, 'init_weights', false);
    _ovewriteNamedParam(kwargs, 'num_classes', weights.meta.categories!.length);
  }
  const model = new Inception3(kwargs);
  if (weights !== null) {
    model.loadStateDict(weights.getStateDict({ progress, checkHash: true }));
    if (!originalAuxLogits) {
      model.auxLogits = false;
      model.AuxLogits = null;
    }
  }
  return model;
}

registerModel('inception_v3', inceptionV3, Inception_V3_Weights);
