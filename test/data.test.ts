// torch.utils.data in the main thread against PyTorch (scripts/fixtures/data.py): sampler orders
// for given seeds, random_split, default_collate / default_convert, datasets, DataLoader batches
// and PyTorch's errors.
import { availableParallelism } from 'os';
import * as torch from '../lib';
import { describe as describeTensor, expectError, fixture } from './helpers';
import { Reported } from './data/datasets';

const data = torch.utils.data;
const F = fixture<Record<string, any>>('data.json'); // eslint-disable-line @typescript-eslint/no-explicit-any

/** Python's range(lo, hi) as a map-style dataset. */
class RangeDs extends data.Dataset<number> {
  constructor(
    readonly lo: number,
    readonly hi: number,
  ) {
    super();
  }
  override get length(): number {
    return this.hi - this.lo;
  }
  override getItem(i: number): number {
    if (i < 0) i += this.length;
    if (i < 0 || i >= this.length) throw new RangeError('range object index out of range');
    return this.lo + i;
  }
}

/** The fixture's Range: an iterable dataset split between workers. */
class Range extends data.IterableDataset<number> {
  constructor(
    readonly start: number,
    readonly end: number,
  ) {
    super();
  }
  override *[Symbol.iterator](): Iterator<number> {
    for (let i = this.start; i < this.end; i++) yield i;
  }
}

/** test.each rows: a name and the fixture case. */
const cases = (list: any[], name: (c: any, i: number) => string): [string, any][] => list.map((c, i) => [name(c, i), c]); // eslint-disable-line @typescript-eslint/no-explicit-any
const after = (): unknown => torch.randint(0, 2 ** 31, [2]).tolist();
const sized = (n: number): RangeDs => new RangeDs(0, n);

// The fixture's JSON samples: {"none"}, {"f"} floats, {"t"} tensors, {"d"} dicts, {"tuple"}.
function dec(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dec);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    if ('none' in o) return null;
    if ('f' in o) return torch.pyFloat(o.f);
    if ('t' in o) return torch.tensor(o.t.data, { dtype: (torch as any)[o.t.dtype] }).reshape(o.t.shape); // eslint-disable-line @typescript-eslint/no-explicit-any
    if ('d' in o) return Object.fromEntries((o.d as [string, unknown][]).map(([k, x]) => [k, dec(x)]));
    if ('tuple' in o) return (o.tuple as unknown[]).map(dec);
  }
  return v;
}
/** What a JS result must equal: Python's tuples are arrays here. */
function untuple(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(untuple);
  if (v !== null && typeof v === 'object') {
    if ('tuple' in v) return untuple((v as { tuple: unknown }).tuple);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, untuple(x)]));
  }
  return v;
}
function enc(v: unknown): unknown {
  if (v === null) return { none: true };
  if (v instanceof torch.Tensor) return { t: describeTensor(v) };
  if (v instanceof torch.PyFloat) return { f: v.value };
  if (typeof v === 'number' && !Number.isInteger(v)) return { f: v };
  if (Array.isArray(v)) return v.map(enc);
  if (typeof v === 'object' && v !== null) return { d: Object.entries(v).map(([k, x]) => [k, enc(x)]) };
  return v;
}

describe('samplers', () => {
  test.each(cases(F.random, (c) => `seed ${c.seed} n ${c.n} replacement ${c.replacement} numSamples ${c.numSamples}`))('RandomSampler %s', (_n, c: any) => {
    torch.manualSeed(c.seed);
    const s = new data.RandomSampler(sized(c.n), { replacement: c.replacement, numSamples: c.numSamples });
    expect([[...s], [...s]]).toEqual(c.epochs);
    expect(after()).toEqual(c.after); // the default generator gave one seed per epoch, nothing more
    expect(s.length).toBe(c.length);
  });

  test('SubsetRandomSampler and WeightedRandomSampler draw from the default generator', () => {
    torch.manualSeed(5);
    expect([[...new data.SubsetRandomSampler([10, 20, 30, 40, 50, 60])], after()]).toEqual(F.subset);
    torch.manualSeed(6);
    expect([[...new data.WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 12)], after()]).toEqual(F.weighted_replacement);
    torch.manualSeed(7);
    const w = new data.WeightedRandomSampler([0.9, 0.4, 0.05, 0.2, 0.3, 0.1], 5, { replacement: false });
    expect([[...w], after()]).toEqual(F.weighted_no_replacement);
    expect(w.length).toBe(5);
  });

  test('BatchSampler', () => {
    const seq = new data.SequentialSampler(sized(10));
    expect([[...new data.BatchSampler(seq, 3, false)], [...new data.BatchSampler(seq, 3, true)]]).toEqual(F.batch.slice(0, 2));
    expect([new data.BatchSampler(seq, 3, false).length, new data.BatchSampler(seq, 3, true).length]).toEqual(F.batch.slice(2));
    // any iterable with a length is a sampler, as in Python
    expect([...new data.BatchSampler([4, 2, 9], 2, false)]).toEqual([[4, 2], [9]]);
  });

  test.each(cases(F.distributed, (c) => `n ${c.n} replicas ${c.numReplicas} shuffle ${c.shuffle} seed ${c.seed} dropLast ${c.dropLast} epoch ${c.epoch}`))(
    'DistributedSampler %s',
    (_n, c: any) => {
      const ranks = c.ranks.map((_: unknown, rank: number) => {
        const s = new data.DistributedSampler(sized(c.n), { numReplicas: c.numReplicas, rank, shuffle: c.shuffle, seed: c.seed, dropLast: c.dropLast });
        s.setEpoch(c.epoch);
        return { indices: [...s], length: s.length };
      });
      expect(ranks).toEqual(c.ranks);
    },
  );

  test.each(cases(F.split, (c) => JSON.stringify(c.lengths)))('randomSplit %s', (_n, c: any) => {
    torch.manualSeed(c.seed);
    const parts = data.randomSplit(new RangeDs(0, 10), c.lengths);
    expect(parts.map((p) => [...p.indices])).toEqual(c.parts);
    expect(after()).toEqual(c.after);
  });

  test('samplers and randomSplit with a torch.Generator', () => {
    const Gen = torch.Generator;
    let g = new Gen().manualSeed(13);
    expect([[...new data.RandomSampler(sized(8), { generator: g })], [...new data.RandomSampler(sized(8), { replacement: true, numSamples: 40, generator: g })]]).toEqual(F.generator.random);
    g = new Gen().manualSeed(21);
    expect([...new data.SubsetRandomSampler([10, 20, 30, 40, 50], { generator: g })]).toEqual(F.generator.subset);
    g = new Gen().manualSeed(4);
    expect(data.randomSplit(new RangeDs(0, 10), [0.5, 0.5], g).map((s) => [...s.indices])).toEqual(F.generator.split);
    g = new Gen().manualSeed(4);
    expect(data.randomSplit(new RangeDs(0, 10), [0.5, 0.5], { generator: g }).map((s) => [...s.indices])).toEqual(F.generator.split);
    expectError(() => data.randomSplit(new RangeDs(0, 10), [5, 5], { generater: g } as never), "random_split() got an unexpected keyword argument 'generater'", 'TypeError');
    g = new Gen().manualSeed(8);
    expect([...new data.WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 10, { generator: g })]).toEqual(F.generator.weighted);
  });
});

describe('collate', () => {
  test.each(cases(F.collate.cases, (_c, i) => String(i)))('defaultCollate case %s', (_i, c: any) => {
    expect(enc(data.defaultCollate(dec(c.batch) as unknown[]))).toEqual(untuple(c.out));
  });

  test.each(cases(F.collate.errors, (c) => c.name))('defaultCollate error: %s', (_n, c: any) => {
    expectError(() => data.defaultCollate(dec(c.batch) as unknown[]), c.message, c.type === 'TypeError' ? 'TypeError' : 'Error');
  });

  test('defaultCollate: bigints are ints, Maps are dicts, TypedArrays are arrays', () => {
    expect(describeTensor(data.defaultCollate([1n, 2n]) as torch.Tensor)).toEqual({ data: [1, 2], dtype: 'int64', shape: [2] });
    const m = data.defaultCollate([new Map([[1, 0.5]]), new Map([[1, 1.5]])]) as Map<number, torch.Tensor>;
    expect(describeTensor(m.get(1)!)).toEqual({ data: [0.5, 1.5], dtype: 'float64', shape: [2] });
    const t = data.defaultCollate([new Float32Array([1, 2]), new Float32Array([3, 4])]) as torch.Tensor;
    expect(describeTensor(t)).toEqual({ data: [[1, 2], [3, 4]], dtype: 'float32', shape: [2, 2] });
  });

  test.each(cases(F.collate.convert, (_c, i) => String(i)))('defaultConvert case %s', (_i, c: any) => {
    expect(enc(data.defaultConvert(dec(c.data)))).toEqual(untuple(c.out));
  });
});

describe('datasets', () => {
  const D = F.datasets;

  test('ConcatDataset', () => {
    const c = new data.ConcatDataset([new RangeDs(0, 3), new RangeDs(10, 15), new RangeDs(20, 22)]);
    expect(c.cumulativeSizes).toEqual(D.concat.cumulativeSizes);
    expect(Array.from({ length: 20 }, (_, k) => c.get(k - 10))).toEqual(D.concat.items);
    expect(c.length).toBe(D.concat.length);
    expectError(() => new data.ConcatDataset([new RangeDs(0, 3)]).get(-4), F.errors.concat_index.message);
    expectError(() => new data.ConcatDataset([new Range(0, 3)]), 'ConcatDataset does not support IterableDataset');
  });

  test('StackDataset, Subset, TensorDataset, ChainDataset', () => {
    const st = new data.StackDataset(new RangeDs(0, 3), new RangeDs(10, 13));
    expect([0, 1, 2].map((i) => st.get(i))).toEqual(D.stack.tuple);
    const sd = new data.StackDataset({ a: new RangeDs(0, 3), b: new RangeDs(10, 13) });
    expect([0, 1, 2].map((i) => sd.get(i))).toEqual(D.stack.dict);
    expect(new data.StackDataset({ a: new RangeDs(0, 3), b: new data.Subset(new RangeDs(10, 13), [2, 1, 0]) }).getItems([0, 2])).toEqual(D.stack.items);
    expectError(() => new data.StackDataset(new RangeDs(0, 3), new RangeDs(0, 4)), F.errors.stack_sizes.message);
    expectError(() => new data.StackDataset(), F.errors.stack_empty.message);

    const sub = new data.Subset(new RangeDs(10, 20), [9, 0, 5]);
    expect([-3, -2, -1, 0, 1, 2].map((i) => sub.get(i))).toEqual(D.subset.items);
    expect(sub.length).toBe(D.subset.length);

    const t = new data.TensorDataset(torch.arange(6).view(3, 2), torch.tensor([0.5, 1.5, 2.5]));
    expect([0, 1, 2].map((i) => t.get(i).map((x) => x.tolist()))).toEqual(D.tensor.items);
    expect(t.length).toBe(D.tensor.length);
    expectError(() => new data.TensorDataset(torch.zeros(3), torch.zeros(4)), F.errors.tensor_dataset.message);

    // a dataset (or sampler) built inside a scope keeps its tensors
    const kept = torch.tidy(() => new data.TensorDataset(torch.arange(6).view(3, 2), torch.tensor([0.5, 1.5, 2.5])));
    expect([0, 1, 2].map((i) => kept.get(i).map((x) => x.tolist()))).toEqual(D.tensor.items);
    const w = torch.tidy(() => new data.WeightedRandomSampler(torch.tensor([0.9, 0.4, 0.05, 0.2, 0.3, 0.1], { dtype: torch.float64 }), 5, { replacement: false }));
    torch.manualSeed(7);
    expect([...w]).toEqual(F.weighted_no_replacement[0]);

    expect([...new data.ChainDataset([new Range(0, 3), new Range(5, 7)])]).toEqual(D.chain.items);
    expectError(() => new Range(0, 3).get(0), F.errors.dataset_getitem.message);
  });
});

describe('DataLoader', () => {
  test.each(cases(F.loaders, (c) => `seed ${c.seed} batchSize ${c.batchSize} shuffle ${c.shuffle} dropLast ${c.dropLast}`))('%s', (_n, c: any) => {
    const ds = new data.TensorDataset(torch.arange(20).view(10, 2), torch.arange(10).mul(0.5));
    torch.manualSeed(c.seed);
    const loader = new data.DataLoader<torch.Tensor[]>(ds, { batchSize: c.batchSize, shuffle: c.shuffle, dropLast: c.dropLast });
    const epoch = (): unknown => [...loader].map((b) => [b[0]!.tolist(), b[1]!.tolist()]);
    expect([epoch(), epoch()]).toEqual(c.epochs);
    expect(after()).toEqual(c.after);
    expect(loader.length).toBe(c.length);
  });

  test('a list of indices is a sampler', () => {
    const loader = new data.DataLoader(new RangeDs(10, 20), { sampler: [5, 3, 8], batchSize: 2 });
    expect([...loader].map((b) => (b as torch.Tensor).tolist())).toEqual(F.datasets.samplerList);
  });

  test('iterable datasets, batchSize null, collateFn, batchSampler', async () => {
    const D = F.datasets;
    expect([...new data.DataLoader(new Range(0, 7), { batchSize: 3 })].map((b) => (b as torch.Tensor).tolist())).toEqual(D.iterableLoader.batch3);
    expect([...new data.DataLoader(new Range(0, 7), { batchSize: 3, dropLast: true })].map((b) => (b as torch.Tensor).tolist())).toEqual(D.iterableLoader.dropLast);
    expect([...new data.DataLoader(new Range(0, 4), { batchSize: null })]).toEqual(D.iterableLoader.noBatch);
    const t = new data.TensorDataset(torch.arange(6).view(3, 2), torch.tensor([0.5, 1.5, 2.5]));
    expect([...new data.DataLoader<torch.Tensor[]>(t, { batchSize: null })].map((b) => b.map((x) => x.tolist()))).toEqual(D.noBatch);
    const sum = (b: number[]): number => b.reduce((x, y) => x + y, 0);
    expect([...new data.DataLoader(new RangeDs(0, 7), { batchSize: 3, collateFn: sum as never })]).toEqual(D.customCollate);
    const bs = new data.DataLoader(new RangeDs(10, 20), { batchSampler: [[3, 1], [0, 9, 2]] });
    expect([...bs].map((b) => (b as torch.Tensor).tolist())).toEqual(D.batchSampler);
    expect(bs.length).toBe(2);
    // for await works without workers too
    const seen: unknown[] = [];
    for await (const b of new data.DataLoader(new Range(0, 7), { batchSize: 3 })) seen.push((b as torch.Tensor).tolist());
    expect(seen).toEqual(D.iterableLoader.batch3);
    expectError(() => new data.DataLoader(new Range(0, 3)).length, F.errors.no_len.message, 'TypeError');
  });

  test("PyTorch's errors for invalid arguments", () => {
    const E = F.errors;
    const ds = new data.TensorDataset(torch.zeros(4));
    expectError(() => new data.DataLoader(ds, { batchSize: 2, batchSampler: [[0, 1]] }), E.batch_sampler.message);
    expectError(() => new data.DataLoader(ds, { shuffle: true, sampler: [0, 1] }), E.sampler_shuffle.message);
    expectError(() => new data.DataLoader(ds, { numWorkers: -1 }), E.num_workers.message);
    expectError(() => new data.DataLoader(ds, { timeout: -1 }), E.timeout.message);
    expectError(() => new data.DataLoader(ds, { prefetchFactor: 2 }), E.prefetch.message);
    expectError(() => new data.DataLoader(ds, { persistentWorkers: true }), E.persistent.message);
    expectError(() => new data.DataLoader(ds, { batchSize: null, dropLast: true }), E.no_batch_drop_last.message);
    expectError(() => new data.DataLoader(new Range(0, 3), { shuffle: true }), E.iterable_shuffle.message);
    expectError(() => new data.DataLoader(new Range(0, 3), { sampler: new data.SequentialSampler(sized(3)) }), 'DataLoader with IterableDataset: expected unspecified sampler option, but got sampler=');
    expectError(() => new data.DataLoader(ds, { batchSzie: 2 } as never), "DataLoader.__init__() got an unexpected keyword argument 'batchSzie'", 'TypeError');
    expectError(() => new data.RandomSampler(ds, { numSamples: 0 }), E.random_num_samples.message);
    expectError(() => new data.RandomSampler(ds, { replacement: 1 as never }), E.random_replacement.message, 'TypeError');
    expectError(() => new data.BatchSampler(sized(3) as never, 0, false), E.batch_size.message);
    expectError(() => new data.BatchSampler(sized(3) as never, 2, 1 as never), E.drop_last.message);
    expectError(() => data.randomSplit(new RangeDs(0, 10), [3, 3]), E.split_sum.message);
    expectError(() => data.randomSplit(new RangeDs(0, 10), [1.5, -0.5]), E.split_fraction.message);
    expectError(() => new data.DistributedSampler(sized(10), { numReplicas: 2, rank: 2 }), E.distributed_rank.message);
    expectError(() => new data.WeightedRandomSampler([[1, 2]] as never, 2), E.weighted_shape.message);
    expectError(() => [...new data.DataLoader(ds, { numWorkers: 1 })], 'is iterated with `for await`', 'TypeError');
  });

  /** The warnings `fn` emits. */
  function warningsOf(fn: () => void): string[] {
    const warnings: string[] = [];
    const emit = process.emitWarning;
    process.emitWarning = ((m: string) => void warnings.push(m)) as typeof process.emitWarning;
    try {
      fn();
    } finally {
      process.emitWarning = emit;
    }
    return warnings;
  }

  test('pinMemory warns that there is no accelerator and leaves the batch as it is', () => {
    let out: unknown;
    const warnings = warningsOf(() => (out = [...new data.DataLoader(new RangeDs(0, 2), { pinMemory: true })].map((b) => (b as torch.Tensor).tolist())));
    expect(out).toEqual(F.datasets.pin.batches);
    expect(warnings).toEqual(F.datasets.pin.warnings);
  });

  describe('pinMemory where an accelerator is available (CUDA and Tensor.pinMemory stubbed; the stub adds 1000)', () => {
    class Items extends data.Dataset<Record<string, unknown>> {
      override get length(): number {
        return 4;
      }
      override getItem(i: number): Record<string, unknown> {
        return { x: torch.tensor([i, i + 1]), name: `s${i}`, pair: [torch.tensor(i * 1.0), 3] };
      }
    }
    class PinnedBatch {
      constructor(readonly n: number) {}
      pinMemory(): Record<string, number> {
        return { pinned: this.n };
      }
    }
    // A batch as the fixture writes it: tensors as { tensor: values }, dicts as { dict: [[key, value], ...] }.
    const plain = (x: unknown): unknown => {
      if (x instanceof torch.Tensor) return { tensor: x.tolist() };
      if (Array.isArray(x)) return x.map(plain);
      if (typeof x === 'object' && x !== null) return { dict: Object.entries(x).map(([k, v]) => [k, plain(v)]) };
      return x;
    };
    beforeEach(() => {
      jest.spyOn(torch.cuda, 'isAvailable').mockReturnValue(true);
      jest.spyOn(torch.Tensor.prototype, 'pinMemory').mockImplementation(function (this: torch.Tensor) {
        return this.add(1000);
      });
    });
    afterEach(() => jest.restoreAllMocks());

    test("the collated batches are pinned through their dicts and lists, without a warning, as PyTorch's", () => {
      let batches: unknown[] = [];
      let custom: unknown[] = [];
      const warnings = warningsOf(() => {
        batches = [...new data.DataLoader(new Items(), { batchSize: 2, pinMemory: true })].map(plain);
        custom = [...new data.DataLoader(new RangeDs(0, 5), { batchSize: 2, pinMemory: true, collateFn: (b: number[]) => new PinnedBatch(b.reduce((a, c) => a + c, 0)) })].map(plain);
      });
      expect([batches, custom, warnings]).toEqual([F.pinned.batches, F.pinned.custom, F.pinned.warnings]);
    });

    test('batches from workers are pinned in the main thread as they arrive', async () => {
      const loader = new data.DataLoader(new data.TensorDataset(torch.arange(8).view(4, 2)), { batchSize: 2, pinMemory: true, numWorkers: 1 });
      const batches: unknown[] = [];
      for await (const b of loader) batches.push(plain(b));
      expect(batches).toEqual(F.pinned.tensors);
    });
  });

  describe('an IterableDataset that yields more than len(loader) reported', () => {
    // Python's default repr of the dataset, without its address.
    const unaddressed = (ws: string[]): string[] => ws.map((w) => w.replace(/<[\w.]*?(\w+) object at 0x[0-9a-f]+>/, '<$1 object>'));
    const W = F.lengthWarnings;

    test("warns for each batch past it, as PyTorch's; not when the length was never asked", () => {
      const loader = new data.DataLoader(new Reported(), { batchSize: null });
      let length = 0;
      let batches: unknown[] = [];
      const warnings = warningsOf(() => {
        length = loader.length;
        batches = [...loader];
      });
      expect([length, batches, warnings]).toEqual([W.main.length, W.main.batches, unaddressed(W.main.warnings)]);
      let unasked: unknown[] = [];
      expect(warningsOf(() => (unasked = [...new data.DataLoader(new Reported(), { batchSize: null })]))).toEqual(W.unasked_warnings);
      expect(unasked).toEqual(W.unasked);
    });

    test('from workers, with the advice on replicas', async () => {
      const loader = new data.DataLoader(new Reported(), { batchSize: null, numWorkers: 2 });
      const emit = process.emitWarning;
      const warnings: string[] = [];
      process.emitWarning = ((w: string | Error) => void warnings.push(String(w))) as typeof process.emitWarning;
      const batches: unknown[] = [];
      try {
        expect(loader.length).toBe(W.workers.length);
        for await (const b of loader) batches.push(b);
      } finally {
        process.emitWarning = emit;
      }
      expect([batches, warnings]).toEqual([W.workers.batches, unaddressed(W.workers.warnings)]);
    });
  });

  test("more workers than CPUs: PyTorch's warning", () => {
    expect(availableParallelism()).toBe(F.rationality.cpus);
    expect(warningsOf(() => new data.DataLoader(new RangeDs(0, 4), { numWorkers: F.rationality.cpus + 1 }))).toEqual(F.rationality.warnings);
  });
});
