// Lazy modules (torch/nn/modules/lazy.py): UninitializedParameter/UninitializedBuffer, the
// materialisation at the first call, the class swap, state_dict save and load — against real
// PyTorch (scripts/fixtures/lazy.py).
import * as torch from '../lib';
import { nn } from '../lib';
import { describe as described, expectClose, expectError, fixture, type Described } from './helpers';
import { evaluate } from './modcase';

type State = [string, string | Described][];
interface Case {
  py: string;
  ts: string;
  shape: number[];
  class_before: string;
  repr_before: string;
  uninitialized_before: boolean;
  state_before: State;
  parameters_before: [string, string][];
  class_after: string;
  repr_after: string;
  parameters_after: [string, Described][];
  buffers_after: [string, Described][];
  state_after: State;
  output: Described;
  load: {
    result: string;
    class: string;
    repr: string;
    uninitialized: boolean;
    state: State;
    output?: Described;
    error?: [string, string];
    class_after: string;
    repr_after: string;
  };
  load_lazy: { result: string; uninitialized: boolean };
}
interface Extra {
  param_repr: string;
  buffer_repr: string;
  shape_error: [string, string];
  param_requires_grad: boolean;
  buffer_requires_grad: boolean;
  bad_input: [string, string];
  load_into_initialized: [string, string];
  materialized: { type: string; shape: number[]; dtype: string; requires_grad: boolean };
  materialized_buffer: { type: string; shape: number[]; dtype: string };
  seq_before: string;
  seq_after: string;
}
const { cases, extra } = fixture<{ cases: Case[]; extra: Extra }>('lazy.json');

function expectTensor(t: torch.Tensor, want: Described, where: string): void {
  const got = described(t);
  expect(`${where}: ${got.dtype} ${JSON.stringify(got.shape)}`).toBe(`${where}: ${want.dtype} ${JSON.stringify(want.shape)}`);
  expectClose(t.reshape([-1]).tolist(), want.data, 1e-5, 1e-6, where);
}
function expectState(got: Map<string, torch.Tensor>, want: State, where: string): void {
  expect([...got.keys()]).toEqual(want.map(([k]) => k));
  for (const [k, w] of want) {
    const t = got.get(k)!;
    if (typeof w === 'string') expect(String(t)).toBe(w);
    else expectTensor(t, w, `${where} ${k}`);
  }
}

describe.each(cases.map((c) => [c.ts, c] as const))('%s', (ts, c) => {
  test('uninitialized: repr, state_dict, parameters', () => {
    const m = evaluate(ts) as nn.Module & { hasUninitializedParams(): boolean };
    expect(m.constructor.name).toBe(c.class_before);
    expect(String(m)).toBe(c.repr_before);
    expect(m.hasUninitializedParams()).toBe(c.uninitialized_before);
    expectState(m.stateDict(), c.state_before, 'state_dict');
    expect([...m.namedParameters()].map(([k, v]) => [k, String(v)])).toEqual(c.parameters_before);
    for (const [, p] of m.namedParameters()) {
      expect(p).toBeInstanceOf(nn.UninitializedParameter);
      expect(nn.isLazy(p)).toBe(true);
    }
  });

  test('first call: materialised, seeded, becomes its cls_to_become', () => {
    torch.manualSeed(0);
    const m = evaluate(ts) as nn.Module;
    const params = [...m.parameters()];
    torch.manualSeed(1000);
    const x = torch.randn(c.shape);
    torch.manualSeed(0);
    const y = m.call(x) as torch.Tensor;
    expect(m.constructor.name).toBe(c.class_after);
    expect(m).toBeInstanceOf((nn as unknown as Record<string, new () => nn.Module>)[c.class_after]!);
    expect(String(m)).toBe(c.repr_after);
    expect('hasUninitializedParams' in m).toBe(false);
    // The same Parameter objects, now plain Parameters (an optimizer made before keeps working).
    expect([...m.parameters()]).toEqual(params);
    for (const p of m.parameters()) {
      expect(Object.getPrototypeOf(p)).toBe(nn.Parameter.prototype);
      expect(p.requiresGrad).toBe(true);
    }
    for (const [k, w] of c.parameters_after) expectTensor(m.getParameter(k), w, `parameter ${k}`);
    expect([...m.namedBuffers()].map(([k]) => k)).toEqual(c.buffers_after.map(([k]) => k));
    for (const [k, w] of c.buffers_after) {
      const b = m.getBuffer(k);
      expect(Object.getPrototypeOf(b)).toBe(torch.Tensor.prototype);
      expectTensor(b, w, `buffer ${k}`);
    }
    expectState(m.stateDict(), c.state_after, 'state_dict');
    expectTensor(y, c.output, 'output');
    expect(m._forwardPreHooks.size).toBe(0);
  });

  test('load_state_dict into a lazy module materialises it', () => {
    torch.manualSeed(0);
    const m = evaluate(ts) as nn.Module;
    torch.manualSeed(1000);
    const x = torch.randn(c.shape);
    torch.manualSeed(0);
    m.call(x);
    const lazy = evaluate(ts) as nn.Module & { hasUninitializedParams(): boolean };
    expect(String(lazy.loadStateDict(m.stateDict()))).toBe(c.load.result);
    expect(lazy.constructor.name).toBe(c.load.class);
    expect(String(lazy)).toBe(c.load.repr);
    expect(lazy.hasUninitializedParams()).toBe(c.load.uninitialized);
    expectState(lazy.stateDict(), c.load.state, 'loaded state_dict');
    if (c.load.output !== undefined) expectTensor(lazy.call(x) as torch.Tensor, c.load.output, 'output after load');
    else expectError(() => lazy.call(x), c.load.error![1]);
    expect(lazy.constructor.name).toBe(c.load.class_after);
    expect(String(lazy)).toBe(c.load.repr_after);
  });

  test('load_state_dict of an uninitialized module into a lazy one', () => {
    const lazy = evaluate(ts) as nn.Module & { hasUninitializedParams(): boolean };
    expect(String(lazy.loadStateDict((evaluate(ts) as nn.Module).stateDict()))).toBe(c.load_lazy.result);
    expect(lazy.hasUninitializedParams()).toBe(c.load_lazy.uninitialized);
  });
});

describe('UninitializedParameter, UninitializedBuffer', () => {
  test('repr, requires_grad, shape error', () => {
    const p = new nn.UninitializedParameter();
    const b = new nn.UninitializedBuffer();
    expect(String(p)).toBe(extra.param_repr);
    expect(String(b)).toBe(extra.buffer_repr);
    expect(p.requiresGrad).toBe(extra.param_requires_grad);
    expect(b.requiresGrad).toBe(extra.buffer_requires_grad);
    expect(p).toBeInstanceOf(nn.Parameter);
    expectError(() => p.shape, extra.shape_error[1]);
    expectError(() => b.shape, extra.shape_error[1]);
  });
  test('materialize', () => {
    const q = new nn.UninitializedParameter({ dtype: torch.float64 });
    q.materialize([2, 3]);
    expect(q.constructor.name).toBe(extra.materialized.type);
    expect([...q.shape]).toEqual(extra.materialized.shape);
    expect(`torch.${q.dtype.name}`).toBe(extra.materialized.dtype);
    expect(q.requiresGrad).toBe(extra.materialized.requires_grad);
    const b = new nn.UninitializedBuffer();
    b.materialize([4], { dtype: torch.float64 });
    expect(b.constructor.name).toBe(extra.materialized_buffer.type);
    expect([...b.shape]).toEqual(extra.materialized_buffer.shape);
    expect(`torch.${b.dtype.name}`).toBe(extra.materialized_buffer.dtype);
  });
  test('errors', () => {
    expectError(() => new nn.LazyConv2d(3, 2).call(torch.randn([3, 4])), extra.bad_input[1]);
    expectError(() => new nn.Linear(2, 3).loadStateDict(new nn.LazyLinear(3).stateDict()), extra.load_into_initialized[1]);
  });
  test('a Sequential of lazy modules', () => {
    const seq = new nn.Sequential(new nn.LazyLinear(4), new nn.ReLU(), new nn.LazyLinear(2));
    expect(String(seq)).toBe(extra.seq_before);
    seq.call(torch.ones([2, 5]));
    expect(String(seq)).toBe(extra.seq_after);
  });
});

describe('conversion before the first call', () => {
  test('double() keeps the placeholders lazy; they materialise in float64', () => {
    const m = new nn.LazyBatchNorm1d().double();
    expect(String(m.running_mean)).toBe('<UninitializedBuffer>');
    expect(nn.isLazy(m.weight)).toBe(true);
    const y = m.call(torch.randn([4, 3], { dtype: torch.float64 })) as torch.Tensor;
    expect([m.weight!.dtype.name, m.running_mean!.dtype.name, y.dtype.name]).toEqual(['float64', 'float64', 'float64']);
    expect([...m.running_mean!.shape]).toEqual([3]);
  });
  test('parameters taken before the first call receive gradients after it', () => {
    const l = new nn.LazyLinear(3);
    const params = [...l.parameters()];
    (l.call(torch.ones([2, 4])) as torch.Tensor).sum().backward();
    expect(params.map((p) => [...p.grad!.shape])).toEqual([[3, 4], [3]]);
    expect(l).toBeInstanceOf(nn.Linear);
    expect(l.constructor).toBe(nn.Linear);
  });
});
