'use strict';
// torch.load of a large state_dict: torchnode against Python's torch.load, in one run on the same
// file (a ResNet-152 state_dict, ~230 MB, written by PyTorch), with the raw file read time of
// each side for scale. The file is read once first so both sides load it from the page cache.
//   npm run build:ts && node bench/load.js [rounds]
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const python = require('../scripts/pyenv.js').ensure();
const torch = require(process.env.TORCHNODE_ENTRY || '..');

const rounds = Number(process.argv[2] || 3);
const file = path.join(os.tmpdir(), 'torchnode-bench-resnet152.pth');
const py = (...args) => JSON.parse(execFileSync(python, [path.join(__dirname, 'load.py'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').pop());
if (!fs.existsSync(file)) console.log('made', file, py('make', file));
const size = fs.statSync(file).size;

function rawRead() {
  const buf = Buffer.allocUnsafe(size);
  const fd = fs.openSync(file, 'r');
  const t0 = process.hrtime.bigint();
  let done = 0;
  while (done < size) done += fs.readSync(fd, buf, done, size - done, done);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  fs.closeSync(fd);
  return ms;
}

function nodeLoad(options) {
  const t0 = process.hrtime.bigint();
  const sd = torch.load(file, options);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  for (const t of sd.values()) t.dispose();
  return { ms, tensors: sd.size };
}

rawRead(); // into the page cache
let node = Infinity;
let read = Infinity;
let pyLoad = Infinity;
let pyRead = Infinity;
let nodeMmap = Infinity;
let pyMmap = Infinity;
let tensors = 0;
// Alternate the two sides so that machine noise hits both alike; best of each.
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < 3; i++) {
    read = Math.min(read, rawRead());
    const n = nodeLoad();
    node = Math.min(node, n.ms);
    tensors = n.tensors;
    nodeMmap = Math.min(nodeMmap, nodeLoad({ mmap: true }).ms);
  }
  const p = py('time', file, '3');
  pyLoad = Math.min(pyLoad, p.load);
  pyRead = Math.min(pyRead, p.read);
  pyMmap = Math.min(pyMmap, p.mmap);
}
console.log(`ResNet-152 state_dict: ${(size / 1e6).toFixed(1)} MB, ${tensors} tensors (best of ${rounds * 3})`);
console.log('| work | torchnode (ms) | PyTorch (ms) | ratio |');
console.log('|---|---|---|---|');
console.log(`| torch.load | ${node.toFixed(1)} | ${pyLoad.toFixed(1)} | ${(node / pyLoad).toFixed(2)} |`);
console.log(`| torch.load, mmap (pages load when touched) | ${nodeMmap.toFixed(1)} | ${pyMmap.toFixed(1)} | ${(nodeMmap / pyMmap).toFixed(2)} |`);
console.log(`| raw read of the file | ${read.toFixed(1)} | ${pyRead.toFixed(1)} | ${(read / pyRead).toFixed(2)} |`);
console.log(`| torch.load / raw read | ${(node / read).toFixed(2)} | ${(pyLoad / pyRead).toFixed(2)} | |`);
