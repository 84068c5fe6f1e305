// torch.inductor.aotiLoadPackage against PyTorch (scripts/fixtures/aoti.py): packages Python
// compiled with torch._inductor.aoti_compile_and_package give the outputs Python's
// aoti_load_package gives, sync and async (also many calls at once on one package, while the
// event loop keeps running), with Python's call spec, metadata and constant names; inputs that do
// not fit the package, and files that are not packages, are Errors; worker threads load their own.
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import * as torch from '../lib';
import { expectError, fixture } from './helpers';

const { inductor } = torch;
const dir = path.join(__dirname, 'fixtures', 'generated', 'aoti');
const netPath = path.join(dir, 'net.pt2');
const pairPath = path.join(dir, 'pair.pt2');
const results = torch.load(path.join(dir, 'results.pt')) as Map<string, torch.Tensor>;
type Meta = { call_spec: [string, string]; metadata: Record<string, string>; constant_fqns: string[]; partial_update_error?: string };
const meta = fixture<Record<'net' | 'pair', Meta>>('aoti/meta.json');

const res = (key: string): torch.Tensor => {
  const t = results.get(key);
  if (t === undefined) throw new Error(`no result ${key}`);
  return t;
};

function expectTensorClose(actual: unknown, expected: torch.Tensor): void {
  expect(actual).toBeInstanceOf(torch.Tensor);
  const a = actual as torch.Tensor;
  expect(a.dtype).toBe(expected.dtype);
  expect([...a.shape]).toEqual([...expected.shape]);
  expect(torch.allclose(a, expected, { rtol: 1e-5, atol: 1e-5 })).toBe(true);
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the promise to reject');
}

const BATCHES = ['x2', 'x7', 'x1'];

describe('aotiLoadPackage', () => {
  const net = inductor.aotiLoadPackage(netPath);
  const pair = inductor.aotiLoadPackage(pairPath);
  afterAll(() => {
    net.dispose();
    pair.dispose();
  });

  test("forward and call give Python's outputs at every batch size (a dynamic dimension)", () => {
    for (const key of BATCHES) {
      expectTensorClose(net.forward(res(key)), res(`net_${key}`));
      expectTensorClose(net.call(res(key)), res(`net_${key}`));
      // and the eager module's, which the package was compiled from
      expectTensorClose(net.forward(res(key)), res(`eager_${key}`));
    }
  });

  test("forwardAsync gives Python's outputs", async () => {
    for (const key of BATCHES) expectTensorClose(await net.forwardAsync(res(key)), res(`net_${key}`));
  });

  test('nested and keyword inputs, and a tuple holding a dict out, as the exported module took and returned them', async () => {
    const parts = [res('pa'), { b: res('pb') }];
    const asMap = [res('pa'), new Map([['b', res('pb')]])];
    for (const out of [pair.forward(res('px'), parts, { y: res('py') }), pair.call(res('px'), asMap, { y: res('py') }),
      await pair.forwardAsync(res('px'), parts, { y: res('py') })]) {
      expect(Array.isArray(out)).toBe(true);
      expect(out).toHaveLength(2);
      expectTensorClose(out[0], res('pair_h'));
      expect(out[1]).toBeInstanceOf(Map);
      expect([...out[1].keys()]).toEqual(['total', 'scaled']);
      expectTensorClose(out[1].get('total'), res('pair_total'));
      expectTensorClose(out[1].get('scaled'), res('pair_scaled'));
    }
  });

  test('inputs sharing a dynamic size must agree on it', () => {
    const two = (key: string): torch.Tensor => res(key).slice(0, 0, 2);
    const [h] = pair.forward(two('px'), [two('pa'), { b: res('pb') }], { y: two('py') });
    expectTensorClose(h, res('pair_h').slice(0, 0, 2));
    expectError(() => pair.forward(res('px'), [res('pa'), { b: res('pb') }], { y: two('py') }),
      'input 3 must have size 4 at dimension 0 (as an earlier input has), but got shape [2, 2]', 'RangeError');
  });

  test("metadata and constant names are Python's", () => {
    expect(net.getMetadata()).toEqual(meta.net.metadata);
    expect(net.metadata()).toEqual(meta.net.metadata);
    expect(net.getConstantFqns()).toEqual(meta.net.constant_fqns);
    expect(pair.constantFqns()).toEqual(meta.pair.constant_fqns);
  });

  test('8 concurrent forwardAsync calls on one package each get their own result', async () => {
    const keys = Array.from({ length: 8 }, (_, i) => BATCHES[i % BATCHES.length]!);
    for (const model of [net, inductor.loadPackage(netPath, { numRunners: 3 }), inductor.aotiLoadPackage(netPath, { runSingleThreaded: true })]) {
      const outs = await Promise.all(keys.map((k) => model.forwardAsync(res(k))));
      outs.forEach((out, i) => expectTensorClose(out, res(`net_${keys[i]}`)));
      if (model !== net) model.dispose();
    }
  });

  test('the event loop keeps running while forwardAsync computes', async () => {
    const big = torch.cat(Array.from({ length: 64 }, () => res('x7')));
    let ticks = 0;
    const p = net.forwardAsync(big);
    const tick = (): void => {
      ticks++;
      if (ticks < 1000) setImmediate(tick);
    };
    setImmediate(tick);
    const out = (await p) as torch.Tensor;
    expect(ticks).toBeGreaterThan(0);
    expectTensorClose(out.slice(0, 0, 7), res('net_x7'));
  });

  test('a package from its bytes, and loadPackage with a model name', () => {
    const fromBytes = inductor.aotiLoadPackage(fs.readFileSync(netPath));
    expectTensorClose(fromBytes.forward(res('x2')), res('net_x2'));
    fromBytes.dispose();
    const named = inductor.loadPackage(pairPath, 'model');
    expectTensorClose(named.forward(res('px'), [res('pa'), { b: res('pb') }], { y: res('py') })[0], res('pair_h'));
    named.dispose();
  });

  test('inputs that do not fit the package are Errors', async () => {
    const x = res('x2');
    expectError(() => net.forward(), 'forward() takes 1 positional argument but 0 were given', 'TypeError');
    expectError(() => net.forward(x, x), 'forward() takes 1 positional argument but 2 were given', 'TypeError');
    expectError(() => net.forward(3), 'the package takes 1 tensor input, but got 0', 'TypeError');
    expectError(() => net.forward(x.double()), 'input 0 must have dtype torch.float32, but got torch.float64', 'TypeError');
    expectError(() => net.forward(torch.randn([2, 3, 4, 5])), 'input 0 must have size 4 at dimension 3, but got shape [2, 3, 4, 5]', 'RangeError');
    expectError(() => net.forward(torch.randn([2, 3, 4])), 'input 0 must have 4 dimensions, but got 3', 'RangeError');
    expectError(() => net.forward(torch.empty([2, 3, 4, 4], { device: 'meta' })), 'input 0 must be on cpu, but is on meta', 'TypeError');
    const strided = torch.stack([x, x], 4).select(4, 0);  // x's values, every other element
    expectError(() => net.forward(strided), 'input 0 must have stride 48 at dimension 0, but has strides [96, 32, 8, 2]', 'RangeError');
    const parts = [res('pa'), { b: res('pb') }];
    expectError(() => pair.forward(res('px'), parts), "forward() missing required keyword argument: 'y'", 'TypeError');
    expectError(() => pair.forward(res('px'), parts, { y: res('py'), z: 1 }), "forward() got an unexpected keyword argument 'z'", 'TypeError');
    expectError(() => pair.forward(res('px'), res('pa'), { y: res('py') }), 'args[1] must be an array of 2 (the package\'s input spec), not a Tensor', 'TypeError');
    expectError(() => pair.forward(res('px'), [res('pa'), { c: res('pb') }], { y: res('py') }), 'args[1][1] has no key "b"', 'TypeError');
    expectError(() => pair.forward(res('px'), [res('pa'), [res('pb')]], { y: res('py') }), 'args[1][1] must be a Map or an object with keys ["b"], not an array of 1', 'TypeError');
    const gone = torch.randn([2, 3, 4, 4]);
    gone.dispose();
    expectError(() => net.forward(gone));
    const e = await rejection(net.forwardAsync(x.double()));
    expect(e.name).toBe('TypeError');
    expect(e.message).toContain('must have dtype torch.float32');
    // Made contiguous, it runs; so does a view that starts inside its storage.
    expectTensorClose(net.forward(strided.contiguous()), res('net_x2'));
    expectTensorClose(net.forward(res('x7').slice(0, 0, 2)), res('net_x7').slice(0, 0, 2));
  });

  test('files that are not packages are Errors', () => {
    expectError(() => inductor.aotiLoadPackage(path.join(dir, 'missing.pt2')), 'Failed to initialize zip archive');
    expectError(() => inductor.aotiLoadPackage(path.join(__dirname, '..', 'package.json')), 'Failed to initialize zip archive');
    expectError(() => inductor.aotiLoadPackage(path.join(dir, 'results.pt')));
    expectError(() => inductor.aotiLoadPackage(new Uint8Array([1, 2, 3])), 'Failed to initialize zip archive');
    expectError(() => inductor.loadPackage(netPath, 'other'), "Failed to find a generated cpp file or so file for model 'other'");
    expectError(() => inductor.aotiLoadPackage(42 as unknown as string), 'path must be a str or a Uint8Array', 'TypeError');
    expectError(() => inductor.loadPackage(netPath, { numRunners: 0 }), 'num_runners must be at least 1', 'RangeError');
    expectError(() => inductor.aotiLoadPackage(netPath, { runSingleThreaded: 1 as unknown as boolean }), 'run_single_threaded must be bool', 'TypeError');
  });

  test("loadConstants replaces the weights as Python's load_constants does", () => {
    const fqns = meta.net.constant_fqns;
    const halved = (): Map<string, torch.Tensor> => new Map(fqns.map((k) => [k, res(`halved:${k}`).clone()]));
    const m = inductor.aotiLoadPackage(netPath);
    m.loadConstants(halved(), { checkFullUpdate: true });
    expectTensorClose(m.forward(res('x2')), res('net_halved_x2'));
    // from an object (the weights doubled back), and from views into larger storages (copied to the constant's layout)
    m.loadConstants(Object.fromEntries(fqns.map((k) => [k, res(`halved:${k}`).mul(2)])), { checkFullUpdate: true });
    expectTensorClose(m.forward(res('x2')), res('net_x2'));
    const views = new Map(fqns.map((k) => [k, torch.stack([res(`halved:${k}`), res(`halved:${k}`)], -1).select(-1, 0)]));
    m.loadConstants(views, { checkFullUpdate: true });
    expectTensorClose(m.forward(res('x2')), res('net_halved_x2'));
    // user-managed: the model reads the tensors in place, so changing them changes the model
    const managed = halved();
    m.loadConstants(managed, { checkFullUpdate: true, userManaged: true });
    expectTensorClose(m.forward(res('x2')), res('net_halved_x2'));
    for (const t of managed.values()) t.mul_(2);
    expectTensorClose(m.forward(res('x2')), res('net_x2'));
    expectError(() => m.loadConstants(views, { checkFullUpdate: true, userManaged: true }), 'with user_managed, the constant', 'RangeError');
    m.dispose();
  });

  test('constants that do not fit are Errors', () => {
    const fqns = meta.net.constant_fqns;
    const first = fqns[0]!;
    const m = inductor.aotiLoadPackage(netPath);
    expect(meta.net.partial_update_error).toBeDefined();  // Python refuses a partial update too
    expectError(() => m.loadConstants({ [first]: res(`halved:${first}`) }, { checkFullUpdate: true }),
      `check_full_update is set, but no tensor was given for the constant '${fqns[1]}'`);
    expectError(() => m.loadConstants({ [first]: res(`halved:${first}`).double() }, { checkFullUpdate: false }), `the constant '${first}' has dtype Float`, 'TypeError');
    expectError(() => m.loadConstants({ [first]: res(`halved:${first}`).flatten() }, { checkFullUpdate: false }), `the constant '${first}' has shape`, 'RangeError');
    expectError(() => m.loadConstants({ [first]: 1 as unknown as torch.Tensor }, { checkFullUpdate: false }), 'must map names to tensors', 'TypeError');
    expectError(() => (m.loadConstants as (...a: unknown[]) => void)(new Map()), "missing 1 required keyword-only argument: 'check_full_update'", 'TypeError');
    // the model is unchanged by what failed
    expectTensorClose(m.forward(res('x2')), res('net_x2'));
    m.dispose();
  });

  test('dispose frees the package; a call in flight still finishes', async () => {
    const m = inductor.aotiLoadPackage(netPath);
    const p = m.forwardAsync(res('x7'));
    m.dispose();
    m.dispose();
    expect(m.isDisposed).toBe(true);
    expectTensorClose(await p, res('net_x7'));
    expectError(() => m.forward(res('x2')), 'the AOTInductor package has been disposed');
    expectError(() => m.getMetadata(), 'the AOTInductor package has been disposed');
    expect((await rejection(m.forwardAsync(res('x2')))).message).toContain('has been disposed');
  });

  test('worker_threads: each environment loads and runs packages on its own', async () => {
    const dist = path.join(__dirname, '..', 'dist', 'cjs', 'index.js');
    if (!fs.existsSync(dist)) throw new Error(`${dist} is missing: run \`npm run build:ts\` (npm test does)`);
    const worker = `
      const { parentPort, workerData: { dist, file, x, shape } } = require('worker_threads');
      const torch = require(dist);
      const m = torch.inductor.aotiLoadPackage(file);
      const input = torch.tensor(x).reshape(shape);
      m.forwardAsync(input).then((out) => parentPort.postMessage({ sync: m.forward(input).tolist(), async: out.tolist() }));
    `;
    const x = res('x2');
    const run = (): Promise<{ sync: number[][]; async: number[][] }> =>
      new Promise((resolve, reject) => {
        const w = new Worker(worker, { eval: true, workerData: { dist, file: netPath, x: x.flatten().tolist(), shape: [...x.shape] } });
        w.once('message', (r) => void w.terminate().then(() => resolve(r)));
        w.once('error', reject);
      });
    for (const r of await Promise.all([run(), run()])) {
      expectTensorClose(torch.tensor(r.sync), res('net_x2'));
      expectTensorClose(torch.tensor(r.async), res('net_x2'));
    }
    expectTensorClose(await net.forwardAsync(x), res('net_x2'));
  });
});
