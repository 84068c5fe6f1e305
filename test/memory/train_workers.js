'use strict';
// A small CNN trained with torch.optim.Adam on batches from a shuffled DataLoader with 2
// persistent worker threads, 2,000 steps (8 epochs of 250 batches), with no dispose() or tidy()
// anywhere: every tensor, the batches the workers hand over included, is left to the GC path.
// Run in its own process so RSS is this loop's alone. Prints JSON: RSS at step 200 and at the
// end, the losses, live tensors and torch.memory() figures.
//   node --max-semi-space-size=1 test/memory/train_workers.js [steps]
// (without the flag, V8 grows each isolate's young generation over the first ~7,000 steps: RSS
// rises ~75 MB, then stays flat; with it, V8's heaps are at their size by step 200).
const torch = require('../../dist/cjs/index.js');
const { nn } = torch;
const F = nn.functional;

const steps = Number(process.argv[2] ?? 2000);
const MARK = 200;
const BATCH = 16;
const BATCHES_PER_EPOCH = 250;
// One libtorch thread: on a busy machine a pool per core makes these tiny ops wait on each other
// (10x slower on 2 loaded cores).
torch.setNumThreads(1);
torch.manualSeed(0);
// Labels a fixed random linear map gives the images, so that there is something to learn.
const images = torch.randn(BATCH * BATCHES_PER_EPOCH, 1, 8, 8);
const labels = images.flatten(1).matmul(torch.randn(64, 10)).argmax(1);
const loader = new torch.utils.data.DataLoader(new torch.utils.data.TensorDataset(images, labels), {
  batchSize: BATCH,
  shuffle: true,
  numWorkers: 2,
  persistentWorkers: true,
});
const model = new nn.Sequential(new nn.Conv2d(1, 4, 3), new nn.ReLU(), new nn.Flatten(), new nn.Linear(4 * 6 * 6, 10));
const optimizer = new torch.optim.Adam(model.parameters(), { lr: 0.01 });
const rss = () => process.memoryUsage().rss;

async function main() {
  let rssAtMark = 0;
  let memAtMark;
  const losses = [];
  const samples = [];
  let step = 0;
  while (step < steps) {
    for await (const [x, y] of loader) {
      optimizer.zeroGrad();
      const loss = F.crossEntropy(model.forward(x), y);
      loss.backward();
      optimizer.step();
      step++;
      losses.push(loss.item());
      if (step === MARK) {
        rssAtMark = rss();
        memAtMark = torch.memory();
      }
      if (step % 200 === 0) samples.push(rss());
      if (step === steps) break;
    }
  }
  const end = rss();
  const mem = torch.memory();
  const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;
  process.stdout.write(
    JSON.stringify({
      steps,
      rssAtMark,
      rssEnd: end,
      ratio: end / rssAtMark,
      samples,
      firstLoss: mean(losses.slice(0, 20)),
      lastLoss: mean(losses.slice(-100)),
      liveAtMark: memAtMark.liveTensors,
      liveEnd: mem.liveTensors,
      liveBytesEnd: mem.liveBytes,
      peakBytes: mem.peakBytes,
    }),
  );
}

main().then(
  () => process.exit(0), // the persistent workers would otherwise keep the process alive until the loader is collected
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
