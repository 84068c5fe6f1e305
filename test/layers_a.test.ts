// Built-in layers, group A — Identity, Linear, Bilinear, Conv1d/2d, ConvTranspose2d, pooling,
// BatchNorm1d/2d, LayerNorm, GroupNorm, Dropout/Dropout2d, Embedding, Flatten, Unflatten —
// against real PyTorch (scripts/fixtures/layers_a.py).
import * as torch from '../lib';
import { nn } from '../lib';
import { describe as described, expectClose, expectError, fixture, type Described } from './helpers';
import { evaluate, runModuleCases } from './modcase';

runModuleCases('layers_a.json');

interface Extra {
  bn_steps: { momentum: string; after: { running_mean: Described; running_var: Described; num_batches_tracked: number }[]; eval_output: Described }[];
  bn_metadata_version: number;
  bn_upgrade: { running_mean: Described; running_var: Described; num_batches_tracked: number; missing: string[]; unexpected: string[] };
  bn_v2_missing: string;
  bn_nested_upgrade: { missing: string[]; num_batches_tracked: number };
  convT_output_size: { out_9: Described; out_10: Described; error_range: string; error_length: string; error_count: string };
  Dropout_inplace: { repr: string; same: boolean; out: Described };
  Dropout2d_inplace: { repr: string; same: boolean; out: Described };
  embedding_max_norm_weight: Described;
  reprs: [string, string][];
  factory: { ts: string; state: [string, Described][] }[];
  dropout2d_warnings: { shape: number[]; messages: string[]; categories: string[] }[];
}
const extra = fixture<Extra>('layers_a_extra.json');

function expectTensor(t: torch.Tensor, want: Described, rtol = 1e-5, atol = 1e-6): void {
  const got = described(t);
  expect([got.dtype, got.shape]).toEqual([want.dtype, want.shape]);
  expectClose(t.reshape([-1]).tolist(), want.data, rtol, atol);
}

describe('layers_a reprs', () => {
  test.each(extra.reprs)('%s', (ts, repr) => {
    expect(String(evaluate(ts))).toBe(repr);
  });
});

describe('device and dtype factory options', () => {
  test.each(extra.factory.map((f) => [f.ts, f] as const))('%s', (ts, f) => {
    torch.manualSeed(9);
    const m = evaluate(ts) as nn.Module;
    const state = [...m.stateDict()];
    expect(state.map(([k]) => k)).toEqual(f.state.map(([k]) => k));
    f.state.forEach(([, want], i) => expectTensor(state[i]![1], want, 1e-12, 0));
  });
});

describe('BatchNorm running statistics', () => {
  test.each(extra.bn_steps.map((s) => [s.momentum, s] as const))('momentum %s over three batches, then eval', (_m, s) => {
    torch.manualSeed(1);
    const m = evaluate(`new nn.BatchNorm2d(3, { momentum: ${s.momentum} })`) as nn.BatchNorm2d;
    torch.manualSeed(2);
    const xs = [0, 1, 2].map(() => torch.randn(4, 3, 2, 2));
    xs.forEach((x, i) => {
      m.call(x);
      const want = s.after[i]!;
      expectTensor(m.running_mean!, want.running_mean);
      expectTensor(m.running_var!, want.running_var);
      expect(Number(m.num_batches_tracked!.item())).toBe(want.num_batches_tracked);
    });
    m.eval();
    expectTensor(m.call(xs[0]!), s.eval_output);
  });

  test('stateDict records _version 2', () => {
    expect(nn.BatchNorm2d._version).toBe(2);
    const sd = new nn.BatchNorm2d(3).stateDict();
    expect(sd._metadata!.get('')!.get('version')).toBe(extra.bn_metadata_version);
    expect(new nn.Sequential(new nn.BatchNorm1d(2)).stateDict()._metadata!.get('0')!.get('version')).toBe(2);
  });

  test('a version-1 state_dict without num_batches_tracked loads (the buffer keeps its value)', () => {
    torch.manualSeed(3);
    const src = new nn.BatchNorm2d(3);
    src.call(torch.randn(4, 3, 2, 2));
    const sd = src.stateDict();
    sd.delete('num_batches_tracked');
    sd._metadata!.set('', new Map([['version', 1]]));
    const dst = new nn.BatchNorm2d(3);
    dst.num_batches_tracked!.fill_(5);
    const result = dst.loadStateDict(sd);
    expect(result).toEqual({ missingKeys: extra.bn_upgrade.missing, unexpectedKeys: extra.bn_upgrade.unexpected });
    expectTensor(dst.running_mean!, extra.bn_upgrade.running_mean);
    expectTensor(dst.running_var!, extra.bn_upgrade.running_var);
    expect(Number(dst.num_batches_tracked!.item())).toBe(extra.bn_upgrade.num_batches_tracked);
    // The caller's state_dict is not changed by the upgrade.
    expect(sd.has('num_batches_tracked')).toBe(false);
  });

  test('a state_dict without metadata is treated as version 1', () => {
    const sd = new Map([...new nn.BatchNorm2d(3).stateDict()].filter(([k]) => k !== 'num_batches_tracked'));
    expect(new nn.BatchNorm2d(3).loadStateDict(sd)).toEqual({ missingKeys: [], unexpectedKeys: [] });
  });

  test('a version-2 state_dict without num_batches_tracked is missing a key', () => {
    const sd = new nn.BatchNorm2d(3).stateDict();
    sd.delete('num_batches_tracked');
    expectError(() => new nn.BatchNorm2d(3).loadStateDict(sd), extra.bn_v2_missing);
  });

  test('the upgrade reads the nested module its own metadata entry', () => {
    torch.manualSeed(4);
    const seq = new nn.Sequential(new nn.Conv2d(2, 3, 1), new nn.BatchNorm2d(3));
    const sd = seq.stateDict();
    sd.delete('1.num_batches_tracked');
    sd._metadata!.get('1')!.set('version', 1);
    const seq2 = new nn.Sequential(new nn.Conv2d(2, 3, 1), new nn.BatchNorm2d(3));
    expect(seq2.loadStateDict(sd).missingKeys).toEqual(extra.bn_nested_upgrade.missing);
    expect(Number((seq2.at(1) as nn.BatchNorm2d).num_batches_tracked!.item())).toBe(extra.bn_nested_upgrade.num_batches_tracked);
  });

  test('without running statistics the buffers are null and not in the state_dict', () => {
    const m = new nn.BatchNorm1d(3, { trackRunningStats: false });
    expect(m.running_mean).toBeNull();
    expect(m.num_batches_tracked).toBeNull();
    expect([...m.stateDict().keys()]).toEqual(['weight', 'bias']);
  });
});

describe('ConvTranspose2d output_size', () => {
  const c = extra.convT_output_size;
  const make = (): [nn.ConvTranspose2d, torch.Tensor] => {
    torch.manualSeed(5);
    const m = new nn.ConvTranspose2d(2, 3, 3, { stride: 2, padding: 1 });
    torch.manualSeed(6);
    return [m, torch.randn(1, 2, 5, 5)];
  };
  test('chooses output_padding', () => {
    const [m, x] = make();
    expectTensor(m.call(x, [9, 9]), c.out_9);
    expectTensor(m.call(x, [1, 3, 10, 10]), c.out_10);
  });
  test('refuses sizes out of range, or of the wrong length', () => {
    const [m, x] = make();
    expectError(() => m.call(x, [12, 12]), c.error_range);
    expectError(() => m.call(x, [1, 10]), c.error_length);
    expectError(() => m.call(x, [10]), c.error_count);
  });
});

describe('in-place dropout', () => {
  test.each([
    ['Dropout', [4, 10]],
    ['Dropout2d', [2, 6, 3, 3]],
  ] as const)('%s(inplace=True) changes and returns its input', (cls, shape) => {
    const want = extra[`${cls}_inplace`];
    torch.manualSeed(7);
    const x = torch.randn([...shape]);
    const m = new nn[cls](0.4, { inplace: true });
    expect(String(m)).toBe(want.repr);
    const y = m.call(x);
    expect(y === x).toBe(want.same);
    expectTensor(x, want.out);
  });
});

describe('Dropout2d warnings', () => {
  test.each(extra.dropout2d_warnings.map((w) => [JSON.stringify(w.shape), w] as const))('input of shape %s', (_s, w) => {
    const seen: [string, string | undefined][] = [];
    const spy = jest.spyOn(process, 'emitWarning').mockImplementation(((msg: string | Error, category?: string) => {
      seen.push([typeof msg === 'string' ? msg : msg.message, category]);
    }) as typeof process.emitWarning);
    try {
      new nn.Dropout2d().call(torch.randn(w.shape));
    } finally {
      spy.mockRestore();
    }
    expect(seen).toEqual(w.messages.map((m, i) => [m, w.categories[i]]));
  });
});

describe('Embedding', () => {
  test('max_norm renormalises the looked-up rows of the weight in place', () => {
    torch.manualSeed(8);
    const m = new nn.Embedding(6, 3, { maxNorm: 0.5 });
    m.call(torch.tensor([[0, 2], [2, 5]]));
    expectTensor(m.weight, extra.embedding_max_norm_weight);
  });
  test('fromPretrained shares the storage and freezes by default', () => {
    const w = torch.arange(6, { dtype: torch.float32 }).reshape([3, 2]);
    const m = nn.Embedding.fromPretrained(w);
    expect(m.weight.requiresGrad).toBe(false);
    w.fill_(1);
    expect(m.weight.sum().item()).toBe(6);
    expect(nn.Embedding.fromPretrained(w, false).weight.requiresGrad).toBe(true);
  });
});

describe('layer attributes', () => {
  test('keep PyTorch values under camelCase names', () => {
    const conv = new nn.Conv2d(3, 8, 3, { stride: 2, padding: 1 });
    expect([conv.inChannels, conv.outChannels, conv.kernelSize, conv.stride, conv.padding, conv.dilation, conv.groups, conv.paddingMode]).toEqual([
      3, 8, [3, 3], [2, 2], [1, 1], [1, 1], 1, 'zeros',
    ]);
    expect(conv._reversedPaddingRepeatedTwice).toEqual([1, 1, 1, 1]);
    const same = new nn.Conv2d(3, 8, [3, 4], { padding: 'same', dilation: [1, 2] });
    expect(same._reversedPaddingRepeatedTwice).toEqual([3, 3, 1, 1]);
    const lin = new nn.Linear(4, 2, { bias: false });
    expect([lin.inFeatures, lin.outFeatures, lin.bias]).toEqual([4, 2, null]);
    expect([...lin._parameters.keys()]).toEqual(['weight', 'bias']);
    const pool = new nn.MaxPool2d(3);
    expect([pool.kernelSize, pool.stride, pool.padding, pool.dilation, pool.ceilMode, pool.returnIndices]).toEqual([3, 3, 0, 1, false, false]);
    const bn = new nn.BatchNorm2d(4, { momentum: null });
    expect([bn.numFeatures, bn.eps, bn.momentum, bn.affine, bn.trackRunningStats]).toEqual([4, 1e-5, null, true, true]);
    expect(new nn.Embedding(5, 2, { paddingIdx: -2 }).paddingIdx).toBe(3);
    expect(new nn.LayerNorm(5).normalizedShape).toEqual([5]);
  });

  test('an invalid padding string or padding mode is refused', () => {
    expectError(() => new nn.Conv2d(3, 4, 3, { padding: 'full' as 'same' }), "Invalid padding string 'full', should be one of");
    expectError(() => new nn.Conv2d(3, 4, 3, { paddingMode: 'mirror' as 'zeros' }), "padding_mode must be one of");
  });

  test('layers compose under Sequential and train end to end', () => {
    torch.manualSeed(0);
    const model = new nn.Sequential(new nn.Conv2d(1, 2, 3, { padding: 1 }), new nn.BatchNorm2d(2), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(8, 3));
    const out = model.call(torch.randn(2, 1, 4, 4)) as torch.Tensor;
    expect([...out.shape]).toEqual([2, 3]);
    out.sum().backward();
    for (const [, p] of model.namedParameters()) expect(p.grad).not.toBeNull();
  });
});
