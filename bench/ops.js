'use strict';
// torchnode side of bench/run.js. Each measurement is the best of 5 runs, in µs per op.
const torch = require('..');

function perOp(fn, n, repeats = 5) {
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    fn(n);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e3 / n);
  }
  return best;
}

const small = [torch.ones(1), torch.ones(1)];
const big = torch.ones(1000, 1000);

const a4 = torch.randn(4, 4);
const b4 = torch.randn(4, 4);
const v = torch.randn(16);
// Each result is freed at once, as Python's refcount frees it: dispose() (what tidy() does).
const smallOp = (fn) => (n) => {
  for (let i = 0; i < n; i++) fn().dispose();
};

// A small MLP through nn.Module calls: what the Module machinery (Proxy, call(), hooks check) costs.
torch.manualSeed(0);
const mlp = new torch.nn.Sequential(...Array.from({ length: 4 }, () => [new torch.nn.Linear(64, 64), new torch.nn.ReLU()]).flat());
const x64 = torch.randn(1, 64);

const results = {
  'add 1-element (µs)': perOp(smallOp(() => small[0].add(small[1])), 100000),
  'mul 1-element (µs)': perOp(smallOp(() => small[0].mul(small[1])), 100000),
  'mul 1-element by 2 (µs)': perOp(smallOp(() => small[0].mul(2)), 100000),
  'matmul 4x4 (µs)': perOp(smallOp(() => a4.matmul(b4)), 100000),
  'relu 16 (µs)': perOp(smallOp(() => v.relu()), 100000),
  'sum 16 (µs)': perOp(smallOp(() => v.sum()), 100000),
  'MLP 4x(Linear 64, ReLU) forward, no grad (µs)': perOp((n) => {
    torch.noGrad(() => {
      for (let i = 0; i < n; i++) torch.tidy(() => mlp.call(x64));
    });
  }, 20000),
  'chained add 1000x1000 (µs)': perOp((n) => {
    let x = torch.zeros(1000, 1000);
    for (let i = 0; i < n; i++) {
      const next = x.add(big);
      x.dispose();
      x = next;
    }
    x.dispose();
  }, 300),
  // Never disposed: the GC path (finalizers from GC, paced collection).
  'add 1-element, never disposed (µs)': perOp((n) => {
    const [a, b] = small;
    for (let i = 0; i < n; i++) a.add(b);
  }, 100000),
  'chained add 1000x1000, never disposed (µs)': perOp((n) => {
    let x = torch.zeros(1000, 1000);
    for (let i = 0; i < n; i++) x = x.add(big);
  }, 300),
};
process.stdout.write(JSON.stringify(results));
