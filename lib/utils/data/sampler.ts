// torch/utils/data/sampler.py. A sampler is any Iterable of indices (or of index batches); its
// `length` getter is `__len__`. With the same seeds the indices are PyTorch's: the same draws
// from the same generators in the same order. `generator` options take a torch.Generator (null:
// the default generator).
import { empty, multinomial, randint, randperm } from '../../generated/torch';
import { int64, float64 } from '../../dtype';
import { tensor } from '../../creation';
import { Generator } from '../../random';
import { keep } from '../../memory';
import { Tensor } from '../../tensor';
import { pySignature } from '../../python_signature';
import { len } from './dataset';

/** `torch.randperm(n, generator=g).tolist()` (g null: the default generator). */
export function randpermList(n: number, generator: Generator | null): number[] {
  const t = randperm(n, { generator });
  const out = t.tolist() as number[];
  t.dispose();
  return out;
}

function randintList(high: number, size: number, generator: Generator): number[] {
  const t = randint(high, [size], { dtype: int64, generator });
  const out = t.tolist() as number[];
  t.dispose();
  return out;
}

/** `int(torch.empty((), dtype=torch.int64).random_(generator=g).item())`: a number, or a bigint beyond 2^53. */
export function drawSeed(generator: Generator | null): number | bigint {
  const t = empty([], { dtype: int64 }).random_({ generator });
  const seed = t.item() as number | bigint;
  t.dispose();
  return seed;
}

/** Base class of samplers (torch.utils.data.Sampler): an iterable of indices with an optional length. */
export abstract class Sampler<T = number> implements Iterable<T> {
  abstract [Symbol.iterator](): Iterator<T>;

  /** `__len__`, where the sampler has one. */
  get length(): number | undefined {
    return undefined;
  }
}

/** 0, 1, ..., len(dataSource) - 1. */
export class SequentialSampler extends Sampler<number> {
  readonly dataSource: { readonly length?: number };

  constructor(dataSource: { readonly length?: number }) {
    super();
    this.dataSource = SEQUENTIAL<{ dataSource: { length?: number } }>([dataSource]).dataSource;
  }

  override *[Symbol.iterator](): Iterator<number> {
    const n = len(this.dataSource);
    for (let i = 0; i < n; i++) yield i;
  }

  override get length(): number {
    return len(this.dataSource);
  }
}

const SEQUENTIAL = pySignature('SequentialSampler.__init__', 'self, data_source');
const RANDOM_SAMPLER = pySignature('RandomSampler.__init__', 'self, data_source, replacement=False, num_samples=None, generator=None');

export interface RandomSamplerOptions {
  replacement?: boolean;
  numSamples?: number | null;
  generator?: Generator | null;
}

/** A random permutation of the dataset (or `numSamples` draws with replacement). */
export class RandomSampler extends Sampler<number> {
  readonly dataSource: { readonly length?: number };
  readonly replacement: boolean;
  readonly _numSamples: number | null;
  readonly generator: Generator | null;

  constructor(dataSource: { readonly length?: number }, replacement?: boolean | RandomSamplerOptions, numSamples?: number | null | RandomSamplerOptions, generator?: Generator | null | RandomSamplerOptions, options?: RandomSamplerOptions);
  constructor(...args: unknown[]) {
    super();
    const o = RANDOM_SAMPLER<{ dataSource: { length?: number }; replacement: unknown; numSamples: unknown; generator: Generator | null }>(args);
    this.dataSource = o.dataSource;
    this.generator = o.generator;
    this._numSamples = o.numSamples as number | null;
    if (typeof o.replacement !== 'boolean') throw new TypeError(`replacement should be a boolean value, but got replacement=${pyRepr(o.replacement)}`);
    this.replacement = o.replacement;
    const n = this.numSamples;
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`num_samples should be a positive integer value, but got num_samples=${pyRepr(n)}`);
  }

  get numSamples(): number {
    return this._numSamples === null ? len(this.dataSource) : this._numSamples;
  }

  override *[Symbol.iterator](): Iterator<number> {
    const n = len(this.dataSource);
    const g = this.generator ?? new Generator().manualSeed(drawSeed(null));
    const numSamples = this.numSamples;
    if (this.replacement) {
      for (let i = 0; i < Math.floor(numSamples / 32); i++) yield* randintList(n, 32, g);
      yield* randintList(n, numSamples % 32, g);
    } else {
      for (let i = 0; i < Math.floor(numSamples / n); i++) yield* randpermList(n, g);
      yield* randpermList(n, g).slice(0, numSamples % n);
    }
  }

  override get length(): number {
    return this.numSamples;
  }
}

const SUBSET_RANDOM = pySignature('SubsetRandomSampler.__init__', 'self, indices, generator=None');

/** The given indices in a random order. */
export class SubsetRandomSampler extends Sampler<number> {
  readonly indices: readonly number[];
  readonly generator: Generator | null;

  constructor(indices: readonly number[], generator?: Generator | null | { generator?: Generator | null }, options?: { generator?: Generator | null });
  constructor(...args: unknown[]) {
    super();
    const o = SUBSET_RANDOM<{ indices: readonly number[]; generator: Generator | null }>(args);
    this.indices = o.indices;
    this.generator = o.generator;
  }

  override *[Symbol.iterator](): Iterator<number> {
    for (const i of randpermList(this.indices.length, this.generator)) yield this.indices[i]!;
  }

  override get length(): number {
    return this.indices.length;
  }
}

const WEIGHTED = pySignature('WeightedRandomSampler.__init__', 'self, weights, num_samples, replacement=True, generator=None');

/** Indices drawn with the given (unnormalised) weights, with or without replacement. */
export class WeightedRandomSampler extends Sampler<number> {
  readonly weights: Tensor;
  readonly numSamples: number;
  readonly replacement: boolean;
  readonly generator: Generator | null;

  constructor(weights: readonly number[] | Tensor, numSamples: number, replacement?: boolean | { replacement?: boolean; generator?: Generator | null }, options?: { replacement?: boolean; generator?: Generator | null });
  constructor(...args: unknown[]) {
    super();
    const o = WEIGHTED<{ weights: readonly number[] | Tensor; numSamples: unknown; replacement: unknown; generator: Generator | null }>(args);
    const n = o.numSamples;
    if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) throw new RangeError(`num_samples should be a positive integer value, but got num_samples=${pyRepr(n)}`);
    if (typeof o.replacement !== 'boolean') throw new RangeError(`replacement should be a boolean value, but got replacement=${pyRepr(o.replacement)}`);
    const w = o.weights instanceof Tensor ? o.weights.to(float64) : tensor(o.weights as number[], { dtype: float64 });
    if (w.ndim !== 1) throw new RangeError(`weights should be a 1d sequence but given weights have shape (${[...w.shape].join(', ')})`);
    this.weights = keep(w);
    this.numSamples = n;
    this.replacement = o.replacement;
    this.generator = o.generator;
  }

  override *[Symbol.iterator](): Iterator<number> {
    const t = multinomial(this.weights, this.numSamples, this.replacement, { generator: this.generator });
    const out = t.tolist() as number[];
    t.dispose();
    yield* out;
  }

  override get length(): number {
    return this.numSamples;
  }
}

const BATCH = pySignature('BatchSampler.__init__', 'self, sampler, batch_size, drop_last');

/** Groups another sampler's indices into batches of `batchSize` (the last one shorter unless `dropLast`). */
export class BatchSampler extends Sampler<number[]> {
  readonly sampler: Iterable<number> & { readonly length?: number };
  readonly batchSize: number;
  readonly dropLast: boolean;

  constructor(sampler: Iterable<number> & { readonly length?: number }, batchSize: number, dropLast: boolean, options?: { batchSize?: number; dropLast?: boolean });
  constructor(...args: unknown[]) {
    super();
    const { sampler, batchSize, dropLast } = BATCH<{ sampler: Iterable<number> & { readonly length?: number }; batchSize: unknown; dropLast: unknown }>(args);
    if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize <= 0) {
      throw new RangeError(`batch_size should be a positive integer value, but got batch_size=${pyRepr(batchSize)}`);
    }
    if (typeof dropLast !== 'boolean') throw new RangeError(`drop_last should be a boolean value, but got drop_last=${pyRepr(dropLast)}`);
    this.sampler = sampler;
    this.batchSize = batchSize;
    this.dropLast = dropLast;
  }

  override *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const idx of this.sampler) {
      batch.push(idx);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }

  override get length(): number {
    const n = len(this.sampler);
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }
}

/** How Python prints a value in these messages (repr of None, bools, numbers, strings). */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return `'${v}'`;
  return String(v);
}
