// formatTensor against repr() from real PyTorch (scripts/fixtures/printing.py).
import * as torch from '../lib';
import { inspect } from 'util';
import { formatFixed, formatSci, formatTensor } from '../lib/printing';
import { fixture } from './helpers';

interface Case { name: string; seed: number | null; python: string; ts: string; gradFn: string | null; expected: string }
const { cases } = fixture<{ cases: Case[] }>('printing.json');

describe('formatTensor matches repr() in PyTorch', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    if (c.seed !== null) torch.manualSeed(c.seed);
    // `nan` and `inf` spell NaN and Infinity as in Python (and keep the fixture's JSON plain).
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const t = new Function('torch', 'nan', 'inf', `return ${c.ts};`)(torch, NaN, Infinity) as torch.Tensor;
    expect(formatTensor(t, { gradFn: c.gradFn })).toBe(c.expected);
    // The tensor's own printing, with grad_fn read from libtorch, is the same text.
    expect(t.gradFn).toBe(c.gradFn);
    expect(String(t)).toBe(c.expected);
    expect(inspect(t)).toBe(c.expected);
  });

  test('torch.Size and dtypes print as in PyTorch', () => {
    expect(inspect(torch.zeros(2, 3).size())).toBe('torch.Size([2, 3])');
    expect(inspect(torch.float16)).toBe('torch.float16');
  });
});

describe("Python's float formatting", () => {
  test.each([
    [0.5, 0, '0'], [1.5, 0, '2'], [2.5, 0, '2'], [-0.5, 0, '-0'], [1e22, 0, '10000000000000000000000'],
    [0.125, 2, '0.12'], [0.375, 2, '0.38'], [-1e-9, 4, '-0.0000'], [0.1, 20, '0.10000000000000000555'],
  ])('%p with .%pf is %p', (x, p, s) => expect(formatFixed(x, p)).toBe(s));
  test.each([
    [0, 4, '0.0000e+00'], [1e5, 4, '1.0000e+05'], [1.25e-7, 1, '1.2e-07'], [9.99995, 4, '1.0000e+01'], [1.03125, 4, '1.0312e+00'],
    [9.999949, 4, '9.9999e+00'], [5e-324, 4, '4.9407e-324'], [-1.7976931348623157e308, 2, '-1.80e+308'], [Infinity, 4, 'inf'],
  ])('%p with .%pe is %p', (x, p, s) => expect(formatSci(x, p)).toBe(s));
});
