'use strict';
// Chained 1000x1000 float adds in a plain synchronous loop, run in its own process so RSS is
// this loop's alone. Prints JSON: RSS before, peak RSS while looping, RSS after, live tensors.
//   node test/memory/chain.js <gc|tidy|dispose> <iterations>
const torch = require('../../dist/cjs/index.js');

const [mode, n] = [process.argv[2], Number(process.argv[3])];
const y = torch.ones(1000, 1000);
let x = torch.zeros(1000, 1000);
const rss = () => process.memoryUsage().rss;
const WARMUP = 10; // first use maps libtorch's kernel code and starts its thread pool
let start = rss();
let peak = start;
for (let i = 0; i < n; i++) {
  if (i === WARMUP) peak = start = rss();
  if (mode === 'gc') {
    x = x.add(y); // never disposed: reclaimed by the GC path only
  } else if (mode === 'tidy') {
    const prev = x;
    x = torch.tidy(() => prev.add(y).mul(1).sub(0)); // the scope frees the two intermediates
    prev.dispose();
  } else if (mode === 'dispose') {
    const next = x.add(y);
    x.dispose();
    x = next;
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  if (i % 250 === 0) peak = Math.max(peak, rss());
}
peak = Math.max(peak, rss());
process.stdout.write(JSON.stringify({ start, peak, end: rss(), value: x.sum(null, { dtype: torch.float64 }).item(), live: torch.memory().liveTensors }));
