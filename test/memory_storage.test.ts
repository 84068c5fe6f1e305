// Memory accounting per storage: torch.memory().liveBytes grows by the bytes of each distinct
// storage live handles hold (views share one), follows resize_, set_, x.data = y and out= as they
// change a storage or its size, and returns to its baseline once the handles are gone. The bytes
// expected at each step are untyped_storage().nbytes() of the same tensors in PyTorch
// (scripts/fixtures/memory_storage.py). Tensor.set_ is checked against PyTorch's results and errors.
import * as path from 'path';
import * as torch from '../lib';
import { native } from '../lib/native';
import { expectError, fixture, liveTensorsAfterGc } from './helpers';

type Err = { type: string; message: string };
type SetCase = { returns_self: boolean; shape: number[]; stride: number[]; offset: number; values: unknown; shares: boolean; is_set_to: boolean };
const fx = fixture<{
  sequences: {
    resize: number[];
    resize_view: { steps: number[]; base_numel: number; view_shape: number[] };
    set_tensor: { steps: number[]; after_y_gone: number };
    set_grow: { steps: number[]; nbytes: number };
    set_empty: { steps: number[]; shape: number[] };
    set_storage: { steps: number[]; values: number[][] };
    set_data: { steps: number[]; after_y_gone: number };
    views: { steps: number[] };
    inplace_out: { steps: number[]; c_shape: number[] };
    saved_output: { steps: number[] };
    out_failed: { steps: number[]; o_shape: number[] };
    list_out: { steps: number[]; returns_none: boolean; shapes: number[][] };
    script_resize: { steps: number[] };
  };
  set_: Record<'tensor' | 'offset_size' | 'offset_size_stride' | 'empty_size', SetCase> & {
    write_through: { source: number[] };
    no_source: { shape: number[]; stride: number[]; offset: number; nbytes: number };
  };
  load_views: { held: number; storages: number };
  set_errors: Record<'dtype' | 'negative_offset' | 'negative_size' | 'stride_length' | 'leaf' | 'bad_type', Err>;
  set_errors_after: { shares_source: boolean; nbytes: number };
}>('memory_storage.json');
const seq = fx.sequences;

// liveBytes and the CPU slot's bytes above a baseline taken when the sequence starts.
function meter(): () => number {
  const m0 = torch.memory();
  return () => {
    const m = torch.memory();
    expect(m.devices.cpu.liveBytes - m0.devices.cpu.liveBytes).toBe(m.liveBytes - m0.liveBytes);
    return m.liveBytes - m0.liveBytes;
  };
}

// Disposes the tensors and checks that every byte and handle came back.
function releaseAll(base: torch.MemoryInfo, ...ts: torch.Tensor[]): void {
  for (const t of ts) t.dispose();
  const m = torch.memory();
  expect(m.liveBytes).toBe(base.liveBytes);
  expect(m.liveTensors).toBe(base.liveTensors);
  expect(m.devices.cpu.liveBytes).toBe(base.devices.cpu.liveBytes);
}

describe('torch.memory() counts each storage once and follows its size', () => {
  test('resize_ grows the charge, and shrinking keeps the storage (as ATen does)', () => {
    const base = torch.memory();
    const bytes = meter();
    const x = torch.zeros(10);
    const steps = [bytes()];
    expect(x.resize_(1000, 1000)).toBe(x);
    steps.push(bytes());
    x.resize_(10);
    steps.push(bytes());
    expect(steps).toEqual(seq.resize);
    expect(torch.memory().peakBytes).toBeGreaterThanOrEqual(base.liveBytes + 4e6);
    releaseAll(base, x);
  });

  test('a view resized past its end grows the storage its base shares', () => {
    const base = torch.memory();
    const bytes = meter();
    const x = torch.zeros(10);
    const v = x.narrow(0, 2, 8);
    const steps = [bytes()];
    v.resize_(100);
    steps.push(bytes());
    expect({ steps, base_numel: x.numel(), view_shape: [...v.shape] }).toEqual(seq.resize_view);
    releaseAll(base, x, v);
  });

  test('set_ to another tensor lets the old storage go and shares the source', () => {
    const base = torch.memory();
    const bytes = meter();
    const x = torch.zeros(10);
    const y = torch.zeros(100);
    const steps = [bytes()];
    x.set_(y);
    steps.push(bytes());
    y.dispose();
    expect({ steps, after_y_gone: bytes() }).toEqual(seq.set_tensor);
    releaseAll(base, x);
  });

  test('set_ with an offset, size and stride past the end grows the source storage', () => {
    const base = torch.memory();
    const bytes = meter();
    const x = torch.zeros(10);
    const y = torch.zeros(100);
    x.set_(y, 50, [30, 4], [2, 1]);
    expect({ steps: [bytes()], nbytes: native.storageInfo(y._h)[1] }).toEqual(seq.set_grow);
    releaseAll(base, x, y);
  });

  test('set_() and set_ over part of another storage', () => {
    const base = torch.memory();
    let bytes = meter();
    const e = torch.zeros(10);
    e.set_();
    expect({ steps: [bytes()], shape: [...e.shape] }).toEqual(seq.set_empty);
    releaseAll(base, e);
    bytes = meter();
    const x = torch.zeros(3);
    const y = torch.arange(24, { dtype: torch.float32 });
    x.set_(y, 4, [2, 3], [6, 2]);
    expect({ steps: [bytes()], values: x.tolist() }).toEqual(seq.set_storage);
    releaseAll(base, x, y);
  });

  test('x.data = y moves x to y\'s storage', () => {
    const base = torch.memory();
    const bytes = meter();
    const x = torch.zeros(10);
    const y = torch.zeros(1000);
    const steps = [bytes()];
    x.data = y;
    steps.push(bytes());
    y.dispose();
    expect({ steps, after_y_gone: bytes() }).toEqual(seq.set_data);
    releaseAll(base, x);
  });

  test('views share their base\'s charge, whichever handle goes first', () => {
    const base = torch.memory();
    const bytes = meter();
    const x = torch.zeros(100);
    const steps = [bytes()];
    const v = x.view(10, 10);
    const t = v.t();
    steps.push(bytes());
    x.dispose();
    steps.push(bytes());
    v.dispose();
    steps.push(bytes());
    expect({ steps }).toEqual(seq.views);
    expect(native.storageCharge(t._h)).toEqual([400, 1]);
    releaseAll(base, t);
  });

  test('in-place ops keep the charge; an out= tensor is charged at its new size', () => {
    const base = torch.memory();
    const bytes = meter();
    const a = torch.ones(100);
    const b = torch.ones(100);
    const c = torch.empty(0);
    const steps = [bytes()];
    a.add_(b).mul_(2);
    steps.push(bytes());
    expect(torch.add(a, b, { out: c })).toBe(c);
    steps.push(bytes());
    expect({ steps, c_shape: [...c.shape] }).toEqual(seq.inplace_out);
    releaseAll(base, a, b, c);
  });

  test('an out= tensor resized by an op that then fails is charged at its new size', () => {
    const index = torch.tensor([0, 1, 2, 99]); // before the meter: Python's steps leave it out
    const base = torch.memory();
    const bytes = meter();
    const x = torch.zeros(10, 1000);
    const o = torch.empty(0);
    const steps = [bytes()];
    expect(() => torch.indexSelect(x, 0, index, { out: o })).toThrow(/out of range/);
    steps.push(bytes());
    expect({ steps, o_shape: [...o.shape] }).toEqual(seq.out_failed);
    releaseAll(base, x, o);
    index.dispose();
  });

  test('a list out= argument: each tensor charged at its new size; returns None as Python does', () => {
    const base = torch.memory();
    const bytes = meter();
    const x = torch.zeros(2, 1000);
    const [a, b] = [torch.empty(0), torch.empty(0)];
    const steps = [bytes()];
    const returned = torch.unbindCopy(x, 0, { out: [a, b] });
    steps.push(bytes());
    expect({ steps, returns_none: returned === undefined, shapes: [[...a.shape], [...b.shape]] }).toEqual(seq.list_out);
    releaseAll(base, x, a, b);
  });

  test('a TorchScript method that resizes its argument: the charge follows', () => {
    const grow = torch.jit.load(path.join(__dirname, 'fixtures', 'generated', 'memory_storage_grow.pt'));
    const base = torch.memory();
    const bytes = meter();
    const x = torch.zeros(10);
    const steps = [bytes()];
    grow.forward(x, 250000);
    steps.push(bytes());
    expect({ steps }).toEqual(seq.script_resize);
    releaseAll(base, x);
    grow.dispose();
  });

  test('a GC run by the report of a new charge (finalizers changing the map) leaves every count right', async () => {
    // V8 may collect inside napi_adjust_external_memory, while a charge is being recorded: the
    // finalizers of dead handles then remove their storages from the same map. Earlier tests'
    // garbage (of other sizes) is collected first, so only this test's can be left at the end.
    await liveTensorsAfterGc();
    const base = torch.memory();
    const keep = Array.from({ length: 1000 }, () => torch.zeros(1));
    const big: torch.Tensor[] = [];
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 100; i++) torch.zeros(1); // garbage for the collector
      const t = torch.empty(1 << 22); // 16 MiB: each report can start a collection
      expect(native.storageCharge(t._h)).toEqual([16 << 20, 1]);
      big.push(t);
    }
    for (const t of [...keep, ...big]) t.dispose();
    // What is left is garbage the collector has not reached yet: one 4-byte storage per handle.
    const m = torch.memory();
    expect(m.liveBytes - base.liveBytes).toBe(4 * (m.liveTensors - base.liveTensors));
  });

  test('an output autograd saves for backward is counted (once) while a handle holds it', () => {
    const base = torch.memory();
    const bytes = meter();
    const a = torch.randn(1000, { requiresGrad: true });
    const steps = [bytes()];
    const b = a.exp();
    steps.push(bytes());
    const s = b.sum();
    s.backward();
    s.dispose();
    const g = a.grad!;
    steps.push(bytes());
    expect({ steps }).toEqual(seq.saved_output);
    releaseAll(base, g, b, a);
  });

  test('many handles over one storage count it once; storageCharge says how many share it', () => {
    const base = torch.memory();
    const bytes = meter();
    const x = torch.zeros(256);
    const views = Array.from({ length: 50 }, (_, i) => x.narrow(0, i, 10));
    expect(bytes()).toBe(1024);
    expect(native.storageCharge(views[7]!._h)).toEqual([1024, 51]);
    releaseAll(base, ...views, x);
    const gone = torch.zeros(1);
    gone.dispose();
    expect(native.storageCharge(gone._h)).toEqual([0, 0]);
  });
});

describe('storages made outside ops', () => {
  test('torch.load: tensors sharing a saved storage are counted once, as PyTorch loads them', () => {
    const base = torch.memory();
    const bytes = meter();
    const loaded = torch.load(path.join(__dirname, 'fixtures', 'generated', 'memory_storage_views.pth')) as Map<string, torch.Tensor>;
    const ts = [...loaded.values()];
    expect(new Set(ts.map((t) => native.storageInfo(t._h)[0])).size).toBe(fx.load_views.storages);
    expect(bytes()).toBe(fx.load_views.held);
    releaseAll(base, ...ts);
  });

  test('exportTensor: the exported handle stops counting; other handles on the storage still count it', () => {
    const base = torch.memory();
    const bytes = meter();
    const x = torch.zeros(64);
    const v = x.narrow(0, 8, 8);
    const id = native.exportTensor(x._h);
    expect(bytes()).toBe(256);
    v.dispose();
    expect(bytes()).toBe(0);
    x.mul_(2); // an exported handle is not counted again by an in-place op
    expect(bytes()).toBe(0);
    const back = new torch.Tensor(native.importTensor(id));
    expect(bytes()).toBe(256);
    releaseAll(base, back, x);
  });
});

describe('Tensor.set_ as PyTorch', () => {
  const y = torch.arange(24, { dtype: torch.float32 });
  afterAll(() => y.dispose());
  const argsOf: Record<keyof typeof fx.set_ & string, unknown[]> = {
    tensor: [],
    offset_size: [5, [3, 4]],
    offset_size_stride: [2, [3, 4], [1, 3]],
    empty_size: [7, [0]],
  } as never;

  test.each(['tensor', 'offset_size', 'offset_size_stride', 'empty_size'] as const)('set_(source, ...) %s', (name) => {
    const x = torch.zeros(2);
    const r = (x.set_ as (...a: unknown[]) => torch.Tensor)(y, ...argsOf[name]);
    const storage = (t: torch.Tensor): string => native.storageInfo(t._h)[0];
    expect({
      returns_self: r === x,
      shape: [...x.shape],
      stride: x.stride(),
      offset: x.storageOffset(),
      values: x.tolist(),
      shares: storage(x) === storage(y),
      is_set_to: x.isSetTo(y),
    }).toEqual(fx.set_[name]);
    x.dispose();
  });

  test('keyword form, writes through to the source, and set_() with no source', () => {
    const src = torch.arange(24, { dtype: torch.float32 });
    const x = torch.zeros(1);
    x.set_({ source: src, storageOffset: 1, size: [2, 2] });
    x.mul_(-1);
    expect(src.tolist()).toEqual(fx.set_.write_through.source);
    const e = torch.zeros(3);
    e.set_();
    const n = fx.set_.no_source;
    expect([[...e.shape], e.stride(), e.storageOffset(), native.storageInfo(e._h)[1]]).toEqual([n.shape, n.stride, n.offset, n.nbytes]);
    [x, src, e].forEach((t) => t.dispose());
  });

  test('errors are PyTorch\'s', () => {
    const src = torch.arange(6, { dtype: torch.float32 });
    const leaf = torch.zeros(3, { requiresGrad: true });
    const e = fx.set_errors;
    const x = torch.zeros(2);
    const long = torch.arange(3);
    const base = torch.memory();
    expectError(() => x.set_(long), e.dtype.message, 'Error');
    expectError(() => x.set_(src, -1, [2]), e.negative_offset.message, 'Error');
    expectError(() => x.set_(src, 0, [-1]), e.negative_size.message, 'Error');
    expectError(() => x.set_(src, 0, [2, 2], [1]), e.stride_length.message, 'Error');
    expectError(() => leaf.set_(src), e.leaf.message, 'Error');
    // Python lists its Storage overloads too (torchnode has no Storage object), so only the class.
    expectError(() => (x.set_ as (a: unknown) => unknown)(1), undefined, e.bad_type.type);
    // As in PyTorch, a set_ that fails its size check has already taken the source's storage.
    const after = fx.set_errors_after;
    expect(native.storageCharge(x._h)).toEqual([after.nbytes, after.shares_source ? 2 : 1]);
    expect(torch.memory().liveBytes).toBe(base.liveBytes - (after.shares_source ? 8 : 0));
    [x, src, leaf, long].forEach((t) => t.dispose());
  });
});
