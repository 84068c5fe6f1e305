// nn.Module's backward, state-dict, global and registration hooks against real PyTorch: each
// scenario of scripts/fixtures/module_hooks.py is written again here in TypeScript, and both
// programs' logs must agree entry by entry (tensors to 1e-5).
import * as torch from '../lib';
import { pySignature } from '../lib/python_signature';
import { expectClose, fixture, liveTensorsAfterGc, recordWarnings } from './helpers';

const { nn } = torch;
const M = nn.modules.module;
type T = torch.Tensor;
type Grads = (T | null)[];
type Log = unknown[];

const expected = fixture<Record<string, Log>>('module_hooks.json');
const t = (x: T | null): unknown => (x === null ? null : x.detach().tolist());
const ts = (xs: Grads): unknown[] => xs.map(t);
const py = (b: boolean): string => (b ? 'True' : 'False');
const pyList = (xs: readonly string[]): string => `[${xs.map((x) => `'${x}'`).join(', ')}]`;
const pyDict = (m: Map<string, unknown>): string => `{${[...m].map(([k, v]) => `'${k}': ${String(v)}`).join(', ')}}`;
function err(fn: () => unknown, full = false): string {
  try {
    fn();
    return 'no error';
  } catch (e) {
    const message = (e as Error).message;
    return full ? message : message.split('\n')[0]!;
  }
}

const SCALED = pySignature<{ x: T; y?: T | null; scale?: number }>('Scaled.forward', 'self, x, y=None, *, scale=1.0');
class Scaled extends nn.Module {
  override forward(...args: [x: T, y?: T | null, options?: { scale?: number }] | [x: T, options: { scale?: number }]): T {
    const { x, y, scale } = SCALED(args);
    const out = x.mul(scale ?? 1);
    return y === null || y === undefined ? out : out.add(y);
  }
}
// Python's repr of sorted(kwargs.items()) when every value is a float.
const pyItems = (kwargs: Record<string, unknown>): string =>
  `[${Object.entries(kwargs).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `('${k}', ${pyFloat(v)})`).join(', ')}]`;
const pyFloat = (v: unknown): string => (Number.isInteger(v) ? `${String(v)}.0` : String(v));
const pyFloats = (xs: number[]): string => `[${xs.map(pyFloat).join(', ')}]`;
const pyVal = (x: unknown): string => (x === null || x === undefined ? 'None' : String(x));

class Counter extends nn.Module {
  fc = new nn.Linear(2, 2);
  count = 0;
  override getExtraState(): unknown {
    return { count: this.count };
  }
  override setExtraState(state: { count: number }): void {
    this.count = state.count + 1;
  }
}

class Two extends nn.Module {
  override forward(a: T, b: T, k: number, c: T): [T, T, T] {
    return [a.mul(b).mul(k), a.add(c), b.mul(2)];
  }
}

const SCENARIOS: Record<string, () => Log> = {
  linear_full_backward_hooks() {
    torch.manualSeed(0);
    const m = new nn.Linear(3, 2);
    const x = torch.randn([4, 3], { requiresGrad: true });
    const log: Log = [];
    m.registerForwardPreHook(() => { log.push('forward_pre'); });
    m.registerForwardHook(() => { log.push('forward'); });
    m.registerFullBackwardPreHook((_m, go) => { log.push('backward_pre', ts(go)); });
    m.registerFullBackwardHook((_m, gi, go) => { log.push('backward', ts(gi), ts(go)); });
    const w = torch.randn(4, 2);
    m.call(x).mul(w).sum().backward();
    log.push(t(x.grad), t(m.weight.grad), t(m.bias!.grad));
    return log;
  },

  replace_grad_input_and_output() {
    torch.manualSeed(0);
    const m = new nn.Linear(3, 2);
    const x = torch.randn([4, 3], { requiresGrad: true });
    const log: Log = [];
    m.registerFullBackwardPreHook((_m, go) => [go[0]!.mul(3)]);
    m.registerFullBackwardHook((_m, gi, go) => { log.push(ts(gi), ts(go)); });
    m.registerFullBackwardHook((_m, gi) => [gi[0]!.mul(2)]);
    m.registerFullBackwardHook((_m, gi) => { log.push(ts(gi)); });
    m.call(x).pow(2).sum().backward();
    log.push(t(x.grad), t(m.weight.grad), t(m.bias!.grad));
    return log;
  },

  several_inputs_and_outputs() {
    torch.manualSeed(0);
    const m = new Two();
    const a = torch.randn([3], { requiresGrad: true });
    const b = torch.randn(3);
    const c = torch.randn([3], { requiresGrad: true });
    const log: Log = [];
    m.registerFullBackwardPreHook((_m, go) => { log.push(ts(go)); });
    m.registerFullBackwardHook((_m, gi, go) => { log.push(ts(gi), ts(go)); });
    const [p, q, r] = m.call(a, b, 2, c);
    log.push([p.requiresGrad, q.requiresGrad, r.requiresGrad]);
    p.mul(torch.arange(3, { dtype: torch.float32 })).sum().backward();
    log.push(t(a.grad));
    return log;
  },

  replace_grads_of_several_inputs() {
    torch.manualSeed(0);
    const m = new Two();
    const a = torch.randn([3], { requiresGrad: true });
    const b = torch.randn([3], { requiresGrad: true });
    const c = torch.randn([3], { requiresGrad: true });
    const log: Log = [];
    m.registerFullBackwardPreHook((_m, go) => [go[0]!.mul(10), go[1]!, go[2]!.add(1)]);
    m.registerFullBackwardHook((_m, gi) => [gi[0]!.add(1), gi[1]!.mul(2), null, gi[3]!.mul(3)]);
    m.registerFullBackwardHook((_m, gi, go) => { log.push(ts(gi), ts(go)); });
    const [p, q, r] = m.call(a, b, 2, c);
    p.sum().add(q.mul(q).sum()).add(r.sum()).backward();
    log.push(t(a.grad), t(b.grad), t(c.grad));
    return log;
  },

  no_input_requires_grad() {
    torch.manualSeed(0);
    const m = new nn.Linear(3, 2);
    const x = torch.randn(2, 3);
    const log: Log = [];
    m.registerFullBackwardHook((_m, gi, go) => { log.push('backward', ts(gi), ts(go)); });
    const warnings = recordWarnings(() => m.call(x).sum().backward());
    log.push(...warnings.map(([message]) => message));
    log.push(t(m.bias!.grad));
    const m2 = new nn.Linear(3, 2);
    m2.registerFullBackwardHook(() => [torch.ones(2, 3)]);
    recordWarnings(() => log.push(err(() => m2.call(x).sum().backward())));
    return log;
  },

  order_prepend_remove_and_errors() {
    torch.manualSeed(0);
    const m = new nn.Linear(2, 2);
    const log: Log = [];
    const h1 = m.registerFullBackwardHook(() => { log.push('b1'); });
    m.registerFullBackwardHook(() => { log.push('b2'); });
    m.registerFullBackwardHook(() => { log.push('b0'); }, { prepend: true });
    const p1 = m.registerFullBackwardPreHook(() => { log.push('p1'); });
    m.registerFullBackwardPreHook(() => { log.push('p0'); }, { prepend: true });
    const x = torch.randn([3, 2], { requiresGrad: true });
    m.call(x).sum().backward();
    h1.remove();
    p1.remove();
    log.push('removed');
    m.call(x).sum().backward();
    const bad = new nn.Linear(2, 2);
    bad.registerFullBackwardHook((_m, gi) => [gi[0]!, gi[0]!]);
    log.push(err(() => bad.call(x).sum().backward()));
    const badPre = new nn.Linear(2, 2);
    badPre.registerFullBackwardPreHook((_m, go) => [go[0]!, go[0]!]);
    log.push(err(() => badPre.call(x).sum().backward()));
    const inplace = new nn.ReLU(true);
    inplace.registerFullBackwardHook(() => undefined);
    log.push(err(() => inplace.call(x.mul(1))));
    const hookedOut = new nn.Linear(2, 2);
    hookedOut.registerFullBackwardPreHook(() => undefined);
    log.push(err(() => hookedOut.call(x).add_(1).sum().backward()));
    return log;
  },

  nested_modules_order() {
    torch.manualSeed(0);
    const net = new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 2));
    const log: Log = [];
    for (const [name, mod] of net.namedModules()) {
      const label = name || 'root';
      mod.registerForwardPreHook(() => { log.push(`fpre ${label}`); });
      mod.registerForwardHook(() => { log.push(`f ${label}`); });
      mod.registerFullBackwardPreHook(() => { log.push(`bpre ${label}`); });
      mod.registerFullBackwardHook((_m, gi) => { log.push(`b ${label}`, ts(gi)); });
    }
    const x = torch.randn([2, 3], { requiresGrad: true });
    (net.call(x) as T).sum().backward();
    log.push(t(x.grad));
    return log;
  },

  global_hooks() {
    torch.manualSeed(0);
    const net = new nn.Sequential(new nn.Linear(3, 2), new nn.ReLU());
    const log: Log = [];
    (net[0] as torch.nn.Module).registerForwardHook(() => { log.push('local forward'); });
    (net[0] as torch.nn.Module).registerFullBackwardHook(() => { log.push('local backward'); });
    const handles = [
      M.registerModuleForwardPreHook((m) => { log.push(`fpre ${m._getName()}`); }),
      M.registerModuleForwardHook((m) => { log.push(`f ${m._getName()}`); }),
      M.registerModuleFullBackwardPreHook((m, go) => { log.push(`bpre ${m._getName()}`, ts(go)); }),
      M.registerModuleFullBackwardHook((m, gi) => { log.push(`b ${m._getName()}`, ts(gi)); }),
    ];
    const x = torch.randn([2, 3], { requiresGrad: true });
    (net.call(x) as T).sum().backward();
    for (const h of handles) h.remove();
    log.push('removed');
    (net.call(x) as T).sum().backward();
    const scaled = M.registerModuleForwardHook((m, _i, o) => (m instanceof nn.ReLU ? (o as T).mul(2) : undefined));
    log.push(t(net.call(x) as T));
    scaled.remove();
    return log;
  },

  registration_hooks() {
    const log: Log = [];
    const handles = [
      M.registerModuleBufferRegistrationHook((m, n) => { log.push(`buffer ${m._getName()} ${n}`); }),
      M.registerModuleModuleRegistrationHook((m, n, s) => { log.push(`module ${m._getName()} ${n} ${s === null ? 'NoneType' : s._getName()}`); }),
      M.registerModuleParameterRegistrationHook((m, n, p) => { log.push(`parameter ${m._getName()} ${n} ${p === null ? 'None' : `[${p.shape.join(', ')}]`}`); }),
    ];
    torch.manualSeed(0);
    const net = new nn.Sequential(new nn.Linear(2, 3), new nn.BatchNorm1d(3)) as torch.nn.Sequential & Record<string, unknown>;
    net.extra = new nn.ReLU();
    net.registerBuffer('steps', torch.zeros(1));
    net.scale = new nn.Parameter(torch.ones(1));
    net.extra = null;
    for (const h of handles) h.remove();
    const swap = M.registerModuleBufferRegistrationHook((_m, _n, b) => b!.add(5));
    const holder = new (class Holder extends nn.Module {})();
    holder.registerBuffer('b', torch.zeros(2));
    swap.remove();
    log.push(t(holder.getBuffer('b')));
    return log;
  },

  state_dict_hooks() {
    torch.manualSeed(0);
    const net = new nn.Sequential(new nn.Linear(2, 2), new nn.Sequential(new nn.Linear(2, 1)));
    const log: Log = [];
    for (const [name, mod] of net.namedModules()) {
      const label = name || 'root';
      mod.registerStateDictPreHook((_m, prefix, keepVars) => { log.push(`pre ${label} '${prefix}' ${py(keepVars)}`); });
      mod.registerStateDictPostHook((_m, sd, prefix, meta) => { log.push(`post ${label} '${prefix}' ${pyList([...sd.keys()])} ${pyDict(meta)}`); });
    }
    net.getSubmodule('1.0').registerStateDictPostHook((_m, sd, prefix) => { sd.set(`${prefix}extra`, torch.ones(1)); });
    const sd = net.stateDict({ keepVars: true });
    log.push([...sd.keys()]);
    log.push(err(() => {
      net.getSubmodule('0').registerStateDictPostHook((() => new Map()) as never);
      net.getSubmodule('0').stateDict();
    }));
    return log;
  },

  load_state_dict_hooks() {
    torch.manualSeed(0);
    const net = new nn.Sequential(new nn.Linear(2, 2), new nn.Sequential(new nn.Linear(2, 1)));
    const sd = net.stateDict() as Map<string, T>;
    const log: Log = [];
    for (const [name, mod] of net.namedModules()) {
      const label = name || 'root';
      mod.registerLoadStateDictPreHook((_m, local, prefix, meta, strict, missing) => {
        log.push(`pre ${label} '${prefix}' ${pyList([...local.keys()].sort())} ${pyDict(meta)} ${py(strict)} ${pyList(missing)}`);
      });
      mod.registerLoadStateDictPostHook((_m, keys) => { log.push(`post ${label} ${pyList(keys.missingKeys)} ${pyList(keys.unexpectedKeys)}`); });
    }
    sd.delete('1.0.bias');
    sd.set('junk', torch.zeros(1));
    log.push(String(net.loadStateDict(sd, { strict: false })));
    log.push(err(() => net.loadStateDict(sd)));
    net.getSubmodule('1.0').registerLoadStateDictPostHook((_m, keys) => { keys.missingKeys.length = 0; });
    net.registerLoadStateDictPostHook((_m, keys) => { keys.unexpectedKeys.length = 0; });
    log.push(String(net.loadStateDict(sd)));
    const fixer = new nn.Linear(2, 2);
    fixer.registerLoadStateDictPreHook((_m, local, prefix) => {
      local.set(`${prefix}bias`, local.get(`${prefix}b`));
      local.delete(`${prefix}b`);
    });
    const src = new nn.Linear(2, 2);
    log.push(String(fixer.loadStateDict(new Map([['weight', src.weight.detach()], ['b', src.bias!.detach()]]))));
    log.push(t(fixer.bias));
    return log;
  },

  forward_hooks_with_kwargs_and_always_call() {
    const log: Log = [];
    const m = new Scaled();
    const x = torch.arange(3, { dtype: torch.float32 });
    m.registerForwardPreHook((_m, args) => { log.push(`plain pre ${args.length}`); });
    m.registerForwardPreHook((_m, args, kwargs) => { log.push(`kw pre ${args.length} ${pyItems(kwargs)}`); }, { withKwargs: true });
    m.registerForwardPreHook((_m, args, kwargs) => [[(args[0] as T).add(1)], { scale: ((kwargs.scale as number | undefined) ?? 1) * 10 }], { withKwargs: true });
    m.registerForwardHook((_m, _args, kwargs, out) => { log.push(`kw post ${pyItems(kwargs)} ${pyFloats((out as T).tolist() as number[])}`); }, { withKwargs: true });
    m.registerForwardHook((_m, args, out) => { log.push(`plain post ${args.length} ${pyFloats((out as T).tolist() as number[])}`); });
    log.push(t(m.call(x, { scale: 2 })));
    log.push(t(m.call(x)));
    const bad = new Scaled();
    bad.registerForwardPreHook((_m, args) => args[0], { withKwargs: true });
    log.push(err(() => bad.call(x, x)));
    const failing = new nn.Linear(2, 2);
    failing.registerForwardHook((_m, args, _kwargs, out) => { log.push(`always ${args.length} ${pyVal(out)}`); }, { withKwargs: true, alwaysCall: true });
    const h = M.registerModuleForwardHook((mod, _args, out) => { log.push(`global always ${mod._getName()} ${pyVal(out)}`); }, { alwaysCall: true });
    log.push(err(() => failing.call(torch.ones(1, 3))));
    h.remove();
    const g = M.registerModuleForwardHook((mod, _args, kwargs) => { log.push(`global kw ${mod._getName()} ${pyItems(kwargs)}`); }, { withKwargs: true });
    new Scaled().call(x, { scale: 3 });
    g.remove();
    return log;
  },

  extra_state_assign_set_submodule() {
    torch.manualSeed(0);
    const log: Log = [];
    const c = new Counter();
    c.count = 4;
    const sd = c.stateDict() as Map<string, unknown>;
    log.push([...sd.keys()]);
    log.push((sd.get('_extra_state') as { count: number }).count);
    const fresh = new Counter();
    log.push(String(fresh.loadStateDict(sd)));
    log.push(fresh.count);
    const noExtra = new Map([...sd].filter(([k]) => k !== '_extra_state'));
    log.push(err(() => new Counter().loadStateDict(noExtra), true));
    log.push(err(() => new nn.Linear(2, 2).loadStateDict(new Map<string, unknown>([...new nn.Linear(2, 2).stateDict(), ['_extra_state', 1]])), true));
    const src = new nn.Linear(2, 3);
    const srcSd = src.stateDict();
    const dst = new nn.Linear(2, 3);
    dst.weight.requiresGrad_(false);
    log.push(String(dst.loadStateDict(srcSd, { assign: true })));
    src.weight.data.fill_(7);
    log.push(dst.weight.get(0, 0).item(), dst.weight.constructor.name, dst.weight.requiresGrad, dst.bias!.requiresGrad);
    const net = new nn.Sequential(new nn.Linear(2, 2), new nn.Sequential(new nn.ReLU()));
    net.setSubmodule('1.0', new nn.Tanh());
    net.setSubmodule('1.extra', new nn.Sigmoid());
    log.push(String(net));
    log.push(err(() => net.setSubmodule('1.missing', new nn.Tanh(), { strict: true })));
    log.push(err(() => net.setSubmodule('', new nn.Tanh())));
    log.push(err(() => net.setSubmodule('0.weight', new nn.Tanh())));
    const empty = new nn.Linear(3, 2).toEmpty({ device: 'cpu' });
    log.push([...empty.parameters()].map((p) => [...p.shape]));
    return log;
  },
};

describe('module hooks match PyTorch', () => {
  test('every Python scenario has its TypeScript twin', () => {
    expect(Object.keys(SCENARIOS).sort()).toEqual(Object.keys(expected).sort());
  });
  test.each(Object.keys(SCENARIOS))('%s', (name) => {
    const log = SCENARIOS[name]!();
    const want = expected[name]!;
    expect(log.length).toBe(want.length);
    want.forEach((entry, i) => {
      if (typeof entry === 'string') expect(log[i]).toBe(entry);
      else expectClose(log[i], entry, 1e-5, 1e-6, `${name}[${i}]`);
    });
  });
});

describe('module hooks', () => {
  test('nn.Buffer assigned to a property registers a buffer, persistent or not', () => {
    const m = new (class Holder extends nn.Module {})() as torch.nn.Module & Record<string, unknown>;
    m.kept = new nn.Buffer(torch.ones(2));
    m.scratch = new nn.Buffer(torch.zeros(1), { persistent: false });
    expect([...m.namedBuffers()].map(([k]) => k)).toEqual(['kept', 'scratch']);
    expect([...m.stateDict().keys()]).toEqual(['kept']);
    m.scratch = torch.ones(3);
    expect([...m.stateDict().keys()]).toEqual(['kept']);
  });

  test('zeroGrad takes setToNone positionally or by name', () => {
    const m = new nn.Linear(2, 1);
    m.call(torch.ones(1, 2)).sum().backward();
    m.zeroGrad({ setToNone: false });
    expect(m.weight.grad!.tolist()).toEqual([[0, 0]]);
    m.zeroGrad();
    expect(m.weight.grad).toBeNull();
    expect(() => m.zeroGrad({ setToZero: true } as never)).toThrow("zero_grad() got an unexpected keyword argument 'setToZero'");
  });

  test('tensors a backward hook saw are freed with the graph (the hooks keep none)', async () => {
    const m = new nn.Linear(8, 8);
    const run = (): void => {
      for (let i = 0; i < 100; i++) m.call(torch.randn([4, 8], { requiresGrad: true })).sum().backward();
    };
    run(); // what stays for good: the parameters' gradients
    const before = await liveTensorsAfterGc();
    m.registerFullBackwardHook(() => undefined);
    m.registerFullBackwardPreHook(() => undefined);
    run();
    run();
    expect((await liveTensorsAfterGc()) - before).toBeLessThan(10);
  });

  test('an always-called forward hook runs when forward throws', () => {
    const m = new nn.Linear(2, 1);
    const seen: string[] = [];
    m.registerForwardHook(() => { seen.push('always'); }, { alwaysCall: true });
    m.registerForwardHook(() => { seen.push('normal'); });
    expect(() => m.call(torch.ones(1, 3))).toThrow();
    expect(seen).toEqual(['always']);
  });

});
