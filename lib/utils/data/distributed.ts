// torch/utils/data/distributed.py: each of `numReplicas` processes reads its own share of the
// dataset, the same permutation everywhere (seeded by `seed + epoch`).
import { pySignature } from '../../python_signature';
import { len } from './dataset';
import { Generator } from '../../random';
import { Sampler, randpermList } from './sampler';

const DISTRIBUTED = pySignature('DistributedSampler.__init__', 'self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False');

export interface DistributedSamplerOptions {
  numReplicas?: number;
  rank?: number;
  shuffle?: boolean;
  seed?: number;
  dropLast?: boolean;
}

/**
 * The indices of replica `rank` out of `numReplicas`. There is no process group in torchnode, so
 * `numReplicas` and `rank` are required (PyTorch would read them from torch.distributed).
 */
export class DistributedSampler extends Sampler<number> {
  readonly dataset: { readonly length?: number };
  readonly numReplicas: number;
  readonly rank: number;
  epoch = 0;
  readonly dropLast: boolean;
  readonly numSamples: number;
  readonly totalSize: number;
  readonly shuffle: boolean;
  readonly seed: number;

  constructor(dataset: { readonly length?: number }, options?: DistributedSamplerOptions);
  constructor(dataset: { readonly length?: number }, numReplicas: number, rank: number, shuffle?: boolean, seed?: number, dropLast?: boolean, options?: DistributedSamplerOptions);
  constructor(...args: unknown[]) {
    super();
    const o = DISTRIBUTED<{ dataset: { length?: number }; numReplicas: number | null; rank: number | null; shuffle: boolean; seed: number; dropLast: boolean }>(args);
    if (o.numReplicas === null || o.rank === null) throw new Error('Default process group has not been initialized, please make sure to call init_process_group.');
    if (o.rank >= o.numReplicas || o.rank < 0) throw new RangeError(`Invalid rank ${o.rank}, rank should be in the interval [0, ${o.numReplicas - 1}]`);
    this.dataset = o.dataset;
    this.numReplicas = o.numReplicas;
    this.rank = o.rank;
    this.dropLast = o.dropLast;
    const n = len(this.dataset);
    this.numSamples = this.dropLast && n % this.numReplicas !== 0 ? Math.ceil((n - this.numReplicas) / this.numReplicas) : Math.ceil(n / this.numReplicas);
    this.totalSize = this.numSamples * this.numReplicas;
    this.shuffle = o.shuffle;
    this.seed = o.seed;
  }

  override [Symbol.iterator](): Iterator<number> {
    const n = len(this.dataset);
    let indices = this.shuffle ? randpermList(n, new Generator().manualSeed(this.seed + this.epoch)) : Array.from({ length: n }, (_, i) => i);
    if (!this.dropLast) {
      const padding = this.totalSize - indices.length;
      if (padding <= indices.length) indices = indices.concat(indices.slice(0, padding));
      else indices = indices.concat(Array.from({ length: Math.ceil(padding / indices.length) }, () => indices).flat().slice(0, padding));
    } else {
      indices = indices.slice(0, this.totalSize);
    }
    const mine: number[] = [];
    for (let i = this.rank; i < this.totalSize; i += this.numReplicas) mine.push(indices[i]!);
    return mine[Symbol.iterator]();
  }

  override get length(): number {
    return this.numSamples;
  }

  /** Sets the epoch, so that each epoch shuffles differently (call it before iterating). */
  setEpoch(epoch: number): void {
    this.epoch = epoch;
  }
}
