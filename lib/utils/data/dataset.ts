// torch/utils/data/dataset.py. Python's protocol in JS terms: a map-style dataset implements
// `getItem(index)` (`__getitem__`) and a `length` getter (`__len__`), and may implement
// `getItems(indices)` (`__getitems__`, a whole batch at once); callers read `ds.get(i)` and
// `ds.length`. An iterable-style dataset implements `[Symbol.iterator]()` (`__iter__`).
import type { Generator } from '../../random';
import { keep } from '../../memory';
import { pySignature } from '../../python_signature';
import { Tensor } from '../../tensor';
import { randpermList } from './sampler';

/** Python's len(): `.length`, or the TypeError Python raises for an object without `__len__`. */
export function len(obj: unknown): number {
  const n = obj === null || obj === undefined ? undefined : (obj as { length?: unknown }).length;
  if (typeof n !== 'number') {
    const name = obj === null || obj === undefined ? 'NoneType' : ((obj as object).constructor?.name ?? typeof obj);
    throw new TypeError(`object of type '${name}' has no len()`);
  }
  return n;
}

/**
 * A map-style dataset (torch.utils.data.Dataset). Subclasses implement `getItem` and, for a
 * DataLoader with a default sampler, `length`. To reach DataLoader workers, a subclass declares
 * `static workerModule = __filename` (the module exporting it under its class name); a worker then
 * rebuilds the instance from its own properties, as Python's pickle does (see worker.ts).
 */
export abstract class Dataset<T = unknown> {
  /** The module that exports this class under its name, for DataLoader workers (see worker.ts). */
  static workerModule?: string;

  /** `__getitem__`: the sample at `index`. */
  abstract getItem(index: number): T;

  /** `dataset[index]`. */
  get(index: number): T {
    return this.getItem(index);
  }

  /** `__len__`; a dataset without one is refused by len() as in Python. */
  get length(): number | undefined {
    return undefined;
  }
}

/** An iterable-style dataset (torch.utils.data.IterableDataset): implements `[Symbol.iterator]()`. */
export abstract class IterableDataset<T = unknown> extends Dataset<T> implements Iterable<T> {
  abstract [Symbol.iterator](): Iterator<T>;

  // Python's IterableDataset inherits Dataset's __getitem__, which raises.
  override getItem(_index: number): T {
    throw new Error('Subclasses of Dataset should implement __getitem__.');
  }
}

/** Samples are the tensors' rows along their first dimension, as an array (Python's tuple). */
export class TensorDataset extends Dataset<Tensor[]> {
  static override workerModule = __filename;
  readonly tensors: Tensor[];

  constructor(...tensors: Tensor[]) {
    super();
    for (const t of tensors) if (!(t instanceof Tensor)) throw new TypeError(`TensorDataset expects tensors, got ${t === null ? 'None' : typeof t}`);
    if (tensors.length === 0) throw new RangeError('tuple index out of range');
    if (tensors.some((t) => t.size(0) !== tensors[0]!.size(0))) throw new Error('Size mismatch between tensors');
    this.tensors = tensors.map(keep); // held for the dataset's life, whatever scope made them
  }

  override getItem(index: number): Tensor[] {
    return this.tensors.map((t) => t.get(index));
  }

  override get length(): number {
    return this.tensors[0]!.size(0);
  }
}

type DatasetMap = Record<string, Dataset>;

/**
 * Stacks datasets of equal length: `new StackDataset(a, b)` gives `[a[i], b[i]]`,
 * `new StackDataset({ x: a, y: b })` (Python's keyword form) gives `{ x: a[i], y: b[i] }`.
 */
export class StackDataset<T = unknown> extends Dataset<T> {
  static override workerModule = __filename;
  readonly datasets: Dataset[] | DatasetMap;
  readonly _length: number;

  constructor(...args: Dataset[] | [DatasetMap]) {
    super();
    const first = args[0];
    const byName = args.length === 1 && first !== undefined && Object.getPrototypeOf(first) === Object.prototype;
    const list = byName ? Object.values(first as DatasetMap) : (args as Dataset[]);
    if (list.length === 0) throw new RangeError('At least one dataset should be passed');
    this._length = len(list[0]);
    if (list.some((d) => len(d) !== this._length)) throw new RangeError('Size mismatch between datasets');
    this.datasets = byName ? (first as DatasetMap) : (args as Dataset[]);
  }

  override getItem(index: number): T {
    const ds = this.datasets;
    if (Array.isArray(ds)) return ds.map((d) => d.get(index)) as T;
    return Object.fromEntries(Object.entries(ds).map(([k, d]) => [k, d.get(index)])) as T;
  }

  getItems(indices: number[]): T[] {
    const ds = this.datasets;
    const fetch = (d: Dataset): unknown[] => {
      const items = fetchBatch(d, indices);
      if (items.length !== indices.length) throw new RangeError(`Nested dataset's output size mismatch. Expected ${indices.length}, got ${items.length}`);
      return items;
    };
    if (Array.isArray(ds)) {
      const columns = ds.map(fetch);
      return indices.map((_, i) => columns.map((c) => c[i]) as T);
    }
    const columns = Object.entries(ds).map(([k, d]) => [k, fetch(d)] as const);
    return indices.map((_, i) => Object.fromEntries(columns.map(([k, c]) => [k, c[i]])) as T);
  }

  override get length(): number {
    return this._length;
  }
}

/** `dataset.__getitems__(indices)` where the dataset has one, else one `get` per index. */
export function fetchBatch<T>(dataset: Dataset<T>, indices: number[]): T[] {
  const many = (dataset as { getItems?: (indices: number[]) => T[] }).getItems;
  return typeof many === 'function' ? many.call(dataset, indices) : indices.map((i) => dataset.get(i));
}

/** Map-style datasets one after the other. */
export class ConcatDataset<T = unknown> extends Dataset<T> {
  static override workerModule = __filename;
  readonly datasets: Dataset<T>[];
  readonly cumulativeSizes: number[];

  static cumsum(sequence: Iterable<unknown>): number[] {
    const r: number[] = [];
    let s = 0;
    for (const e of sequence) {
      s += len(e);
      r.push(s);
    }
    return r;
  }

  constructor(datasets: Iterable<Dataset<T>>) {
    super();
    this.datasets = [...datasets];
    if (this.datasets.length === 0) throw new Error('datasets should not be an empty iterable');
    for (const d of this.datasets) if (d instanceof IterableDataset) throw new Error('ConcatDataset does not support IterableDataset');
    this.cumulativeSizes = ConcatDataset.cumsum(this.datasets);
  }

  override get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1]!;
  }

  override getItem(idx: number): T {
    if (idx < 0) {
      if (-idx > this.length) throw new RangeError('absolute value of index should not exceed dataset length');
      idx = this.length + idx;
    }
    const sizes = this.cumulativeSizes;
    let lo = 0;
    let hi = sizes.length;
    while (lo < hi) {
      // bisect_right
      const mid = (lo + hi) >> 1;
      if (idx < sizes[mid]!) hi = mid;
      else lo = mid + 1;
    }
    const sampleIdx = lo === 0 ? idx : idx - sizes[lo - 1]!;
    const d = this.datasets[lo];
    if (d === undefined) throw new RangeError('list index out of range');
    return d.get(sampleIdx);
  }
}

/** Iterable-style datasets one after the other. */
export class ChainDataset<T = unknown> extends IterableDataset<T> {
  static override workerModule = __filename;
  readonly datasets: Iterable<Dataset<T>>;

  constructor(datasets: Iterable<Dataset<T>>) {
    super();
    this.datasets = datasets;
  }

  override *[Symbol.iterator](): Iterator<T> {
    for (const d of this.datasets) {
      if (!(d instanceof IterableDataset)) throw new Error('ChainDataset only supports IterableDataset');
      yield* d as IterableDataset<T>;
    }
  }

  override get length(): number {
    let total = 0;
    for (const d of this.datasets) {
      if (!(d instanceof IterableDataset)) throw new Error('ChainDataset only supports IterableDataset');
      total += len(d);
    }
    return total;
  }
}

/** The samples of `dataset` at `indices`. */
export class Subset<T = unknown> extends Dataset<T> {
  static override workerModule = __filename;
  readonly dataset: Dataset<T>;
  readonly indices: readonly number[];

  constructor(dataset: Dataset<T>, indices: readonly number[]) {
    super();
    this.dataset = dataset;
    this.indices = indices;
  }

  override getItem(idx: number): T {
    const i = this.indices[idx < 0 ? this.indices.length + idx : idx];
    if (i === undefined) throw new RangeError('list index out of range');
    return this.dataset.get(i);
  }

  getItems(indices: number[]): T[] {
    return fetchBatch(
      this.dataset,
      indices.map((idx) => {
        const i = this.indices[idx < 0 ? this.indices.length + idx : idx];
        if (i === undefined) throw new RangeError('list index out of range');
        return i;
      }),
    );
  }

  override get length(): number {
    return this.indices.length;
  }
}

const RANDOM_SPLIT = pySignature('random_split', 'dataset, lengths, generator=None');

/**
 * torch.utils.data.random_split: non-overlapping Subsets of the given lengths, or of fractions
 * summing to 1 (the remainder spread round-robin), from `randperm` with `generator` (default:
 * the default generator).
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], generator?: Generator | null): Subset<T>[];
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], options: { generator?: Generator | null }): Subset<T>[];
export function randomSplit<T>(...args: unknown[]): Subset<T>[] {
  // Python's default is `default_generator`; null (None) draws from it too.
  const { dataset, lengths, generator } = RANDOM_SPLIT<{ dataset: Dataset<T>; lengths: readonly number[]; generator: Generator | null }>(args);
  const total = lengths.reduce((a, b) => a + b, 0);
  let sizes = [...lengths];
  if (Math.abs(total - 1) <= 1e-9 * Math.max(1, Math.abs(total)) && total <= 1) {
    const n = len(dataset);
    sizes = lengths.map((frac, i) => {
      if (frac < 0 || frac > 1) throw new RangeError(`Fraction at index ${i} is not between 0 and 1`);
      return Math.floor(n * frac);
    });
    const remainder = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) sizes[i % sizes.length]! += 1;
    sizes.forEach((l, i) => {
      if (l === 0) process.emitWarning(`Length of split at index ${i} is 0. This might result in an empty dataset.`, 'UserWarning');
    });
  }
  const sum = sizes.reduce((a, b) => a + b, 0);
  if (sum !== len(dataset)) throw new RangeError('Sum of input lengths does not equal the length of the input dataset!');
  const indices = randpermList(sum, generator);
  const out: Subset<T>[] = [];
  let offset = 0;
  for (const l of sizes) {
    out.push(new Subset(dataset, indices.slice(offset, offset + l)));
    offset += l;
  }
  return out;
}
