// Tensor.shareMemory_ / isShared, Module.shareMemory and Adagrad.shareMemory against PyTorch
// (scripts/fixtures/share_memory.py).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { native } from '../lib/native';
import { expectClose, expectError, fixture } from './helpers';

interface Fx {
  before: boolean; returns_self: boolean; after: boolean; early_view_shared: boolean; late_view_shared: boolean;
  data_shared: boolean; nbytes_same: boolean; values: number[]; double_call_same_storage: boolean;
  noncontig: { shared: boolean; values: number[][]; stride: number[]; offset: number };
  bool: { shared: boolean; values: boolean[] }; empty_shared: boolean;
  shrink: { shared: boolean; values: number[] }; resize_error: string;
  loaded: { shared: boolean; values: number[] }; sparse_errors: string[]; meta: { is_shared: boolean; share_error: string };
  module_before: boolean[]; module_returns_self: boolean; module_params: boolean[]; module_param_data: boolean[];
  module_buffers: boolean[]; sums_before: boolean[]; sums_after: boolean[];
  after_step: { params: unknown[]; sums: unknown[]; buffers: unknown[]; shared: boolean[] };
}
const fx = fixture<Fx>('share_memory.json');
const { nn, optim } = torch;

const openFds = (): number => fs.readdirSync('/proc/self/fd').length;

describe('Tensor.shareMemory_', () => {
  test('moves the storage in place: same values, views and .data see it, the size stays', () => {
    const t = torch.arange(6, { dtype: torch.float32 });
    const earlyView = t.get('2:');
    expect(t.isShared()).toBe(fx.before);
    const [id, nbytes] = native.storageInfo(t._h);
    const charged = torch.memory().liveBytes;
    expect(t.shareMemory_()).toBe(t);
    expect(fx.returns_self).toBe(true);
    expect(t.isShared()).toBe(fx.after);
    expect(earlyView.isShared()).toBe(fx.early_view_shared);
    expect(t.get('1:4').isShared()).toBe(fx.late_view_shared);
    expect(t.data.isShared()).toBe(fx.data_shared);
    const [idAfter, nbytesAfter] = native.storageInfo(t._h);
    expect(idAfter).toBe(id);
    expect(nbytesAfter === nbytes).toBe(fx.nbytes_same);
    expect(torch.memory().liveBytes).toBe(charged);
    earlyView.mul_(10);
    expectClose(t.tolist(), fx.values);
  });

  test('a second call is a no-op (the same shared block)', () => {
    const t = torch.arange(6, { dtype: torch.float32 }).shareMemory_();
    const fds = openFds();
    t.mul_(2);
    t.shareMemory_();
    expect(openFds()).toBe(fds);
    expect(t.isShared()).toBe(fx.double_call_same_storage);
    expectClose(t.tolist(), [0, 2, 4, 6, 8, 10]);
  });

  test('strides, offsets and dtypes survive; empty tensors are shared too', () => {
    const nc = torch.arange(12).reshape(3, 4).t().get('1:');
    nc.shareMemory_();
    expect(nc.isShared()).toBe(fx.noncontig.shared);
    expectClose(nc.tolist(), fx.noncontig.values);
    expect(nc.stride()).toEqual(fx.noncontig.stride);
    expect(nc.storageOffset()).toBe(fx.noncontig.offset);
    const b = torch.tensor([true, false, true]).shareMemory_();
    expect(b.isShared()).toBe(fx.bool.shared);
    expect(b.tolist()).toEqual(fx.bool.values);
    expect(torch.empty(0).shareMemory_().isShared()).toBe(fx.empty_shared);
  });

  test('a shared storage may shrink a view but not grow', () => {
    const small = torch.arange(4, { dtype: torch.float32 }).shareMemory_();
    small.resize_(2);
    expect(small.isShared()).toBe(fx.shrink.shared);
    expectClose(small.tolist(), fx.shrink.values);
    const t = torch.arange(6, { dtype: torch.float32 }).shareMemory_();
    expectError(() => t.resize_(100), fx.resize_error);
    expect(native.storageInfo(t._h)[1]).toBe(24);
    expect(t.isShared()).toBe(true);
  });

  test('a shared tensor saves as any other, and loads unshared (files both ways with PyTorch)', () => {
    const fromPy = torch.load(path.join(__dirname, 'fixtures', 'generated', 'share_memory.pth')) as torch.Tensor;
    expect(fromPy.isShared()).toBe(fx.loaded.shared);
    expectClose(fromPy.tolist(), fx.loaded.values);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'shm-')), 'shared.pth');
    torch.save(fromPy.shareMemory_(), file);
    const back = torch.load(file) as torch.Tensor;
    expect(back.isShared()).toBe(fx.loaded.shared);
    expect(back.equal(fromPy)).toBe(true);
    fs.rmSync(path.dirname(file), { recursive: true });
  });

  test("PyTorch's errors without a CPU storage: sparse and meta tensors", () => {
    const sparse = torch.eye(2).toSparse();
    expectError(() => sparse.isShared(), fx.sparse_errors[0]);
    expectError(() => sparse.shareMemory_(), fx.sparse_errors[1]);
    const meta = torch.empty(2, { device: 'meta' });
    expect(meta.isShared()).toBe(fx.meta.is_shared);
    expectError(() => meta.shareMemory_(), fx.meta.share_error);
  });

  test('binds as Python does', () => {
    const t = torch.zeros(2);
    expectError(() => (t.shareMemory_ as (x: number) => unknown)(1), 'Tensor.share_memory_() takes 1 positional argument but 2 were given', 'TypeError');
  });

  test('the shared block is released with the tensor (no descriptor left open)', () => {
    const fds = openFds();
    const ts = Array.from({ length: 4 }, () => torch.ones(1000).shareMemory_());
    expect(openFds()).toBe(fds + 4);
    const before = torch.memory().liveBytes;
    ts.forEach((t) => t.dispose());
    expect(torch.memory().liveBytes).toBe(before - 4 * 4000);
    expect(openFds()).toBe(fds);
  });
});

describe('Module.shareMemory and Adagrad.shareMemory', () => {
  test('every parameter and buffer is shared; training afterwards matches PyTorch', () => {
    torch.manualSeed(0);
    const m = new nn.Sequential(new nn.Linear(3, 2), new nn.BatchNorm1d(2));
    const params = [...m.parameters()];
    const buffers = [...m.buffers()];
    expect([...params, ...buffers].map((t) => t.isShared())).toEqual(fx.module_before);
    const charged = torch.memory().liveBytes;
    expect(m.shareMemory()).toBe(m);
    expect(fx.module_returns_self).toBe(true);
    expect(torch.memory().liveBytes).toBe(charged);
    expect([...m.parameters()]).toEqual(params);
    expect(params.map((p) => p.isShared())).toEqual(fx.module_params);
    expect(params.map((p) => p.data.isShared())).toEqual(fx.module_param_data);
    expect([...m.buffers()].map((b) => b.isShared())).toEqual(fx.module_buffers);
    const opt = new optim.Adagrad(m.parameters(), { lr: 0.1, initialAccumulatorValue: 0.5 });
    const sumOf = (p: torch.Tensor) => opt.state.get(p)!.sum as torch.Tensor;
    expect(params.map((p) => sumOf(p).isShared())).toEqual(fx.sums_before);
    opt.shareMemory();
    expect(params.map((p) => sumOf(p).isShared())).toEqual(fx.sums_after);
    const x = torch.arange(12, { dtype: torch.float32 }).reshape(4, 3).div(10);
    for (let i = 0; i < 2; i++) {
      opt.zeroGrad();
      m.call(x).pow(2).sum().backward();
      opt.step();
    }
    expectClose(params.map((p) => p.tolist()), fx.after_step.params, 1e-5, 1e-6);
    expectClose(params.map((p) => sumOf(p).tolist()), fx.after_step.sums, 1e-5, 1e-6);
    expectClose([...m.buffers()].map((b) => b.tolist()), fx.after_step.buffers, 1e-5, 1e-6);
    expect([...params.map((p) => p.isShared()), ...params.map((p) => sumOf(p).isShared())]).toEqual(fx.after_step.shared);
  });
});
