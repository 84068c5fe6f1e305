'use strict';
// Child process for the SIGKILL test: saves a large checkpoint over the same file in a loop,
// printing "saved <n>" after each complete save, until it is killed.
//   node saver.js <target> <megabytes>
require('./ts-register');
const torch = require('../../lib/index.ts');

const [target, mb] = [process.argv[2], Number(process.argv[3])];
const big = torch.ones(Math.floor((mb * 1024 * 1024) / 4));
for (let n = 1; ; n++) {
  const checkpoint = new Map([['step', n], ['weights', big], ['bias', torch.full([3], n)]]);
  torch.save(checkpoint, target);
  process.stdout.write(`saved ${n}\n`);
}
