// TorchScript class instances (torch.jit.ScriptObject) and Generators returned by TorchScript,
// against PyTorch (scripts/fixtures/jit_objects.py): a scripted module's methods return instances
// of the scripted classes Pair and Other alone, in a List and a Dict and as an attribute, take them
// back, and return a torch.Generator; attributes are read and set, methods run, a wrong class gets
// TorchScript's message, and a disposed object behaves as a disposed ScriptModule does.
import * as path from 'path';
import { inspect } from 'util';
import * as torch from '../lib';
import { expectClose, fixture } from './helpers';

type PairOut = { a: number[]; b: number; total: number };
const fx = fixture<{
  forward: PairOut & { repr: string };
  scaledTotal: number;
  setBTotal: number;
  take: number;
  held: PairOut;
  many: PairOut[];
  sumB: number;
  byName: Record<string, { b: number; total: number }>;
  heldAfterSet: { b: number; take: number };
  other: { x: number; repr: string };
  wrongClass: string;
  gen: { initialSeed: number; draw: number[] };
  rngAttribute: { initialSeed: number; first: number[]; then: number[] };
  rngSet: number[];
}>('jit_objects.json');

const file = path.join(__dirname, 'fixtures', 'generated', 'jit_objects', 'objects.pt');
const x = () => torch.tensor([0.5, 1.5, 3.0]);
const noAddress = (s: string) => s.replace(/0x[0-9a-f]+/g, '0x?');

function expectPair(p: unknown, want: PairOut): void {
  expect(p).toBeInstanceOf(torch.jit.ScriptObject);
  const q = p as torch.jit.ScriptObject;
  expectClose(q.a.tolist(), want.a);
  expect(q.b).toBe(want.b);
  expectClose(q.runMethod('total').item(), want.total);
}

describe('TorchScript class instances', () => {
  const m = torch.jit.load(file);

  test('a returned instance: attributes, methods, repr', () => {
    const p = m.forward(x());
    expectPair(p, fx.forward);
    expect(p).not.toBeInstanceOf(torch.jit.ScriptModule);
    expect(Object.keys(p).filter((k) => !k.startsWith('_'))).toEqual(['a', 'b']);
    expect(p.methodNames().sort()).toEqual(['__init__', 'scale', 'total']);
    expect(noAddress(inspect(p))).toBe(fx.forward.repr);
    expect(String(p)).toBe(inspect(p));
    const scaled = p.runMethod('scale', 2.0);
    expect(scaled).toBeInstanceOf(torch.jit.ScriptObject);
    expectClose(scaled.runMethod('total').item(), fx.scaledTotal);
  });

  test('setting an attribute, and passing the instance back', () => {
    const p = m.forward(x());
    p.b = 10;
    expect(p.b).toBe(10);
    expectClose(p.runMethod('total').item(), fx.setBTotal);
    expectClose(m.runMethod('take', p).item(), fx.take);
    expect(() => { p.b = 'x'; }).toThrow("Expected a value of type 'int' for attribute 'b' but instead found type 'str'.");
    expect(() => p.runMethod('nope')).toThrow("'Pair' object has no attribute 'nope'");
  });

  test('in a List and a Dict, and as a module attribute', () => {
    const many = m.runMethod('many', x());
    expect(many).toHaveLength(fx.many.length);
    many.forEach((q: unknown, i: number) => expectPair(q, fx.many[i]!));
    expect(m.runMethod('sum_b', many)).toBe(fx.sumB);
    const byName: Map<string, torch.jit.ScriptObject> = m.runMethod('by_name', x());
    expect([...byName.keys()]).toEqual(Object.keys(fx.byName));
    for (const [k, q] of byName) {
      expect(q.b).toBe(fx.byName[k]!.b);
      expectClose(q.runMethod('total').item(), fx.byName[k]!.total);
    }
    expectPair(m.held, fx.held);
  });

  test('assigning a module attribute an instance', () => {
    const mm = torch.jit.load(file);
    const p = mm.forward(x());
    p.b = 10;
    mm.held = p;
    expect(mm.held.b).toBe(fx.heldAfterSet.b);
    expectClose(mm.runMethod('take', mm.held).item(), fx.heldAfterSet.take);
    p.b = 11;  // the same object: TorchScript sees the change
    expect(mm.held.b).toBe(11);
    expect(() => { mm.held = mm.runMethod('other', 1); }).toThrow(
      "Expected a value of type '__torch__.Pair' for attribute 'held' but instead found type 'Other'.");
  });

  test("a class's __repr__, and an instance of the wrong class (TorchScript's message)", () => {
    const o = m.runMethod('other', 4);
    expect(o.x).toBe(fx.other.x);
    expect(inspect(o)).toBe(fx.other.repr);
    expect(String(o)).toBe(fx.other.repr);
    let message = '';
    try {
      m.runMethod('take', o);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(noAddress(message)).toBe(fx.wrongClass);
    expect(() => m.runMethod('take', m)).toThrow("found type 'RecursiveScriptModule'");
    expect(() => m.runMethod('take', 3)).toThrow("for argument 'p' but instead found type 'int'");
  });

  test('runMethodAsync on an instance, and one returned asynchronously', async () => {
    const p = m.forward(x());
    expectClose((await p.runMethodAsync('total')).item(), fx.forward.total);
    expectPair(await m.forwardAsync(x()), fx.forward);
  });

  test('dispose: like a ScriptModule, later use is an Error; TorchScript keeps its own reference', () => {
    const held = m.held;
    expect(held.isDisposed).toBe(false);
    held.dispose();
    held.dispose();  // twice is fine
    expect(held.isDisposed).toBe(true);
    expect(() => held.b).toThrow('ScriptObject has been disposed');
    expect(() => held.runMethod('total')).toThrow('ScriptObject has been disposed');
    expect(() => m.runMethod('take', held)).toThrow('ScriptObject has been disposed');
    expectPair(m.held, fx.held);
    const mm = torch.jit.load(file);
    mm.dispose();
    expect(() => mm.held).toThrow('ScriptModule has been disposed');
  });
});

describe('Generators returned by TorchScript', () => {
  test('a torch.Generator result is lib\'s Generator, seeded as in Python', () => {
    const m = torch.jit.load(file);
    const g = m.runMethod('gen', 7);
    expect(g).toBeInstanceOf(torch.Generator);
    expect(g.initialSeed()).toBe(fx.gen.initialSeed);
    expectClose(torch.rand(3, { generator: g }).tolist(), fx.gen.draw);
  });

  test('a Generator attribute: read (shared with TorchScript) and set', () => {
    const m = torch.jit.load(file);
    expect(m.rng).toBeNull();
    m.runMethod('seed_rng', 11);
    const g = m.rng;
    expect(g).toBeInstanceOf(torch.Generator);
    expect(g.initialSeed()).toBe(fx.rngAttribute.initialSeed);
    expectClose(torch.rand(2, { generator: g }).tolist(), fx.rngAttribute.first);
    expectClose(m.runMethod('draw', 2).tolist(), fx.rngAttribute.then);
    m.rng = new torch.Generator().manualSeed(13);
    expectClose(m.runMethod('draw', 3).tolist(), fx.rngSet);
    expect(() => { m.rng = 3; }).toThrow("Expected a value of type 'Optional[Generator]' for attribute 'rng' but instead found type 'int'.");
  });
});
