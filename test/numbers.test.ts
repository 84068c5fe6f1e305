// Numbers across the JS boundary (issue 15), against what PyTorch computed in
// scripts/fixtures/js_numbers.py: every row of the issue's table, and a seeded sweep over the
// integer dtypes × boundary values for torch.tensor, torch.full, fill_, add, tolist and item.
// Each case is replayed here as real TypeScript, its JS arguments built by README's "Numbers"
// rule: a Python int is a number when it is a safe integer and a bigint otherwise; a Python float
// is a number, or torch.pyFloat(x) where the number alone would read as an int.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { Complex } from '../lib/complex';
import { complex128 } from '../lib/dtype';
import { fixture } from './helpers';

type Enc = { int: string } | { float: number } | { bool: boolean } | { str: string } | { none: true } | { complex: [number, number] } | Enc[];
type Plain = string | number | boolean | Plain[];
type Expected =
  | { tensor: { dtype: string; shape: number[]; data: Plain; requires_grad: boolean } }
  | { value: Plain }
  | { error: string; message: string };
interface Case {
  name: string;
  op: 'tensor' | 'typed' | 'full' | 'fill_' | 'add' | 'tolist' | 'item' | 'save';
  /** The TypedArray class ('typed' cases). */
  array?: string;
  data?: Enc;
  value?: Enc;
  dtype?: string | null;
  size?: number[];
  requiresGrad?: boolean;
  /** Python floats given to JS as plain numbers, integral or not (the requiresGrad rule). */
  plain?: boolean;
  /** Python ints given to JS as bigints, whatever their size. */
  bigint?: boolean;
  path?: string;
  files?: string[];
  expected: Expected;
}

const { cases } = fixture<{ cases: Case[] }>('numbers.json');

// Python's exception classes as JS's (README "Numbers").
const JS_ERROR: Record<string, string> = {
  TypeError: 'TypeError', RuntimeError: 'Error', NotImplementedError: 'Error',
  ValueError: 'RangeError', OverflowError: 'RangeError', IndexError: 'RangeError',
};

class Missing extends Error {}

function dtypeOf(name: string | null | undefined): torch.DType | undefined {
  if (name === null || name === undefined) return undefined;
  const d = (torch as unknown as Record<string, unknown>)[name];
  if (!(d instanceof torch.DType)) throw new Missing(`torch.${name} is not exported by torchnode`);
  return d;
}

/** The JS value README's rule makes of a Python value. */
function js(e: Enc, c: Case): unknown {
  if (Array.isArray(e)) return e.map((x) => js(x, c));
  if ('int' in e) {
    const b = BigInt(e.int);
    if (c.bigint) return b;
    return Number.isSafeInteger(Number(b)) && BigInt(Number(b)) === b ? Number(b) : b;
  }
  if ('float' in e) return !c.plain && Number.isSafeInteger(e.float) ? torch.pyFloat(e.float) : e.float;
  if ('bool' in e) return e.bool;
  if ('str' in e) return e.str;
  if ('complex' in e) return new Complex(e.complex[0], e.complex[1]);
  return null;
}

function options(c: Case): torch.TensorOptions {
  const o: torch.TensorOptions = {};
  const d = dtypeOf(c.dtype);
  if (d !== undefined) o.dtype = d;
  if (c.requiresGrad) o.requiresGrad = true;
  return o;
}

// The call each case names, in torchnode.
function call(c: Case): unknown {
  const t = torch as unknown as Record<string, (...args: unknown[]) => torch.Tensor>;
  switch (c.op) {
    case 'tensor':
      return torch.tensor(js(c.data!, c) as never, options(c));
    case 'typed': {
      const Ctor = (globalThis as unknown as Record<string, new (values: unknown[]) => torch.TypedArray>)[c.array!]!;
      const big = c.array!.startsWith('Big');
      const values = (c.data as Enc[]).map((e) => ('int' in e ? (big ? BigInt(e.int) : Number(e.int)) : 'float' in e ? e.float : NaN));
      return torch.tensor(new Ctor(values), options(c));
    }
    case 'full':
      return t.full!(c.size, js(c.value!, c), options(c));
    case 'fill_':
      return t.zeros!(1, options(c)).fill_(js(c.value!, c) as never);
    case 'add':
      return t.ones!(1, options(c)).add(js(c.value!, c) as never);
    case 'tolist':
      return torch.tensor(js(c.data!, c) as never, options(c)).tolist();
    case 'item':
      return torch.tensor(js(c.data!, c) as never, options(c)).item();
    case 'save': {
      // Python ran it in an empty folder; so does this, with the same relative path.
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchnode-numbers-'));
      const cwd = process.cwd();
      process.chdir(dir);
      try {
        for (const f of c.files ?? []) fs.writeFileSync(f, '');
        torch.save(torch.tensor([1]), c.path!);
        return undefined;
      } finally {
        process.chdir(cwd);
        const left = fs.readdirSync(dir).filter((f) => !(c.files ?? []).includes(f));
        fs.rmSync(dir, { recursive: true, force: true });
        if (left.length > 0) throw new Error(`save left ${left.join(', ')} behind`);
      }
    }
  }
}

const isIntString = (x: Plain): x is string => typeof x === 'string';

/** Exact comparison of a returned JS value with Python's; ints must be number or bigint by the rule. */
function sameValue(got: unknown, want: Plain, where: string, problems: string[]): void {
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) {
      problems.push(`${where}: ${show(got)} is not a list of ${want.length}`);
      return;
    }
    want.forEach((w, i) => sameValue(got[i], w, `${where}[${i}]`, problems));
    return;
  }
  if (isIntString(want)) {
    const b = BigInt(want);
    const safe = Number.isSafeInteger(Number(b)) && BigInt(Number(b)) === b;
    const ok = safe ? got === Number(b) : got === b;
    if (!ok) problems.push(`${where}: ${show(got)} instead of ${safe ? want : `${want}n`}`);
    return;
  }
  if (!Object.is(got, want)) problems.push(`${where}: ${show(got)} instead of ${show(want)}`);
}

function show(x: unknown): string {
  if (typeof x === 'bigint') return `${x}n`;
  if (Object.is(x, -0)) return '-0';
  if (Array.isArray(x)) return `[${x.map(show).join(', ')}]`;
  return typeof x === 'string' ? JSON.stringify(x) : String(x);
}

function flat(x: Plain): Plain[] {
  return Array.isArray(x) ? x.flatMap(flat) : [x];
}

// A tensor's elements, exactly: ints as decimal strings, bools, floats widened to float64.
function elements(t: torch.Tensor): Plain[] {
  const d = t.dtype;
  if (d === torch.bool) return Array.from(t.toTypedArray() as Uint8Array, (v) => v !== 0);
  if (d.isComplex) return Array.from(t.to(complex128).toTypedArray() as Float64Array);
  if (d.isFloatingPoint) {
    const w = t.to(torch.float64);
    return Array.from(w.toTypedArray() as Float64Array);
  }
  return Array.from(t.toTypedArray() as ArrayLike<number | bigint>, (v) => BigInt(v).toString());
}

/** What is wrong with the result of running `c` (nothing: an empty list). */
function check(c: Case): string[] {
  const problems: string[] = [];
  let got: unknown;
  let thrown: unknown;
  try {
    got = call(c);
  } catch (e) {
    if (e instanceof Missing) return [e.message];
    thrown = e;
  }
  const want = c.expected;
  if ('error' in want) {
    if (thrown === undefined) return [`expected ${JS_ERROR[want.error]} "${want.message}", got ${got instanceof torch.Tensor ? String(got) : show(got)}`];
    const err = thrown as { name?: string; message?: string };
    const message = String(err.message).split('\n')[0];
    if (err.name !== JS_ERROR[want.error] || message !== want.message) {
      problems.push(`expected ${JS_ERROR[want.error]} "${want.message}", got ${err.name} "${message}"`);
    }
    return problems;
  }
  if (thrown !== undefined) {
    const err = thrown as { name?: string; message?: string };
    return [`threw ${err.name} "${String(err.message).split('\n')[0]}"`];
  }
  if ('value' in want) {
    sameValue(got, want.value, 'value', problems);
    return problems;
  }
  const w = want.tensor;
  if (!(got instanceof torch.Tensor)) return [`expected a tensor, got ${show(got)}`];
  if (got.dtype.name !== w.dtype) problems.push(`dtype ${got.dtype.name} instead of ${w.dtype}`);
  if (JSON.stringify([...got.shape]) !== JSON.stringify(w.shape)) problems.push(`shape [${[...got.shape].join(', ')}] instead of [${w.shape.join(', ')}]`);
  if (got.requiresGrad !== w.requires_grad) problems.push(`requiresGrad ${got.requiresGrad} instead of ${w.requires_grad}`);
  if (problems.length === 0) {
    const a = elements(got);
    const e = flat(w.data);
    e.forEach((x, i) => {
      if (!Object.is(a[i], x)) problems.push(`[${i}]: ${show(a[i])} instead of ${show(x)}`);
    });
  }
  return problems;
}

const table = cases.filter((c) => !c.name.startsWith('sweep '));
const sweep = cases.filter((c) => c.name.startsWith('sweep '));

describe("the issue's table and the behaviours it names: same value or same error as PyTorch", () => {
  test.each(table.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(check(c)).toEqual([]);
  });
});

describe('seeded sweep: integer dtypes × boundary values', () => {
  // One test per op and dtype, listing every value that differs from PyTorch.
  const groups = new Map<string, Case[]>();
  for (const c of sweep) {
    const key = `${c.op} ${c.dtype ?? '(inferred)'}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  test.each([...groups].map(([k, cs]) => [k, cs.length, cs] as const))('%s (%d values)', (_key, _n, cs) => {
    const problems = cs.flatMap((c) => check(c).map((p) => `${c.name}: ${p}`));
    expect(problems).toEqual([]);
  });
});

describe('TypedArrays are NumPy arrays to torch.tensor (the typed cases above)', () => {
  test("a Buffer is a Uint8Array, and a view's own bytes are what count", () => {
    expect(torch.tensor(Buffer.from([1, 255])).dtype).toBe(torch.uint8);
    const view = new Int16Array(new Int16Array([1, 2, 3, 4]).buffer, 2, 2);
    expect(Array.from(torch.tensor(view).toTypedArray() as Int16Array)).toEqual([2, 3]);
  });

  test('a typed array is copied', () => {
    const src = new Int32Array([1, 2]);
    const t = torch.tensor(src);
    src[0] = 9;
    expect(Array.from(t.toTypedArray() as Int32Array)).toEqual([1, 2]);
  });
});

describe('torch.save errors name the path the user gave', () => {
  test('never the temporary file, for any failure of the file system', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchnode-numbers-'));
    try {
      const target = path.join(dir, 'adir');
      fs.mkdirSync(target);
      let message = '';
      try {
        torch.save(torch.tensor([1]), target);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toContain(`'${target}'`);
      expect(message).not.toContain('.tmp');
      expect(fs.readdirSync(dir)).toEqual(['adir']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
