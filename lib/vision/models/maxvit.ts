// torchvision/models/maxvit.py: MaxViT ("MaxViT: Multi-Axis Vision Transformer").
import { einsum, meshgrid } from '../../functional';
import { arange, chunk, empty, flatten, stack, swapaxes } from '../../generated/torch';
import { tidy } from '../../memory';
import * as nn from '../../nn';
import * as F from '../../nn/functional';
import { pyFloat, pyRepr } from '../../nn/repr';
import { pySignature } from '../../python_signature';
import type { Tensor } from '../../tensor';
import { Conv2dNormActivation, SqueezeExcitation, type ActivationFactory } from '../ops/misc';
import { StochasticDepth } from '../ops/stochastic_depth';
import { ImageClassification, InterpolationMode } from '../transforms/_presets';
import { registerModel, Weights, WeightsEnum } from './_api';
import { _IMAGENET_CATEGORIES } from './_meta';
import { _builderArgs, _ovewriteNamedParam, makeLayer, type BuilderOptions, type LayerFactory } from './_utils';

type Size2 = [number, number];

function _getConvOutputShape(inputSize: readonly number[], kernelSize: number, stride: number, padding: number): Size2 {
  return [
    Math.floor((inputSize[0]! - kernelSize + 2 * padding) / stride) + 1,
    Math.floor((inputSize[1]! - kernelSize + 2 * padding) / stride) + 1,
  ];
}

/** The input size of each block after the stem (checks that a configuration fits its input size). */
function _makeBlockInputShapes(inputSize: readonly number[], nBlocks: number): Size2[] {
  const shapes: Size2[] = [];
  let blockInputShape = _getConvOutputShape(inputSize, 3, 2, 1);
  for (let i = 0; i < nBlocks; i++) {
    blockInputShape = _getConvOutputShape(blockInputShape, 3, 2, 1);
    shapes.push(blockInputShape);
  }
  return shapes;
}

/** For each pair of the height x width window's positions, the row of their relative offset in the bias table. */
function _getRelativePositionIndex(height: number, width: number): Tensor {
  return tidy(() => {
    const coords = stack(meshgrid([arange(height), arange(width)], { indexing: 'ij' }));
    const coordsFlat = flatten(coords, 1);
    const relativeCoords = coordsFlat.get(':', ':', null).sub(coordsFlat.get(':', null, ':')).permute(1, 2, 0).contiguous();
    relativeCoords.get(':', ':', 0).add_(height - 1);
    relativeCoords.get(':', ':', 1).add_(width - 1);
    relativeCoords.get(':', ':', 0).mul_(2 * width - 1);
    return relativeCoords.sum(-1);
  });
}

/** numpy.linspace(start, stop, num).tolist(): i * step + start, the last one exactly stop. */
function linspace(start: number, stop: number, num: number): number[] {
  const div = num - 1;
  const delta = stop - start;
  const step = delta / div;
  const at = (i: number): number => (div <= 0 ? i * delta : step === 0 ? (i / div) * delta : i * step);
  const out = Array.from({ length: num }, (_, i) => at(i) + start);
  if (num > 1) out[num - 1] = stop;
  return out;
}

const pyList = (xs: readonly number[], item: (x: number) => string): string => `[${xs.map(item).join(', ')}]`;

const MB_CONV = pySignature(
  'MBConv.__init__',
  'self, in_channels, out_channels, expansion_ratio, squeeze_ratio, stride, activation_layer, norm_layer, p_stochastic_dropout=0.0',
);

export interface MBConvOptions {
  inChannels: number;
  outChannels: number;
  expansionRatio: number;
  squeezeRatio: number;
  stride: number;
  activationLayer: ActivationFactory;
  normLayer: LayerFactory;
  pStochasticDropout?: number;
}

/** MBConv: the mobile inverted residual bottleneck (pre-norm, 1x1, depthwise 3x3, squeeze-excitation, 1x1). */
export class MBConv extends nn.Module {
  static override pythonModule = 'torchvision.models.maxvit';
  declare proj: nn.Module;
  declare stochastic_depth: nn.Module;
  declare layers: nn.Sequential;

  constructor(
    ...args:
      | [options: MBConvOptions]
      | [
          inChannels: number,
          outChannels: number,
          expansionRatio: number,
          squeezeRatio: number,
          stride: number,
          activationLayer: ActivationFactory,
          normLayer: LayerFactory,
          pStochasticDropout?: number,
        ]
  ) {
    super();
    const o = MB_CONV<Required<MBConvOptions>>(args);
    const shouldProj = o.stride !== 1 || o.inChannels !== o.outChannels;
    if (shouldProj) {
      const proj: nn.Module[] = [new nn.Conv2d(o.inChannels, o.outChannels, 1, { stride: 1, bias: true })];
      if (o.stride === 2) proj.unshift(new nn.AvgPool2d(3, { stride: o.stride, padding: 1 }));
      this.proj = new nn.Sequential(...proj);
    } else {
      this.proj = new nn.Identity();
    }
    const midChannels = Math.trunc(o.outChannels * o.expansionRatio);
    const sqzChannels = Math.trunc(o.outChannels * o.squeezeRatio);
    this.stochastic_depth = o.pStochasticDropout ? new StochasticDepth(o.pStochasticDropout, 'row') : new nn.Identity();
    const layers = new Map<string, nn.Module>();
    layers.set('pre_norm', makeLayer(o.normLayer, o.inChannels));
    layers.set(
      'conv_a',
      new Conv2dNormActivation(o.inChannels, midChannels, { kernelSize: 1, stride: 1, padding: 0, activationLayer: o.activationLayer, normLayer: o.normLayer, inplace: null }),
    );
    layers.set(
      'conv_b',
      new Conv2dNormActivation(midChannels, midChannels, {
        kernelSize: 3,
        stride: o.stride,
        padding: 1,
        activationLayer: o.activationLayer,
        normLayer: o.normLayer,
        groups: midChannels,
        inplace: null,
      }),
    );
    layers.set('squeeze_excitation', new SqueezeExcitation(midChannels, sqzChannels, { activation: nn.SiLU }));
    layers.set('conv_c', new nn.Conv2d(midChannels, o.outChannels, 1, { bias: true }));
    this.layers = new nn.Sequential(layers);
  }

  /** [B, C, H, W] to [B, C, H / stride, W / stride]. */
  override forward(x: Tensor): Tensor {
    const res = this.proj.call(x) as Tensor;
    x = this.stochastic_depth.call(this.layers.call(x) as Tensor) as Tensor;
    return res.add(x);
  }
}

const RELATIVE_MHA = pySignature('RelativePositionalMultiHeadAttention.__init__', 'self, feat_dim, head_dim, max_seq_len');

/** Multi-head self-attention within windows of max_seq_len positions, with a learnt bias per relative offset. */
export class RelativePositionalMultiHeadAttention extends nn.Module {
  static override pythonModule = 'torchvision.models.maxvit';
  static override floatAttributes: readonly string[] = ['scale_factor'];
  declare nHeads: number;
  declare headDim: number;
  declare size: number;
  declare maxSeqLen: number;
  declare to_qkv: nn.Linear;
  declare scaleFactor: number;
  declare merge: nn.Linear;
  declare relative_position_bias_table: nn.Parameter;
  declare relative_position_index: Tensor;

  constructor(
    ...args: [featDim: number, headDim: number, maxSeqLen: number] | [options: { featDim: number; headDim: number; maxSeqLen: number }]
  ) {
    super();
    const o = RELATIVE_MHA<{ featDim: number; headDim: number; maxSeqLen: number }>(args);
    if (o.featDim % o.headDim !== 0) throw new RangeError(`feat_dim: ${o.featDim} must be divisible by head_dim: ${o.headDim}`);
    this.nHeads = Math.floor(o.featDim / o.headDim);
    this.headDim = o.headDim;
    this.size = Math.trunc(Math.sqrt(o.maxSeqLen));
    this.maxSeqLen = o.maxSeqLen;
    this.to_qkv = new nn.Linear(o.featDim, this.nHeads * this.headDim * 3);
    this.scaleFactor = o.featDim ** -0.5;
    this.merge = new nn.Linear(this.headDim * this.nHeads, o.featDim);
    this.relative_position_bias_table = new nn.Parameter(empty((2 * this.size - 1) * (2 * this.size - 1), this.nHeads));
    this.registerBuffer('relative_position_index', _getRelativePositionIndex(this.size, this.size));
    nn.init.truncNormal_(this.relative_position_bias_table, { std: 0.02 });
  }

  getRelativePositionalBias(): Tensor {
    const biasIndex = this.relative_position_index.view(-1);
    const relativeBias = this.relative_position_bias_table.get(biasIndex).view(this.maxSeqLen, this.maxSeqLen, -1);
    return relativeBias.permute(2, 0, 1).contiguous().unsqueeze(0);
  }

  /** [B, G, P, D] to [B, G, P, D]: attention over the P positions of each of the G windows. */
  override forward(x: Tensor): Tensor {
    const [B, G, P, D] = [...x.shape] as [number, number, number, number];
    const H = this.nHeads;
    const DH = this.headDim;
    const qkv = this.to_qkv.call(x);
    let [q, k, v] = chunk(qkv, 3, { dim: -1 }) as [Tensor, Tensor, Tensor];
    q = q.reshape(B, G, P, H, DH).permute(0, 1, 3, 2, 4);
    k = k.reshape(B, G, P, H, DH).permute(0, 1, 3, 2, 4);
    v = v.reshape(B, G, P, H, DH).permute(0, 1, 3, 2, 4);
    k = k.mul(this.scaleFactor);
    let dotProd = einsum('B G H I D, B G H J D -> B G H I J', q, k);
    const posBias = this.getRelativePositionalBias();
    dotProd = F.softmax(dotProd.add(posBias), { dim: -1 });
    let out = einsum('B G H I J, B G H J D -> B G H I D', dotProd, v);
    out = out.permute(0, 1, 3, 2, 4).reshape(B, G, P, D);
    return this.merge.call(out);
  }
}

const SWAP_AXES = pySignature('SwapAxes.__init__', 'self, a, b');

/** Swaps two axes of its input (torch.swapaxes). */
export class SwapAxes extends nn.Module {
  static override pythonModule = 'torchvision.models.maxvit';
  declare a: number;
  declare b: number;

  constructor(...args: [a: number, b: number] | [options: { a: number; b: number }]) {
    super();
    const o = SWAP_AXES<{ a: number; b: number }>(args);
    this.a = o.a;
    this.b = o.b;
  }

  override forward(x: Tensor): Tensor {
    return swapaxes(x, this.a, this.b);
  }
}

/** [B, C, H, W] to non-overlapping p x p windows: [B, (H / p) * (W / p), p * p, C]. */
export class WindowPartition extends nn.Module {
  static override pythonModule = 'torchvision.models.maxvit';

  override forward(x: Tensor, p: number): Tensor {
    const [B, C, H, W] = [...x.shape] as [number, number, number, number];
    const P = p;
    x = x.reshape(B, C, Math.floor(H / P), P, Math.floor(W / P), P);
    x = x.permute(0, 2, 4, 3, 5, 1);
    return x.reshape(B, Math.floor(H / P) * Math.floor(W / P), P * P, C);
  }
}

/** Windows [B, hPartitions * wPartitions, p * p, C] back to a feature volume [B, C, H, W]. */
export class WindowDepartition extends nn.Module {
  static override pythonModule = 'torchvision.models.maxvit';

  override forward(x: Tensor, p: number, hPartitions: number, wPartitions: number): Tensor {
    const [B, , , C] = [...x.shape] as [number, number, number, number];
    const P = p;
    x = x.reshape(B, hPartitions, wPartitions, P, P, C);
    x = x.permute(0, 5, 1, 3, 2, 4);
    return x.reshape(B, C, hPartitions * P, wPartitions * P);
  }
}

const PARTITION_ATTENTION_LAYER = pySignature(
  'PartitionAttentionLayer.__init__',
  'self, in_channels, head_dim, partition_size, partition_type, grid_size, mlp_ratio, activation_layer, norm_layer, attention_dropout, mlp_dropout, p_stochastic_dropout',
);

export interface PartitionAttentionLayerOptions {
  inChannels: number;
  headDim: number;
  partitionSize: number;
  /** 'window': attention within each partition_size x partition_size window; 'grid': across a sparse grid of that size. */
  partitionType: 'grid' | 'window';
  gridSize: readonly number[];
  mlpRatio: number;
  activationLayer: ActivationFactory;
  normLayer: LayerFactory;
  attentionDropout: number;
  mlpDropout: number;
  pStochasticDropout: number;
}

/** Attention over windows (or a grid) of the input, then an MLP, each pre-normalized and residual. */
export class PartitionAttentionLayer extends nn.Module {
  static override pythonModule = 'torchvision.models.maxvit';
  declare nHeads: number;
  declare headDim: number;
  declare nPartitions: number;
  declare partitionType: 'grid' | 'window';
  declare gridSize: number[];
  declare p: number;
  declare g: number;
  declare partition_op: WindowPartition;
  declare departition_op: WindowDepartition;
  declare partition_swap: nn.Module;
  declare departition_swap: nn.Module;
  declare attn_layer: nn.Sequential;
  declare mlp_layer: nn.Sequential;
  declare stochastic_dropout: StochasticDepth;

  constructor(options: PartitionAttentionLayerOptions) {
    super();
    const o = PARTITION_ATTENTION_LAYER<PartitionAttentionLayerOptions>([options]);
    this.nHeads = Math.floor(o.inChannels / o.headDim);
    this.headDim = o.headDim;
    this.nPartitions = Math.floor(o.gridSize[0]! / o.partitionSize);
    this.partitionType = o.partitionType;
    this.gridSize = [...o.gridSize];
    if (o.partitionType !== 'grid' && o.partitionType !== 'window') throw new RangeError("partition_type must be either 'grid' or 'window'");
    if (o.partitionType === 'window') {
      this.p = o.partitionSize;
      this.g = this.nPartitions;
    } else {
      this.p = this.nPartitions;
      this.g = o.partitionSize;
    }
    this.partition_op = new WindowPartition();
    this.departition_op = new WindowDepartition();
    this.partition_swap = o.partitionType === 'grid' ? new SwapAxes(-2, -3) : new nn.Identity();
    this.departition_swap = o.partitionType === 'grid' ? new SwapAxes(-2, -3) : new nn.Identity();
    // partition_size ** 2 positions in either case: grid partitioning swaps the axes first.
    this.attn_layer = new nn.Sequential(
      makeLayer(o.normLayer, o.inChannels),
      new RelativePositionalMultiHeadAttention(o.inChannels, o.headDim, o.partitionSize ** 2),
      new nn.Dropout(o.attentionDropout),
    );
    this.mlp_layer = new nn.Sequential(
      new nn.LayerNorm(o.inChannels),
      new nn.Linear(o.inChannels, o.inChannels * o.mlpRatio),
      makeLayer(o.activationLayer as LayerFactory<[]>),
      new nn.Linear(o.inChannels * o.mlpRatio, o.inChannels),
      new nn.Dropout(o.mlpDropout),
    );
    this.stochastic_dropout = new StochasticDepth(o.pStochasticDropout, 'row');
  }

  /** [B, C, H, W] to [B, C, H, W]. */
  override forward(x: Tensor): Tensor {
    const [gridH, gridW] = this.gridSize as [number, number];
    const gh = Math.floor(gridH / this.p);
    const gw = Math.floor(gridW / this.p);
    if (!(gridH % this.p === 0 && gridW % this.p === 0)) {
      throw new Error(`Grid size must be divisible by partition size. Got grid size of ${pyRepr(this.gridSize)} and partition size of ${this.p}`);
    }
    x = this.partition_op.call(x, this.p);
    x = this.partition_swap.call(x) as Tensor;
    x = x.add(this.stochastic_dropout.call(this.attn_layer.call(x) as Tensor));
    x = x.add(this.stochastic_dropout.call(this.mlp_layer.call(x) as Tensor));
    x = this.departition_swap.call(x) as Tensor;
    return this.departition_op.call(x, this.p, gh, gw);
  }
}

const MAX_VIT_LAYER = pySignature(
  'MaxVitLayer.__init__',
  'self, in_channels, out_channels, squeeze_ratio, expansion_ratio, stride, norm_layer, activation_layer, head_dim, mlp_ratio, mlp_dropout, attention_dropout, p_stochastic_dropout, partition_size, grid_size',
);

export interface MaxVitLayerOptions {
  inChannels: number;
  outChannels: number;
  squeezeRatio: number;
  expansionRatio: number;
  stride: number;
  normLayer: LayerFactory;
  activationLayer: ActivationFactory;
  headDim: number;
  mlpRatio: number;
  mlpDropout: number;
  attentionDropout: number;
  pStochasticDropout: number;
  partitionSize: number;
  gridSize: readonly number[];
}

/** An MBConv, then window attention, then grid attention. */
export class MaxVitLayer extends nn.Module {
  static override pythonModule = 'torchvision.models.maxvit';
  declare layers: nn.Sequential;

  constructor(options: MaxVitLayerOptions) {
    super();
    const o = MAX_VIT_LAYER<MaxVitLayerOptions>([options]);
    const layers = new Map<string, nn.Module>();
    layers.set(
      'MBconv',
      new MBConv({
        inChannels: o.inChannels,
        outChannels: o.outChannels,
        expansionRatio: o.expansionRatio,
        squeezeRatio: o.squeezeRatio,
        stride: o.stride,
        activationLayer: o.activationLayer,
        normLayer: o.normLayer,
        pStochasticDropout: o.pStochasticDropout,
      }),
    );
    for (const partitionType of ['window', 'grid'] as const) {
      layers.set(
        `${partitionType}_attention`,
        new PartitionAttentionLayer({
          inChannels: o.outChannels,
          headDim: o.headDim,
          partitionSize: o.partitionSize,
          partitionType,
          gridSize: o.gridSize,
          mlpRatio: o.mlpRatio,
          activationLayer: o.activationLayer,
          normLayer: nn.LayerNorm,
          attentionDropout: o.attentionDropout,
          mlpDropout: o.mlpDropout,
          pStochasticDropout: o.pStochasticDropout,
        }),
      );
    }
    this.layers = new nn.Sequential(layers);
  }

  override forward(x: Tensor): Tensor {
    return this.layers.call(x) as Tensor;
  }
}

const MAX_VIT_BLOCK = pySignature(
  'MaxVitBlock.__init__',
  'self, in_channels, out_channels, squeeze_ratio, expansion_ratio, norm_layer, activation_layer, head_dim, mlp_ratio, mlp_dropout, attention_dropout, partition_size, input_grid_size, n_layers, p_stochastic',
);

export interface MaxVitBlockOptions {
  inChannels: number;
  outChannels: number;
  squeezeRatio: number;
  expansionRatio: number;
  normLayer: LayerFactory;
  activationLayer: ActivationFactory;
  headDim: number;
  mlpRatio: number;
  mlpDropout: number;
  attentionDropout: number;
  partitionSize: number;
  inputGridSize: readonly number[];
  nLayers: number;
  /** The stochastic depth probability of each layer. */
  pStochastic: readonly number[];
}

/** nLayers MaxVit layers, the first one strided. */
export class MaxVitBlock extends nn.Module {
  static override pythonModule = 'torchvision.models.maxvit';
  declare layers: nn.ModuleList;
  declare gridSize: Size2;

  constructor(options: MaxVitBlockOptions) {
    super();
    const o = MAX_VIT_BLOCK<MaxVitBlockOptions>([options]);
    if (o.pStochastic.length !== o.nLayers) {
      throw new RangeError(`p_stochastic must have length n_layers=${o.nLayers}, got p_stochastic=${pyList(o.pStochastic, pyFloat)}.`);
    }
    this.layers = new nn.ModuleList();
    // the first layer's stride
    this.gridSize = _getConvOutputShape(o.inputGridSize, 3, 2, 1);
    o.pStochastic.forEach((p, idx) => {
      this.layers.append(
        new MaxVitLayer({
          inChannels: idx === 0 ? o.inChannels : o.outChannels,
          outChannels: o.outChannels,
          squeezeRatio: o.squeezeRatio,
          expansionRatio: o.expansionRatio,
          stride: idx === 0 ? 2 : 1,
          normLayer: o.normLayer,
          activationLayer: o.activationLayer,
          headDim: o.headDim,
          mlpRatio: o.mlpRatio,
          mlpDropout: o.mlpDropout,
          attentionDropout: o.attentionDropout,
          partitionSize: o.partitionSize,
          gridSize: this.gridSize,
          pStochasticDropout: p,
        }),
      );
    });
  }

  override forward(x: Tensor): Tensor {
    for (const layer of this.layers) x = layer.call(x) as Tensor;
    return x;
  }
}

const MAX_VIT = pySignature(
  'MaxVit.__init__',
  'self, input_size, stem_channels, partition_size, block_channels, block_layers, head_dim, stochastic_depth_prob, norm_layer=None, activation_layer=None, squeeze_ratio=0.25, expansion_ratio=4, mlp_ratio=4, mlp_dropout=0.0, attention_dropout=0.0, num_classes=1000',
);

export interface MaxVitOptions {
  inputSize: readonly number[];
  stemChannels: number;
  partitionSize: number;
  blockChannels: readonly number[];
  blockLayers: readonly number[];
  headDim: number;
  /** The last layer's stochastic depth probability (it grows linearly from 0 over the layers). */
  stochasticDepthProb: number;
  /** The convolutions' normalization (default BatchNorm2d with eps=1e-3, momentum=0.01). */
  normLayer?: LayerFactory | null;
  /** The activation of the convolutions and of the MLPs (default GELU). */
  activationLayer?: ActivationFactory;
  squeezeRatio?: number;
  expansionRatio?: number;
  mlpRatio?: number;
  mlpDropout?: number;
  attentionDropout?: number;
  numClasses?: number;
}

const batchNorm = (c: number): nn.Module => new nn.BatchNorm2d(c, { eps: 1e-3, momentum: 0.01 });

/** MaxVit from "MaxViT: Multi-Axis Vision Transformer". */
export class MaxVit extends nn.Module {
  static override pythonModule = 'torchvision.models.maxvit';
  declare stem: nn.Sequential;
  declare partitionSize: number;
  declare blocks: nn.ModuleList;
  declare classifier: nn.Sequential;

  constructor(options: MaxVitOptions) {
    super();
    const o = MAX_VIT<Required<MaxVitOptions>>([options]);
    if (options.activationLayer === null) throw new TypeError("'NoneType' object is not callable");
    const normLayer = o.normLayer ?? batchNorm;
    const activationLayer = o.activationLayer ?? nn.GELU;
    const inputChannels = 3;
    // H and W must be divisible by the partition size in every block.
    const blockInputSizes = _makeBlockInputShapes(o.inputSize, o.blockChannels.length);
    blockInputSizes.forEach((size, idx) => {
      if (size[0] % o.partitionSize !== 0 || size[1] % o.partitionSize !== 0) {
        throw new RangeError(
          `Input size ${pyRepr(size)} of block ${idx} is not divisible by partition size ${o.partitionSize}. ` +
            'Consider changing the partition size or the input size.\n' +
            `Current configuration yields the following block input sizes: ${pyList(blockInputSizes as unknown as number[], pyRepr)}.`,
        );
      }
    });
    this.stem = new nn.Sequential(
      new Conv2dNormActivation(inputChannels, o.stemChannels, { kernelSize: 3, stride: 2, normLayer, activationLayer, bias: false, inplace: null }),
      new Conv2dNormActivation(o.stemChannels, o.stemChannels, { kernelSize: 3, stride: 1, normLayer: null, activationLayer: null, bias: true }),
    );
    // the stem's stride
    let inputSize: Size2 = _getConvOutputShape(o.inputSize, 3, 2, 1);
    this.partitionSize = o.partitionSize;
    this.blocks = new nn.ModuleList();
    const inChannels = [o.stemChannels, ...o.blockChannels.slice(0, -1)];
    const pStochastic = linspace(0, o.stochasticDepthProb, o.blockLayers.reduce((a, b) => a + b, 0));
    let pIdx = 0;
    const nBlocks = Math.min(inChannels.length, o.blockChannels.length, o.blockLayers.length);
    for (let i = 0; i < nBlocks; i++) {
      const numLayers = o.blockLayers[i]!;
      const block = new MaxVitBlock({
        inChannels: inChannels[i]!,
        outChannels: o.blockChannels[i]!,
        squeezeRatio: o.squeezeRatio,
        expansionRatio: o.expansionRatio,
        normLayer,
        activationLayer,
        headDim: o.headDim,
        mlpRatio: o.mlpRatio,
        mlpDropout: o.mlpDropout,
        attentionDropout: o.attentionDropout,
        partitionSize: o.partitionSize,
        inputGridSize: inputSize,
        nLayers: numLayers,
        pStochastic: pStochastic.slice(pIdx, pIdx + numLayers),
      });
      this.blocks.append(block);
      inputSize = block.gridSize;
      pIdx += numLayers;
    }
    // Linear -> Tanh -> Linear as in the reference implementation
    const last = o.blockChannels[o.blockChannels.length - 1]!;
    this.classifier = new nn.Sequential(
      new nn.AdaptiveAvgPool2d(1),
      new nn.Flatten(),
      new nn.LayerNorm(last),
      new nn.Linear(last, last),
      new nn.Tanh(),
      new nn.Linear(last, o.numClasses, { bias: false }),
    );
    this._initWeights();
  }

  override forward(x: Tensor): Tensor {
    x = this.stem.call(x) as Tensor;
    for (const block of this.blocks) x = block.call(x) as Tensor;
    return this.classifier.call(x) as Tensor;
  }

  _initWeights(): void {
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) {
        nn.init.normal_(m.weight, { std: 0.02 });
        if (m.bias !== null) nn.init.zeros_(m.bias);
      } else if (m instanceof nn.BatchNorm2d) {
        nn.init.constant_(m.weight!, 1);
        nn.init.constant_(m.bias!, 0);
      } else if (m instanceof nn.Linear) {
        nn.init.normal_(m.weight, { std: 0.02 });
        if (m.bias !== null) nn.init.zeros_(m.bias);
      }
    }
  }
}

export class MaxVit_T_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new MaxVit_T_Weights(
    'IMAGENET1K_V1',
    new Weights(
      'https://download.pytorch.org/models/maxvit_t-bc5ab103.pth',
      () => new ImageClassification({ cropSize: 224, resizeSize: 224, interpolation: InterpolationMode.BICUBIC }),
      {
        categories: _IMAGENET_CATEGORIES,
        numParams: 30919624,
        minSize: [224, 224],
        recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#maxvit',
        _metrics: { 'ImageNet-1K': { 'acc@1': 83.7, 'acc@5': 96.722 } },
        _ops: 5.558,
        _fileSize: 118.769,
        _docs:
          'These weights reproduce closely the results of the paper using a similar training recipe.\n' +
          '            They were trained with a BatchNorm2D momentum of 0.99 instead of the more correct 0.01.',
      },
    ),
  );
  static readonly DEFAULT = MaxVit_T_Weights.IMAGENET1K_V1;
}

export type MaxVitBuilderOptions<W extends WeightsEnum> = BuilderOptions<W> &
  Partial<Omit<MaxVitOptions, 'stemChannels' | 'blockChannels' | 'blockLayers' | 'headDim' | 'stochasticDepthProb' | 'partitionSize'>>;

type MaxVitArch = Pick<MaxVitOptions, 'stemChannels' | 'blockChannels' | 'blockLayers' | 'stochasticDepthProb' | 'partitionSize' | 'headDim'>;

function _maxvit(name: string, arch: MaxVitArch, args: readonly unknown[]): MaxVit {
  const { weights, progress, kwargs } = _builderArgs(name, MaxVit_T_Weights, args);
  for (const key of Object.keys(arch)) {
    if (kwargs[key] !== undefined) {
      const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      throw new TypeError(`torchvision.models.maxvit._maxvit() got multiple values for keyword argument '${snake}'`);
    }
  }
  if (weights !== null) {
    _ovewriteNamedParam(kwargs, 'num_classes', weights.meta.categories!.length);
    const minSize = weights.meta.minSize!;
    const given = kwargs.inputSize as readonly number[] | undefined;
    if (given !== undefined && !(given.length === 2 && given[0] === minSize[0] && given[1] === minSize[1])) {
      throw new RangeError(`The parameter 'input_size' expected value ${pyRepr(minSize)} but got ${pyRepr(given)} instead.`);
    }
    kwargs.inputSize = minSize;
  }
  const { inputSize, ...rest } = kwargs;
  const model = new MaxVit({ ...(rest as Partial<MaxVitOptions>), ...arch, inputSize: (inputSize as readonly number[] | undefined) ?? [224, 224] });
  if (weights !== null) model.loadStateDict(weights.getStateDict({ progress, checkHash: true }));
  return model;
}

/** maxvit_t from "MaxViT: Multi-Axis Vision Transformer". */
export function maxvitT(...args: [MaxVitBuilderOptions<MaxVit_T_Weights>?]): MaxVit {
  return _maxvit('maxvit_t', { stemChannels: 64, blockChannels: [64, 128, 256, 512], blockLayers: [2, 2, 5, 2], headDim: 32, stochasticDepthProb: 0.2, partitionSize: 7 }, args);
}

registerModel('maxvit_t', maxvitT, MaxVit_T_Weights);
