'use strict';
// Side-by-side benchmark: the same tensor work in torchnode and in Python PyTorch, in one run on
// the same machine, reported as ratios (torchnode time / PyTorch time; below 1 is faster).
//   npm run bench
const { execFileSync } = require('child_process');
const path = require('path');
const python = require('../scripts/pyenv.js').ensure();

const run = (cmd, args) => JSON.parse(execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
// Alternate the two sides so that machine noise hits both alike.
const node = [];
const py = [];
for (let round = 0; round < 2; round++) {
  node.push(run(process.execPath, [path.join(__dirname, 'ops.js')]));
  py.push(run(python, [path.join(__dirname, 'ops.py')]));
}
const best = (runs, key) => Math.min(...runs.map((r) => r[key]).filter((v) => v !== undefined));

console.log('| work | torchnode | PyTorch | ratio |');
console.log('|---|---|---|---|');
for (const key of Object.keys(node[0])) {
  const pyKey = key.replace(', never disposed', '');
  const [t, p] = [best(node, key), best(py, pyKey)];
  console.log(`| ${key} | ${t.toFixed(2)} | ${p.toFixed(2)} | ${(t / p).toFixed(2)} |`);
}
