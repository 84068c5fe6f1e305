// Transformer layers (torch/nn/modules/transformer.py): TransformerEncoderLayer.
import { native } from '../native';
import { op } from '../ops';
import { wrap, type Tensor } from '../tensor';
import { GELU, MultiheadAttention, ReLU, _fastPathTensorsOk } from './activation';
import { Dropout } from './dropout';
import * as F from './functional';
import { Linear, type FactoryOptions } from './linear';
import { Module } from './module';
import { LayerNorm } from './normalization';
import { bindArgs, type Args } from './utils';

const ops = {
  encoderLayerFwd: op('aten::_transformer_encoder_layer_fwd'),
};

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
    const o = bindArgs(
      'TransformerEncoderLayer.__init__',
      ['dModel', 'nhead', 'dimFeedforward', 'dropout', 'activation', 'layerNormEps', 'batchFirst', 'normFirst', 'bias'],
      2, args, ['device', 'dtype'],
    ) as TransformerEncoderLayerOptions & { dModel: number; nhead: number };
    const factory = { device: o.device, dtype: o.dtype };
    const dropout = o.dropout ?? 0.1;
    const bias = o.bias ?? true;
    const eps = o.layerNormEps ?? 1e-5;
    const dimFeedforward = o.dimFeedforward ?? 2048;
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
