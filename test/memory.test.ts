// Native memory really comes back: dispose(), tidy() scopes, and the GC path for code that does
// neither. RSS is measured in a separate process (test/memory/chain.js) per mode.
import { execFileSync } from 'child_process';
import * as path from 'path';
import * as torch from '../lib';
import { expectError } from './helpers';

const MB = 1024 * 1024;

function chain(mode: string, n: number): { start: number; peak: number; end: number; value: number; live: number } {
  const script = path.join(__dirname, 'memory', 'chain.js');
  return JSON.parse(execFileSync(process.execPath, [script, mode, String(n)], { encoding: 'utf8', timeout: 600000 }));
}

describe('memory under long loops (20,000 chained 1000x1000 adds)', () => {
  test('a loop that never disposes stays under 1.5 GB RSS', () => {
    const r = chain('gc', 20000);
    expect(r.value).toBe(20000 * 1e6);
    expect(r.peak).toBeLessThan(1.5 * 1024 * MB);
  }, 900000);

  test('with a scope per step, RSS stays within 100 MB of where it started', () => {
    const r = chain('tidy', 20000);
    expect(r.value).toBe(20000 * 1e6);
    expect(r.peak - r.start).toBeLessThan(100 * MB);
    expect(r.live).toBeLessThan(10);
  }, 900000);
});

describe('a small-CNN training loop that never disposes (test/memory/train.js)', () => {
  test('stays flat: RSS at step 2,000 within 5% of step 200', () => {
    const script = path.join(__dirname, 'memory', 'train.js');
    const r = JSON.parse(execFileSync(process.execPath, [script, '2000'], { encoding: 'utf8', timeout: 600000 }));
    // eslint-disable-next-line no-console
    console.log(`train.js: RSS step 200 ${(r.rssAtMark / MB).toFixed(1)} MB, step 2000 ${(r.rssEnd / MB).toFixed(1)} MB (x${r.ratio.toFixed(3)}); loss ${r.firstLoss.toFixed(3)} -> ${r.lastLoss.toFixed(4)}; live tensors ${r.liveEnd}`);
    expect(r.lastLoss).toBeLessThan(r.firstLoss / 10); // it really trained
    expect(r.rssEnd).toBeLessThan(r.rssAtMark * 1.05);
    expect(r.rssEnd).toBeGreaterThan(r.rssAtMark * 0.95);
  }, 600000);

  test('with a DataLoader of 2 worker threads and Adam (test/memory/train_workers.js): RSS at step 2,000 within 5% of step 200', () => {
    const script = path.join(__dirname, 'memory', 'train_workers.js');
    const r = JSON.parse(execFileSync(process.execPath, [script, '2000'], { encoding: 'utf8', timeout: 600000 }));
    // eslint-disable-next-line no-console
    console.log(`train_workers.js: RSS step 200 ${(r.rssAtMark / MB).toFixed(1)} MB, step 2000 ${(r.rssEnd / MB).toFixed(1)} MB (x${r.ratio.toFixed(3)}); loss ${r.firstLoss.toFixed(3)} -> ${r.lastLoss.toFixed(4)}; live tensors ${r.liveEnd}`);
    expect(r.lastLoss).toBeLessThan(r.firstLoss / 3); // it really trained
    expect(r.rssEnd).toBeLessThan(r.rssAtMark * 1.05);
    expect(r.rssEnd).toBeGreaterThan(r.rssAtMark * 0.95);
  }, 600000);
});

describe('the caching CPU allocator', () => {
  test('keeps small blocks in size classes, at most 512 a class, and emptyCache() returns them', () => {
    torch.emptyCache();
    const x = torch.ones(3); // 12 bytes: a 128-byte block with its header
    x.dispose();
    expect(torch.cpuCache().cachedBytes).toBe(128);
    const hits = torch.cpuCache().hits;
    const y = torch.ones(3);
    expect(torch.cpuCache().hits).toBe(hits + 1); // the freed block served the next tensor
    expect(torch.cpuCache().cachedBytes).toBe(0);
    y.dispose();
    const many = Array.from({ length: 600 }, () => torch.ones(3));
    torch.dispose(many);
    expect(torch.cpuCache().cachedBytes).toBe(512 * 128); // the rest went back to the system
    torch.emptyCache();
    expect(torch.cpuCache().cachedBytes).toBe(0);
  });

  test('setCpuCacheLimit(0) turns caching off, small blocks included', () => {
    const limit = torch.cpuCache().limitBytes;
    try {
      torch.setCpuCacheLimit(0);
      torch.ones(3).dispose();
      torch.ones(1024, 1024).dispose();
      expect(torch.cpuCache().cachedBytes).toBe(0);
    } finally {
      torch.setCpuCacheLimit(limit);
    }
    torch.ones(1024, 1024).dispose();
    expect(torch.cpuCache().cachedBytes).toBeGreaterThanOrEqual(4 * MB);
    torch.emptyCache();
  });
});

describe('memory() figures', () => {
  test('peakBytes follows the high-water mark and resetPeakMemoryStats() restarts it', () => {
    torch.resetPeakMemoryStats();
    const base = torch.memory();
    expect(base.peakBytes).toBe(base.liveBytes);
    const big = torch.zeros(1024, 256); // 1 MB
    const during = torch.memory();
    expect(during.liveBytes - base.liveBytes).toBe(MB);
    expect(during.peakBytes).toBeGreaterThanOrEqual(base.liveBytes + MB);
    big.dispose();
    const after = torch.memory();
    expect(after.liveBytes).toBe(base.liveBytes);
    expect(after.peakBytes).toBe(during.peakBytes); // the peak stays
    torch.resetPeakMemoryStats();
    expect(torch.memory().peakBytes).toBe(after.liveBytes);
  });

  test('per-device figures: CPU tensors count under devices.cpu, views do not charge twice', () => {
    const before = torch.memory();
    expect(before.devices.cpu).toBeDefined();
    const t = torch.zeros(1000, { dtype: torch.float64 });
    const v = t.view(10, 100);
    const m = torch.memory();
    expect(m.devices.cpu.liveTensors - before.devices.cpu.liveTensors).toBe(2);
    expect(m.devices.cpu.liveBytes - before.devices.cpu.liveBytes).toBe(8000);
    expect(m.liveBytes - before.liveBytes).toBe(8000);
    if (m.devices.cuda === undefined) {
      expect(m.devices.cpu.liveTensors).toBe(m.liveTensors - (m.devices.other?.liveTensors ?? 0));
      expect(m.devices.cpu.liveBytes).toBe(m.liveBytes - (m.devices.other?.liveBytes ?? 0));
    }
    v.dispose();
    t.dispose();
    expect(torch.memory().devices.cpu.liveBytes).toBe(before.devices.cpu.liveBytes);
  });

  test('summary(): without TORCHNODE_DEBUG_ALLOC, totals and a hint', () => {
    const s = torch.memory.summary();
    expect(s).toContain('live tensors');
    expect(s).toContain('cpu:');
    if (process.env.TORCHNODE_DEBUG_ALLOC === undefined) expect(s).toContain('TORCHNODE_DEBUG_ALLOC=1');
  });

  test('summary() with TORCHNODE_DEBUG_ALLOC=1 lists the largest live tensors and where they were made', () => {
    const script = path.join(__dirname, 'memory', 'summary.js');
    const out = JSON.parse(
      execFileSync(process.execPath, [script], { encoding: 'utf8', timeout: 120000, env: { ...process.env, TORCHNODE_DEBUG_ALLOC: '1' } }),
    );
    const lines = (out.summary as string).split('\n');
    const big = lines.findIndex((l) => l.includes('[256, 1024] torch.float32'));
    expect(big).toBeGreaterThan(0);
    expect(lines[big]).toContain('1.00 MB');
    expect(lines[big + 1]).toContain('makeBigOne');
    expect(lines[big + 1]).toContain('summary.js:');
    expect(out.summary).toContain('[2, 2] torch.float64');
    expect(out.summary).toContain('makeSmallOnes');
    expect(out.summary).not.toContain('[512, 1024]'); // disposed
    // the largest comes first
    expect(big).toBeLessThan(lines.findIndex((l) => l.includes('[2, 2] torch.float64')));
  });
});

describe('paced collection', () => {
  // An unreachable tensor that nothing disposed: only a collection frees it (and its bytes). At
  // 64 KB and more it gets a new handle, which a minor collection can free.
  const GARBAGE_BYTES = 20000 * 4;
  function garbageCollectedDuring(fn: () => void): boolean {
    (() => void torch.ones(20000))();
    const before = torch.memory().liveBytes;
    fn();
    const change = torch.memory().liveBytes - before;
    expect([0, -GARBAGE_BYTES]).toContain(change);
    return change === -GARBAGE_BYTES;
  }
  const big = torch.ones(1024, 1024); // 4 MB
  afterAll(() => big.dispose());

  test('follows net growth: 32 MB of tensors held through a loop cause collections, 32 MB disposed as they go none', () => {
    // Held: the growth passes 8 MB and a collection frees the garbage (disposing them afterwards
    // takes the growth back to zero, where the second loop starts).
    expect(
      garbageCollectedDuring(() => {
        const held = Array.from({ length: 8 }, () => big.add(big));
        torch.dispose(held);
      }),
    ).toBe(true);
    expect(
      garbageCollectedDuring(() => {
        for (let i = 0; i < 8; i++) big.add(big).dispose();
      }),
    ).toBe(false);
  });
});

describe('dispose()', () => {
  test('is idempotent and a disposed tensor refuses use with a clear Error', () => {
    const t = torch.ones(3);
    const before = torch.memory().liveTensors;
    t.dispose();
    t.dispose();
    expect(t.isDisposed).toBe(true);
    expect(torch.memory().liveTensors).toBe(before - 1);
    expectError(() => t.add(1), 'Tensor has been disposed');
    expectError(() => torch.ones(3).add(t), 'Tensor has been disposed');
    expectError(() => t.tolist(), 'Tensor has been disposed');
  });

  test('a disposed tensor gives up its handle: the next result reuses it, and the old tensor stays disposed', () => {
    const a = torch.tensor([1, 2, 3]);
    const old = a.mul(10);
    const handle = old._h;
    const before = torch.memory();
    old.dispose();
    const fresh = a.add(a);
    expect(fresh._h).toBe(handle); // the handle was reused: no new External
    expect(old._h).not.toBe(handle);
    expect(fresh.tolist()).toEqual([2, 4, 6]);
    expect(torch.memory().liveTensors).toBe(before.liveTensors);
    expect(torch.memory().liveBytes).toBe(before.liveBytes);
    // The old tensor refuses use and a second dispose does not touch the new one.
    expectError(() => old.add(1), 'Tensor has been disposed');
    expectError(() => old.tolist(), 'Tensor has been disposed');
    old.dispose();
    expect(old.isDisposed).toBe(true);
    expect(fresh.isDisposed).toBe(false);
    expect(fresh.add(1).tolist()).toEqual([3, 5, 7]);
    // Storage of 64 KB and more gets a new handle (a young one, which a minor GC can free).
    const spare = a.mul(3);
    const spareHandle = spare._h;
    spare.dispose();
    const large = torch.ones(16 * 1024);
    expect(large._h).not.toBe(spareHandle);
    const small = a.mul(4);
    expect(small._h).toBe(spareHandle);
    torch.dispose([large, small]);
    // Disposed twice over a reused handle: the counts come back exactly.
    const baseline = torch.memory().liveTensors;
    fresh.dispose();
    a.dispose();
    expect(torch.memory().liveTensors).toBe(baseline - 2);
  });

  test('an op that refuses a disposed argument holds none of the others: their storage is freed on dispose', () => {
    const big = torch.ones(1024, 1024); // 4 MB: a cached block once freed
    const gone = torch.ones(1);
    gone.dispose();
    expectError(() => big.add(gone), 'Tensor has been disposed');
    const cached = torch.cpuCache().cachedBytes;
    big.dispose();
    expect(torch.cpuCache().cachedBytes - cached).toBeGreaterThanOrEqual(4 * MB);
  });

  test('`using` disposes at the end of the block', () => {
    let escaped: torch.Tensor;
    {
      using t = torch.ones(2);
      escaped = t;
      expect(t.sum().item()).toBe(2);
    }
    expect(escaped.isDisposed).toBe(true);
  });

  test('torch.dispose frees every tensor inside a structure', () => {
    const a = torch.ones(1);
    const b = torch.ones(1);
    const c = torch.ones(1);
    torch.dispose({ a, list: [b, new Map([['c', c]])] });
    expect([a.isDisposed, b.isDisposed, c.isDisposed]).toEqual([true, true, true]);
  });
});

describe('tidy()', () => {
  test('frees what was created inside except what is returned', () => {
    const outer = torch.ones(2);
    let inner: torch.Tensor | undefined;
    const result = torch.tidy(() => {
      inner = outer.add(1);
      return inner.mul(2);
    });
    expect(inner!.isDisposed).toBe(true);
    expect(result.isDisposed).toBe(false);
    expect(outer.isDisposed).toBe(false);
    expect(result.tolist()).toEqual([4, 4]);
  });

  test('keeps tensors returned inside arrays, Maps and objects, and kept ones', () => {
    let kept: torch.Tensor | undefined;
    let dropped: torch.Tensor | undefined;
    const out = torch.tidy(() => {
      kept = torch.keep(torch.ones(1));
      dropped = torch.ones(1);
      return { a: [torch.zeros(1)], m: new Map([['b', torch.zeros(1)]]) };
    });
    expect(out.a[0]!.isDisposed).toBe(false);
    expect(out.m.get('b')!.isDisposed).toBe(false);
    expect(kept!.isDisposed).toBe(false);
    expect(dropped!.isDisposed).toBe(true);
  });

  test('nested scopes hand their result to the enclosing scope', () => {
    let mid: torch.Tensor | undefined;
    torch.tidy(() => {
      mid = torch.tidy(() => torch.ones(1).add(1));
      expect(mid.isDisposed).toBe(false);
      return null;
    });
    expect(mid!.isDisposed).toBe(true);
  });

  test('frees everything when fn throws', () => {
    let t: torch.Tensor | undefined;
    expect(() =>
      torch.tidy(() => {
        t = torch.ones(1);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(t!.isDisposed).toBe(true);
  });

  test('follows an async function across awaits', async () => {
    let before: torch.Tensor | undefined;
    let after: torch.Tensor | undefined;
    const result = await torch.tidy(async () => {
      before = torch.ones(2);
      await new Promise((r) => setTimeout(r, 5));
      after = before.add(1);
      await Promise.resolve();
      return after.mul(3);
    });
    expect(before!.isDisposed).toBe(true);
    expect(after!.isDisposed).toBe(true);
    expect(result.tolist()).toEqual([6, 6]);
  });

  test('concurrent async scopes do not take each other’s tensors', async () => {
    const made: torch.Tensor[][] = [[], []];
    const run = (k: number) =>
      torch.tidy(async () => {
        for (let i = 0; i < 3; i++) {
          made[k]!.push(torch.ones(1));
          await new Promise((r) => setTimeout(r, 1 + k));
        }
        return made[k]![0]!;
      });
    const [r0, r1] = await Promise.all([run(0), run(1)]);
    expect(r0).toBe(made[0]![0]);
    expect(r1).toBe(made[1]![0]);
    expect(made[0]!.map((t) => t.isDisposed)).toEqual([false, true, true]);
    expect(made[1]!.map((t) => t.isDisposed)).toEqual([false, true, true]);
  });
});
