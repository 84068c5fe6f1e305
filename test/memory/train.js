'use strict';
// A small CNN trained with a hand-written SGD step, 2,000 steps on one fixed random batch, with
// no dispose() or tidy() anywhere: every tensor is left to the GC path. Run in its own process
// so RSS is this loop's alone. Prints JSON: RSS at step 200 and at the end, the losses, live
// tensors and torch.memory() figures.
//   node test/memory/train.js [steps]
const torch = require('../../dist/cjs/index.js');
const { nn } = torch;

const steps = Number(process.argv[2] ?? 2000);
const MARK = 200;
const lr = 0.05;
torch.manualSeed(0);
const model = new nn.Sequential(new nn.Conv2d(1, 4, 3), new nn.ReLU(), new nn.Flatten(), new nn.Linear(4 * 6 * 6, 10));
const x = torch.randn(16, 1, 8, 8);
const target = torch.randint(0, 10, [16]);
const rss = () => process.memoryUsage().rss;

let rssAtMark = 0;
let memAtMark;
let firstLoss = 0;
let loss;
const samples = [];
for (let step = 1; step <= steps; step++) {
  loss = nn.functional.crossEntropy(model.forward(x), target);
  loss.backward();
  for (const p of model.parameters()) p.data.sub_(p.grad.mul(lr));
  model.zeroGrad();
  if (step === 1) firstLoss = loss.item();
  if (step === MARK) {
    rssAtMark = rss();
    memAtMark = torch.memory();
  }
  if (step % 200 === 0) samples.push(rss());
}
const end = rss();
const mem = torch.memory();
process.stdout.write(
  JSON.stringify({
    steps,
    rssAtMark,
    rssEnd: end,
    ratio: end / rssAtMark,
    samples,
    firstLoss,
    lastLoss: loss.item(),
    liveAtMark: memAtMark.liveTensors,
    liveEnd: mem.liveTensors,
    liveBytesEnd: mem.liveBytes,
    peakBytes: mem.peakBytes,
  }),
);
