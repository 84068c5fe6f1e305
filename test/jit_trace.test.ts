// torch.jit.trace of modules written in TypeScript: the traced ScriptModule is saved here and
// Python's torch.jit.load runs it (scripts/fixtures/jit_trace.py --check) with Node's outputs;
// Python's own trace of the same model (meta.json) names the same types, parameters and ops.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { fixture, recordWarnings } from './helpers';

const { nn, jit } = torch;
const python = path.join(__dirname, '..', '.venv', 'bin', 'python');
const script = path.join(__dirname, '..', 'scripts', 'fixtures', 'jit_trace.py');

type Described = {
  types: Record<string, string>; original_names: Record<string, string>; training: Record<string, boolean>;
  parameters: string[]; buffers: string[]; output_is_tuple?: boolean; methods?: string[];
};
const meta = fixture<{ net: Described; net_code: Record<string, string>; counter: { warnings: string[]; error: string }; value_warnings: string[] }>('jit_trace/meta.json');

class Net extends nn.Module {
  features = new nn.Sequential(new nn.Conv2d(3, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4));
  head = new nn.Linear(4 * 4 * 4, 5);
  override forward(x: torch.Tensor): torch.Tensor {
    const y = torch.relu(this.features.call(x));
    return this.head.call(torch.flatten(y, 1));
  }
}

class Loop extends nn.Module {
  lin = new nn.Linear(4, 4);
  override forward(x: torch.Tensor): torch.Tensor {
    for (let i = 0; i < 3; i++) x = this.lin.call(x).tanh();
    return x;
  }
}

// torch.jit.trace_module's documented example: forward and another method.
class Kernel extends nn.Module {
  conv = new nn.Conv2d(1, 1, 3);
  override forward(x: torch.Tensor): torch.Tensor {
    return this.conv.call(x);
  }
  weightedKernelSum(weight: torch.Tensor): torch.Tensor {
    return weight.mul(this.conv.weight);
  }
}

class Pair extends nn.Module {
  lin = new nn.Linear(3, 3);
  override forward(a: torch.Tensor, b: torch.Tensor): [torch.Tensor, torch.Tensor] {
    return [a.add(b), this.lin.call(a).mul(b)];
  }
}

// The three models traced here, saved and run by Python in one call (beforeAll).
type Case = {
  eager: torch.nn.Module; traced: torch.jit.ScriptModule; example: torch.Tensor[]; inputs: torch.Tensor[]; methodInputs?: Map<string, torch.Tensor[]>;
};
const cases: Record<string, Case> = {};
let py: Record<string, Described & { out: unknown }>;

beforeAll(() => {
  const add = (name: string, eager: torch.nn.Module, example: torch.Tensor[], inputs: torch.Tensor[]): void => {
    cases[name] = { eager, traced: jit.trace(eager, example), example, inputs };
  };
  torch.manualSeed(0);
  const net = new Net().eval();
  torch.noGrad(() => {
    // Non-trivial running statistics, so eval-mode batch norm is seen to use them.
    const bn = net.features.at(1) as InstanceType<typeof nn.BatchNorm2d>;
    bn.running_mean!.uniform_(-1, 1);
    bn.running_var!.uniform_(0.5, 2);
  });
  // Python runs each trace on other inputs of the example's shapes: a trace generalises to them.
  add('net', net, [torch.randn(2, 3, 4, 4)], [torch.randn(2, 3, 4, 4)]);
  add('loop', new Loop(), [torch.randn(2, 4)], [torch.randn(2, 4)]);
  add('pair', new Pair(), [torch.randn(2, 3), torch.randn(2, 3)], [torch.randn(2, 3), torch.randn(2, 3)]);
  const kernel = new Kernel();
  cases.kernel = {
    eager: kernel,
    traced: jit.traceModule(kernel, { forward: torch.randn(1, 1, 3, 3), weightedKernelSum: torch.randn(1, 1, 3, 3) }),
    example: [],
    inputs: [],
    methodInputs: new Map([['forward', [torch.randn(1, 1, 5, 5)]], ['weightedKernelSum', [torch.randn(1, 1, 3, 3)]]]),
  };
  const noBias = new nn.Sequential(new nn.Linear(3, 4, { bias: false }), new nn.BatchNorm1d(4, { trackRunningStats: false }));
  add('nobias', noBias, [torch.randn(5, 3)], [torch.randn(5, 3)]);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jit-trace-'));
  try {
    for (const [name, c] of Object.entries(cases)) {
      jit.save(c.traced, path.join(tmp, `${name}.pt`));
      torch.save(c.methodInputs ?? c.inputs, path.join(tmp, `${name}.inputs.pt`));
    }
    const report = JSON.parse(execFileSync(python, [script, '--check', tmp, ...Object.keys(cases)], { encoding: 'utf8' })) as Record<string, Described>;
    py = {};
    for (const name of Object.keys(cases)) py[name] = { ...report[name]!, out: torch.load(path.join(tmp, `${name}.out.pt`)) };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

function expectSame(actual: unknown, expected: torch.Tensor): void {
  expect(actual).toBeInstanceOf(torch.Tensor);
  expect(torch.equal(actual as torch.Tensor, expected)).toBe(true);
}

// The torch.* calls of TorchScript code: which ops the trace recorded.
const opsOf = (code: string): string[] => code.match(/torch\.[\w.]+(?=\()/g) ?? [];

describe('torch.jit.trace of a TypeScript module, run by Python', () => {
  test('conv + batchnorm (eval) + relu + flatten + linear: Python gives Node\'s outputs, names and types', () => {
    const { eager, traced, example, inputs } = cases.net!;
    const x = example[0]!;
    expectSame(traced.forward(x), eager.call(x));
    const x2 = inputs[0]!;
    expectSame(py.net!.out, traced.forward(x2) as torch.Tensor);
    expect(torch.allclose(py.net!.out as torch.Tensor, eager.call(x2), { rtol: 1e-6, atol: 1e-7 })).toBe(true);
    // What Python's trace of the same model names, Python reads from Node's file.
    expect(py.net!.parameters).toEqual([...eager.namedParameters()].map(([n]) => n));
    expect(py.net!.buffers).toEqual([...eager.namedBuffers()].map(([n]) => n));
    for (const key of ['types', 'original_names', 'training', 'parameters', 'buffers'] as const) expect(py.net![key]).toEqual(meta.net[key]);
    expect([...traced.namedParameters()].map(([n]) => n)).toEqual(meta.net.parameters);
    // Each submodule has its own forward, recording the same ops Python's records.
    for (const [name, sub] of traced.namedModules()) expect(opsOf(sub.code).sort()).toEqual(opsOf(meta.net_code[name]!).sort());
    expect(String(traced)).toContain('(features): RecursiveScriptModule(\n    original_name=Sequential');
  });

  test('a JS for loop is unrolled: three linear calls in the graph, the same outputs in Python', () => {
    const { eager, traced, inputs } = cases.loop!;
    // As in Python, each call of the submodule is a method of its own.
    expect(traced.code.match(/\(lin\)\.forward\d*\(/g)!.sort()).toEqual(['(lin).forward(', '(lin).forward1(', '(lin).forward2(']);
    expect(traced.graph.match(/aten::tanh/g)).toHaveLength(3);
    expect(traced.lin.methodNames().sort()).toEqual(['forward', 'forward1', 'forward2']);
    expectSame(py.loop!.out, traced.forward(inputs[0]) as torch.Tensor);
    expect(torch.allclose(py.loop!.out as torch.Tensor, eager.call(inputs[0]))).toBe(true);
  });

  test('two inputs and a tuple output', () => {
    const { eager, traced, inputs } = cases.pair!;
    expect(traced.code).toMatch(/^def forward\(self,\n {4}a: Tensor,\n {4}b: Tensor\) -> Tuple\[Tensor, Tensor\]:/);
    const node = traced.forward(...inputs) as torch.Tensor[];
    expect(py.pair!.output_is_tuple).toBe(true);
    const out = py.pair!.out as torch.Tensor[];
    expect(out).toHaveLength(2);
    expectSame(out[0], node[0]!);
    expectSame(out[1], node[1]!);
    const e = eager.call(...inputs) as torch.Tensor[];
    expect(torch.allclose(out[0]!, e[0]!)).toBe(true);
    expect(torch.allclose(out[1]!, e[1]!)).toBe(true);
  });

  test('None parameters and buffers (no bias, no running stats)', () => {
    const { eager, traced, example, inputs } = cases.nobias!;
    expect([...traced.namedParameters()].map(([n]) => n)).toEqual(['0.weight', '1.weight', '1.bias']);
    expect([...traced.namedBuffers()]).toEqual([]);
    expect(traced['0'].bias).toBeNull();
    expectSame(traced.forward(example[0]), eager.call(example[0]));
    expect(py.nobias!.parameters).toEqual(['0.weight', '1.weight', '1.bias']);
    expect(py.nobias!.buffers).toEqual([]);
    expectSame(py.nobias!.out, traced.forward(inputs[0]) as torch.Tensor);
  });

  test('trace_module: forward and another method in one ScriptModule', () => {
    const { eager, traced, methodInputs } = cases.kernel!;
    const kernel = eager as Kernel;
    const [x, w] = [methodInputs!.get('forward')![0]!, methodInputs!.get('weightedKernelSum')![0]!];
    expect(traced.methodNames().sort()).toEqual(['forward', 'weightedKernelSum']);
    expect(py.kernel!.methods).toEqual(['forward', 'weightedKernelSum']);
    const out = py.kernel!.out as Map<string, torch.Tensor>;
    expectSame(out.get('forward'), traced.forward(x) as torch.Tensor);
    expectSame(out.get('weightedKernelSum'), traced.runMethod('weightedKernelSum', w) as torch.Tensor);
    expect(torch.allclose(out.get('forward')!, kernel.call(x))).toBe(true);
    expect(torch.equal(out.get('weightedKernelSum')!, kernel.weightedKernelSum(w))).toBe(true);
    expect(() => jit.traceModule(kernel, { backward: torch.randn(1) })).toThrow("'Kernel' object has no attribute 'backward'");
    expect(() => jit.traceModule(kernel, { training: torch.randn(1) })).toThrow("'bool' object is not callable");
    expect(() => jit.traceModule(kernel, torch.randn(1) as never)).toThrow('expected a dictionary of (method_name, input) pairs');
  });
});

describe('torch.jit.trace in Node', () => {
  test('a ScriptModule is returned as it is', () => {
    const traced = cases.loop!.traced;
    const warned = recordWarnings(() => expect(jit.trace(traced, torch.randn(1, 4))).toBe(traced));
    expect(warned).toEqual([['The input to trace is already a ScriptModule, tracing it is a no-op. Returning the object as is.', 'UserWarning']]);
  });

  test('the traced module holds the module\'s own tensors', () => {
    const pair = new Pair();
    const traced = jit.trace(pair, [torch.randn(1, 3), torch.randn(1, 3)]);
    torch.noGrad(() => pair.lin.bias!.add_(10));
    const [a, b] = [torch.randn(1, 3), torch.randn(1, 3)];
    expectSame((traced.forward(a, b) as torch.Tensor[])[1], pair.call(a, b)[1]);
    expect(torch.equal(traced.lin.bias, pair.lin.bias!)).toBe(true);
  });

  test('tuple and dict arguments, dict outputs (strict: false), forwardAsync and a reload', async () => {
    class Tupled extends nn.Module {
      override forward(pair: [torch.Tensor, torch.Tensor], scale: torch.Tensor): Map<string, torch.Tensor> {
        return new Map([['sum', pair[0].add(pair[1]).mul(scale)]]);
      }
    }
    const [a, b, s] = [torch.randn(3), torch.randn(3), torch.randn(3)];
    expect(() => jit.trace(new Tupled(), [[a, b], s])).toThrow('Encountering a dict at the output of the tracer might cause the trace to be incorrect');
    expect(jit.isTracing()).toBe(false);
    const traced = jit.trace(new Tupled(), [[a, b], s], { strict: false });
    expect(traced.code).toMatch(/^def forward\(self,\n {4}pair: Tuple\[Tensor, Tensor\],\n {4}scale: Tensor\) -> Dict\[str, Tensor\]:/);
    const expected = a.add(b).mul(s);
    expectSame((traced.forward([a, b], s) as Map<string, torch.Tensor>).get('sum'), expected);
    expectSame(((await traced.forwardAsync([a, b], s)) as Map<string, torch.Tensor>).get('sum'), expected);
    class Keyed extends nn.Module {
      override forward(d: Map<string, torch.Tensor>): torch.Tensor {
        return d.get('x')!.sub(d.get('y')!);
      }
    }
    const keyed = jit.trace(new Keyed(), [new Map([['x', a], ['y', b]])]);
    const file = path.join(os.tmpdir(), `jit-trace-keyed-${process.pid}.pt`);
    try {
      keyed.save(file);
      expectSame(jit.load(file).forward(new Map([['x', s], ['y', b]])), s.sub(b));
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  test('forward hooks are part of the trace, as Python records what __call__ runs', () => {
    const loop = new Loop();
    const handle = loop.lin.registerForwardHook((_m, _input, output) => (output as torch.Tensor).mul(2));
    const pre = loop.registerForwardPreHook((_m, input) => [(input[0] as torch.Tensor).add(1)]);
    const x = torch.randn(2, 4);
    const traced = jit.trace(loop, x);
    const expected = loop.call(x);
    handle.remove();
    pre.remove();
    expectSame(traced.forward(x), expected);
    expect(traced.graph.match(/aten::mul/g)).toHaveLength(3);
    expect(traced.lin.code).not.toContain('mul');  // the hook runs outside the submodule's forward
  });

  test('a tensor made from JS data inside forward is a constant of the trace', () => {
    class Shift extends nn.Module {
      override forward(x: torch.Tensor): torch.Tensor {
        return x.add(torch.tensor([1, 2]));
      }
    }
    const traced = jit.trace(new Shift(), torch.zeros(2));
    expect(traced.graph).toContain('prim::Constant[value= 1  2 [ CPULongType{2} ]]()');
    expect(traced.graph).not.toContain('aten::empty');
    expect((traced.forward(torch.tensor([10, 20])) as torch.Tensor).tolist()).toEqual([11, 22]);
  });

  test('grad mode, training flags and forward methods are left as they were', () => {
    const net = new Net();  // training mode: batch norm uses (and updates) batch statistics
    const x = torch.randn(2, 3, 4, 4);
    const traced = torch.noGrad(() => {
      const t = jit.trace(net, x, { checkTrace: false });
      expect(torch.isGradEnabled()).toBe(false);
      return t;
    });
    expect(torch.isGradEnabled()).toBe(true);
    expect(jit.isTracing()).toBe(false);
    for (const m of [net, ...net.modules()]) expect(m.training).toBe(true);
    for (const [, m] of traced.namedModules()) expect(m.training).toBe(true);
    expect(Object.getOwnPropertyNames(net.head._target)).not.toContain('forward');
    expect(net.head.forward).toBe(nn.Linear.prototype.forward);
    // Traced under no_grad, the graph's ops are recorded the same; the outputs follow the caller's mode.
    expect((traced.forward(x) as torch.Tensor).requiresGrad).toBe(true);
    traced.eval();
    expect(net.training).toBe(true);
  });

  test('a forward that throws: its Error, and no tracing state left', () => {
    const boom = new Error('boom in forward');
    class Throws extends nn.Module {
      lin = new nn.Linear(2, 2);
      override forward(x: torch.Tensor): torch.Tensor {
        this.lin.call(x);
        throw boom;
      }
    }
    let thrown: unknown;
    try {
      jit.trace(new Throws(), torch.randn(1, 2));
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBe(boom);
    expect(jit.isTracing()).toBe(false);
    class Inner extends nn.Module {
      override forward(_x: torch.Tensor): torch.Tensor {
        throw new TypeError('inside a submodule');
      }
    }
    class Outer extends nn.Module {
      inner = new Inner();
      override forward(x: torch.Tensor): torch.Tensor {
        return this.inner.call(x);
      }
    }
    expect(() => jit.trace(new Outer(), torch.randn(1))).toThrow(TypeError);
    expect(jit.isTracing()).toBe(false);
    // The next trace works, and its graph has nothing of the failed ones.
    const loop = new Loop();
    const x = torch.randn(1, 4);
    const traced = jit.trace(loop, x);
    expectSame(traced.forward(x), loop.call(x));
    expect(traced.graph).not.toContain('Inner');
  });

  test('tracer errors: nested traces, outputs without data dependence, bad inputs', () => {
    class Nested extends nn.Module {
      lin = new nn.Linear(2, 2);
      override forward(x: torch.Tensor): torch.Tensor {
        return jit.trace(new Loop(), torch.randn(1, 4)).forward(x) as torch.Tensor;
      }
    }
    expect(() => jit.trace(new Nested(), torch.randn(1, 2))).toThrow("Tracing can't be nested");
    class Constant extends nn.Module {
      override forward(): torch.Tensor {
        return torch.tensor([1, 2]);  // made from JS data, not by an op: a constant
      }
    }
    expect(() => jit.trace(new Constant(), torch.randn(2))).toThrow('of traced region did not have observable data dependence with trace inputs');
    class Nothing extends nn.Module {
      override forward(): void {}
    }
    expect(() => jit.trace(new Nothing(), torch.randn(2))).toThrow("The traced function didn't return any values!");
    expect(() => jit.trace(new nn.LazyLinear(2), torch.randn(1, 3))).toThrow(
      "'torch.nn.modules.linear.LazyLinear' has uninitialized parameters weight. Did you forget to run a forward pass?",
    );
    expect(() => jit.trace(new Loop(), [3])).toThrow('Only tensors or (possibly nested) dict or tuples of tensors can be inputs to traced functions. Got int');
    expect(() => jit.trace(new Loop(), 3 as never)).toThrow(TypeError);
    expect(() => jit.trace(((x: torch.Tensor) => x) as never, torch.randn(1))).toThrow('func must be a Module');
    expect(jit.isTracing()).toBe(false);
  });

  test('item() and tolist() inside a traced forward warn, as PyTorch, that the value becomes a constant', () => {
    class ReadsValues extends nn.Module {
      override forward(x: torch.Tensor): torch.Tensor {
        const scale = x.sum().item() as number;
        const first = (x.tolist() as number[])[0]!;
        return x.mul(scale).add(first);
      }
    }
    const warned = recordWarnings(() => jit.trace(new ReadsValues(), torch.arange(3, { dtype: torch.float32 }), { checkTrace: false }));
    expect(warned.filter(([, type]) => type === 'TracerWarning').map(([msg]) => msg)).toEqual(meta.value_warnings);
    expect(recordWarnings(() => torch.ones(2).sum().item())).toEqual([]);
  });

  test('checkTrace: a nondeterministic trace warns (TracerWarning), a trace whose graph changes fails', () => {
    class Noisy extends nn.Module {
      drop = new nn.Dropout(0.5);
      override forward(x: torch.Tensor): torch.Tensor {
        return this.drop.call(x);
      }
    }
    const x = torch.ones(64);
    const warned = recordWarnings(() => jit.trace(new Noisy(), x));
    expect(warned.some(([msg, type]) => type === 'TracerWarning' && msg.startsWith('Output nr 1. of the traced function does not match'))).toBe(true);
    expect(recordWarnings(() => jit.trace(new Noisy(), x, { checkTrace: false }))).toEqual([]);
    // A dropout in the traced forward itself (not in a submodule's) is named, as Python names it.
    class NoisyTop extends nn.Module {
      override forward(x: torch.Tensor): torch.Tensor {
        return nn.functional.dropout(x, { p: 0.5 });
      }
    }
    const top = recordWarnings(() => jit.trace(new NoisyTop(), x));
    expect(top[0]![1]).toBe('TracerWarning');
    expect(top[0]![0]).toMatch(/^Trace had nondeterministic nodes\. Did you forget call \.eval\(\) on your model\? Nodes:\n\t%\d+ : .* = aten::dropout\(/);
    expect(top[1]![0]).toMatch(/^Output nr 1\. of the traced function does not match/);
    // A forward that reads a JS counter: PyTorch's warning and error for the same model.
    class Counter extends nn.Module {
      calls = 0;
      override forward(x: torch.Tensor): torch.Tensor {
        this.calls += 1;
        return x.add(this.calls);
      }
    }
    let error: unknown;
    const counted = recordWarnings(() => {
      try {
        jit.trace(new Counter(), torch.arange(4, { dtype: torch.float32 }));
      } catch (e) {
        error = e;
      }
    });
    expect(counted.filter(([, type]) => type === 'TracerWarning').map(([msg]) => msg)).toEqual(meta.counter.warnings);
    expect(error).toBeInstanceOf(jit.TracingCheckError);
    // Python's text, but for the Python source locations it adds (the fixture leaves them out).
    expect((error as Error).message).toBe(meta.counter.error);
    // checkInputs: other inputs to trace and run again with (here another batch size).
    const loop = new Loop();
    expect(recordWarnings(() => jit.trace(loop, torch.randn(2, 4), { checkInputs: [torch.randn(5, 4), [torch.randn(1, 4)]] }))).toEqual([]);
    expect(() => jit.trace(loop, torch.randn(2, 4), { checkInputs: [torch.randn(5, 3)] })).toThrow('mat1 and mat2 shapes cannot be multiplied (5x3 and 4x4)');
    expect(jit.isTracing()).toBe(false);
    // The module failing when checkTrace runs it again is reported as Python reports it.
    class ThirdFails extends nn.Module {
      calls = 0;
      override forward(x: torch.Tensor): torch.Tensor {
        if (++this.calls === 3) throw new Error('third call');
        return x.neg();
      }
    }
    expect(() => jit.trace(new ThirdFails(), torch.randn(2))).toThrow(
      'Tracing failed sanity checks!\nencountered an exception while running the Python function with test inputs.\nException:\n\tthird call\n',
    );
    expect(recordWarnings(() => jit.trace(new Loop(), torch.randn(1, 4), { optimize: true, checkTrace: false }))).toEqual([
      ['`optimize` is deprecated and has no effect. Use `with torch.jit.optimized_execution()` instead', 'FutureWarning'],
    ]);
    class Growing extends nn.Module {
      calls = 0;
      override forward(x: torch.Tensor): torch.Tensor {
        this.calls++;
        for (let i = 0; i < this.calls; i++) x = x.mul(2);
        return x;
      }
    }
    recordWarnings(() => {
      expect(() => jit.trace(new Growing(), torch.randn(2), { checkTrace: true })).toThrow('Tracing failed sanity checks!\nERROR: Graphs differed across invocations!');
    });
    expect(jit.trace(new Growing(), torch.randn(2), { checkTrace: false })).toBeInstanceOf(jit.ScriptModule);
  });
});
