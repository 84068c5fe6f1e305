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
import { type Args } from './modules_utils';

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

/** padding_idx checked against num_embeddings (`name` spelt as each class's message has it) and made non-negative. */
function paddingIndex(paddingIdx: number | null, numEmbeddings: number, name: string): number | null {
  if (paddingIdx === null) return null;
  if (paddingIdx > 0) {
    if (paddingIdx >= numEmbeddings) throw new Error(`${name} must be within num_embeddings`);
  } else if (paddingIdx < 0) {
    if (paddingIdx < -numEmbeddings) throw new Error(`${name} must be within num_embeddings`);
    return numEmbeddings + paddingIdx;
  }
  return paddingIdx;
}

/** The weight: `_weight` when given (its shape checked), else a new one that the module's resetParameters fills. */
function embeddingWeight(
  m: { weight: Parameter; resetParameters(): void }, weight: Tensor | null, rows: number, cols: number, factory: FactoryOptions, requiresGrad: boolean,
): Parameter {
  if (weight === null) {
    m.weight = new Parameter(empty([rows, cols], factory), requiresGrad);
    m.resetParameters();
    return m.weight;
  }
  const shape = weight.shape;
  if (shape.length !== 2 || shape[0] !== rows || shape[1] !== cols) throw new Error('Shape of weight does not match num_embeddings and embedding_dim');
  return new Parameter(weight, requiresGrad);
}

/** from_pretrained's (num_embeddings, embedding_dim): the shape of `embeddings`, which must be 2-D. */
function pretrainedShape(embeddings: Tensor): [number, number] {
  if (embeddings.dim() !== 2) throw new Error('Embeddings parameter is expected to be 2-dimensional');
  return embeddings.shape as unknown as [number, number];
}

/** Zeroes the embedding vector at padding_idx (none when it is null), outside autograd. */
function fillPaddingIdxWithZero(weight: Tensor, paddingIdx: number | null): void {
  if (paddingIdx !== null) noGrad(() => weight.select(0, paddingIdx).fill_(0));
}

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
    this.paddingIdx = paddingIndex(o.paddingIdx ?? null, this.numEmbeddings, 'Padding_idx');
    this.maxNorm = o.maxNorm ?? null;
    this.normType = o.normType ?? 2.0;
    this.scaleGradByFreq = o.scaleGradByFreq ?? false;
    this.weight = embeddingWeight(this, o._weight ?? null, o.numEmbeddings, o.embeddingDim, factory, !(o._freeze ?? false));
    this.sparse = o.sparse ?? false;
  }

  resetParameters(): void {
    init.normal_(this.weight);
    this._fillPaddingIdxWithZero();
  }

  _fillPaddingIdxWithZero(): void {
    fillPaddingIdxWithZero(this.weight, this.paddingIdx);
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
    const [rows, cols] = pretrainedShape(embeddings);
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
    this.paddingIdx = paddingIndex(o.paddingIdx ?? null, this.numEmbeddings, 'padding_idx');
    this.weight = embeddingWeight(this, o._weight ?? null, o.numEmbeddings, o.embeddingDim, { device: o.device, dtype: o.dtype }, true);
    this.mode = o.mode ?? 'mean';
    this.sparse = o.sparse ?? false;
    this.includeLastOffset = o.includeLastOffset ?? false;
  }

  resetParameters(): void {
    init.normal_(this.weight);
    this._fillPaddingIdxWithZero();
  }

  _fillPaddingIdxWithZero(): void {
    fillPaddingIdxWithZero(this.weight, this.paddingIdx);
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
    const [rows, cols] = pretrainedShape(embeddings);
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
