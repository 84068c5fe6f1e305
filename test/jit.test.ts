// torch.jit against PyTorch (scripts/fixtures/jit_models.py): modules Python scripted, traced and
// saved are loaded here and give Python's outputs, names, state_dicts, code and graph text and
// TorchScript's errors; forwardAsync runs on the libuv pool under the caller's grad mode; a module
// saved here is read back by Python's torch.jit.load with the same outputs.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inspect } from 'util';
import { Worker } from 'worker_threads';
import * as torch from '../lib';
import { expectError, fixture } from './helpers';

const jit = torch.jit;
const dir = path.join(__dirname, 'fixtures', 'generated', 'jit');
const python = path.join(__dirname, '..', '.venv', 'bin', 'python');
const script = path.join(__dirname, '..', 'scripts', 'fixtures', 'jit_models.py');
const results = torch.load(path.join(dir, 'results.pt')) as Map<string, any>;
type Err = { type: string; message: string };
type CnnMeta = {
  code: string; graph: string; parameters: string[]; buffers: string[]; modules: string[]; children: string[];
  state_dict: string[]; training: boolean; repr: string; frozen_graph: string; frozen_parameters: string[];
  float64_buffer_dtypes: Record<string, string>;
};
const meta = fixture<{
  cnn_script: CnnMeta;
  cnn_trace: CnnMeta;
  multi: {
    code: string; graph: string; parameters: string[]; buffers: string[]; state_dict: string[];
    describe: [string, number, number[], boolean]; stats_count: number; stats_fields: string[];
    cast_dtype: string; cast_device: string; maybe: [null, number]; twice: Record<string, string[]>;
    attributes: { steps: number; label: string }; bumped: [number, number]; warnings: [string, string][]; sub_type: string; scaled_code: string; errors: Record<string, Err>;
  };
  raiser: Record<string, Err>;
  freeze_not_script: string;
}>('jit/meta.json');

const model = (name: string): string => path.join(dir, `${name}.pt`);
const res = (key: string): any => {
  if (!results.has(key)) throw new Error(`no result ${key}`);
  return results.get(key);
};

function expectTensorClose(actual: torch.Tensor, expected: torch.Tensor, rtol = 1e-5, atol = 1e-6): void {
  expect(actual).toBeInstanceOf(torch.Tensor);
  expect(actual.dtype).toBe(expected.dtype);
  expect([...actual.shape]).toEqual([...expected.shape]);
  expect(torch.allclose(actual, expected, { rtol, atol })).toBe(true);
}

// TorchScript's type-mismatch text ends with pybind's cast details, which name Python types.
const withoutCastDetails = (m: string): string => m.split('\nCast error details')[0]!;

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the promise to reject');
}

describe.each(['cnn_script', 'cnn_trace'] as const)('%s (CNN with BatchNorm in eval)', (name) => {
  const m = jit.load(model(name));
  const x = res('x') as torch.Tensor;
  const info = meta[name];

  test('forward and call give PyTorch outputs', () => {
    expectTensorClose(m.forward(x), res(`${name}.out`));
    expectTensorClose(m.call(x), res(`${name}.out`));
  });

  test('names, values and state_dict are PyTorch\'s', () => {
    expect([...m.namedParameters()].map(([n]) => n)).toEqual(info.parameters);
    expect([...m.namedBuffers()].map(([n]) => n)).toEqual(info.buffers);
    expect([...m.namedModules()].map(([n]) => n)).toEqual(info.modules);
    expect([...m.namedChildren()].map(([n]) => n)).toEqual(info.children);
    const sd = m.stateDict();
    expect([...sd.keys()]).toEqual(info.state_dict);
    const expected = res(`${name}.state_dict`) as Map<string, torch.Tensor>;
    for (const [k, v] of sd) expect(torch.equal(v, expected.get(k)!)).toBe(true);
    expect(m.training).toBe(info.training);
    expect([...m.parameters()].every((p) => p.requiresGrad)).toBe(true);
    expect([...m.parameters()][0]).toBe([...m.parameters()][0]);
    expect([...m.children()].length).toBe(info.children.length);
    expect([...m.buffers()].length).toBe(info.buffers.length);
    expect(inspect(m)).toBe(info.repr);
  });

  test('stateDict tensors share storage with the module', () => {
    const own = jit.load(model(name));
    const bias = own.stateDict().get('head.bias')!;
    expect(bias.requiresGrad).toBe(false);
    torch.noGrad(() => bias.add_(1));
    expectTensorClose(own.forward(x), (res(`${name}.out`) as torch.Tensor).add(1));
  });

  test('code, graph and repr are Python\'s text', () => {
    expect(m.code).toBe(info.code);
    expect(m.graph).toBe(info.graph);
    expect(String(m)).toBe(info.repr);
    expect(m.methodGraph('forward')).toBe(info.graph);
    expect(m.methodNames()).toContain('forward');
    expect(m.hasMethod('forward')).toBe(true);
    expect(m.hasMethod('nothing')).toBe(false);
  });

  test('freeze and optimizeForInference', () => {
    expectError(() => jit.freeze(new torch.nn.Linear(1, 1) as never), meta.freeze_not_script);
    expectError(() => jit.freeze(jit.load(model(name)).train()), 'Freezing is currently only implemented for modules in eval mode');
    const frozen = jit.freeze(jit.load(model(name)).eval());
    expectTensorClose(frozen.forward(x), res(`${name}.frozen`));
    expect(frozen.graph).toBe(info.frozen_graph);
    expect([...frozen.namedParameters()].map(([n]) => n)).toEqual(info.frozen_parameters);
    expectTensorClose(jit.optimizeForInference(jit.load(model(name))).forward(x), res(`${name}.optimized`), 1e-4, 1e-5);
  });

  test('to(float64) casts floating tensors only; train() uses batch statistics', () => {
    const m64 = jit.load(model(name)).to(torch.float64);
    expectTensorClose(m64.forward(x.double()), res(`${name}.float64`), 1e-10, 1e-12);
    for (const again of [
      jit.load(model(name)).to({ dtype: torch.float64 }),
      jit.load(model(name)).to(x.double()),
      jit.load(model(name)).to('cpu', torch.float64),
      jit.load(model(name)).double().cpu(),
    ]) {
      expectTensorClose(again.forward(x.double()), res(`${name}.float64`), 1e-10, 1e-12);
    }
    expectTensorClose(jit.load(model(name)).double().float().forward(x), res(`${name}.out`), 1e-5, 1e-6);
    expect(jit.load(model(name)).half().head.weight.dtype).toBe(torch.float16);
    expectError(() => m64.to(3 as never), 'to() received an invalid combination of arguments', 'TypeError');
    expectError(() => m64.to({ dtyp: torch.float64 }), "to() got an unexpected keyword argument 'dtyp'", 'TypeError');
    expect(Object.fromEntries([...m64.namedBuffers()].map(([n, b]) => [n, String(b.dtype)]))).toEqual(info.float64_buffer_dtypes);
    expectError(() => m64.to(torch.int64), 'nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.int64');
    const train = jit.load(model(name)).train();
    expect(train.training).toBe(true);
    expectTensorClose(train.forward(x), res(`${name}.train_out`), 1e-4, 1e-5);
    expectTensorClose(new Map(train.namedBuffers()).get('features.1.running_mean')!, res(`${name}.train_running_mean`));
  });
});

describe('a method of many argument types (scripted)', () => {
  const m = jit.load(model('multi'));
  const inputs = res('multi.inputs') as Map<string, any>;
  const xs = inputs.get('xs') as torch.Tensor[];
  const d = inputs.get('d') as Map<string, torch.Tensor>;
  const opt = inputs.get('opt') as torch.Tensor;
  const pairT = inputs.get('pair_t') as torch.Tensor;

  test('List/Dict/Optional/int/float/str/tuple in, (Tensor, Dict) out', () => {
    const expected = res('multi.out') as Map<string, any>;
    const [s, o] = m.forward(xs, d, opt, 3, torch.pyFloat(0.5), 'main', [pairT, 2]);
    expectTensorClose(s, expected.get('s'));
    expect(o).toBeInstanceOf(Map);
    expect([...o.keys()]).toEqual([...expected.get('o').keys()]);
    for (const [k, v] of o) expectTensorClose(v, expected.get('o').get(k));
    // A plain object for Dict[str, Tensor], None for the Optional, an integral number for float.
    const none = res('multi.out_none') as Map<string, any>;
    const [s2, o2] = m.forward(xs, Object.fromEntries(d), null, 1, 2, 'other', [pairT, -1]);
    expectTensorClose(s2, none.get('s'));
    expectTensorClose(o2.get('other'), none.get('o').get('other'));
  });

  test('str lists, Dict[int, float], bool; ints beyond 2^32; named tuples; dtypes and devices', () => {
    const out = m.runMethod('describe', ['a', 'bc', 'd'], new Map([[3, 0.5], [1, 2]]), false);
    expect(out).toEqual(meta.multi.describe);
    expect(m.runMethod('describe', ['a', 'bc', 'd'], { 3: 0.5, 1: 2 }, false)).toEqual(meta.multi.describe);
    const st = m.runMethod('stats', pairT);
    expect(Object.keys(st)).toEqual(['0', '1']);
    expectTensorClose(st.mean, (res('multi.stats') as Map<string, torch.Tensor>).get('mean')!);
    expect(st.count).toBe(meta.multi.stats_count);
    expect(st[1]).toBe(meta.multi.stats_count);
    const [y, dtype, device] = m.runMethod('cast', pairT, torch.float64);
    expectTensorClose(y, res('multi.cast'));
    // TorchScript compiles torch.dtype to int: Python gets the ScalarType's number back too.
    expect(dtype).toBe(torch.float64.code);
    expect(String(dtype)).toBe(meta.multi.cast_dtype);
    expect(device).toBeInstanceOf(torch.Device);
    expect(String(device)).toBe(meta.multi.cast_device);
    expect([m.runMethod('maybe'), m.runMethod('maybe', 4)]).toEqual(meta.multi.maybe);
    // Ints beyond 2^53 cross as bigints both ways; exact ones come back as numbers.
    for (const [n, expected] of Object.entries(meta.multi.twice)) {
      const got = m.runMethod('twice', Number.isSafeInteger(Number(n)) ? Number(n) : BigInt(n)) as (number | bigint)[];
      expect(got.map(String)).toEqual(expected);
      got.forEach((v) => expect(typeof v).toBe(Number.isSafeInteger(Number(v)) ? 'number' : 'bigint'));
    }
  });

  test('keyword arguments: camelCase or the schema\'s names, defaults filled in', () => {
    const scaled = res('multi.scaled') as Map<string, torch.Tensor>;
    expectTensorClose(m.runMethod('scaled', pairT), scaled.get('default')!);
    expectTensorClose(m.runMethod('scaled', pairT, { factor: 3, biasTerm: 1 }), scaled.get('kw')!);
    expectTensorClose(m.runMethod('scaled', pairT, { bias_term: 5 }), scaled.get('bias_only')!);
    expect(m.methodCode('scaled')).toBe(meta.multi.scaled_code);
  });

  test('submodules, parameters, buffers and attributes are properties', () => {
    const own = jit.load(model('multi'));
    expect(own.lin).toBeInstanceOf(jit.ScriptModule);
    expect(own.lin).toBe(own.lin);
    expect(own.lin.weight).toBe([...own.parameters()][0]);
    expect(own.offset).toBe(new Map(own.namedBuffers()).get('offset'));
    expect(own.steps).toBe(meta.multi.attributes.steps);
    expect(own.label).toBe(meta.multi.attributes.label);
    own.steps = 10;
    expect([own.runMethod('bump'), own.steps]).toEqual(meta.multi.bumped);
    expectError(() => (own.steps = 'many'), "Expected a value of type 'int' for attribute 'steps' but instead found type 'str'.", 'TypeError');
    const bias = torch.zeros(2);
    own.lin.bias = bias;
    expect(torch.equal(own.lin.bias, bias)).toBe(true);
    expect(torch.equal(own.stateDict().get('lin.bias')!, bias)).toBe(true);
    expect(Object.keys(own)).toEqual(expect.arrayContaining(['lin', 'offset', 'steps', 'label']));
    // A method may return a submodule: a ScriptModule over the same module object.
    const sub = m.runMethod('sub') as torch.jit.ScriptModule;
    expect(sub).toBeInstanceOf(jit.ScriptModule);
    expect(sub.originalName).toBe(meta.multi.sub_type);
    expectTensorClose(sub.forward(pairT), res('multi.sub'));
    expect(torch.native.jitSame(sub._h, m.lin._h)).toBe(true);
  });

  test('names, code and graph', () => {
    expect([...m.namedParameters()].map(([n]) => n)).toEqual(meta.multi.parameters);
    expect([...m.namedBuffers()].map(([n]) => n)).toEqual(meta.multi.buffers);
    expect([...m.stateDict().keys()]).toEqual(meta.multi.state_dict);
    expect(m.code).toBe(meta.multi.code);
    expect(m.graph).toBe(meta.multi.graph);
  });

  test('wrong arguments are Errors with TorchScript\'s messages', () => {
    const e = meta.multi.errors;
    expectError(() => m.runMethod('stats', 'hello'), withoutCastDetails(e.type!.message));
    expectError(() => m.runMethod('stats', pairT, pairT), e.count!.message);
    expectError(() => m.runMethod('stats'), e.missing!.message);
    expectError(() => m.runMethod('scaled', pairT, { nope: 1 }), e.kwarg!.message);
    expectError(() => m.forward([...xs, 3], d, null, 1, 1, 't', [pairT, 1]), withoutCastDetails(e.list_elem!.message));
    expectError(() => m.runMethod('nothing_here'), e.attr!.message);
    expectError(() => m.runMethod('stats', [1, torch.pyFloat(2.5), 's']), withoutCastDetails(e.repr_list!.message));
    expectError(() => m.runMethod('stats', new Map<string, boolean | null>([['a', true], ['b', null]])), withoutCastDetails(e.repr_dict!.message));
    // A trailing plain object is keyword arguments unless its parameter takes a dict.
    expectError(() => m.runMethod('stats', { a: true, b: null }), 'stats() expected at most 2 argument(s) but received 3 argument(s).');
    expectError(() => m.runMethod('stats', torch.float32), withoutCastDetails(e.repr_dtype!.message));
    expectError(() => m.runMethod('stats', new torch.Device('cpu')), withoutCastDetails(e.repr_device!.message));
    expectError(() => m.runMethod('stats', 1.5), "Expected a value of type 'Tensor' for argument 'x' but instead found type 'float'.");
    expectError(() => m.runMethod('describe', ['a'], new Map([['k', 1]]), false), "Expected a value of type 'Dict[int, float]' for argument 'weights' but instead found type 'dict'.");
    expectError(() => m.forward(xs, d, opt, 3, 0.5, 'main', [pairT]), "for argument 'pair' but instead found type 'list'");
  });

  test('warnings.warn in a script is a UserWarning through process.emitWarning, sync and async', () => {
    // The addon warns through the real process object, which jest's sandbox does not expose: a
    // child process runs the built package (dist/cjs, `npm run build:ts`).
    const dist = path.join(__dirname, '..', 'dist', 'cjs', 'index.js');
    if (!fs.existsSync(dist)) throw new Error(`${dist} is missing: run \`npm run build:ts\` (npm test does)`);
    const child = `
      const torch = require(${JSON.stringify(dist)});
      const seen = [];
      process.removeAllListeners('warning');
      process.on('warning', (w) => seen.push([w.message, w.name]));
      const m = torch.jit.load(${JSON.stringify(model('multi'))});
      m.runMethod('warn_sync', torch.ones(3));
      m.runMethodAsync('warn_async', torch.ones(3)).then(() => setImmediate(() => console.log(JSON.stringify(seen))));
    `;
    const out = execFileSync(process.execPath, ['-e', child], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(JSON.parse(out)).toEqual(meta.multi.warnings);
  });

  test('grad mode reaches the script, sync and async', async () => {
    expect(m.runMethod('grad_enabled')).toBe(true);
    expect(torch.noGrad(() => m.runMethod('grad_enabled'))).toBe(false);
    const off = torch.noGrad(() => m.runMethodAsync('grad_enabled'));
    const on = m.runMethodAsync('grad_enabled');
    expect(await off).toBe(false);
    expect(await on).toBe(true);
  });
});

test('torch.Generator and torch.device arguments', () => {
  const m = jit.load(model('gen'));
  const g = new torch.Generator().manualSeed(3);
  const [first, second] = res('gen.out') as torch.Tensor[];
  expect(torch.equal(m.forward(3, g, new torch.Device('cpu')), first!)).toBe(true);
  expect(torch.equal(m.forward(4, g), second!)).toBe(true);
  expect(torch.equal(m.forward(3, { g: new torch.Generator().manualSeed(3), device: 'cpu' }), first!)).toBe(true);
});

describe('errors inside the script', () => {
  const r = jit.load(model('raiser'));

  test('raise and runtime errors are Errors with TorchScript\'s message', () => {
    expectTensorClose(r.forward(torch.ones(2, 2).neg()), res('raiser.ok'));
    expectError(() => r.forward(torch.ones(3, 3)), meta.raiser.raise!.message);
    expectError(() => r.forward(torch.ones(2, 3).neg()), meta.raiser.runtime!.message);
  });

  test('async: the promise rejects with the same message', async () => {
    expect((await rejection(r.forwardAsync(torch.ones(3, 3)))).message).toBe(meta.raiser.raise!.message);
    expect((await rejection(r.forwardAsync('x'))).message).toContain("Expected a value of type 'Tensor' for argument 'x' but instead found type 'str'.");
  });
});

describe('off the event loop', () => {
  test('32 concurrent forwardAsync calls on one module equal the sync results', async () => {
    const m = await jit.loadAsync(model('cnn_script'));
    const inputs = Array.from({ length: 32 }, (_, i) => torch.randn(1 + (i % 3), 3, 8, 8));
    const sync = inputs.map((x) => m.forward(x) as torch.Tensor);
    const outs = await Promise.all(inputs.map((x) => m.forwardAsync(x)));
    outs.forEach((o: torch.Tensor, i) => expect(torch.equal(o, sync[i]!)).toBe(true));
    expect(outs[0].requiresGrad).toBe(true);
    const [free] = await torch.noGrad(() => Promise.all([m.forwardAsync(inputs[0])]));
    expect(free.requiresGrad).toBe(false);
  });

  test('dispose frees the module\'s tensors; an async call in flight finishes', async () => {
    const m = jit.load(model('cnn_script'));
    const w = [...m.parameters()][0]!;
    const pending = m.forwardAsync(res('x'));
    m.dispose();
    m.dispose();
    expect(m.isDisposed).toBe(true);
    expect(w.isDisposed).toBe(true);
    expectError(() => m.forward(res('x')), 'ScriptModule has been disposed');
    expectTensorClose(await pending, res('cnn_script.out'));
  });

  test('results of an async forward belong to the tidy scope that awaited them', async () => {
    const m = jit.load(model('cnn_script'));
    let inner: torch.Tensor | undefined;
    const total = await torch.tidy(async () => {
      inner = await m.forwardAsync(res('x'));
      return inner!.sum();
    });
    expect(inner!.isDisposed).toBe(true);
    expect(total.isDisposed).toBe(false);
    expect(total.item()).toBeCloseTo((res('cnn_script.out') as torch.Tensor).sum().item() as number, 4);
  });

  test('malformed archives are Errors, never a crash', () => {
    // Seeded byte mutations of a real archive. Among them: code that does not compile with
    // debug files that do not unpickle, whose error message libtorch builds lazily in a noexcept
    // what() (native/jit.cc reads such an archive again without its debug files).
    const bytes = fs.readFileSync(model('cnn_script'));
    let s = 7;
    const rnd = (): number => (s = (s * 1103515245 + 12345) >>> 0) / 4294967296;
    let failed = 0;
    for (let i = 0; i < 200; i++) {
      const b = Buffer.from(bytes);
      for (let k = 0; k < 1 + Math.floor(rnd() * 8); k++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      try {
        jit.load(b);
      } catch (e) {
        expect(typeof (e as Error).message).toBe('string');
        failed++;
      }
    }
    expect(failed).toBeGreaterThan(100);
  });

  test('loadAsync and load from bytes; bad files are Errors', async () => {
    const bytes = fs.readFileSync(model('cnn_trace'));
    const x = res('x') as torch.Tensor;
    expectTensorClose(jit.load(bytes, { mapLocation: 'cpu' }).forward(x), res('cnn_trace.out'));
    expectTensorClose((await jit.loadAsync(model('cnn_trace'), { mapLocation: 'cpu' })).forward(x), res('cnn_trace.out'));
    // Bytes are checked and taken at the call: changing them afterwards reaches neither the
    // check nor libtorch.
    const copy = Uint8Array.from(bytes);
    const pending = jit.loadAsync(copy);
    copy.fill(0);
    expectTensorClose((await pending).forward(x), res('cnn_trace.out'));
    expectError(() => jit.load(path.join(dir, 'missing.pt')), 'does not exist', 'RangeError');
    expectError(() => jit.load(dir), 'is a directory', 'RangeError');
    expectError(() => jit.load(model('cnn_trace'), { mapLocation: 3 as never }), 'map_location should be either None, string or torch.device', 'RangeError');
    expectError(() => jit.load(bytes.subarray(0, 200)));
    expectError(() => jit.load(42 as never), 'f must be a path or a Uint8Array', 'TypeError');
    const garbage = path.join(os.tmpdir(), `jit-garbage-${process.pid}.pt`);
    fs.writeFileSync(garbage, 'not a zip archive');
    try {
      await expect(jit.loadAsync(garbage)).rejects.toThrow();
    } finally {
      fs.rmSync(garbage, { force: true });
    }
  });
});

// A worker thread loads the built package (dist/cjs, `npm run build:ts`) and runs a module sync
// and async in its own Node environment, while the main thread keeps using its own.
const WORKER = `
const { parentPort, workerData } = require('worker_threads');
const torch = require(workerData.dist);
(async () => {
  const m = await torch.jit.loadAsync(workerData.model);
  const x = torch.tensor(workerData.x).reshape(workerData.shape);
  const sync = m.forward(x).tolist();
  const outs = await Promise.all([1, 2, 3, 4].map(() => m.forwardAsync(x)));
  parentPort.postMessage({ sync, async: outs.map((o) => o.tolist()) });
})().catch((e) => parentPort.postMessage({ error: String(e && e.stack || e) }));
`;

test('worker_threads: each environment runs modules on its own', async () => {
  const dist = path.join(__dirname, '..', 'dist', 'cjs', 'index.js');
  if (!fs.existsSync(dist)) throw new Error(`${dist} is missing: run \`npm run build:ts\` (npm test does)`);
  const x = res('x') as torch.Tensor;
  const run = () =>
    new Promise<{ sync: unknown; async: unknown[]; error?: string }>((resolve, reject) => {
      const w = new Worker(WORKER, { eval: true, workerData: { dist, model: model('cnn_script'), x: x.flatten().tolist(), shape: [...x.shape] } });
      w.once('message', (r) => void w.terminate().then(() => resolve(r)));
      w.once('error', reject);
    });
  const replies = await Promise.all([run(), run()]);
  const expected = (res('cnn_script.out') as torch.Tensor).tolist() as number[][];
  for (const r of replies) {
    expect(r.error).toBeUndefined();
    for (const out of [r.sync, ...r.async]) expectTensorClose(torch.tensor(out as number[][]), torch.tensor(expected), 1e-5, 1e-6);
  }
  // The workers' environments are gone; this one's converters still work.
  expectTensorClose(await jit.load(model('cnn_script')).forwardAsync(x), res('cnn_script.out'));
});

test('jit.save here, torch.jit.load in Python: the same outputs and parameters', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jit-'));
  try {
    const m = jit.load(model('multi'));
    torch.noGrad(() => m.stateDict({ keepVars: true }).get('lin.bias')!.mul_(2));
    m.train(false);
    const target = path.join(tmp, 'multi_node.pt');
    jit.save(m, target);
    m.save(target);  // over the first: atomic replacement
    expect(fs.readdirSync(tmp)).toEqual(['multi_node.pt']);
    const inputs = res('multi.inputs') as Map<string, any>;
    const pairT = inputs.get('pair_t') as torch.Tensor;
    const args = new Map<string, unknown[]>([
      ['stats', [pairT]],
      ['scaled', [pairT, 3, 1]],
    ]);
    const inputsPath = path.join(tmp, 'inputs.pt');
    torch.save(args, inputsPath);
    const out = JSON.parse(execFileSync(python, [script, '--check', target, inputsPath], { encoding: 'utf8' })) as {
      outputs: Record<string, any>; parameters: Record<string, number[]>; training: boolean;
    };
    const reloaded = jit.load(target);
    expect(out.training).toBe(false);
    expect(reloaded.training).toBe(false);
    for (const [n, p] of m.namedParameters()) expect(out.parameters[n]).toEqual(p.tolist());
    expect(out.outputs.scaled).toEqual((m.runMethod('scaled', pairT, 3, 1) as torch.Tensor).tolist());
    const st = reloaded.runMethod('stats', pairT);
    expect(out.outputs.stats).toEqual([st.mean.item(), st.count]);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
