// Thousands of malformed calls against the API: every one must end as a JS Error (or, by chance,
// a valid result), never as a crash, an abort or a non-Error throw. Seeded, so a failure replays.
import * as torch from '../lib';
import { rng } from './helpers';

const METHODS = [
  'add', 'sub', 'mul', 'div', 'matmul', 'sum', 'mean', 'reshape', 'view', 'to', 'item', 'size', 'stride', 'expand',
  'select', 'narrow', 'slice', 'index', 'indexSelect', 'gather', 'scatter_', 'maskedFill', 'split', 'chunk', 'max', 'min',
  'argmax', 'var', 'std', 'norm', 'logsumexp', 'mm', 'bmm', 'addmm', 'clamp', 'softmax', 'logSoftmax', 'permute',
  'transpose', 'flatten', 'squeeze', 'unsqueeze', 'pow', 'eq', 'exp', 'relu', 'backward', 'requiresGrad_', 'normal_',
  'uniform_', 'add_', 'mul_', 'div_', 'tolist', 'toTypedArray',
];
const FUNCTIONS = ['tensor', 'zeros', 'ones', 'empty', 'full', 'arange', 'rand', 'randn', 'randint', 'randperm', 'cat', 'stack', 'where', 'manualSeed'];

describe('fuzz: malformed calls', () => {
  test('10,000+ malformed calls each give a JS Error and the process survives', () => {
    const next = rng(Number(process.env.TORCHNODE_FUZZ_SEED ?? 20261127));
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
    const disposed = torch.ones(2);
    disposed.dispose();
    const tensors = [
      torch.ones(2, 3), torch.zeros(3), torch.tensor(5), torch.arange(6), torch.tensor([true, false]),
      torch.ones(1, 2, 3, { dtype: torch.float16 }), torch.zeros(0, 3), torch.ones(2, { requiresGrad: true }), disposed,
    ];
    const values = (): unknown[] => [
      undefined, null, NaN, Infinity, -Infinity, -1, -7, 0, 1, 2, 3, 1.5, -0.5, 2 ** 40, 2 ** 62, -(2 ** 62), 2 ** 64,
      10n ** 30n, -1n, '', 'x', 'cpu', 'cuda:99', 'float32', true, false, {}, { dim: 1 }, [], [1.5], ['a'], [null],
      [[1, 2], [3]], [-5, -5], [2 ** 40, 2 ** 40], [1, 2, 3, 4, 5, 6, 7, 8, 9], () => 1, Symbol('s'), new Float32Array(3),
      torch.float64, torch.int8, pick(tensors), pick(tensors), [pick(tensors), 3], [pick(tensors), pick(tensors)],
    ];
    let errors = 0;
    let results = 0;
    const N = Number(process.env.TORCHNODE_FUZZ_CALLS ?? 15000); // longer runs: set the variable
    for (let i = 0; i < N; i++) {
      const pool = values();
      const args = Array.from({ length: Math.floor(next() * 4) }, () => pick(pool));
      const useMethod = next() < 0.7;
      const name = useMethod ? pick(METHODS) : pick(FUNCTIONS);
      try {
        if (useMethod) {
          const self = pick(tensors) as unknown as Record<string, (...a: unknown[]) => unknown>;
          self[name]!(...args);
        } else {
          (torch as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...args);
        }
        results++;
      } catch (e) {
        const err = e as { name?: unknown; message?: unknown };
        if (typeof err.message !== 'string' || !['Error', 'TypeError', 'RangeError'].includes(String(err.name))) {
          throw new Error(`call ${i} ${name}(${args.map(String).join(', ')}) threw a non-Error: ${String(e)}`);
        }
        if (err.message.includes('\n  frame #') || err.message.includes('Exception raised from')) {
          throw new Error(`call ${i} ${name}: message carries a C++ backtrace: ${err.message}`);
        }
        errors++;
      }
      // The process can still compute after every call.
      if (i % 1000 === 999) expect(torch.ones(2).add(1).sum().item()).toBe(4);
    }
    expect(errors + results).toBe(N);
    expect(errors).toBeGreaterThanOrEqual(Math.min(10000, N * 0.6));
  }, 300000);
});
