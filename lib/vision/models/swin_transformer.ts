// torchvision/models/swin_transformer.py: Swin Transformer V1 (T, S, B) and V2 (T, S, B).
import { noGrad } from '../../autograd';
import { meshgrid } from '../../functional';
import { float32 } from '../../dtype';
import { arange, cat, clamp, flatten, log2, ones, roll, sigmoid, sign, stack, zeros } from '../../generated/torch';
import { slice } from '../../indexing';
import * as nn from '../../nn';
import * as F from '../../nn/functional';
import { pySignature } from '../../python_signature';
import type { Tensor } from '../../tensor';
import { MLP, Permute } from '../ops/misc';
import { StochasticDepth } from '../ops/stochastic_depth';
import { ImageClassification, InterpolationMode } from '../transforms/_presets';
import { registerModel, Weights, WeightsEnum, type WeightsEnumClass } from './_api';
import { _IMAGENET_CATEGORIES } from './_meta';
import { _builderArgs, _ovewriteNamedParam, makeLayer, type BuilderOptions, type LayerFactory } from './_utils';

/** Pads H and W (of [..., H, W, C]) to even sizes and stacks each 2x2 patch along C: [..., H/2, W/2, 4*C]. */
export function _patchMergingPad(x: Tensor): Tensor {
  const shape = x.shape;
  const H = shape[shape.length - 3]!;
  const W = shape[shape.length - 2]!;
  x = F.pad(x, [0, 0, 0, W % 2, 0, H % 2]);
  const x0 = x.get('...', '0::2', '0::2', ':');
  const x1 = x.get('...', '1::2', '0::2', ':');
  const x2 = x.get('...', '0::2', '1::2', ':');
  const x3 = x.get('...', '1::2', '1::2', ':');
  return cat([x0, x1, x2, x3], -1);
}

/** The [1, heads, N, N] bias of a window of N = Wh*Ww tokens, looked up in the per-offset table. */
export function _getRelativePositionBias(relativePositionBiasTable: Tensor, relativePositionIndex: Tensor, windowSize: readonly number[]): Tensor {
  const N = windowSize[0]! * windowSize[1]!;
  const bias = relativePositionBiasTable.get(relativePositionIndex).view(N, N, -1);
  return bias.permute(2, 0, 1).contiguous().unsqueeze(0);
}

const PATCH_MERGING = pySignature('PatchMerging.__init__', 'self, dim, norm_layer=None');
const PATCH_MERGING_V2 = pySignature('PatchMergingV2.__init__', 'self, dim, norm_layer=None');

type PatchMergingArgs = [dim: number, normLayer?: LayerFactory | null] | [dim: number, options: { normLayer?: LayerFactory | null }];

/** Patch merging: 2x2 neighbouring patches concatenated, normalized (LayerNorm unless given), then Linear(4*dim, 2*dim). */
export class PatchMerging extends nn.Module {
  static override pythonModule = 'torchvision.models.swin_transformer';
  declare dim: number;
  declare reduction: nn.Linear;
  declare norm: nn.Module;

  constructor(...args: PatchMergingArgs) {
    super();
    const o = PATCH_MERGING<{ dim: number; normLayer: LayerFactory | null }>(args);
    this.dim = o.dim;
    this.reduction = new nn.Linear(4 * o.dim, 2 * o.dim, { bias: false });
    this.norm = makeLayer(o.normLayer ?? nn.LayerNorm, 4 * o.dim);
  }

  /** [..., H, W, C] to [..., H/2, W/2, 2*C]. */
  override forward(x: Tensor): Tensor {
    x = _patchMergingPad(x);
    x = this.norm.call(x) as Tensor;
    return this.reduction.call(x);
  }
}

/** Swin V2's patch merging: the reduction first, then the norm (over 2*dim). */
export class PatchMergingV2 extends nn.Module {
  static override pythonModule = 'torchvision.models.swin_transformer';
  declare dim: number;
  declare reduction: nn.Linear;
  declare norm: nn.Module;

  constructor(...args: PatchMergingArgs) {
    super();
    const o = PATCH_MERGING_V2<{ dim: number; normLayer: LayerFactory | null }>(args);
    this.dim = o.dim;
    this.reduction = new nn.Linear(4 * o.dim, 2 * o.dim, { bias: false });
    this.norm = makeLayer(o.normLayer ?? nn.LayerNorm, 2 * o.dim);
  }

  override forward(x: Tensor): Tensor {
    x = _patchMergingPad(x);
    x = this.reduction.call(x);
    return this.norm.call(x) as Tensor;
  }
}

const SHIFTED_WINDOW_ATTENTION_FN = pySignature(
  'shifted_window_attention',
  'input, qkv_weight, proj_weight, relative_position_bias, window_size, num_heads, shift_size, attention_dropout=0.0, dropout=0.0, qkv_bias=None, proj_bias=None, logit_scale=None, training=True',
);

export interface ShiftedWindowAttentionOptions {
  attentionDropout?: number;
  dropout?: number;
  qkvBias?: Tensor | null;
  projBias?: Tensor | null;
  logitScale?: Tensor | null;
  training?: boolean;
}

type SwaBound = Required<ShiftedWindowAttentionOptions> & {
  input: Tensor;
  qkvWeight: Tensor;
  projWeight: Tensor;
  relativePositionBias: Tensor;
  windowSize: number[];
  numHeads: number;
  shiftSize: number[];
};

/**
 * Window based multi-head self attention (W-MSA) with relative position bias, shifted windows
 * (SW-MSA) when `shiftSize` is not zero, and V2's cosine attention when `logitScale` is given.
 * `input` is [N, H, W, C]; so is the result.
 */
export function shiftedWindowAttention(
  ...args:
    | [input: Tensor, qkvWeight: Tensor, projWeight: Tensor, relativePositionBias: Tensor, windowSize: readonly number[], numHeads: number, shiftSize: readonly number[], options?: ShiftedWindowAttentionOptions]
    | [input: Tensor, qkvWeight: Tensor, projWeight: Tensor, relativePositionBias: Tensor, windowSize: readonly number[], numHeads: number, options: ShiftedWindowAttentionOptions & { shiftSize: readonly number[] }]
): Tensor {
  const o = SHIFTED_WINDOW_ATTENTION_FN<SwaBound>(args);
  const { input, windowSize, numHeads, training } = o;
  const [B, H, W, C] = [...input.shape] as [number, number, number, number];
  // pad feature maps to multiples of window size
  const padR = (windowSize[1]! - (W % windowSize[1]!)) % windowSize[1]!;
  const padB = (windowSize[0]! - (H % windowSize[0]!)) % windowSize[0]!;
  let x = F.pad(input, [0, 0, 0, padR, 0, padB]);
  const [, padH, padW] = [...x.shape] as [number, number, number, number];

  const shiftSize = [...o.shiftSize];
  // a window as large as the feature map needs no shift
  if (windowSize[0]! >= padH) shiftSize[0] = 0;
  if (windowSize[1]! >= padW) shiftSize[1] = 0;
  const shifted = shiftSize[0]! + shiftSize[1]! > 0;

  if (shifted) x = roll(x, [0 - shiftSize[0]!, 0 - shiftSize[1]!], [1, 2]);

  // partition windows
  const nH = Math.floor(padH / windowSize[0]!);
  const nW = Math.floor(padW / windowSize[1]!);
  const numWindows = nH * nW;
  const N = windowSize[0]! * windowSize[1]!;
  x = x.view(B, nH, windowSize[0]!, nW, windowSize[1]!, C);
  x = x.permute(0, 1, 3, 2, 4, 5).reshape(B * numWindows, N, C);

  // multi-head attention
  let qkvBias = o.qkvBias;
  if (o.logitScale !== null && qkvBias !== null) {
    qkvBias = qkvBias.clone();
    const length = Math.floor(qkvBias.numel() / 3);
    qkvBias.get(slice(length, 2 * length)).zero_();
  }
  const headDim = Math.floor(C / numHeads);
  const qkv = F.linear(x, o.qkvWeight, qkvBias).reshape(x.shape[0]!, x.shape[1]!, 3, numHeads, headDim).permute(2, 0, 3, 1, 4);
  let [q, k, v] = [qkv.get(0), qkv.get(1), qkv.get(2)];
  let attn: Tensor;
  if (o.logitScale !== null) {
    // cosine attention
    attn = F.normalize(q, { dim: -1 }).matmul(F.normalize(k, { dim: -1 }).transpose(-2, -1));
    attn = attn.mul(clamp(o.logitScale, { max: Math.log(100.0) }).exp());
  } else {
    q = q.mul(headDim ** -0.5);
    attn = q.matmul(k.transpose(-2, -1));
  }
  // add relative position bias
  attn = attn.add(o.relativePositionBias);

  if (shifted) {
    // the attention mask: tokens of different regions of a shifted window do not attend to each other
    let attnMask = x.newZeros([padH, padW]);
    const hSlices = [[0, -windowSize[0]!], [-windowSize[0]!, 0 - shiftSize[0]!], [0 - shiftSize[0]!, null]] as const;
    const wSlices = [[0, -windowSize[1]!], [-windowSize[1]!, 0 - shiftSize[1]!], [0 - shiftSize[1]!, null]] as const;
    let count = 0;
    for (const h of hSlices) {
      for (const w of wSlices) {
        attnMask.set([slice(h[0], h[1]), slice(w[0], w[1])], count);
        count += 1;
      }
    }
    attnMask = attnMask.view(nH, windowSize[0]!, nW, windowSize[1]!).permute(0, 2, 1, 3).reshape(numWindows, N);
    attnMask = attnMask.unsqueeze(1).sub(attnMask.unsqueeze(2));
    attnMask = attnMask.maskedFill(attnMask.ne(0), -100.0).maskedFill(attnMask.eq(0), 0.0);
    attn = attn.view(Math.floor(x.shape[0]! / numWindows), numWindows, numHeads, N, N);
    attn = attn.add(attnMask.unsqueeze(1).unsqueeze(0));
    attn = attn.view(-1, numHeads, N, N);
  }

  attn = F.softmax(attn, { dim: -1 });
  attn = F.dropout(attn, { p: o.attentionDropout, training });

  x = attn.matmul(v).transpose(1, 2).reshape(x.shape[0]!, N, C);
  x = F.linear(x, o.projWeight, o.projBias);
  x = F.dropout(x, { p: o.dropout, training });

  // reverse windows
  x = x.view(B, nH, nW, windowSize[0]!, windowSize[1]!, C);
  x = x.permute(0, 1, 3, 2, 4, 5).reshape(B, padH, padW, C);

  // reverse cyclic shift
  if (shifted) x = roll(x, [shiftSize[0]!, shiftSize[1]!], [1, 2]);

  // unpad features
  return x.get(':', slice(null, H), slice(null, W), ':').contiguous();
}

export interface WindowAttentionOptions {
  qkvBias?: boolean;
  projBias?: boolean;
  attentionDropout?: number;
  dropout?: number;
}

type WindowAttentionArgs =
  | [dim: number, windowSize: readonly number[], shiftSize: readonly number[], numHeads: number, options?: WindowAttentionOptions]
  | [dim: number, windowSize: readonly number[], shiftSize: readonly number[], numHeads: number, qkvBias?: boolean, projBias?: boolean, attentionDropout?: number, dropout?: number];

type WindowAttentionBound = Required<WindowAttentionOptions> & { dim: number; windowSize: number[]; shiftSize: number[]; numHeads: number };

const WINDOW_ATTENTION_SIG = 'self, dim, window_size, shift_size, num_heads, qkv_bias=True, proj_bias=True, attention_dropout=0.0, dropout=0.0';
const SHIFTED_WINDOW_ATTENTION = pySignature('ShiftedWindowAttention.__init__', WINDOW_ATTENTION_SIG);
const SHIFTED_WINDOW_ATTENTION_V2 = pySignature('ShiftedWindowAttentionV2.__init__', WINDOW_ATTENTION_SIG);

/** The attention layer of a Swin block (see shiftedWindowAttention), with a learned relative position bias table. */
export class ShiftedWindowAttention extends nn.Module {
  static override pythonModule = 'torchvision.models.swin_transformer';
  static override floatAttributes: readonly string[] = ['attention_dropout', 'dropout'];
  static override listAttributes: readonly string[] = ['window_size', 'shift_size'];
  declare windowSize: number[];
  declare shiftSize: number[];
  declare numHeads: number;
  declare attentionDropout: number;
  declare dropout: number;
  declare qkv: nn.Linear;
  declare proj: nn.Linear;
  declare relative_position_bias_table: nn.Parameter;
  declare relative_position_index: Tensor;

  constructor(...args: WindowAttentionArgs) {
    super();
    const o = SHIFTED_WINDOW_ATTENTION<WindowAttentionBound>(args);
    if (o.windowSize.length !== 2 || o.shiftSize.length !== 2) throw new RangeError('window_size and shift_size must be of length 2');
    this.windowSize = o.windowSize;
    this.shiftSize = o.shiftSize;
    this.numHeads = o.numHeads;
    this.attentionDropout = o.attentionDropout;
    this.dropout = o.dropout;
    this.qkv = new nn.Linear(o.dim, o.dim * 3, { bias: o.qkvBias });
    this.proj = new nn.Linear(o.dim, o.dim, { bias: o.projBias });
    this.defineRelativePositionBiasTable();
    this.defineRelativePositionIndex();
  }

  defineRelativePositionBiasTable(): void {
    const [wh, ww] = this.windowSize as [number, number];
    this.relative_position_bias_table = new nn.Parameter(zeros((2 * wh - 1) * (2 * ww - 1), this.numHeads)); // 2*Wh-1 * 2*Ww-1, nH
    nn.init.truncNormal_(this.relative_position_bias_table, { std: 0.02 });
  }

  /** The pair-wise relative position index of the tokens of a window: Wh*Ww*Wh*Ww entries. */
  defineRelativePositionIndex(): void {
    const [wh, ww] = this.windowSize as [number, number];
    const coords = stack(meshgrid(arange(wh), arange(ww), { indexing: 'ij' })); // 2, Wh, Ww
    const coordsFlatten = flatten(coords, 1); // 2, Wh*Ww
    let relativeCoords = coordsFlatten.get(':', ':', null).sub(coordsFlatten.get(':', null, ':')); // 2, Wh*Ww, Wh*Ww
    relativeCoords = relativeCoords.permute(1, 2, 0).contiguous(); // Wh*Ww, Wh*Ww, 2
    relativeCoords.get(':', ':', 0).add_(wh - 1); // shift to start from 0
    relativeCoords.get(':', ':', 1).add_(ww - 1);
    relativeCoords.get(':', ':', 0).mul_(2 * ww - 1);
    this.registerBuffer('relative_position_index', relativeCoords.sum(-1).flatten());
  }

  getRelativePositionBias(): Tensor {
    return _getRelativePositionBias(this.relative_position_bias_table, this.relative_position_index, this.windowSize);
  }

  /** [B, H, W, C] to [B, H, W, C]. */
  override forward(x: Tensor): Tensor {
    return shiftedWindowAttention(x, this.qkv.weight, this.proj.weight, this.getRelativePositionBias(), this.windowSize, this.numHeads, {
      shiftSize: this.shiftSize,
      attentionDropout: this.attentionDropout,
      dropout: this.dropout,
      qkvBias: this.qkv.bias,
      projBias: this.proj.bias,
      training: this.training,
    });
  }
}

/** Swin V2's attention: cosine attention with a learned logit scale, the bias from a continuous position bias MLP. */
export class ShiftedWindowAttentionV2 extends ShiftedWindowAttention {
  static override pythonModule = 'torchvision.models.swin_transformer';
  declare relative_coords_table: Tensor;
  declare logit_scale: nn.Parameter;
  declare cpb_mlp: nn.Sequential;

  constructor(...args: WindowAttentionArgs) {
    const o = SHIFTED_WINDOW_ATTENTION_V2<WindowAttentionBound>(args);
    super(o.dim, o.windowSize, o.shiftSize, o.numHeads, { qkvBias: o.qkvBias, projBias: o.projBias, attentionDropout: o.attentionDropout, dropout: o.dropout });
    this.logit_scale = new nn.Parameter(ones(o.numHeads, 1, 1).mul(10).log());
    // mlp to generate continuous relative position bias
    this.cpb_mlp = new nn.Sequential(new nn.Linear(2, 512, { bias: true }), new nn.ReLU({ inplace: true }), new nn.Linear(512, o.numHeads, { bias: false }));
    const bias = this.qkv.bias;
    if (o.qkvBias && bias !== null) {
      const length = Math.floor(bias.numel() / 3);
      noGrad(() => bias.get(slice(length, 2 * length)).zero_());
    }
  }

  /** The log-spaced relative coordinates the MLP maps to the bias: [1, 2*Wh-1, 2*Ww-1, 2], in [-8, 8] before the log. */
  override defineRelativePositionBiasTable(): void {
    const [wh, ww] = this.windowSize as [number, number];
    const relativeCoordsH = arange(-(wh - 1), wh, { dtype: float32 });
    const relativeCoordsW = arange(-(ww - 1), ww, { dtype: float32 });
    let table = stack(meshgrid([relativeCoordsH, relativeCoordsW], { indexing: 'ij' }));
    table = table.permute(1, 2, 0).contiguous().unsqueeze(0); // 1, 2*Wh-1, 2*Ww-1, 2
    table.get(':', ':', ':', 0).div_(wh - 1);
    table.get(':', ':', ':', 1).div_(ww - 1);
    table.mul_(8); // normalize to -8, 8
    table = sign(table).mul(log2(table.abs().add(1.0))).div(3.0);
    this.registerBuffer('relative_coords_table', table);
  }

  override getRelativePositionBias(): Tensor {
    const table = (this.cpb_mlp.call(this.relative_coords_table) as Tensor).view(-1, this.numHeads);
    return sigmoid(_getRelativePositionBias(table, this.relative_position_index, this.windowSize)).mul(16);
  }

  override forward(x: Tensor): Tensor {
    return shiftedWindowAttention(x, this.qkv.weight, this.proj.weight, this.getRelativePositionBias(), this.windowSize, this.numHeads, {
      shiftSize: this.shiftSize,
      attentionDropout: this.attentionDropout,
      dropout: this.dropout,
      qkvBias: this.qkv.bias,
      projBias: this.proj.bias,
      logitScale: this.logit_scale,
      training: this.training,
    });
  }
}

/** An attention layer: `(dim, windowSize, shiftSize, numHeads, { attentionDropout, dropout }) => Module`. */
export type AttentionLayerFactory = LayerFactory<[number, number[], number[], number, { attentionDropout: number; dropout: number }]>;

export interface SwinTransformerBlockOptions {
  mlpRatio?: number;
  dropout?: number;
  attentionDropout?: number;
  stochasticDepthProb?: number;
  normLayer?: LayerFactory | null;
  attnLayer?: AttentionLayerFactory | null;
}

type BlockArgs =
  | [dim: number, numHeads: number, windowSize: readonly number[], shiftSize: readonly number[], options?: SwinTransformerBlockOptions]
  | [dim: number, numHeads: number, options: SwinTransformerBlockOptions & { windowSize: readonly number[]; shiftSize: readonly number[] }];

type BlockBound = Required<SwinTransformerBlockOptions> & { dim: number; numHeads: number; windowSize: number[]; shiftSize: number[] };

const BLOCK_SIG = 'self, dim, num_heads, window_size, shift_size, mlp_ratio=4.0, dropout=0.0, attention_dropout=0.0, stochastic_depth_prob=0.0, norm_layer=None, attn_layer=None';
const SWIN_TRANSFORMER_BLOCK = pySignature('SwinTransformerBlock.__init__', BLOCK_SIG);
const SWIN_TRANSFORMER_BLOCK_V2 = pySignature('SwinTransformerBlockV2.__init__', BLOCK_SIG);

/** A Swin block: (shifted) window attention and an MLP, each a pre-norm residual branch with stochastic depth. */
export class SwinTransformerBlock extends nn.Module {
  static override pythonModule = 'torchvision.models.swin_transformer';
  declare norm1: nn.Module;
  declare attn: nn.Module;
  declare stochastic_depth: StochasticDepth;
  declare norm2: nn.Module;
  declare mlp: MLP;

  constructor(...args: BlockArgs) {
    super();
    const o = SWIN_TRANSFORMER_BLOCK<BlockBound>(args);
    const normLayer = o.normLayer ?? nn.LayerNorm;
    this.norm1 = makeLayer(normLayer, o.dim);
    this.attn = makeLayer(o.attnLayer ?? ShiftedWindowAttention, o.dim, o.windowSize, o.shiftSize, o.numHeads, { attentionDropout: o.attentionDropout, dropout: o.dropout });
    this.stochastic_depth = new StochasticDepth(o.stochasticDepthProb, 'row');
    this.norm2 = makeLayer(normLayer, o.dim);
    this.mlp = new MLP(o.dim, [Math.trunc(o.dim * o.mlpRatio), o.dim], { activationLayer: nn.GELU, inplace: null, dropout: o.dropout });
    for (const m of this.mlp.modules()) {
      if (m instanceof nn.Linear) {
        nn.init.xavierUniform_(m.weight);
        if (m.bias !== null) nn.init.normal_(m.bias, { std: 1e-6 });
      }
    }
  }

  override forward(x: Tensor): Tensor {
    x = x.add(this.stochastic_depth.call(this.attn.call(this.norm1.call(x) as Tensor) as Tensor));
    return x.add(this.stochastic_depth.call(this.mlp.call(this.norm2.call(x) as Tensor) as Tensor));
  }
}

/** Swin V2's block: post-norm residual branches (the norm after the attention and the MLP). */
export class SwinTransformerBlockV2 extends SwinTransformerBlock {
  static override pythonModule = 'torchvision.models.swin_transformer';

  constructor(...args: BlockArgs) {
    const o = SWIN_TRANSFORMER_BLOCK_V2<BlockBound>(args);
    super(o.dim, o.numHeads, o.windowSize, o.shiftSize, {
      mlpRatio: o.mlpRatio,
      dropout: o.dropout,
      attentionDropout: o.attentionDropout,
      stochasticDepthProb: o.stochasticDepthProb,
      normLayer: o.normLayer,
      attnLayer: o.attnLayer ?? ShiftedWindowAttentionV2,
    });
  }

  override forward(x: Tensor): Tensor {
    x = x.add(this.stochastic_depth.call(this.norm1.call(this.attn.call(x) as Tensor) as Tensor));
    return x.add(this.stochastic_depth.call(this.norm2.call(this.mlp.call(x) as Tensor) as Tensor));
  }
}

/** A Swin block: `(dim, numHeads, options) => Module`. */
export type SwinBlockFactory = LayerFactory<[number, number, SwinTransformerBlockOptions & { windowSize: number[]; shiftSize: number[] }]>;

export interface SwinTransformerOptions {
  patchSize?: readonly number[];
  embedDim?: number;
  depths?: readonly number[];
  numHeads?: readonly number[];
  windowSize?: readonly number[];
  mlpRatio?: number;
  dropout?: number;
  attentionDropout?: number;
  stochasticDepthProb?: number;
  numClasses?: number;
  normLayer?: LayerFactory | null;
  block?: SwinBlockFactory | null;
  downsampleLayer?: LayerFactory<[number, LayerFactory]> | null;
}

type SwinBound = Required<SwinTransformerOptions> & { patchSize: number[]; depths: number[]; numHeads: number[]; windowSize: number[] };

const SWIN_TRANSFORMER = pySignature(
  'SwinTransformer.__init__',
  'self, patch_size, embed_dim, depths, num_heads, window_size, mlp_ratio=4.0, dropout=0.0, attention_dropout=0.0, stochastic_depth_prob=0.1, num_classes=1000, norm_layer=None, block=None, downsample_layer=None',
);

/** Swin Transformer from "Swin Transformer: Hierarchical Vision Transformer using Shifted Windows". */
export class SwinTransformer extends nn.Module {
  static override pythonModule = 'torchvision.models.swin_transformer';
  declare numClasses: number;
  declare features: nn.Sequential;
  declare norm: nn.Module;
  declare permute: Permute;
  declare avgpool: nn.AdaptiveAvgPool2d;
  declare flatten: nn.Flatten;
  declare head: nn.Linear;

  constructor(
    ...args:
      | [patchSize: readonly number[], embedDim: number, depths: readonly number[], numHeads: readonly number[], windowSize: readonly number[], options?: SwinTransformerOptions]
      | [options: SwinTransformerOptions]
  ) {
    super();
    const o = SWIN_TRANSFORMER<SwinBound>(args);
    this.numClasses = o.numClasses;
    const block = o.block ?? SwinTransformerBlock;
    const normLayer = o.normLayer ?? ((d: number) => new nn.LayerNorm(d, { eps: 1e-5 }));
    const downsampleLayer = o.downsampleLayer ?? PatchMerging;

    const layers: nn.Module[] = [];
    // split image into non-overlapping patches
    const patch = [o.patchSize[0]!, o.patchSize[1]!];
    layers.push(new nn.Sequential(new nn.Conv2d(3, o.embedDim, patch, { stride: patch }), new Permute([0, 2, 3, 1]), makeLayer(normLayer, o.embedDim)));

    const totalStageBlocks = o.depths.reduce((a, b) => a + b, 0);
    let stageBlockId = 0;
    for (let iStage = 0; iStage < o.depths.length; iStage++) {
      const stage: nn.Module[] = [];
      const dim = o.embedDim * 2 ** iStage;
      for (let iLayer = 0; iLayer < o.depths[iStage]!; iLayer++) {
        // the stochastic depth probability grows with the depth of the block
        const sdProb = (o.stochasticDepthProb * stageBlockId) / (totalStageBlocks - 1);
        stage.push(
          makeLayer(block, dim, o.numHeads[iStage]!, {
            windowSize: o.windowSize,
            shiftSize: o.windowSize.map((w) => (iLayer % 2 === 0 ? 0 : Math.floor(w / 2))),
            mlpRatio: o.mlpRatio,
            dropout: o.dropout,
            attentionDropout: o.attentionDropout,
            stochasticDepthProb: sdProb,
            normLayer,
          }),
        );
        stageBlockId += 1;
      }
      layers.push(new nn.Sequential(...stage));
      // patch merging between the stages
      if (iStage < o.depths.length - 1) layers.push(makeLayer(downsampleLayer, dim, normLayer));
    }
    this.features = new nn.Sequential(...layers);

    const numFeatures = o.embedDim * 2 ** (o.depths.length - 1);
    this.norm = makeLayer(normLayer, numFeatures);
    this.permute = new Permute([0, 3, 1, 2]); // B H W C -> B C H W
    this.avgpool = new nn.AdaptiveAvgPool2d(1);
    this.flatten = new nn.Flatten(1);
    this.head = new nn.Linear(numFeatures, o.numClasses);

    for (const m of this.modules()) {
      if (m instanceof nn.Linear) {
        nn.init.truncNormal_(m.weight, { std: 0.02 });
        if (m.bias !== null) nn.init.zeros_(m.bias);
      }
    }
  }

  override forward(x: Tensor): Tensor {
    x = this.features.call(x) as Tensor;
    x = this.norm.call(x) as Tensor;
    x = this.permute.call(x);
    x = this.avgpool.call(x);
    x = this.flatten.call(x);
    return this.head.call(x);
  }
}

export type SwinBuilderOptions<W extends WeightsEnum> = BuilderOptions<W> &
  Omit<SwinTransformerOptions, 'patchSize' | 'embedDim' | 'depths' | 'numHeads' | 'windowSize' | 'stochasticDepthProb'>;

interface SwinArch {
  patchSize: number[];
  embedDim: number;
  depths: number[];
  numHeads: number[];
  windowSize: number[];
  stochasticDepthProb: number;
  block?: SwinBlockFactory;
  downsampleLayer?: LayerFactory<[number, LayerFactory]>;
}

const camelToSnake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function _swinTransformer<W extends WeightsEnum>(name: string, arch: SwinArch, weightsEnum: WeightsEnumClass<W>, args: readonly unknown[]): SwinTransformer {
  const { weights, progress, kwargs } = _builderArgs(name, weightsEnum, args);
  // undefined is "not given", as everywhere: it neither collides with nor replaces the architecture's values
  const given = Object.fromEntries(Object.entries(kwargs).filter(([, v]) => v !== undefined));
  for (const key of Object.keys(given)) {
    if (key in arch) throw new TypeError(`torchvision.models.swin_transformer._swin_transformer() got multiple values for keyword argument '${camelToSnake(key)}'`);
  }
  if (weights !== null) _ovewriteNamedParam(given, 'num_classes', weights.meta.categories!.length);
  const model = new SwinTransformer({ ...arch, ...given });
  if (weights !== null) model.loadStateDict(weights.getStateDict({ progress, checkHash: true }));
  return model;
}

const DOCS = 'These weights reproduce closely the results of the paper using a similar training recipe.';
const RECIPE_V1 = 'https://github.com/pytorch/vision/tree/main/references/classification#swintransformer';
const RECIPE_V2 = 'https://github.com/pytorch/vision/tree/main/references/classification#swintransformer-v2';
const bicubic = (cropSize: number, resizeSize: number) => (): ImageClassification => new ImageClassification({ cropSize, resizeSize, interpolation: InterpolationMode.BICUBIC });

export class Swin_T_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new Swin_T_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/swin_t-704ceda3.pth', bicubic(224, 232), {
      categories: _IMAGENET_CATEGORIES,
      numParams: 28288354,
      minSize: [224, 224],
      recipe: RECIPE_V1,
      _metrics: { 'ImageNet-1K': { 'acc@1': 81.474, 'acc@5': 95.776 } },
      _ops: 4.491,
      _fileSize: 108.19,
      _docs: DOCS,
    }),
  );
  static readonly DEFAULT = Swin_T_Weights.IMAGENET1K_V1;
}

export class Swin_S_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new Swin_S_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/swin_s-5e29d889.pth', bicubic(224, 246), {
      categories: _IMAGENET_CATEGORIES,
      numParams: 49606258,
      minSize: [224, 224],
      recipe: RECIPE_V1,
      _metrics: { 'ImageNet-1K': { 'acc@1': 83.196, 'acc@5': 96.36 } },
      _ops: 8.741,
      _fileSize: 189.786,
      _docs: DOCS,
    }),
  );
  static readonly DEFAULT = Swin_S_Weights.IMAGENET1K_V1;
}

export class Swin_B_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new Swin_B_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/swin_b-68c6b09e.pth', bicubic(224, 238), {
      categories: _IMAGENET_CATEGORIES,
      numParams: 87768224,
      minSize: [224, 224],
      recipe: RECIPE_V1,
      _metrics: { 'ImageNet-1K': { 'acc@1': 83.582, 'acc@5': 96.64 } },
      _ops: 15.431,
      _fileSize: 335.364,
      _docs: DOCS,
    }),
  );
  static readonly DEFAULT = Swin_B_Weights.IMAGENET1K_V1;
}

export class Swin_V2_T_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new Swin_V2_T_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/swin_v2_t-b137f0e2.pth', bicubic(256, 260), {
      categories: _IMAGENET_CATEGORIES,
      numParams: 28351570,
      minSize: [256, 256],
      recipe: RECIPE_V2,
      _metrics: { 'ImageNet-1K': { 'acc@1': 82.072, 'acc@5': 96.132 } },
      _ops: 5.94,
      _fileSize: 108.626,
      _docs: DOCS,
    }),
  );
  static readonly DEFAULT = Swin_V2_T_Weights.IMAGENET1K_V1;
}

export class Swin_V2_S_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new Swin_V2_S_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/swin_v2_s-637d8ceb.pth', bicubic(256, 260), {
      categories: _IMAGENET_CATEGORIES,
      numParams: 49737442,
      minSize: [256, 256],
      recipe: RECIPE_V2,
      _metrics: { 'ImageNet-1K': { 'acc@1': 83.712, 'acc@5': 96.816 } },
      _ops: 11.546,
      _fileSize: 190.675,
      _docs: DOCS,
    }),
  );
  static readonly DEFAULT = Swin_V2_S_Weights.IMAGENET1K_V1;
}

export class Swin_V2_B_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new Swin_V2_B_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/swin_v2_b-781e5279.pth', bicubic(256, 272), {
      categories: _IMAGENET_CATEGORIES,
      numParams: 87930848,
      minSize: [256, 256],
      recipe: RECIPE_V2,
      _metrics: { 'ImageNet-1K': { 'acc@1': 84.112, 'acc@5': 96.864 } },
      _ops: 20.325,
      _fileSize: 336.372,
      _docs: DOCS,
    }),
  );
  static readonly DEFAULT = Swin_V2_B_Weights.IMAGENET1K_V1;
}

const v1 = { patchSize: [4, 4], windowSize: [7, 7] };
const v2 = { patchSize: [4, 4], windowSize: [8, 8], block: SwinTransformerBlockV2, downsampleLayer: PatchMergingV2 };

/** swin_tiny from "Swin Transformer: Hierarchical Vision Transformer using Shifted Windows". */
export function swinT(...args: [SwinBuilderOptions<Swin_T_Weights>?]): SwinTransformer {
  return _swinTransformer('swin_t', { ...v1, embedDim: 96, depths: [2, 2, 6, 2], numHeads: [3, 6, 12, 24], stochasticDepthProb: 0.2 }, Swin_T_Weights, args);
}
/** swin_small. */
export function swinS(...args: [SwinBuilderOptions<Swin_S_Weights>?]): SwinTransformer {
  return _swinTransformer('swin_s', { ...v1, embedDim: 96, depths: [2, 2, 18, 2], numHeads: [3, 6, 12, 24], stochasticDepthProb: 0.3 }, Swin_S_Weights, args);
}
/** swin_base. */
export function swinB(...args: [SwinBuilderOptions<Swin_B_Weights>?]): SwinTransformer {
  return _swinTransformer('swin_b', { ...v1, embedDim: 128, depths: [2, 2, 18, 2], numHeads: [4, 8, 16, 32], stochasticDepthProb: 0.5 }, Swin_B_Weights, args);
}
/** swin_v2_tiny from "Swin Transformer V2: Scaling Up Capacity and Resolution". */
export function swinV2T(...args: [SwinBuilderOptions<Swin_V2_T_Weights>?]): SwinTransformer {
  return _swinTransformer('swin_v2_t', { ...v2, embedDim: 96, depths: [2, 2, 6, 2], numHeads: [3, 6, 12, 24], stochasticDepthProb: 0.2 }, Swin_V2_T_Weights, args);
}
/** swin_v2_small. */
export function swinV2S(...args: [SwinBuilderOptions<Swin_V2_S_Weights>?]): SwinTransformer {
  return _swinTransformer('swin_v2_s', { ...v2, embedDim: 96, depths: [2, 2, 18, 2], numHeads: [3, 6, 12, 24], stochasticDepthProb: 0.3 }, Swin_V2_S_Weights, args);
}
/** swin_v2_base. */
export function swinV2B(...args: [SwinBuilderOptions<Swin_V2_B_Weights>?]): SwinTransformer {
  return _swinTransformer('swin_v2_b', { ...v2, embedDim: 128, depths: [2, 2, 18, 2], numHeads: [4, 8, 16, 32], stochasticDepthProb: 0.5 }, Swin_V2_B_Weights, args);
}

registerModel('swin_t', swinT, Swin_T_Weights);
registerModel('swin_s', swinS, Swin_S_Weights);
registerModel('swin_b', swinB, Swin_B_Weights);
registerModel('swin_v2_t', swinV2T, Swin_V2_T_Weights);
registerModel('swin_v2_s', swinV2S, Swin_V2_S_Weights);
registerModel('swin_v2_b', swinV2B, Swin_V2_B_Weights);
