'use strict';
// Run with TORCHNODE_DEBUG_ALLOC=1: makes a few tensors of known sizes in named functions, and
// prints torch.memory.summary() so the test can check it lists them with where they were made.
const torch = require('../../dist/cjs/index.js');

function makeBigOne() {
  return torch.zeros(256, 1024); // 1 MB of float32
}
function makeSmallOnes() {
  return [torch.ones(3), torch.ones(2, 2, { dtype: torch.float64 })];
}
const big = makeBigOne();
const small = makeSmallOnes();
const gone = torch.zeros(512, 1024); // 2 MB, disposed: must not be listed
gone.dispose();
const out = { summary: torch.memory.summary({ limit: 5 }) };
process.stdout.write(JSON.stringify(out));
void big;
void small;
