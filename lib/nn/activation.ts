// Activation layers and MultiheadAttention (torch/nn/modules/activation.py).
import { isGradEnabled } from '../autograd';
import { empty } from '../generated/torch';
import { native } from '../native';
import { op } from '../ops';
import { wrap, type Tensor } from '../tensor';
import * as F from './functional';
import * as init from './init';
import { NonDynamicallyQuantizableLinear, type FactoryOptions } from './linear';
import { Module } from './module';
import { Parameter } from './parameter';
import { pyFloat, pyRepr } from './repr';
import { bindArgs, type Args } from './utils';

type Inplace = { inplace?: boolean };

/** Python's `f(x, inplace=False)` in TypeScript: `new ReLU(true)` or `new ReLU({ inplace: true })`. */
function inplaceArg(arg: boolean | Inplace | undefined): boolean {
  if (typeof arg === 'object' && arg !== null) return arg.inplace ?? false;
  return arg ?? false;
}

/** ReLU(x) = max(0, x). */
export class ReLU extends Module {
  declare inplace: boolean;
  constructor(inplace: boolean | Inplace = false) {
    super();
    this.inplace = inplaceArg(inplace);
  }
  override forward(input: Tensor): Tensor {
    return F.relu(input, { inplace: this.inplace });
  }
  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/** Clamps to [min_val, max_val]. */
export class Hardtanh extends Module {
  declare minVal: number;
  declare maxVal: number;
  declare inplace: boolean;
  constructor(minVal: number | (Inplace & { minVal?: number; maxVal?: number }) = -1.0, maxVal = 1.0, inplace = false) {
    super();
    if (typeof minVal === 'object') {
      ({ minVal = -1.0, maxVal = 1.0, inplace = false } = minVal);
    }
    this.minVal = minVal as number;
    this.maxVal = maxVal;
    this.inplace = inplace;
    if (this.maxVal <= this.minVal) throw new Error(`max_val (${pyFloat(this.maxVal)}) must be greater than min_val (${pyFloat(this.minVal)})`);
  }
  override forward(input: Tensor): Tensor {
    return this.inplace ? F.hardtanh_(input, this.minVal, this.maxVal) : F.hardtanh(input, this.minVal, this.maxVal);
  }
  override extraRepr(): string {
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/** ReLU6(x) = min(max(0, x), 6). */
export class ReLU6 extends Hardtanh {
  constructor(inplace: boolean | Inplace = false) {
    super(0.0, 6.0, inplaceArg(inplace));
  }
  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/** LeakyReLU(x) = max(0, x) + negative_slope * min(0, x). */
export class LeakyReLU extends Module {
  declare negativeSlope: number;
  declare inplace: boolean;
  constructor(negativeSlope: number | (Inplace & { negativeSlope?: number }) = 1e-2, inplace: boolean | Inplace = false) {
    super();
    if (typeof negativeSlope === 'object') {
      this.negativeSlope = negativeSlope.negativeSlope ?? 1e-2;
      this.inplace = negativeSlope.inplace ?? false;
    } else {
      this.negativeSlope = negativeSlope;
      this.inplace = inplaceArg(inplace);
    }
  }
  override forward(input: Tensor): Tensor {
    return this.inplace ? F.leakyRelu_(input, this.negativeSlope) : F.leakyRelu(input, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/** ELU(x) = max(0, x) + min(0, alpha * (exp(x) - 1)). */
export class ELU extends Module {
  declare alpha: number;
  declare inplace: boolean;
  constructor(alpha: number | (Inplace & { alpha?: number }) = 1.0, inplace: boolean | Inplace = false) {
    super();
    if (typeof alpha === 'object') {
      this.alpha = alpha.alpha ?? 1.0;
      this.inplace = alpha.inplace ?? false;
    } else {
      this.alpha = alpha;
      this.inplace = inplaceArg(inplace);
    }
  }
  override forward(input: Tensor): Tensor {
    return this.inplace ? F.elu_(input, this.alpha) : F.elu(input, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/** GELU, exact ('none') or with the tanh approximation ('tanh'). */
export class GELU extends Module {
  declare approximate: 'none' | 'tanh';
  constructor(approximate: 'none' | 'tanh' | { approximate?: 'none' | 'tanh' } = 'none') {
    super();
    this.approximate = typeof approximate === 'object' ? (approximate.approximate ?? 'none') : approximate;
  }
  override forward(input: Tensor): Tensor {
    return F.gelu(input, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate=${pyRepr(this.approximate)}`;
  }
}

/** SiLU(x) = x * sigmoid(x) (swish). */
export class SiLU extends Module {
  declare inplace: boolean;
  constructor(inplace: boolean | Inplace = false) {
    super();
    this.inplace = inplaceArg(inplace);
  }
  override forward(input: Tensor): Tensor {
    return F.silu(input, this.inplace);
  }
  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

export class Sigmoid extends Module {
  override forward(input: Tensor): Tensor {
    return input.sigmoid();
  }
}

export class Tanh extends Module {
  override forward(input: Tensor): Tensor {
    return input.tanh();
  }
}

type DimArg = number | null | { dim?: number | null };
const dimArg = (dim: DimArg | undefined): number | null => (typeof dim === 'object' && dim !== null ? (dim.dim ?? null) : (dim ?? null));

/** Softmax along `dim`. */
export class Softmax extends Module {
  declare dim: number | null;
  constructor(dim: DimArg = null) {
    super();
    this.dim = dimArg(dim);
  }
  override forward(input: Tensor): Tensor {
    return F.softmax(input, this.dim);
  }
  override extraRepr(): string {
    return `dim=${pyRepr(this.dim)}`;
  }
}

/** log(Softmax) along `dim`. */
export class LogSoftmax extends Module {
  declare dim: number | null;
  constructor(dim: DimArg = null) {
    super();
    this.dim = dimArg(dim);
  }
  override forward(input: Tensor): Tensor {
    return F.logSoftmax(input, this.dim);
  }
  override extraRepr(): string {
    return `dim=${pyRepr(this.dim)}`;
  }
}

// ---- MultiheadAttention ------------------------------------------------------------------------

const mhaOps = {
  nativeMha: op('aten::_native_multi_head_attention'),
};

export interface MultiheadAttentionOptions extends FactoryOptions {
  dropout?: number;
  bias?: boolean;
  addBiasKv?: boolean;
  addZeroAttn?: boolean;
  kdim?: number | null;
  vdim?: number | null;
  batchFirst?: boolean;
}

export interface MultiheadAttentionForwardOptions {
  keyPaddingMask?: Tensor | null;
  needWeights?: boolean;
  attnMask?: Tensor | null;
  averageAttnWeights?: boolean;
  isCausal?: boolean;
}

/** The tensor-argument checks of PyTorch's MHA fast path (`_check_arg_device`, `_arg_requires_grad`). @internal */
export function _fastPathTensorsOk(tensors: readonly (Tensor | null)[]): boolean {
  if (!tensors.every((t) => t === null || t.device.type === 'cpu' || t.device.type === 'cuda')) return false;
  return !(isGradEnabled() && tensors.some((t) => t !== null && t.requiresGrad));
}

/**
 * Attention over `numHeads` heads (Attention Is All You Need): `forward(query, key, value, options)`
 * returns `[attnOutput, attnWeights]` (weights null with `needWeights: false`).
 */
export class MultiheadAttention extends Module {
  declare embedDim: number;
  declare kdim: number;
  declare vdim: number;
  declare _qkvSameEmbedDim: boolean;
  declare numHeads: number;
  declare dropout: number;
  declare batchFirst: boolean;
  declare headDim: number;
  declare addZeroAttn: boolean;
  declare in_proj_weight: Parameter | null;
  declare q_proj_weight: Parameter | null;
  declare k_proj_weight: Parameter | null;
  declare v_proj_weight: Parameter | null;
  declare in_proj_bias: Parameter | null;
  declare out_proj: NonDynamicallyQuantizableLinear;
  declare bias_k: Parameter | null;
  declare bias_v: Parameter | null;

  constructor(
    ...args: Args<
      [embedDim: number, numHeads: number],
      [dropout: number, bias: boolean, addBiasKv: boolean, addZeroAttn: boolean, kdim: number | null, vdim: number | null, batchFirst: boolean],
      MultiheadAttentionOptions
    >
  ) {
    const o = bindArgs(
      'MultiheadAttention.__init__',
      ['embedDim', 'numHeads', 'dropout', 'bias', 'addBiasKv', 'addZeroAttn', 'kdim', 'vdim', 'batchFirst'],
      2, args, ['device', 'dtype'],
    ) as MultiheadAttentionOptions & { embedDim: number; numHeads: number };
    const { embedDim, numHeads } = o;
    if (embedDim <= 0 || numHeads <= 0) {
      throw new Error(`embed_dim and num_heads must be greater than 0, got embed_dim=${embedDim} and num_heads=${numHeads} instead`);
    }
    super();
    const factory = { device: o.device, dtype: o.dtype };
    this.embedDim = embedDim;
    this.kdim = o.kdim ?? embedDim;
    this.vdim = o.vdim ?? embedDim;
    this._qkvSameEmbedDim = this.kdim === embedDim && this.vdim === embedDim;
    this.numHeads = numHeads;
    this.dropout = o.dropout ?? 0.0;
    this.batchFirst = o.batchFirst ?? false;
    this.headDim = Math.floor(embedDim / numHeads);
    if (this.headDim * numHeads !== this.embedDim) throw new Error('embed_dim must be divisible by num_heads');
    if (!this._qkvSameEmbedDim) {
      this.q_proj_weight = new Parameter(empty([embedDim, embedDim], factory));
      this.k_proj_weight = new Parameter(empty([embedDim, this.kdim], factory));
      this.v_proj_weight = new Parameter(empty([embedDim, this.vdim], factory));
      this.registerParameter('in_proj_weight', null);
    } else {
      this.in_proj_weight = new Parameter(empty([3 * embedDim, embedDim], factory));
      this.registerParameter('q_proj_weight', null);
      this.registerParameter('k_proj_weight', null);
      this.registerParameter('v_proj_weight', null);
    }
    const bias = o.bias ?? true;
    if (bias) this.in_proj_bias = new Parameter(empty([3 * embedDim], factory));
    else this.registerParameter('in_proj_bias', null);
    this.out_proj = new NonDynamicallyQuantizableLinear(embedDim, embedDim, { bias, ...factory });
    if (o.addBiasKv) {
      this.bias_k = new Parameter(empty([1, 1, embedDim], factory));
      this.bias_v = new Parameter(empty([1, 1, embedDim], factory));
    } else {
      this.bias_k = null;
      this.bias_v = null;
    }
    this.addZeroAttn = o.addZeroAttn ?? false;
    this._resetParameters();
  }

  _resetParameters(): void {
    if (this._qkvSameEmbedDim) {
      init.xavierUniform_(this.in_proj_weight!);
    } else {
      init.xavierUniform_(this.q_proj_weight!);
      init.xavierUniform_(this.k_proj_weight!);
      init.xavierUniform_(this.v_proj_weight!);
    }
    if (this.in_proj_bias !== null) {
      init.constant_(this.in_proj_bias, 0.0);
      init.constant_(this.out_proj.bias!, 0.0);
    }
    if (this.bias_k !== null) init.xavierNormal_(this.bias_k);
    if (this.bias_v !== null) init.xavierNormal_(this.bias_v);
  }

  override forward(query: Tensor, key: Tensor, value: Tensor, options: MultiheadAttentionForwardOptions = {}): [Tensor, Tensor | null] {
    const needWeights = options.needWeights ?? true;
    const averageAttnWeights = options.averageAttnWeights ?? true;
    const isCausal = options.isCausal ?? false;
    let attnMask = options.attnMask ?? null;
    let keyPaddingMask = options.keyPaddingMask ?? null;
    let whyNotFastPath = '';
    if ((attnMask !== null && attnMask.dtype.isFloatingPoint) || (keyPaddingMask !== null && keyPaddingMask.dtype.isFloatingPoint)) {
      whyNotFastPath = 'floating-point masks are not supported for fast path.';
    }
    const isBatched = query.ndim === 3;
    keyPaddingMask = F._canonicalMask(keyPaddingMask, 'key_padding_mask', F._noneOrDtype(attnMask), 'attn_mask', query.dtype);
    attnMask = F._canonicalMask(attnMask, 'attn_mask', null, '', query.dtype, false);

    if (!isBatched) whyNotFastPath = `input not batched; expected query.dim() of 3 but got ${query.ndim}`;
    else if (query !== key || key !== value) whyNotFastPath = 'non-self attention was used (query, key, and value are not the same Tensor)';
    else if (this.in_proj_bias !== null && query.dtype.name !== this.in_proj_bias.dtype.name) whyNotFastPath = 'dtypes of query and in_proj_bias differ';
    else if (this.in_proj_weight === null) whyNotFastPath = 'in_proj_weight was None';
    else if (query.dtype.name !== this.in_proj_weight.dtype.name) whyNotFastPath = 'dtypes of query and in_proj_weight differ';
    else if (this.training) whyNotFastPath = 'training is enabled';
    else if (this.numHeads % 2 !== 0) whyNotFastPath = 'self.num_heads is not even';
    else if (!this.batchFirst) whyNotFastPath = 'batch_first was not True';
    else if (this.bias_k !== null) whyNotFastPath = 'self.bias_k was not None';
    else if (this.bias_v !== null) whyNotFastPath = 'self.bias_v was not None';
    else if (this.addZeroAttn) whyNotFastPath = 'add_zero_attn was enabled';
    else if (!this._qkvSameEmbedDim) whyNotFastPath = '_qkv_same_embed_dim was not True';

    if (!whyNotFastPath) {
      const tensorArgs = [query, key, value, this.in_proj_weight, this.in_proj_bias, this.out_proj.weight, this.out_proj.bias];
      if (_fastPathTensorsOk(tensorArgs) && this.in_proj_bias !== null && this.in_proj_weight !== null) {
        const [mergedMask, maskType] = this.mergeMasks(attnMask, keyPaddingMask, query);
        const [out, weights] = native.callOp(
          mhaOps.nativeMha, query._h, key._h, value._h, this.embedDim, this.numHeads, this.in_proj_weight._h, this.in_proj_bias._h,
          this.out_proj.weight._h, this.out_proj.bias === null ? null : this.out_proj.bias._h, mergedMask === null ? null : mergedMask._h,
          needWeights, averageAttnWeights, maskType,
        ) as [unknown, unknown];
        return [wrap(out), weights === null ? null : wrap(weights)];
      }
    }

    if (this.batchFirst && isBatched) {
      // Keep `query is key` / `key is value` as they were: the projection takes a shortcut on them.
      if (key === value) {
        if (query === key) {
          query = key = value = query.transpose(1, 0);
        } else {
          query = query.transpose(1, 0);
          key = value = key.transpose(1, 0);
        }
      } else {
        [query, key, value] = [query.transpose(1, 0), key.transpose(1, 0), value.transpose(1, 0)];
      }
    }
    const common: F.MultiHeadAttentionForwardOptions = {
      training: this.training, keyPaddingMask, needWeights, attnMask, averageAttnWeights, isCausal,
    };
    const [attnOutput, attnOutputWeights] = F.multiHeadAttentionForward(
      query, key, value, this.embedDim, this.numHeads, this.in_proj_weight, this.in_proj_bias, this.bias_k, this.bias_v,
      this.addZeroAttn, this.dropout, this.out_proj.weight, this.out_proj.bias,
      this._qkvSameEmbedDim
        ? common
        : { ...common, useSeparateProjWeight: true, qProjWeight: this.q_proj_weight, kProjWeight: this.k_proj_weight, vProjWeight: this.v_proj_weight },
    );
    if (this.batchFirst && isBatched) return [attnOutput.transpose(1, 0), attnOutputWeights];
    return [attnOutput, attnOutputWeights];
  }

  /** Combines the masks for the fast path: [mask, mask_type] (1: key padding, 2: attention mask). */
  mergeMasks(attnMask: Tensor | null, keyPaddingMask: Tensor | null, query: Tensor): [Tensor | null, number | null] {
    let maskType: number | null = null;
    let mergedMask: Tensor | null = null;
    if (keyPaddingMask !== null) {
      maskType = 1;
      mergedMask = keyPaddingMask;
    }
    if (attnMask !== null) {
      const [batchSize, seqLen] = query.shape as unknown as [number, number];
      maskType = 2;
      const expanded = attnMask.ndim === 3
        ? attnMask.view(batchSize, -1, seqLen, seqLen)
        : attnMask.view(1, 1, seqLen, seqLen).expand(batchSize, this.numHeads, -1, -1);
      mergedMask = expanded;
      if (keyPaddingMask !== null) mergedMask = expanded.add(keyPaddingMask.view(batchSize, 1, 1, seqLen).expand(-1, this.numHeads, -1, -1));
    }
    return [mergedMask, maskType];
  }
}
