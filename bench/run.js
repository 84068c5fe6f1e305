'use strict';
// Side-by-side benchmark: the same work in torchnode and in Python PyTorch, in one run on
// the same machine, reported as ratios (torchnode time / PyTorch time; below 1 is faster).
//   npm run bench                       every suite, 2 rounds
//   node bench/run.js train 3           the training suite only, 3 rounds
// Suites: ops (bench/ops.js|py: single ops, best of runs), instr (bench/instr.js|py: the same
// single ops in machine instructions per op, counted by valgrind in all threads: figures a loaded
// machine does not move; one round is enough), train (bench/train.js|py: training
// steps, medians), vision (bench/vision.js|py: torchvision ResNet-18/50 eval forwards, contiguous
// and channels_last, medians) and infer (bench/infer.js|py: one ResNet-50 through each Node
// runtime against Python eager, medians; its `prepare` installs the bench-only tools on first use
// and has Python export the files). A ratio is the median of the rounds' own ratios (each round
// runs the Node side and then the Python side, so the two see about the same machine load); its
// range is their lowest and highest.
const { execFileSync } = require('child_process');
const path = require('path');
const python = require('../scripts/pyenv.js').ensure();

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
// A suite's optional `prepare()` returns the arguments both sides get; `pyKey` names the Python
// figure a Node figure is compared with (the same key unless given); `columns` heads the table.
const SUITES = {
  ops: { files: ['ops.js', 'ops.py'], combine: (v) => Math.min(...v) },
  instr: { files: ['instr.js', 'instr.py'], combine: (v) => Math.min(...v) },
  train: { files: ['train.js', 'train.py'], combine: median },
  vision: { files: ['vision.js', 'vision.py'], combine: median },
  infer: {
    files: ['infer.js', 'infer.py'],
    combine: median,
    prepare: () => [require('./infer.js').prepare(python)],
    pyKey: (key) => key.replace(/^.*, batch/, 'Python eager, batch'),
    columns: ['Node', 'Python eager'],
  },
};
const args = process.argv.slice(2);
const rounds = Number(args.find((a) => /^\d+$/.test(a)) ?? 2);
const chosen = args.filter((a) => !/^\d+$/.test(a));
for (const name of chosen) if (!(name in SUITES)) throw new RangeError(`unknown suite ${name}; suites: ${Object.keys(SUITES).join(', ')}`);

const run = (cmd, args) => JSON.parse(execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
for (const name of chosen.length > 0 ? chosen : Object.keys(SUITES)) {
  const { files, combine, prepare, pyKey: toPyKey = (key) => key, columns = ['torchnode', 'PyTorch'] } = SUITES[name];
  const suiteArgs = prepare ? prepare() : [];
  // Alternate the two sides so that machine noise hits both alike.
  const node = [];
  const py = [];
  for (let round = 0; round < rounds; round++) {
    node.push(run(process.execPath, [path.join(__dirname, files[0]), ...suiteArgs]));
    py.push(run(python, [path.join(__dirname, files[1]), ...suiteArgs]));
  }
  console.log(`\n${name} (${rounds} rounds)\n`);
  console.log(`| work | ${columns[0]} | ${columns[1]} | ratio | ratio range |`);
  console.log('|---|---|---|---|---|');
  for (const key of Object.keys(node[0])) {
    // A Node-only variant (the GC path) is compared with the same work in Python.
    const pyKey = toPyKey(key.replace(', never disposed', ''));
    const perRound = node.map((r, i) => r[key] / py[i][pyKey]);
    const [t, p] = [combine(node.map((r) => r[key])), combine(py.map((r) => r[pyKey]))];
    console.log(`| ${key} | ${t.toFixed(2)} | ${p.toFixed(2)} | ${median(perRound).toFixed(2)} | ${Math.min(...perRound).toFixed(2)}–${Math.max(...perRound).toFixed(2)} |`);
  }
}
