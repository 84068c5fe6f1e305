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

const results = {
  // Freed at once, as Python's refcount frees it: dispose() (what tidy() does per tensor).
  'add 1-element (µs)': perOp((n) => {
    const [a, b] = small;
    for (let i = 0; i < n; i++) a.add(b).dispose();
  }, 100000),
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
