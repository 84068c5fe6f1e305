// torch.nn.utils.rnn and RNN/LSTM/GRU over PackedSequences against real PyTorch
// (scripts/fixtures/packed_sequence.py): packing, padding, unpadding, and the recurrent layers'
// outputs, hidden states and gradients for bidirectional, multi-layer, unsorted batches.
import * as torch from '../lib';
import { describe as describeTensor, expectClose, expectError, fixture, type Described } from './helpers';

const { nn } = torch;
const R = nn.utils.rnn;
type T = torch.Tensor;

interface Packed {
  data: Described;
  batch_sizes: Described;
  sorted_indices: Described | null;
  unsorted_indices: Described | null;
}
interface RnnCase {
  kind: 'RNN' | 'LSTM' | 'GRU';
  kwargs: Record<string, unknown>;
  lengths: number[];
  seqs: number[][][];
  h0: torch.NestedArray | null;
  c0: torch.NestedArray | null;
  weights: torch.NestedArray[];
  out: Packed;
  padded_out: Described;
  out_lengths: Described;
  hidden: Described[];
  seq_grads: Described[];
  h0_grad: Described | null;
  c0_grad: Described | null;
  param_grads: Record<string, Described>;
}
const data = fixture<{ utils: Record<string, any>; rnn: RnnCase[]; hooked: unknown[] }>('packed_sequence.json');
const u = data.utils;

function expectTensor(actual: T | null, expected: Described | null, rtol = 1e-6, atol = 1e-7): void {
  if (expected === null) {
    expect(actual).toBeNull();
    return;
  }
  expect(actual).not.toBeNull();
  const d = describeTensor(actual!);
  expect([d.dtype, d.shape]).toEqual([expected.dtype, expected.shape]);
  expectClose(d.data, expected.data, rtol, atol);
}
function expectPacked(actual: torch.nn.utils.rnn.PackedSequence, expected: Packed, rtol = 1e-6, atol = 1e-7): void {
  expect(actual).toBeInstanceOf(R.PackedSequence);
  expectTensor(actual.data, expected.data, rtol, atol);
  expectTensor(actual.batchSizes, expected.batch_sizes);
  expectTensor(actual.sortedIndices, expected.sorted_indices);
  expectTensor(actual.unsortedIndices, expected.unsorted_indices);
}
const camel = (k: string): string => k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

describe('torch.nn.utils.rnn matches PyTorch', () => {
  const seqs = (): T[] => (u.seqs as number[][][]).map((s) => torch.tensor(s));

  test('padSequence: time-major, batchFirst with a padding value, left padding', () => {
    expectTensor(R.padSequence(seqs()), u.pad);
    expectTensor(R.padSequence(seqs(), true, -1), u.pad_batch_first);
    expectTensor(R.padSequence(seqs(), { batchFirst: true, paddingSide: 'left' }), u.pad_left);
  });

  test('packSequence unsorted, padPackedSequence back with totalLength, unpackSequence', () => {
    const p = R.packSequence(seqs(), { enforceSorted: false });
    expectPacked(p, u.pack_unsorted);
    const [padded, lengths] = R.padPackedSequence(p, { batchFirst: true, paddingValue: 9, totalLength: 6 });
    expectTensor(padded, u.pad_packed[0]);
    expectTensor(lengths, u.pad_packed[1]);
    R.unpackSequence(p).forEach((s, i) => expectTensor(s, u.unpack[i]));
    expectPacked(p.double(), u.double);
    const [d, b, s, us] = p;
    expect([d, b, s, us]).toEqual([p.data, p.batchSizes, p.sortedIndices, p.unsortedIndices]);
  });

  test('sorted packing, lengths as a list, unpadSequence (which transposes its input in place, as PyTorch does)', () => {
    const [a, b, c] = seqs();
    expectPacked(R.packSequence([a!, c!, b!]), u.pack_sorted);
    expectPacked(R.packPaddedSequence(R.padSequence([a!, c!, b!], { batchFirst: true }), [4, 3, 2], true), u.pack_padded_list_lengths);
    const padded = R.padSequence(seqs());
    R.unpadSequence(padded, torch.tensor([4, 2, 3])).forEach((s, i) => expectTensor(s, u.unpad[i]));
    expectTensor(padded, u.unpad_transposed);
    expectTensor(R.invertPermutation(torch.tensor([2, 0, 3, 1])), u.invert);
  });

  test("repr and PyTorch's errors", () => {
    expect(String(R.packSequence([torch.tensor([1, 2], { dtype: torch.float32 }), torch.tensor([3], { dtype: torch.float32 })]))).toBe(u.repr);
    expectError(() => R.packSequence(seqs()), u.errors.unsorted.message);
    const p = R.packSequence(seqs(), { enforceSorted: false });
    expectError(() => R.padPackedSequence(p, { totalLength: 3 }), u.errors.total_length.message, 'RangeError');
    expectError(() => new nn.LSTM(3, 4, { bias: 1 as never }), u.errors.bias_type.message, 'TypeError');
    expectError(() => new nn.GRU(torch.pyFloat(3) as never, 4), u.errors.input_size_type.message, 'TypeError');
    expectError(() => new nn.RNN(3, '4' as never), u.errors.hidden_size_type.message, 'TypeError');
  });
});

describe('RNN, LSTM and GRU over a PackedSequence match PyTorch', () => {
  test.each(data.rnn.map((c, i) => [`${c.kind} ${JSON.stringify(c.kwargs)}${c.h0 ? ' with hx' : ''}`, i] as const))('%s', (_name, i) => {
    const c = data.rnn[i]!;
    torch.manualSeed(i);
    const options = Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [camel(k), k === 'dropout' ? torch.pyFloat(v as number) : v]));
    const Cls = nn[c.kind] as unknown as new (...a: unknown[]) => torch.nn.RNNBase;
    const m = new Cls(3, 4, options).double();
    const seqs = c.seqs.map((s) => torch.tensor(s, { dtype: torch.float64, requiresGrad: true }));
    const batchFirst = (c.kwargs.batch_first as boolean | undefined) ?? false;
    const h0 = c.h0 === null ? null : torch.tensor(c.h0, { dtype: torch.float64, requiresGrad: true });
    const c0 = c.c0 === null ? null : torch.tensor(c.c0, { dtype: torch.float64, requiresGrad: true });
    const p = R.packPaddedSequence(R.padSequence(seqs, { batchFirst }), c.lengths, { batchFirst, enforceSorted: false });
    const hx = c.kind === 'LSTM' && h0 !== null ? [h0, c0!] : h0;
    torch.manualSeed(50 + i);
    const [out, hiddenOut] = (m.call as (...a: unknown[]) => [torch.nn.utils.rnn.PackedSequence, T | [T, T]])(p, hx);
    const hidden = Array.isArray(hiddenOut) ? hiddenOut : [hiddenOut];
    expectPacked(out, c.out, 1e-9, 1e-12);
    hidden.forEach((h, k) => expectTensor(h, c.hidden[k]!, 1e-9, 1e-12));
    const [unpacked, outLengths] = R.padPackedSequence(out, { batchFirst });
    expectTensor(unpacked, c.padded_out, 1e-9, 1e-12);
    expectTensor(outLengths, c.out_lengths);
    const weights = c.weights.map((w) => torch.tensor(w, { dtype: torch.float64 }));
    let loss = unpacked.mul(weights[0]!).sum();
    hidden.forEach((h, k) => {
      loss = loss.add(h.mul(weights[k + 1]!).sum());
    });
    loss.backward();
    seqs.forEach((s, k) => expectTensor(s.grad, c.seq_grads[k]!, 1e-8, 1e-10));
    expectTensor(h0?.grad ?? null, c.h0_grad, 1e-8, 1e-10);
    expectTensor(c0?.grad ?? null, c.c0_grad, 1e-8, 1e-10);
    const grads = Object.fromEntries([...m.namedParameters()].map(([n, q]) => [n, q.grad]));
    expect(Object.keys(grads)).toEqual(Object.keys(c.param_grads));
    for (const [n, g] of Object.entries(c.param_grads)) expectTensor(grads[n]!, g, 1e-8, 1e-10);
  });

  test('a module returning a PackedSequence keeps it through full backward hooks, which see its gradients', () => {
    class Packer extends nn.Module {
      override forward(padded: T, lengths: T): torch.nn.utils.rnn.PackedSequence {
        return R.packPaddedSequence(padded.mul(2), lengths, { enforceSorted: false });
      }
    }
    torch.manualSeed(0);
    const m = new Packer();
    const log: unknown[] = [];
    const list = (gs: (T | null)[]): unknown[] => gs.map((g) => (g === null ? null : g.tolist()));
    m.registerFullBackwardPreHook((_m, go) => { log.push(list(go)); });
    m.registerFullBackwardHook((_m, gi) => { log.push(list(gi)); });
    const padded = torch.randn([3, 2, 2], { requiresGrad: true });
    const out = m.call(padded, torch.tensor([2, 3]));
    log.push(out.constructor.name);
    out.data.mul(torch.arange(10, { dtype: torch.float32 }).reshape(5, 2)).sum().backward();
    log.push(padded.grad!.tolist());
    expectClose(log, data.hooked);
  });

  test("a packed input with the wrong hidden size gets PyTorch's error", () => {
    const m = new nn.GRU(3, 4);
    const p = R.packSequence([torch.randn(3, 3), torch.randn(2, 3)]);
    expectError(() => (m.call as (...a: unknown[]) => unknown)(p, torch.zeros(1, 3, 4)), 'Expected hidden size (1, 2, 4), got [1, 3, 4]');
  });
});
