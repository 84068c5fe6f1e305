// torch/nn/modules/sparse.py: Embedding, EmbeddingBag.
import { noGrad } from '../autograd';
import { empty } from '../generated/torch';
import type { Tensor } from '../tensor';
import * as F from './functional';
import * as init from './init';
import type { FactoryOptions } from './linear';
import { Module } from './module';
import { Parameter } from './parameter';
import { pyFloat, pyRepr } from './repr';
import { pySignature } from '../python_signature';
import { type Args } from './utils';

const EMBEDDING = pySignature(
  'Embedding.__init__',
  'self, num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False, _weight=None, _freeze=False, *, device=None, dtype=None',
);
const FROM_PRETRAINED = pySignature('Embedding.from_pretrained', 'cls, embeddings, freeze=True, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False');
const EMBEDDING_BAG = pySignature(
  'EmbeddingBag.__init__',
  "self, num_embeddings, embedding_dim, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, mode='mean', sparse=False, _weight=None, include_last_offset=False, padding_idx=None, device=None, dtype=None",
);
const EMBEDDING_BAG_FORWARD = pySignature('EmbeddingBag.forward', 'self, input, offsets=None, per_sample_weights=None');
const EMBEDDING_BAG_FROM_PRETRAINED = pySignature(
  'EmbeddingBag.from_pretrained',
  "cls, embeddings, freeze=True, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, mode='mean', sparse=False, include_last_offset=False, padding_idx=None",
);

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
  static override pythonModule = 'torch.nn.modules.sparse';
  static override floatAttributes: readonly string[] = ['max_norm', 'norm_type'];
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
    const o = EMBEDDING<EmbeddingOptions & { numEmbeddings: number; embeddingDim: number }>(args);
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
    const o = FROM_PRETRAINED<EmbeddingOptions & { freeze?: boolean }>([embeddings, ...args]);
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

export type EmbeddingBagMode = 'sum' | 'mean' | 'max';
export interface EmbeddingBagOptions extends FactoryOptions {
  maxNorm?: number | null;
  normType?: number;
  scaleGradByFreq?: boolean;
  mode?: EmbeddingBagMode;
  sparse?: boolean;
  _weight?: Tensor | null;
  includeLastOffset?: boolean;
  paddingIdx?: number | null;
}
type EmbeddingBagPositional = [
  maxNorm: number | null, normType: number, scaleGradByFreq: boolean, mode: EmbeddingBagMode, sparse: boolean, _weight: Tensor | null,
  includeLastOffset: boolean, paddingIdx: number | null, device: FactoryOptions['device'], dtype: FactoryOptions['dtype'],
];
export interface EmbeddingBagForwardOptions {
  offsets?: Tensor | null;
  perSampleWeights?: Tensor | null;
}

/**
 * Sums, averages or takes the max of bags of embeddings without building the intermediate
 * (bag, embedding) tensor: 2-D input is one bag per row, 1-D input is cut into bags by `offsets`.
 */
export class EmbeddingBag extends Module {
  static override pythonModule = 'torch.nn.modules.sparse';
  static override floatAttributes: readonly string[] = ['max_norm', 'norm_type'];
  declare numEmbeddings: number;
  declare embeddingDim: number;
  declare maxNorm: number | null;
  declare normType: number;
  declare scaleGradByFreq: boolean;
  declare paddingIdx: number | null;
  declare weight: Parameter;
  declare mode: EmbeddingBagMode;
  declare sparse: boolean;
  declare includeLastOffset: boolean;

  constructor(...args: Args<[numEmbeddings: number, embeddingDim: number], EmbeddingBagPositional, EmbeddingBagOptions>) {
    super();
    const o = EMBEDDING_BAG<EmbeddingBagOptions & { numEmbeddings: number; embeddingDim: number }>(args);
    this.numEmbeddings = o.numEmbeddings;
    this.embeddingDim = o.embeddingDim;
    this.maxNorm = o.maxNorm ?? null;
    this.normType = o.normType ?? 2.0;
    this.scaleGradByFreq = o.scaleGradByFreq ?? false;
    let paddingIdx = o.paddingIdx ?? null;
    if (paddingIdx !== null) {
      if (paddingIdx > 0) {
        if (paddingIdx >= this.numEmbeddings) throw new Error('padding_idx must be within num_embeddings');
      } else if (paddingIdx < 0) {
        if (paddingIdx < -this.numEmbeddings) throw new Error('padding_idx must be within num_embeddings');
        paddingIdx = this.numEmbeddings + paddingIdx;
      }
    }
    this.paddingIdx = paddingIdx;
    const weight = o._weight ?? null;
    if (weight === null) {
      this.weight = new Parameter(empty([o.numEmbeddings, o.embeddingDim], { device: o.device, dtype: o.dtype }));
      this.resetParameters();
    } else {
      const shape = weight.shape;
      if (shape.length !== 2 || shape[0] !== o.numEmbeddings || shape[1] !== o.embeddingDim) {
        throw new Error('Shape of weight does not match num_embeddings and embedding_dim');
      }
      this.weight = new Parameter(weight);
    }
    this.mode = o.mode ?? 'mean';
    this.sparse = o.sparse ?? false;
    this.includeLastOffset = o.includeLastOffset ?? false;
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

  /** `forward(input, offsets?, perSampleWeights?)`, or `forward(input, { offsets, perSampleWeights })`. */
  override forward(input: Tensor, ...rest: [offsets?: Tensor | null, perSampleWeights?: Tensor | null, options?: EmbeddingBagForwardOptions] | [EmbeddingBagForwardOptions]): Tensor {
    const o = EMBEDDING_BAG_FORWARD<EmbeddingBagForwardOptions & { input: Tensor }>([input, ...rest]);
    return F.embeddingBag(
      o.input, this.weight, o.offsets ?? null, this.maxNorm, this.normType, this.scaleGradByFreq, this.mode, this.sparse,
      o.perSampleWeights ?? null, this.includeLastOffset, this.paddingIdx,
    );
  }

  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.maxNorm !== null) s += `, max_norm=${pyFloat(this.maxNorm)}`;
    if (this.normType !== 2) s += `, norm_type=${pyFloat(this.normType)}`;
    if (this.scaleGradByFreq !== false) s += `, scale_grad_by_freq=${pyRepr(this.scaleGradByFreq)}`;
    s += `, mode=${pyRepr(this.mode)}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    return s;
  }

  /** An EmbeddingBag whose weight is `embeddings` (frozen unless `freeze: false`). */
  static fromPretrained(
    embeddings: Tensor,
    ...args: Args<
      [],
      [freeze: boolean, maxNorm: number | null, normType: number, scaleGradByFreq: boolean, mode: EmbeddingBagMode, sparse: boolean, includeLastOffset: boolean, paddingIdx: number | null],
      Omit<EmbeddingBagOptions, '_weight' | keyof FactoryOptions> & { freeze?: boolean }
    >
  ): EmbeddingBag {
    const o = EMBEDDING_BAG_FROM_PRETRAINED<EmbeddingBagOptions & { freeze?: boolean }>([embeddings, ...args]);
    if (embeddings.dim() !== 2) throw new Error('Embeddings parameter is expected to be 2-dimensional');
    const [rows, cols] = embeddings.shape as unknown as [number, number];
    const bag = new this(rows, cols, {
      _weight: embeddings,
      maxNorm: o.maxNorm ?? null,
      normType: o.normType ?? 2.0,
      scaleGradByFreq: o.scaleGradByFreq ?? false,
      mode: o.mode ?? 'mean',
      sparse: o.sparse ?? false,
      includeLastOffset: o.includeLastOffset ?? false,
      paddingIdx: o.paddingIdx ?? null,
    });
    bag.weight.requiresGrad_(!(o.freeze ?? true));
    return bag;
  }
}
