// Whole models both ways against real PyTorch: Python's torch.save(model) of every built-in layer
// and container (scripts/fixtures/serialization_modules.py) loads here as the same modules, and
// models built here load in a live Python run (weights_only=False) as the same torch.nn classes,
// attribute for attribute (types included: float vs int, tuple vs list). User classes are refused
// until registered.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { fixture } from './helpers';

const { nn } = torch;
type Module = torch.nn.Module;

const root = path.join(__dirname, '..');
const FX = path.join(__dirname, 'fixtures', 'generated', 'serialization_modules');
const python = path.join(root, '.venv', 'bin', 'python');
const script = path.join(root, 'scripts', 'fixtures', 'serialization_modules.py');

interface Output {
  shape: number[];
  data: number[];
}
interface Described {
  repr: string;
  outputs: Record<string, Output>;
  tensors: Record<string, { shape: number[]; dtype: string; data: number[] }>;
  describe: Record<string, unknown>;
}
interface Spec extends Described {
  inputs: Record<string, (number | 'long')[][]>;
  net: { repr: string; outputs: number[]; describe: Record<string, unknown> };
  modules: Record<string, string>;
}
interface Checked extends Omit<Described, 'outputs'> {
  weights_only: string | null;
  type: string;
  outputs: Record<string, Output> | number[];
}
const spec = fixture<Spec>('serialization_modules.json');

// ---- the zoo, as scripts/fixtures/serialization_modules.py builds and runs it ----------------------

function buildZoo(): torch.nn.ModuleDict {
  torch.manualSeed(0);
  const shared = new nn.Linear(3, 3);
  return new nn.ModuleDict({
    mlp: new nn.Sequential(
      new nn.Linear(6, 8), new nn.ReLU(), new nn.Dropout(0.25), new nn.Linear(8, 8, { bias: false }), new nn.LeakyReLU(0.2),
      new nn.Linear(8, 5), new nn.ELU({ alpha: 0.5 }), new nn.Hardtanh(torch.pyFloat(-2) as unknown as number, torch.pyFloat(2) as unknown as number), new nn.ReLU6(), new nn.LayerNorm(5),
      new nn.GELU({ approximate: 'tanh' }), new nn.SiLU(), new nn.Sigmoid(), new nn.Tanh(), new nn.Softmax({ dim: 1 }),
      new nn.LogSoftmax({ dim: -1 }), new nn.Identity(),
    ),
    bilinear: new nn.Bilinear(3, 4, 5),
    conv2d: new nn.Sequential(
      new nn.Conv2d(3, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(4, 4, 3, { padding: 'same', paddingMode: 'reflect', bias: false }), new nn.GroupNorm(2, 4),
      new nn.Dropout2d(0.1), new nn.ConvTranspose2d(4, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }),
      new nn.AvgPool2d(2, { ceilMode: true }), new nn.AdaptiveAvgPool2d([3, 2]), new nn.AdaptiveMaxPool2d(1),
      new nn.Flatten(), new nn.Unflatten(1, [1, 2]),
    ),
    conv1d: new nn.Sequential(
      new nn.Conv1d(2, 4, 3, { stride: 2, groups: 2 }), new nn.BatchNorm1d(4, { momentum: null }), new nn.MaxPool1d(2, { stride: 1, padding: 1 }),
      new nn.Flatten(0),
    ),
    embedding: new nn.Sequential(new nn.Embedding(10, 4, { paddingIdx: 0 }), new nn.LayerNorm(4, { elementwiseAffine: false })),
    lstm: new nn.LSTM(4, 5, { numLayers: 2, bidirectional: true }),
    lstm_proj: new nn.LSTM(4, 6, { projSize: 3, batchFirst: true }),
    gru: new nn.GRU(4, 3, { batchFirst: true, bias: false }),
    rnn: new nn.RNN(4, 3, 1, 'relu'),
    mha: new nn.MultiheadAttention(8, 2, { kdim: 6, vdim: 5, addBiasKv: true }),
    encoder: new nn.TransformerEncoderLayer(8, 2, 16, { dropout: 0.0, batchFirst: true }),
    encoder_gelu: new nn.TransformerEncoderLayer(8, 2, 16, { activation: 'gelu', normFirst: true }),
    plist: new nn.ParameterList([new nn.Parameter(torch.randn(2, 3)), new nn.Parameter(torch.randn(3))]),
    pdict: new nn.ParameterDict({ a: new nn.Parameter(torch.randn(2)), b: new nn.Parameter(torch.randn(1, 2)) }),
    mlist: new nn.ModuleList([new nn.Linear(3, 3), new nn.Linear(3, 2)]),
    shared: new nn.Sequential(shared, new nn.ReLU(), shared),
  });
}

function values(shape: number[], k: number, kind: 'float' | 'long' = 'float'): torch.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  if (kind === 'long') return torch.arange(n).mul(7).add(k).remainder(10).reshape(shape);
  return torch.arange(n, { dtype: torch.float32 }).mul(0.37).add(k).sin().reshape(shape);
}

function inputs(name: string): torch.Tensor[] {
  return spec.inputs[name]!.map((shape, k) =>
    shape[0] === 'long' ? values(shape.slice(1) as number[], k, 'long') : values(shape as number[], k));
}

function run(model: torch.nn.ModuleDict): Record<string, Output> {
  const outs: Record<string, Output> = {};
  torch.noGrad(() => {
    for (const name of Object.keys(spec.inputs)) {
      const m = model.get(name) as Module & { call(...xs: unknown[]): unknown };
      const xs = inputs(name);
      let y: unknown;
      if (name === 'mlist') {
        const list = m as torch.nn.ModuleList;
        y = (list.at(1) as torch.nn.Linear).call((list.at(0) as torch.nn.Linear).call(xs[0]!));
      } else {
        y = m.call(...xs);
      }
      const t = (Array.isArray(y) ? y[0] : y) as torch.Tensor;
      outs[name] = { shape: [...t.shape], data: t.flatten().tolist() as number[] };
    }
  });
  return outs;
}

function tensors(model: Module): Described['tensors'] {
  const out: Described['tensors'] = {};
  for (const [k, t] of [...model.namedParameters(), ...model.namedBuffers()]) {
    out[k] = { shape: [...t.shape], dtype: String(t.dtype), data: (t.detach().flatten().tolist() as number[]).map(Number) };
  }
  return out;
}

function expectOutputsClose(actual: Record<string, Output>, expected: Record<string, Output>): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [name, e] of Object.entries(expected)) {
    const a = actual[name]!;
    expect({ name, shape: a.shape }).toEqual({ name, shape: e.shape });
    const worst = Math.max(0, ...e.data.map((v, i) => Math.abs(v - a.data[i]!) - 1e-5 * Math.abs(v)));
    expect({ name, close: worst <= 1e-5 }).toEqual({ name, close: true });
  }
}

// ---- a user class ------------------------------------------------------------------------------

class Net extends nn.Module {
  declare conv: torch.nn.Conv2d;
  declare fc: torch.nn.Linear;
  declare scale: number;
  declare hiddenSize: number;
  constructor() {
    super();
    this.conv = new nn.Conv2d(1, 2, 3);
    this.fc = new nn.Linear(8, 3);
    this.scale = 0.5;
    this.hiddenSize = 8;
  }
  override forward(x: torch.Tensor): torch.Tensor {
    return this.fc.call(this.conv.call(x).relu().flatten(1)).mul(this.scale);
  }
}

// ---- files written here, checked by one live Python run ------------------------------------------

let tmp: string;
let nodeZoo: torch.nn.ModuleDict;
let nodeOutputs: Record<string, Output>;
let checked: Checked[];
const files = { resaved: '', built: '', net: '' };

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'torchnode-modules-'));
  files.resaved = path.join(tmp, 'resaved.pt');
  files.built = path.join(tmp, 'built.pt');
  files.net = path.join(tmp, 'net.pt');
  torch.save(torch.load(path.join(FX, 'zoo.pt')), files.resaved);
  nodeZoo = buildZoo();
  torch.noGrad(() => {
    (nodeZoo.get('conv2d') as torch.nn.Sequential).call(inputs('conv2d')[0]!.mul(2));
    (nodeZoo.get('conv1d') as torch.nn.Sequential).call(inputs('conv1d')[0]!.add(1));
  });
  nodeZoo.eval();
  nodeOutputs = run(nodeZoo);
  torch.save(nodeZoo, files.built);
  torch.manualSeed(1);
  torch.save(new Net(), files.net); // not registered yet: written as __main__.Net
  const out = execFileSync(python, [script, '--check', files.resaved, files.built, files.net], { encoding: 'utf8', cwd: root, maxBuffer: 1 << 26 });
  checked = JSON.parse(out) as Checked[];
}, 120000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("Python's torch.save(model) loads here", () => {
  let model: torch.nn.ModuleDict;
  beforeAll(() => {
    model = torch.load(path.join(FX, 'zoo.pt')) as torch.nn.ModuleDict;
  });

  test('as the same classes: String(model) is print(model)', () => {
    expect(model).toBeInstanceOf(nn.ModuleDict);
    expect(String(model)).toBe(spec.repr);
    expect(model.get('mha')).toBeInstanceOf(nn.MultiheadAttention);
    expect((model.get('mha') as torch.nn.MultiheadAttention).out_proj).toBeInstanceOf(nn.NonDynamicallyQuantizableLinear);
    expect(model.training).toBe(false);
  });

  test('with the same parameters and buffers (shared ones once)', () => {
    expect(tensors(model)).toEqual(spec.tensors);
    const shared = model.get('shared') as torch.nn.Sequential;
    expect(shared.at(0)).toBe(shared.at(2));
  });

  test('attributes in camelCase, tuples as arrays, functions as torch.nn.functional', () => {
    const conv = (model.get('conv2d') as torch.nn.Sequential).at(4) as torch.nn.Conv2d;
    expect(conv.kernelSize).toEqual([3, 3]);
    expect(Array.isArray(conv.kernelSize) && conv.kernelSize.constructor).toBe(Array);
    expect(conv.paddingMode).toBe('reflect');
    expect(conv._reversedPaddingRepeatedTwice).toEqual([1, 1, 1, 1]);
    const enc = model.get('encoder_gelu') as torch.nn.TransformerEncoderLayer;
    expect(enc.activation).toBe(nn.functional.gelu);
    expect((model.get('encoder') as torch.nn.TransformerEncoderLayer).activation).toBe(nn.functional.relu);
    const lstm = model.get('lstm') as torch.nn.LSTM;
    expect(lstm._flatWeightsNames).toHaveLength(16);
    expect(Object.keys(lstm._target)).not.toContain('_flatWeights');
    expect((model.get('plist') as torch.nn.ParameterList).length).toBe(2);
    expect([...(model.get('pdict') as torch.nn.ParameterDict).keys()]).toEqual(['a', 'b']);
  });

  test('and runs: eval outputs equal PyTorch', () => {
    expectOutputsClose(run(model), spec.outputs);
  });

  test('saved again here, Python loads the same modules, attribute for attribute', () => {
    const r = checked[0]!;
    expect(r.type).toBe('torch.nn.modules.container.ModuleDict');
    expect(r.repr).toBe(spec.repr);
    expect(r.describe).toEqual(spec.describe);
    expect(r.tensors).toEqual(spec.tensors);
    expectOutputsClose(r.outputs as Record<string, Output>, spec.outputs);
  });
});

describe('torch.save(model) of a model built here loads in Python', () => {
  test('as the torch.nn classes, attribute for attribute (float vs int, tuple vs list, hooks)', () => {
    const r = checked[1]!;
    expect(r.type).toBe('torch.nn.modules.container.ModuleDict');
    expect(String(nodeZoo)).toBe(spec.repr);
    expect(r.repr).toBe(spec.repr);
    expect(r.describe).toEqual(spec.describe);
  });

  test("with this model's weights and outputs", () => {
    const r = checked[1]!;
    expect(r.tensors).toEqual(tensors(nodeZoo));
    expectOutputsClose(r.outputs as Record<string, Output>, nodeOutputs);
    // Seeded alike, the two builds are the same model.
    expect(tensors(nodeZoo)).toEqual(spec.tensors);
    expectOutputsClose(nodeOutputs, spec.outputs);
  });

  test('and, like a Python-written model, Python refuses it with weights_only=True', () => {
    expect(checked[1]!.weights_only).toContain('Unsupported global: GLOBAL torch.nn.modules.container.ModuleDict');
  });

  test('a TypeScript subclass is written as __main__.<ClassName>', () => {
    const r = checked[2]!;
    expect(r.type).toBe('__main__.Net');
    expect(r.describe).toEqual(spec.net.describe);
  });
});

describe('pickling metadata lives on the classes', () => {
  test("every torch.nn class declares Python's module for it, so a new layer cannot be left out", () => {
    const declared: Record<string, string | undefined> = {};
    for (const [name, cls] of Object.entries(torch.nn)) {
      if (typeof cls !== 'function' || !(cls.prototype instanceof torch.nn.Module) || name.startsWith('_')) continue;
      declared[name] = Object.prototype.hasOwnProperty.call(cls, 'pythonModule') ? (cls as typeof torch.nn.Module).pythonModule : undefined;
    }
    const expected = Object.fromEntries(Object.keys(declared).map((n) => [n, spec.modules[n]]));
    expect(declared).toEqual(expected);
  });
});

describe('user classes', () => {
  test('are refused by name, with how to register them', () => {
    let message = '';
    try {
      torch.load(path.join(FX, 'net.pt'));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^Weights only load failed/);
    expect(message).toContain('Unsupported global: GLOBAL __main__.Net');
    expect(message).toContain("torch.serialization.registerModule('__main__.Net', Net)");
  });

  test('load and run once a TypeScript class is registered', () => {
    torch.serialization.registerModule('__main__.Net', Net);
    const net = torch.load(path.join(FX, 'net.pt')) as Net;
    expect(net).toBeInstanceOf(Net);
    expect(String(net)).toBe(spec.net.repr);
    expect(net.scale).toBe(0.5);
    expect(net.hiddenSize).toBe(8);
    const y = torch.noGrad(() => net.call(values([2, 1, 4, 4], 0)));
    const worst = Math.max(...spec.net.outputs.map((v, i) => Math.abs(v - (y.flatten().tolist() as number[])[i]!)));
    expect(worst).toBeLessThan(1e-5);
    // ...and what this Net saves loads in Python as __main__.Net with the same output.
    const again = path.join(tmp, 'net_again.pt');
    torch.save(net, again);
    const [r] = JSON.parse(execFileSync(python, [script, '--check', again], { encoding: 'utf8', cwd: root })) as Checked[];
    expect(r!.type).toBe('__main__.Net');
    expect(Math.max(...(r!.outputs as number[]).map((v, i) => Math.abs(v - spec.net.outputs[i]!)))).toBeLessThan(1e-6);
  });

  test('registerModule checks its arguments', () => {
    expect(() => torch.serialization.registerModule('Net', Net)).toThrow(/qualified Python name/);
    expect(() => torch.serialization.registerModule('__main__.X', Object as never)).toThrow(/nn.Module subclass/);
  });
});

describe('a file cannot', () => {
  test('set what the class defines (methods, internals)', () => {
    const m = new nn.Linear(2, 2);
    m._setAttribute('toString', 5); // written as to_string; loading maps it back onto a method
    const f = path.join(tmp, 'evil.pt');
    torch.save(m, f);
    expect(() => torch.load(f)).toThrow(/sets attribute 'to_string' of Linear, which its class defines/);
  });

  test('make a module that contains itself', () => {
    expect(() => torch.load(path.join(FX, 'cycle.pt'))).toThrow(/Sequential cannot contain itself/);
  });

  test('put a non-Parameter in _parameters', () => {
    const m = new nn.Linear(2, 2);
    m._parameters.set('weight', torch.zeros(2, 2) as torch.nn.Parameter);
    const f = path.join(tmp, 'evil2.pt');
    torch.save(m, f);
    expect(() => torch.load(f)).toThrow(/_parameters\['weight'\] must be a Parameter or None/);
  });
});
