// Transformer layers (torch/nn/modules/transformer.py): Transformer, TransformerEncoder,
// TransformerDecoder, TransformerEncoderLayer, TransformerDecoderLayer.
import { isGradEnabled } from '../autograd';
import type { DeviceLike } from '../device';
import type { DType } from '../dtype';
import { full, triu } from '../generated/torch';
import { native } from '../native';
import { op } from '../ops';
import { Tensor, wrap } from '../tensor';
import { GELU, MultiheadAttention, ReLU, _fastPathTensorsOk } from './activation';
import { Dropout } from './dropout';
import * as F from './functional';
import { Linear, type FactoryOptions } from './linear';
import { ModuleList } from './container';
import * as init from './init';
import { Module } from './module';
import { LayerNorm } from './normalization';
import { Parameter } from './parameter';
import { pySignature } from '../python_signature';
import { type Args } from './modules_utils';

// PyTorch's `activation=F.relu` default is written 'relu' (the same function).
const ENCODER_LAYER = pySignature(
  'TransformerEncoderLayer.__init__',
  "self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation='relu', layer_norm_eps=1e-05, batch_first=False, norm_first=False, bias=True, *, device=None, dtype=None",
);

const ops = {
  encoderLayerFwd: op('aten::_transformer_encoder_layer_fwd'),
  nestedFromMask: op('aten::_nested_tensor_from_mask'),
  nestedFromMaskLeftAligned: op('aten::_nested_tensor_from_mask_left_aligned'),
  toPaddedTensor: op('aten::to_padded_tensor'),
};
const ENCODER = pySignature('TransformerEncoder.__init__', 'self, encoder_layer, num_layers, norm=None, enable_nested_tensor=True, mask_check=True');
const ENCODER_FORWARD = pySignature('TransformerEncoder.forward', 'self, src, mask=None, src_key_padding_mask=None, is_causal=None');
const DECODER_LAYER = pySignature(
  'TransformerDecoderLayer.__init__',
  "self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation='relu', layer_norm_eps=1e-05, batch_first=False, norm_first=False, bias=True, device=None, dtype=None",
);
const DECODER_LAYER_FORWARD = pySignature(
  'TransformerDecoderLayer.forward',
  'self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None, memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False',
);
const DECODER = pySignature('TransformerDecoder.__init__', 'self, decoder_layer, num_layers, norm=None');
const DECODER_FORWARD = pySignature(
  'TransformerDecoder.forward',
  'self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None, memory_key_padding_mask=None, tgt_is_causal=None, memory_is_causal=False',
);
const TRANSFORMER = pySignature(
  'Transformer.__init__',
  "self, d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6, dim_feedforward=2048, dropout=0.1, activation='relu', " +
    'custom_encoder=None, custom_decoder=None, layer_norm_eps=1e-05, batch_first=False, norm_first=False, bias=True, device=None, dtype=None',
);
const TRANSFORMER_FORWARD = pySignature(
  'Transformer.forward',
  'self, src, tgt, src_mask=None, tgt_mask=None, memory_mask=None, src_key_padding_mask=None, tgt_key_padding_mask=None, ' +
    'memory_key_padding_mask=None, src_is_causal=None, tgt_is_causal=None, memory_is_causal=False',
);

const warn = (message: string): void => void process.emitWarning(message, 'UserWarning');

/** A square mask for the sequence: -inf above the diagonal (future positions), 0 elsewhere. */
export function _generateSquareSubsequentMask(sz: number, device?: DeviceLike | null, dtype?: DType | null): Tensor {
  return triu(full([sz, sz], -Infinity, { dtype: dtype ?? null, device: device ?? null }), { diagonal: 1 });
}

/**
 * Nested tensors have no public constructor in torchnode: the only ones are those
 * TransformerEncoder's fast path makes (and its layers return), remembered here.
 */
const nestedTensors = new WeakSet<Tensor>();
const isNested = (t: Tensor): boolean => nestedTensors.has(t);

function _getSeqLen(src: Tensor, batchFirst: boolean): number | null {
  if (isNested(src)) return null;
  const size = src.shape;
  if (size.length === 2) return size[0]!;
  return size[batchFirst ? 1 : 0]!;
}

/** is_causal: as given, or (when null) whether `mask` is the square subsequent mask of `size`. */
export function _detectIsCausalMask(mask: Tensor | null, isCausal: boolean | null = null, size: number | null = null): boolean {
  let makeCausal = isCausal === true;
  if (isCausal === null && mask !== null) {
    const sz = size ?? mask.size(-2);
    const causal = _generateSquareSubsequentMask(sz, mask.device, mask.dtype);
    const same = mask.shape.length === causal.shape.length && mask.shape.every((d, i) => d === causal.shape[i]);
    makeCausal = same ? Boolean(mask.eq(causal).all().item()) : false;
  }
  return makeCausal;
}

/**
 * Python's `copy.deepcopy` of a module: the same class (its constructor not run), new parameters
 * and buffers with copies of the data, copied sub-modules and attributes; what is shared inside
 * stays shared (the memo), functions are kept.
 */
export function deepcopy<T>(value: T, memo: Map<unknown, unknown> = new Map()): T {
  if (value === null || typeof value !== 'object') return value;
  if (memo.has(value)) return memo.get(value) as T;
  let out: unknown;
  if (value instanceof Parameter) {
    out = new Parameter(value.detach().clone(), value.requiresGrad);
  } else if (value instanceof Tensor) {
    out = value.detach().clone().requiresGrad_(value.requiresGrad);
  } else if (value instanceof Module) {
    const m = value as Module;
    const c = Reflect.construct(Module, [], m.constructor) as Module;
    memo.set(value, c);
    c.training = m.training;
    for (const [name, p] of m._parameters) c.registerParameter(name, deepcopy(p, memo));
    for (const [name, b] of m._buffers) c.registerBuffer(name, deepcopy(b, memo), { persistent: !m._nonPersistentBuffersSet.has(name) });
    for (const [name, child] of m._modules) c.addModule(name, deepcopy(child, memo));
    for (const [key, v] of Object.entries(m._target)) {
      if (m._parameters.has(key) || m._buffers.has(key) || m._modules.has(key)) continue;
      c._setAttribute(key, deepcopy(v, memo));
    }
    for (const f of m._floats) c._floats.add(f);
    for (const [id, hook] of m._forwardPreHooks) c._forwardPreHooks.set(id, hook);
    for (const [id, hook] of m._forwardHooks) c._forwardHooks.set(id, hook);
    return c as T;
  } else if (Array.isArray(value)) {
    const a: unknown[] = [];
    memo.set(value, a);
    for (const v of value) a.push(deepcopy(v, memo));
    return a as T;
  } else if (value instanceof Map) {
    const mp = new Map();
    memo.set(value, mp);
    for (const [k, v] of value) mp.set(k, deepcopy(v, memo));
    return mp as T;
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    const o: Record<string, unknown> = {};
    memo.set(value, o);
    for (const [k, v] of Object.entries(value)) o[k] = deepcopy(v, memo);
    return o as T;
  } else {
    return value; // DType, Device and other immutable values
  }
  memo.set(value, out);
  return out as T;
}

/** `ModuleList([copy.deepcopy(module) for i in range(N)])`. */
function _getClones(module: Module, n: number): ModuleList {
  return new ModuleList(Array.from({ length: n }, () => deepcopy(module)));
}

/** An activation: 'relu', 'gelu', a function of a tensor, or a Module (registered as `activation`). */
export type Activation = 'relu' | 'gelu' | ((x: Tensor) => Tensor) | Module;

/** transformer.py's `_get_activation_fn`. */
export function _getActivationFn(activation: string): (x: Tensor) => Tensor {
  if (activation === 'relu') return F.relu;
  if (activation === 'gelu') return F.gelu;
  throw new Error(`activation should be relu/gelu, not ${activation}`);
}

export interface TransformerEncoderLayerOptions extends FactoryOptions {
  dimFeedforward?: number;
  dropout?: number;
  activation?: Activation;
  layerNormEps?: number;
  batchFirst?: boolean;
  normFirst?: boolean;
  bias?: boolean;
}

/** The encoder and decoder layers' shared arguments, with PyTorch's defaults. */
function layerDefaults(o: TransformerEncoderLayerOptions) {
  return {
    factory: { device: o.device, dtype: o.dtype }, dropout: Number(o.dropout ?? 0.1), bias: o.bias ?? true, eps: Number(o.layerNormEps ?? 1e-5), dimFeedforward: o.dimFeedforward ?? 2048,
  };
}

export interface TransformerEncoderLayerForwardOptions {
  srcMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  isCausal?: boolean;
}

/**
 * Self-attention and a feed-forward block, each with a residual connection and LayerNorm
 * (after them, or before with `normFirst`). `forward(src, { srcMask, srcKeyPaddingMask, isCausal })`.
 */
export class TransformerEncoderLayer extends Module {
  static override pythonModule = 'torch.nn.modules.transformer';
  declare self_attn: MultiheadAttention;
  declare linear1: Linear;
  declare dropout: Dropout;
  declare linear2: Linear;
  declare normFirst: boolean;
  declare norm1: LayerNorm;
  declare norm2: LayerNorm;
  declare dropout1: Dropout;
  declare dropout2: Dropout;
  /** 1 for ReLU, 2 for GELU, 0 otherwise: which activations the fused fast path knows. */
  declare activationReluOrGelu: 0 | 1 | 2;
  declare activation: ((x: Tensor) => Tensor) | Module;

  constructor(
    ...args: Args<
      [dModel: number, nhead: number],
      [dimFeedforward: number, dropout: number, activation: Activation, layerNormEps: number, batchFirst: boolean, normFirst: boolean, bias: boolean],
      TransformerEncoderLayerOptions
    >
  ) {
    super();
    const o = ENCODER_LAYER<TransformerEncoderLayerOptions & { dModel: number; nhead: number }>(args);
    const { factory, dropout, bias, eps, dimFeedforward } = layerDefaults(o);
    this.self_attn = new MultiheadAttention(o.dModel, o.nhead, { dropout, bias, batchFirst: o.batchFirst ?? false, ...factory });
    this.linear1 = new Linear(o.dModel, dimFeedforward, { bias, ...factory });
    this.dropout = new Dropout(dropout);
    this.linear2 = new Linear(dimFeedforward, o.dModel, { bias, ...factory });
    this.normFirst = o.normFirst ?? false;
    this.norm1 = new LayerNorm(o.dModel, { eps, bias, ...factory });
    this.norm2 = new LayerNorm(o.dModel, { eps, bias, ...factory });
    this.dropout1 = new Dropout(dropout);
    this.dropout2 = new Dropout(dropout);
    let activation: Activation = o.activation ?? F.relu;
    if (typeof activation === 'string') activation = _getActivationFn(activation);
    if (activation === F.relu || activation instanceof ReLU) this.activationReluOrGelu = 1;
    else if (activation === F.gelu || activation instanceof GELU) this.activationReluOrGelu = 2;
    else this.activationReluOrGelu = 0;
    this.activation = activation;
  }

  private act(x: Tensor): Tensor {
    const a = this.activation;
    return a instanceof Module ? (a.call(x) as Tensor) : a(x);
  }

  override forward(src: Tensor, options: TransformerEncoderLayerForwardOptions = {}): Tensor {
    const isCausal = options.isCausal ?? false;
    const srcKeyPaddingMask = F._canonicalMask(options.srcKeyPaddingMask, 'src_key_padding_mask', F._noneOrDtype(options.srcMask), 'src_mask', src.dtype);
    const srcMask = F._canonicalMask(options.srcMask, 'src_mask', null, '', src.dtype, false);

    // PyTorch's fused inference path: same conditions, same kernel.
    const sa = this.self_attn;
    const hooked = [...this.modules()].some((m) => m._forwardHooks.size + m._forwardPreHooks.size > 0);
    const fastPath = src.ndim === 3 && !this.training && sa.batchFirst && sa.in_proj_bias !== null && sa._qkvSameEmbedDim
      && this.activationReluOrGelu !== 0 && this.norm1.eps === this.norm2.eps && sa.numHeads % 2 === 0 && !hooked;
    if (fastPath) {
      const tensorArgs = [
        src, sa.in_proj_weight, sa.in_proj_bias, sa.out_proj.weight, sa.out_proj.bias, this.norm1.weight, this.norm1.bias,
        this.norm2.weight, this.norm2.bias, this.linear1.weight, this.linear1.bias, this.linear2.weight, this.linear2.bias,
      ];
      if (_fastPathTensorsOk(tensorArgs)) {
        const [mergedMask, maskType] = sa.mergeMasks(srcMask, srcKeyPaddingMask, src);
        const h = (t: Tensor | null): unknown => (t === null ? null : t._h);
        return wrap(native.callOp(
          ops.encoderLayerFwd, src._h, sa.embedDim, sa.numHeads, h(sa.in_proj_weight), h(sa.in_proj_bias), h(sa.out_proj.weight), h(sa.out_proj.bias),
          this.activationReluOrGelu === 2, this.normFirst, this.norm1.eps, h(this.norm1.weight), h(this.norm1.bias), h(this.norm2.weight), h(this.norm2.bias),
          h(this.linear1.weight), h(this.linear1.bias), h(this.linear2.weight), h(this.linear2.bias), h(mergedMask), maskType,
        ));
      }
    }

    let x = src;
    if (this.normFirst) {
      x = x.add(this._saBlock(this.norm1.call(x), srcMask, srcKeyPaddingMask, isCausal));
      x = x.add(this._ffBlock(this.norm2.call(x)));
    } else {
      x = this.norm1.call(x.add(this._saBlock(x, srcMask, srcKeyPaddingMask, isCausal)));
      x = this.norm2.call(x.add(this._ffBlock(x)));
    }
    return x;
  }

  /** The self-attention block. */
  _saBlock(x: Tensor, attnMask: Tensor | null, keyPaddingMask: Tensor | null, isCausal = false): Tensor {
    const [out] = this.self_attn.call(x, x, x, { attnMask, keyPaddingMask, needWeights: false, isCausal });
    return this.dropout1.call(out);
  }

  /** The feed-forward block. */
  _ffBlock(x: Tensor): Tensor {
    x = this.linear2.call(this.dropout.call(this.act(this.linear1.call(x))));
    return this.dropout2.call(x);
  }
}

// ---- TransformerEncoder ------------------------------------------------------------------------

export interface TransformerEncoderOptions {
  numLayers?: number;
  norm?: Module | null;
  enableNestedTensor?: boolean;
  maskCheck?: boolean;
}
export interface TransformerEncoderForwardOptions {
  mask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  isCausal?: boolean | null;
}

/**
 * `numLayers` copies of `encoderLayer` run in turn, then `norm`. In inference (eval, no grad) with a
 * left-aligned padding mask and a fast-path-able TransformerEncoderLayer, the batch runs as a
 * nested tensor (padded positions come back as zeros), as in PyTorch.
 */
export class TransformerEncoder extends Module {
  static override pythonModule = 'torch.nn.modules.transformer';
  declare layers: ModuleList;
  declare numLayers: number;
  declare norm: Module | null;
  declare enableNestedTensor: boolean;
  declare useNestedTensor: boolean;
  declare maskCheck: boolean;

  constructor(
    ...args: Args<[encoderLayer: Module, numLayers: number], [norm: Module | null, enableNestedTensor: boolean, maskCheck: boolean], TransformerEncoderOptions & { encoderLayer?: Module }>
  ) {
    super();
    type Bound = TransformerEncoderOptions & { encoderLayer: Module; numLayers: number };
    const o = ENCODER<Bound>(args);
    const encoderLayer = o.encoderLayer;
    this.layers = _getClones(encoderLayer, o.numLayers);
    this.numLayers = o.numLayers;
    this.norm = o.norm ?? null;
    this.enableNestedTensor = o.enableNestedTensor ?? true;
    this.useNestedTensor = this.enableNestedTensor;
    this.maskCheck = o.maskCheck ?? true;
    const encLayer = 'encoder_layer';
    let whyNot = '';
    if (!(encoderLayer instanceof TransformerEncoderLayer)) whyNot = `${encLayer} was not TransformerEncoderLayer`;
    else if (encoderLayer.normFirst) whyNot = `${encLayer}.norm_first was True`;
    else if (!encoderLayer.self_attn.batchFirst) whyNot = `${encLayer}.self_attn.batch_first was not True(use batch_first for better inference performance)`;
    else if (!encoderLayer.self_attn._qkvSameEmbedDim) whyNot = `${encLayer}.self_attn._qkv_same_embed_dim was not True`;
    else if (encoderLayer.self_attn.in_proj_bias === null) whyNot = `${encLayer}.self_attn was passed bias=False`;
    else if (!encoderLayer.activationReluOrGelu) whyNot = `${encLayer}.activation_relu_or_gelu was not True`;
    else if (encoderLayer.norm1.eps !== encoderLayer.norm2.eps) whyNot = `${encLayer}.norm1.eps was not equal to ${encLayer}.norm2.eps`;
    else if (encoderLayer.self_attn.numHeads % 2 === 1) whyNot = `${encLayer}.self_attn.num_heads is odd`;
    if (this.enableNestedTensor && whyNot) {
      warn(`enable_nested_tensor is True, but self.use_nested_tensor is False because ${whyNot}`);
      this.useNestedTensor = false;
    }
  }

  /** `forward(src, mask?, srcKeyPaddingMask?, isCausal?)`, or `forward(src, { mask, srcKeyPaddingMask, isCausal })`. */
  override forward(src: Tensor, ...rest: unknown[]): Tensor {
    type Bound = TransformerEncoderForwardOptions & { src: Tensor };
    const o = ENCODER_FORWARD<Bound>([src, ...rest]);
    const srcKeyPaddingMask = F._canonicalMask(o.srcKeyPaddingMask, 'src_key_padding_mask', F._noneOrDtype(o.mask), 'mask', src.dtype);
    const mask = F._canonicalMask(o.mask, 'mask', null, '', src.dtype, false);

    let output = src;
    let convertToNested = false;
    const firstLayer = this.layers.at(0) as TransformerEncoderLayer;
    let keyPaddingMaskForLayers = srcKeyPaddingMask;
    let whyNot = '';
    const strFirstLayer = 'self.layers[0]';
    const batchFirst = firstLayer.self_attn.batchFirst;
    const doMaskCheck = this.maskCheck ?? true;
    if (!this.useNestedTensor) whyNot = 'self.use_nested_tensor (set in init) was not True';
    else if (firstLayer.training) whyNot = `${strFirstLayer} was in training mode`;
    else if (src.dim() !== 3) whyNot = `input not batched; expected src.dim() of 3 but got ${src.dim()}`;
    else if (srcKeyPaddingMask === null) whyNot = 'src_key_padding_mask was None';
    else if (doMaskCheck && !(native.callOp(ops.nestedFromMaskLeftAligned, src._h, srcKeyPaddingMask.logicalNot()._h) as boolean)) {
      whyNot = 'mask_check enabled, and src and src_key_padding_mask was not left aligned';
    } else if (isNested(output)) whyNot = 'NestedTensor input is not supported';
    else if (mask !== null) whyNot = 'src_key_padding_mask and mask were both supplied';
    if (!whyNot) {
      const sa = firstLayer.self_attn;
      const tensorArgs = [
        src, sa.in_proj_weight, sa.in_proj_bias, sa.out_proj.weight, sa.out_proj.bias, firstLayer.norm1.weight, firstLayer.norm1.bias,
        firstLayer.norm2.weight, firstLayer.norm2.bias, firstLayer.linear1.weight, firstLayer.linear1.bias, firstLayer.linear2.weight, firstLayer.linear2.bias,
      ];
      const supported = ['cpu', 'cuda', 'xpu', 'privateuseone'];
      if (!supported.includes(src.device.type as string)) whyNot = `src device is neither one of ${supported.join(', ')}`;
      else if (isGradEnabled() && tensorArgs.some((t) => t !== null && t.requiresGrad)) {
        whyNot = 'grad is enabled and at least one of query or the input/output projection weights or biases requires_grad';
      }
      if (!whyNot && srcKeyPaddingMask !== null) {
        convertToNested = true;
        output = wrap(native.callOp(ops.nestedFromMask, output._h, srcKeyPaddingMask.logicalNot()._h, false));
        nestedTensors.add(output);
        keyPaddingMaskForLayers = null;
      }
    }
    const seqLen = _getSeqLen(src, batchFirst);
    const isCausal = _detectIsCausalMask(mask, o.isCausal ?? null, seqLen);
    for (const mod of this.layers) {
      output = mod.call(output, { srcMask: mask, isCausal, srcKeyPaddingMask: keyPaddingMaskForLayers }) as Tensor;
      if (convertToNested) nestedTensors.add(output);
    }
    if (convertToNested) output = wrap(native.callOp(ops.toPaddedTensor, output._h, 0.0, [...src.shape]));
    if (this.norm !== null) output = this.norm.call(output) as Tensor;
    return output;
  }
}

// ---- TransformerDecoderLayer, TransformerDecoder -----------------------------------------------

export type TransformerDecoderLayerOptions = TransformerEncoderLayerOptions;
export interface TransformerDecoderLayerForwardOptions {
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  tgtIsCausal?: boolean;
  memoryIsCausal?: boolean;
}

/**
 * Self-attention, attention over the encoder's output (`memory`) and a feed-forward block, each
 * with a residual connection and LayerNorm. `forward(tgt, memory, { tgtMask, memoryMask, ... })`.
 */
export class TransformerDecoderLayer extends Module {
  static override pythonModule = 'torch.nn.modules.transformer';
  declare self_attn: MultiheadAttention;
  declare multihead_attn: MultiheadAttention;
  declare linear1: Linear;
  declare dropout: Dropout;
  declare linear2: Linear;
  declare normFirst: boolean;
  declare norm1: LayerNorm;
  declare norm2: LayerNorm;
  declare norm3: LayerNorm;
  declare dropout1: Dropout;
  declare dropout2: Dropout;
  declare dropout3: Dropout;
  declare activation: ((x: Tensor) => Tensor) | Module;

  constructor(
    ...args: Args<
      [dModel: number, nhead: number],
      [dimFeedforward: number, dropout: number, activation: Activation, layerNormEps: number, batchFirst: boolean, normFirst: boolean, bias: boolean,
        device: FactoryOptions['device'], dtype: FactoryOptions['dtype']],
      TransformerDecoderLayerOptions
    >
  ) {
    super();
    const o = DECODER_LAYER<TransformerDecoderLayerOptions & { dModel: number; nhead: number }>(args);
    const { factory, dropout, bias, eps, dimFeedforward } = layerDefaults(o);
    const batchFirst = o.batchFirst ?? false;
    this.self_attn = new MultiheadAttention(o.dModel, o.nhead, { dropout, batchFirst, bias, ...factory });
    this.multihead_attn = new MultiheadAttention(o.dModel, o.nhead, { dropout, batchFirst, bias, ...factory });
    this.linear1 = new Linear(o.dModel, dimFeedforward, { bias, ...factory });
    this.dropout = new Dropout(dropout);
    this.linear2 = new Linear(dimFeedforward, o.dModel, { bias, ...factory });
    this.normFirst = o.normFirst ?? false;
    this.norm1 = new LayerNorm(o.dModel, { eps, bias, ...factory });
    this.norm2 = new LayerNorm(o.dModel, { eps, bias, ...factory });
    this.norm3 = new LayerNorm(o.dModel, { eps, bias, ...factory });
    this.dropout1 = new Dropout(dropout);
    this.dropout2 = new Dropout(dropout);
    this.dropout3 = new Dropout(dropout);
    const activation: Activation = o.activation ?? F.relu;
    this.activation = typeof activation === 'string' ? _getActivationFn(activation) : activation;
  }

  private act(x: Tensor): Tensor {
    const a = this.activation;
    return a instanceof Module ? (a.call(x) as Tensor) : a(x);
  }

  /** `forward(tgt, memory, tgtMask?, memoryMask?, ...)`, or `forward(tgt, memory, { tgtMask, memoryMask, ... })`. */
  override forward(tgt: Tensor, memory: Tensor, ...rest: unknown[]): Tensor {
    const o = DECODER_LAYER_FORWARD<TransformerDecoderLayerForwardOptions & { tgt: Tensor; memory: Tensor }>([tgt, memory, ...rest]);
    const tgtMask = o.tgtMask ?? null;
    const memoryMask = o.memoryMask ?? null;
    const tgtKpm = o.tgtKeyPaddingMask ?? null;
    const memKpm = o.memoryKeyPaddingMask ?? null;
    const tgtIsCausal = o.tgtIsCausal ?? false;
    const memoryIsCausal = o.memoryIsCausal ?? false;
    let x = tgt;
    if (this.normFirst) {
      x = x.add(this._saBlock(this.norm1.call(x), tgtMask, tgtKpm, tgtIsCausal));
      x = x.add(this._mhaBlock(this.norm2.call(x), memory, memoryMask, memKpm, memoryIsCausal));
      x = x.add(this._ffBlock(this.norm3.call(x)));
    } else {
      x = this.norm1.call(x.add(this._saBlock(x, tgtMask, tgtKpm, tgtIsCausal)));
      x = this.norm2.call(x.add(this._mhaBlock(x, memory, memoryMask, memKpm, memoryIsCausal)));
      x = this.norm3.call(x.add(this._ffBlock(x)));
    }
    return x;
  }

  /** The self-attention block. */
  _saBlock(x: Tensor, attnMask: Tensor | null, keyPaddingMask: Tensor | null, isCausal = false): Tensor {
    const [out] = this.self_attn.call(x, x, x, { attnMask, keyPaddingMask, isCausal, needWeights: false });
    return this.dropout1.call(out);
  }

  /** The attention block over the memory. */
  _mhaBlock(x: Tensor, mem: Tensor, attnMask: Tensor | null, keyPaddingMask: Tensor | null, isCausal = false): Tensor {
    const [out] = this.multihead_attn.call(x, mem, mem, { attnMask, keyPaddingMask, isCausal, needWeights: false });
    return this.dropout2.call(out);
  }

  /** The feed-forward block. */
  _ffBlock(x: Tensor): Tensor {
    x = this.linear2.call(this.dropout.call(this.act(this.linear1.call(x))));
    return this.dropout3.call(x);
  }
}

export interface TransformerDecoderForwardOptions extends Omit<TransformerDecoderLayerForwardOptions, 'tgtIsCausal'> {
  /** null: detected from tgtMask (whether it is the square subsequent mask). */
  tgtIsCausal?: boolean | null;
}

/** `numLayers` copies of `decoderLayer` run in turn over (tgt, memory), then `norm`. */
export class TransformerDecoder extends Module {
  static override pythonModule = 'torch.nn.modules.transformer';
  declare layers: ModuleList;
  declare numLayers: number;
  declare norm: Module | null;

  constructor(...args: Args<[decoderLayer: Module, numLayers: number], [norm: Module | null], { decoderLayer?: Module; numLayers?: number; norm?: Module | null }>) {
    super();
    const o = DECODER<{ decoderLayer: Module; numLayers: number; norm?: Module | null }>(args);
    this.layers = _getClones(o.decoderLayer, o.numLayers);
    this.numLayers = o.numLayers;
    this.norm = o.norm ?? null;
  }

  /** `forward(tgt, memory, tgtMask?, memoryMask?, ...)`, or `forward(tgt, memory, { tgtMask, ... })`. */
  override forward(tgt: Tensor, memory: Tensor, ...rest: unknown[]): Tensor {
    const o = DECODER_FORWARD<TransformerDecoderForwardOptions & { tgt: Tensor; memory: Tensor }>([tgt, memory, ...rest]);
    let output = tgt;
    const first = this.layers.at(0) as TransformerDecoderLayer;
    const seqLen = _getSeqLen(tgt, first.self_attn.batchFirst);
    const tgtIsCausal = _detectIsCausalMask(o.tgtMask ?? null, o.tgtIsCausal ?? null, seqLen);
    for (const mod of this.layers) {
      output = mod.call(output, memory, {
        tgtMask: o.tgtMask ?? null, memoryMask: o.memoryMask ?? null, tgtKeyPaddingMask: o.tgtKeyPaddingMask ?? null,
        memoryKeyPaddingMask: o.memoryKeyPaddingMask ?? null, tgtIsCausal, memoryIsCausal: o.memoryIsCausal ?? false,
      }) as Tensor;
    }
    if (this.norm !== null) output = this.norm.call(output) as Tensor;
    return output;
  }
}

// ---- Transformer -------------------------------------------------------------------------------

export interface TransformerOptions extends FactoryOptions {
  dModel?: number;
  nhead?: number;
  numEncoderLayers?: number;
  numDecoderLayers?: number;
  dimFeedforward?: number;
  dropout?: number;
  activation?: Activation;
  customEncoder?: Module | null;
  customDecoder?: Module | null;
  layerNormEps?: number;
  batchFirst?: boolean;
  normFirst?: boolean;
  bias?: boolean;
}
export interface TransformerForwardOptions {
  srcMask?: Tensor | null;
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  srcIsCausal?: boolean | null;
  tgtIsCausal?: boolean | null;
  memoryIsCausal?: boolean;
}

/** The encoder-decoder Transformer of Attention Is All You Need. `forward(src, tgt, { srcMask, tgtMask, ... })`. */
export class Transformer extends Module {
  static override pythonModule = 'torch.nn.modules.transformer';
  declare encoder: Module;
  declare decoder: Module;
  declare dModel: number;
  declare nhead: number;
  declare batchFirst: boolean;

  constructor(
    ...args: Args<
      [],
      [dModel: number, nhead: number, numEncoderLayers: number, numDecoderLayers: number, dimFeedforward: number, dropout: number, activation: Activation,
        customEncoder: Module | null, customDecoder: Module | null, layerNormEps: number, batchFirst: boolean, normFirst: boolean, bias: boolean],
      TransformerOptions
    >
  ) {
    super();
    const o = TRANSFORMER<TransformerOptions>(args);
    const factory = { device: o.device, dtype: o.dtype };
    const dModel = o.dModel ?? 512;
    const nhead = o.nhead ?? 8;
    const dimFeedforward = o.dimFeedforward ?? 2048;
    const dropout = Number(o.dropout ?? 0.1);
    const activation = o.activation ?? F.relu;
    const eps = Number(o.layerNormEps ?? 1e-5);
    const batchFirst = o.batchFirst ?? false;
    const normFirst = o.normFirst ?? false;
    const bias = o.bias ?? true;
    const layerArgs = [dModel, nhead, dimFeedforward, dropout, activation, eps, batchFirst, normFirst, bias] as const;
    if (o.customEncoder != null) this.encoder = o.customEncoder;
    else {
      const encoderLayer = new TransformerEncoderLayer(...layerArgs, factory);
      const encoderNorm = new LayerNorm(dModel, { eps, bias, ...factory });
      this.encoder = new TransformerEncoder(encoderLayer, o.numEncoderLayers ?? 6, encoderNorm);
    }
    if (o.customDecoder != null) this.decoder = o.customDecoder;
    else {
      const decoderLayer = new TransformerDecoderLayer(...layerArgs, factory);
      const decoderNorm = new LayerNorm(dModel, { eps, bias, ...factory });
      this.decoder = new TransformerDecoder(decoderLayer, o.numDecoderLayers ?? 6, decoderNorm);
    }
    this._resetParameters();
    this.dModel = dModel;
    this.nhead = nhead;
    this.batchFirst = batchFirst;
  }

  /** `forward(src, tgt, srcMask?, tgtMask?, ...)`, or `forward(src, tgt, { srcMask, tgtMask, ... })`. */
  override forward(src: Tensor, tgt: Tensor, ...rest: unknown[]): Tensor {
    const o = TRANSFORMER_FORWARD<TransformerForwardOptions & { src: Tensor; tgt: Tensor }>([src, tgt, ...rest]);
    const isBatched = src.dim() === 3;
    if (!this.batchFirst && src.size(1) !== tgt.size(1) && isBatched) throw new Error('the batch number of src and tgt must be equal');
    else if (this.batchFirst && src.size(0) !== tgt.size(0) && isBatched) throw new Error('the batch number of src and tgt must be equal');
    if (src.size(-1) !== this.dModel || tgt.size(-1) !== this.dModel) throw new Error('the feature number of src and tgt must be equal to d_model');
    const memory = this.encoder.call(src, { mask: o.srcMask ?? null, srcKeyPaddingMask: o.srcKeyPaddingMask ?? null, isCausal: o.srcIsCausal ?? null }) as Tensor;
    return this.decoder.call(tgt, memory, {
      tgtMask: o.tgtMask ?? null, memoryMask: o.memoryMask ?? null, tgtKeyPaddingMask: o.tgtKeyPaddingMask ?? null,
      memoryKeyPaddingMask: o.memoryKeyPaddingMask ?? null, tgtIsCausal: o.tgtIsCausal ?? null, memoryIsCausal: o.memoryIsCausal ?? false,
    }) as Tensor;
  }

  /** A square causal mask for a sequence of `sz`: -inf above the diagonal, 0 elsewhere. */
  static generateSquareSubsequentMask(sz: number, device?: DeviceLike | null, dtype?: DType | null): Tensor {
    return _generateSquareSubsequentMask(sz, device, dtype);
  }

  _resetParameters(): void {
    for (const p of this.parameters()) if (p.dim() > 1) init.xavierUniform_(p);
  }
}
