// nn.Module and the containers against real PyTorch (scripts/fixtures/module.py): the same
// program in Python and in TypeScript must produce the same lines.
import * as torch from '../lib';
import { expectError, fixture } from './helpers';

const scenarios = fixture<{ name: string; ts: string; out: string[] }[]>('module.json');

const py = (b: boolean): string => (b ? 'True' : 'False');
const pylist = (xs: Iterable<unknown>): string => `[${[...xs].map((x) => (typeof x === 'string' ? `'${x}'` : String(x))).join(', ')}]`;
const names = (it: Iterable<[string, unknown]>): string => [...it].map(([k]) => k).join(', ');
function err(fn: () => unknown): string {
  try {
    fn();
    return 'no error';
  } catch (e) {
    return (e as Error).message;
  }
}

describe('nn.Module matches PyTorch', () => {
  test.each(scenarios.map((s) => [s.name, s] as const))('%s', (_name, s) => {
    torch.manualSeed(0);
    const run = new Function('torch', 'nn', 'err', 'names', 'pylist', 'py', `let out; ${s.ts}; return out;`);
    const out = (run(torch, torch.nn, err, names, pylist, py) as unknown[]).map(String);
    expect(out).toEqual(s.out);
  });
});

describe('a failed loadStateDict changes nothing', () => {
  const checksum = (m: torch.nn.Module): string[] =>
    [...m.stateDict({ keepVars: true })].map(([k, t]) => `${k}:${t.dtype}:${t.shape}:${t.double().sum().item()}`);

  test('one bad key among good ones: no tensor is copied', () => {
    torch.manualSeed(0);
    const m = new torch.nn.Sequential(new torch.nn.Linear(3, 4), new torch.nn.BatchNorm1d(4), new torch.nn.Linear(4, 2));
    const before = checksum(m);
    const sd = new Map<string, torch.Tensor>();
    for (const [k, t] of m.stateDict()) sd.set(k, torch.fullLike(t, 7));
    sd.set('2.weight', torch.zeros(3, 4)); // size mismatch, last in order: PyTorch has copied the rest by then
    expectError(() => m.loadStateDict(sd), 'size mismatch for 2.weight');
    expect(checksum(m)).toEqual(before);
    sd.delete('2.weight');
    expectError(() => m.loadStateDict(sd), 'Missing key(s) in state_dict: "2.weight"');
    expect(checksum(m)).toEqual(before);
    // Not strict: the missing key is reported, the rest is loaded.
    const result = m.loadStateDict(sd, { strict: false });
    expect(result.missingKeys).toEqual(['2.weight']);
    expect(m.getParameter('0.weight').sum().item()).toBe(7 * 12);
  });

  test('loading keeps the Parameter objects (an optimizer holding them stays valid)', () => {
    const m = new torch.nn.Linear(2, 2);
    const w = m.weight;
    m.loadStateDict(new Map([['weight', torch.ones(2, 2)], ['bias', torch.zeros(2)]]));
    expect(m.weight).toBe(w);
    expect(w.sum().item()).toBe(4);
    expect(w.requiresGrad).toBe(true);
    expect(w.isLeaf).toBe(true);
  });
});

describe('registration by assignment', () => {
  test('reading an unknown name fails like PyTorch and names it', () => {
    const m = new torch.nn.Sequential(new torch.nn.ReLU());
    expectError(() => (m as unknown as { conv3: unknown }).conv3, "'Sequential' object has no attribute 'conv3'");
    // Probes by JavaScript itself stay undefined (promises, JSON).
    expect((m as unknown as { then?: unknown }).then).toBeUndefined();
    expect('conv3' in m).toBe(false);
  });

  test('parameters survive a tidy scope around construction', () => {
    const m = torch.tidy(() => new torch.nn.Linear(2, 2));
    expect(m.weight.isDisposed).toBe(false);
    expect(m.call(torch.ones(1, 2)).shape).toEqual([1, 2]);
  });
});
