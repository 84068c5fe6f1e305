// torch/nn/modules/sparse.py: Embedding.
import { noGrad } from '../autograd';
import { empty } from '../generated/torch';
import type { Tensor } from '../tensor';
import * as F from './functional';
import * as init from './init';
import type { FactoryOptions } from './linear';
import { Module } from './module';
import { Parameter } from './parameter';
import { pyFloat } from './repr';
import { bindArgs, type Args } from './utils';

export interface EmbeddingOptions extends FactoryOptions {
  paddingIdx?: number | null;
  maxNorm?: number | null;
  normType?: number;
  scaleGradByFreq?: boolean;
  sparse?: boolean;
  _weight?: Tensor | null;
  _freeze?: boolean;
}
type EmbeddingPositional = [paddingIdx: number | null, maxNorm: number | null, normType: number, scaleGradByFreq: boolean, sparse: boolean];

/** A lookup table of `numEmbeddings` vectors of size `embeddingDim`, indexed by integer input. */
export class Embedding extends Module {
  declare numEmbeddings: number;
  declare embeddingDim: number;
  declare paddingIdx: number | null;
  declare maxNorm: number | null;
  declare normType: number;
  declare scaleGradByFreq: boolean;
  declare sparse: boolean;
  declare weight: Parameter;

  constructor(...args: Args<[numEmbeddings: number, embeddingDim: number], EmbeddingPositional, EmbeddingOptions>) {
    super();
    const names = ['numEmbeddings', 'embeddingDim', 'paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq', 'sparse', '_weight', '_freeze'];
    const o = bindArgs<EmbeddingOptions & { numEmbeddings: number; embeddingDim: number }>('Embedding.__init__', names, 2, args, ['device', 'dtype']);
    const factory = { device: o.device, dtype: o.dtype };
    this.numEmbeddings = o.numEmbeddings;
    this.embeddingDim = o.embeddingDim;
    let paddingIdx = o.paddingIdx ?? null;
    if (paddingIdx !== null) {
      if (paddingIdx > 0) {
        if (paddingIdx >= this.numEmbeddings) throw new Error('Padding_idx must be within num_embeddings');
      } else if (paddingIdx < 0) {
        if (paddingIdx < -this.numEmbeddings) throw new Error('Padding_idx must be within num_embeddings');
        paddingIdx = this.numEmbeddings + paddingIdx;
      }
    }
    this.paddingIdx = paddingIdx;
    this.maxNorm = o.maxNorm ?? null;
    this.normType = o.normType ?? 2.0;
    this.scaleGradByFreq = o.scaleGradByFreq ?? false;
    const weight = o._weight ?? null;
    if (weight === null) {
      this.weight = new Parameter(empty([o.numEmbeddings, o.embeddingDim], factory), !(o._freeze ?? false));
      this.resetParameters();
    } else {
      const shape = weight.shape;
      if (shape.length !== 2 || shape[0] !== o.numEmbeddings || shape[1] !== o.embeddingDim) {
        throw new Error('Shape of weight does not match num_embeddings and embedding_dim');
      }
      this.weight = new Parameter(weight, !(o._freeze ?? false));
    }
    this.sparse = o.sparse ?? false;
  }

  resetParameters(): void {
    init.normal_(this.weight);
    this._fillPaddingIdxWithZero();
  }

  _fillPaddingIdxWithZero(): void {
    if (this.paddingIdx !== null) {
      const idx = this.paddingIdx;
      noGrad(() => this.weight.select(0, idx).fill_(0));
    }
  }

  override forward(input: Tensor): Tensor {
    return F.embedding(input, this.weight, {
      paddingIdx: this.paddingIdx,
      maxNorm: this.maxNorm,
      normType: this.normType,
      scaleGradByFreq: this.scaleGradByFreq,
      sparse: this.sparse,
    });
  }

  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    if (this.maxNorm !== null) s += `, max_norm=${pyFloat(this.maxNorm)}`;
    if (this.normType !== 2) s += `, norm_type=${pyFloat(this.normType)}`;
    if (this.scaleGradByFreq !== false) s += `, scale_grad_by_freq=True`;
    if (this.sparse !== false) s += ', sparse=True';
    return s;
  }

  /** An Embedding whose weight is `embeddings` (frozen unless `freeze: false`). */
  static fromPretrained(
    embeddings: Tensor,
    ...args: Args<[], [freeze: boolean, paddingIdx: number | null, maxNorm: number | null, normType: number, scaleGradByFreq: boolean, sparse: boolean], Omit<EmbeddingOptions, '_weight' | '_freeze' | keyof FactoryOptions> & { freeze?: boolean }>
  ): Embedding {
    const o = bindArgs<EmbeddingOptions & { freeze?: boolean }>('Embedding.from_pretrained', ['freeze', 'paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq', 'sparse'], 0, args);
    if (embeddings.dim() !== 2) throw new Error('Embeddings parameter is expected to be 2-dimensional');
    const [rows, cols] = embeddings.shape as unknown as [number, number];
    return new this(rows, cols, {
      _weight: embeddings,
      _freeze: o.freeze ?? true,
      paddingIdx: o.paddingIdx ?? null,
      maxNorm: o.maxNorm ?? null,
      normType: o.normType ?? 2.0,
      scaleGradByFreq: o.scaleGradByFreq ?? false,
      sparse: o.sparse ?? false,
    });
  }
}
