// torch.Generator and torch/random.py against PyTorch (scripts/fixtures/generator.py): a state
// Python saved continues here with Python's numbers, a state saved here continues in Python with
// ours, states after the same seeding are the same bytes, and the errors are PyTorch's.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { expectError, fixture } from './helpers';

const F = torch.nn.functional;
const generated = path.join(__dirname, 'fixtures', 'generated');
const saved = torch.load(path.join(generated, 'generator.pth')) as Map<string, torch.Tensor & Map<string, torch.Tensor>>;
const json = fixture<{ errors: Record<string, [string, string]>; seeds: Record<string, string | number> }>('generator.json');
const PY_ERROR: Record<string, string> = { RuntimeError: 'Error', NotImplementedError: 'Error', ValueError: 'RangeError', TypeError: 'TypeError' };

function bytes(t: torch.Tensor): Buffer {
  return Buffer.from(torch.native.toBytes(t._h));
}
function expectSame(actual: torch.Tensor, expected: torch.Tensor): void {
  expect(actual.dtype).toBe(expected.dtype);
  expect([...actual.shape]).toEqual([...expected.shape]);
  expect(actual.tolist()).toEqual(expected.tolist());
}

function defaultStream(): Record<string, torch.Tensor> {
  return {
    randn: torch.randn(7),
    randperm: torch.randperm(10),
    dropout: F.dropout(torch.ones(20), { p: 0.5 }),
    rand: torch.rand(3, { dtype: torch.float64 }),
    randint: torch.randint(0, 100, [6]),
  };
}
function generatorStream(g: torch.Generator): Record<string, torch.Tensor> {
  return {
    randn: torch.randn(6, { generator: g }),
    randperm: torch.randperm(8, { generator: g }),
    rand: torch.rand(3, { generator: g }),
    normal_: torch.empty(5).normal_({ generator: g }),
    multinomial: torch.multinomial(torch.tensor([0.1, 0.2, 0.7]), 4, true, { generator: g }),
    bernoulli: torch.bernoulli(torch.full([8], 0.5), { generator: g }),
    init_uniform_: torch.nn.init.uniform_(torch.empty(4), { generator: g }),
    init_kaiming_normal_: torch.nn.init.kaimingNormal_(torch.empty(3, 2), { generator: g }),
  };
}

describe('states written by Python', () => {
  test('torch.get_rng_state() set with torch.setRngState continues with randn/randperm/dropout/rand/randint as Python', () => {
    torch.manualSeed(0);
    torch.setRngState(saved.get('default_state')!);
    const ours = defaultStream();
    for (const [k, v] of saved.get('default')!) expectSame(ours[k]!, v);
  });

  test("a Generator's get_state() set on a new torch.Generator continues as Python", () => {
    const g = new torch.Generator();
    expect(g.setState(saved.get('generator_state')!)).toBe(g);
    const ours = generatorStream(g);
    for (const [k, v] of saved.get('generator')!) expectSame(ours[k]!, v);
  });

  test('the same seeding leaves the same state bytes (PyTorch layout, 5056 bytes on CPU)', () => {
    torch.manualSeed(7);
    torch.randn(10);
    torch.randperm(5);
    const state = torch.getRngState();
    expect(state.dtype).toBe(torch.uint8);
    expect([...state.shape]).toEqual([json.seeds.state_bytes]);
    expect(bytes(state).equals(bytes(saved.get('after_seed_7')!))).toBe(true);
    expect(bytes(new torch.Generator().manualSeed(9).getState()).equals(bytes(saved.get('after_generator_seed_9')!))).toBe(true);
  });

  test('cloneState: a new generator continuing from a copy of the state', () => {
    const g = new torch.Generator().manualSeed(77);
    torch.randn(3, { generator: g });
    const clone = g.cloneState();
    expect(clone).not.toBe(g);
    expectSame(torch.randn(4, { generator: clone }), saved.get('cloned')!);
    expectSame(torch.randn(4, { generator: g }), saved.get('original')!);
  });

  test('a generator stream does not touch the default one', () => {
    torch.manualSeed(1);
    const expected = torch.randn(4);
    torch.manualSeed(1);
    const g = new torch.Generator().manualSeed(1);
    const fromG = torch.randn(4, { generator: g });
    expect(torch.randn(4).tolist()).toEqual(expected.tolist());
    expect(fromG.tolist()).toEqual(expected.tolist());
  });
});

test('a state saved by Node continues in Python with the numbers Node draws', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchnode-generator-'));
  try {
    torch.manualSeed(99);
    torch.randn(3);
    const g = new torch.Generator().manualSeed(5);
    torch.rand(2, { generator: g });
    const file = path.join(dir, 'states.pth');
    torch.save(new Map([['default', torch.getRngState()], ['generator', g.getState()]]), file);
    const ours = { randn: torch.randn(4).tolist(), randperm: torch.randperm(6).tolist(), g: torch.randn(4, { generator: g }).tolist() };
    const python = path.join(__dirname, '..', '.venv', 'bin', 'python');
    const code = `
import json, sys, torch
s = torch.load(sys.argv[1])
torch.set_rng_state(s["default"])
g = torch.Generator()
g.set_state(s["generator"])
print(json.dumps({"randn": torch.randn(4).tolist(), "randperm": torch.randperm(6).tolist(), "g": torch.randn(4, generator=g).tolist()}))`;
    const theirs = JSON.parse(execFileSync(python, ['-c', code, file], { encoding: 'utf8' }));
    expect(ours).toEqual(theirs);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe('seeds', () => {
  test('manualSeed returns the generator; seeds wrap and read back as Python ints', () => {
    expect(torch.manualSeed(5)).toBe(torch.defaultGenerator);
    expect(torch.initialSeed()).toBe(5);
    expect(String(new torch.Generator().manualSeed(-5).initialSeed())).toBe(json.seeds.negative);
    expect(String(new torch.Generator().manualSeed(2n ** 64n - 1n).initialSeed())).toBe(json.seeds.max);
    expect(String(new torch.Generator().manualSeed(-(2n ** 63n)).initialSeed())).toBe(json.seeds.min);
    expect(String(torch.manualSeed(1.7).initialSeed())).toBe(json.seeds.torch_float);
  });

  test('seed() reseeds non-deterministically and initialSeed() reports it', () => {
    const g = new torch.Generator();
    const s = g.seed();
    expect(g.initialSeed()).toBe(s);
    const before = torch.randn(3, { generator: new torch.Generator().manualSeed(BigInt(s)) });
    expect(torch.randn(3, { generator: g }).tolist()).toEqual(before.tolist());
    const t = torch.seed();
    expect(torch.initialSeed()).toBe(t);
  });

  test('device, the default generator, and generator arguments', () => {
    const g = new torch.Generator({ device: 'cpu' });
    expect(String(g.device)).toBe('cpu');
    expect(String(new torch.Generator('cpu').device)).toBe('cpu');
    expect(String(torch.defaultGenerator.device)).toBe('cpu');
    torch.defaultGenerator.manualSeed(11);
    expect(torch.initialSeed()).toBe(11);
    // torch.randn's generator must be a Generator: PyTorch's TypeError otherwise.
    expectError(() => torch.randn(2, { generator: 3 as unknown as torch.Generator }), 'randn() received an invalid combination of arguments - got (int, generator=int', 'TypeError');
    expect(torch.randn(2, { generator: null }).shape[0]).toBe(2);
  });
});

describe("PyTorch's errors", () => {
  const g = new torch.Generator();
  const cases: Record<string, () => unknown> = {
    manual_seed_float: () => g.manualSeed(1.5),
    manual_seed_str: () => g.manualSeed('a' as unknown as number),
    manual_seed_overflow: () => g.manualSeed(2n ** 64n),
    manual_seed_underflow: () => g.manualSeed(-(2n ** 63n) - 1n),
    torch_manual_seed_overflow: () => torch.manualSeed(2n ** 64n),
    set_state_float: () => g.setState(torch.zeros(3)),
    set_state_size: () => g.setState(torch.zeros(3, { dtype: torch.uint8 })),
    set_state_list: () => g.setState([1] as unknown as torch.Tensor),
    meta_generator: () => new torch.Generator('meta'),
    get_offset: () => g.getOffset(),
    set_offset: () => g.setOffset(3),
    set_offset_float: () => g.setOffset(1.5),
    graphsafe_get_state: () => g.graphsafeGetState(),
    graphsafe_set_state_int: () => g.graphsafeSetState(3 as unknown as torch.Generator),
    graphsafe_set_state: () => g.graphsafeSetState(new torch.Generator()),
    cuda_generator: () => new torch.Generator('cuda'),
  };
  for (const [name, [type, message]] of Object.entries(json.errors)) {
    test(name, () => expectError(cases[name]!, message, PY_ERROR[type]));
  }
});

describe('torch.random.forkRng', () => {
  test('puts the CPU state back after fn (and after a throw); enabled: false does not', () => {
    torch.manualSeed(3);
    torch.random.forkRng(() => torch.randn(2));
    expectSame(torch.randn(5), saved.get('fork_after')!);
    torch.manualSeed(3);
    expect(() => torch.random.forkRng([], () => {
      torch.randn(2);
      throw new Error('inside');
    })).toThrow('inside');
    expectSame(torch.randn(5), saved.get('fork_after')!);
    torch.manualSeed(3);
    expect(torch.random.forkRng({ enabled: false }, () => torch.randn(5).shape[0])).toBe(5);
    expectSame(torch.randn(5), saved.get('fork_disabled_after')!);
    expect(() => torch.random.forkRng({ devic: [] } as never, () => 1)).toThrow(/unexpected keyword argument 'devic'/);
  });
});
