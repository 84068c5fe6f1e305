'use strict';
// torchnode side of bench/run.js's training work (bench/train.py is the Python side): each figure
// is the median of 5 timed runs after a warm-up, in the unit its key names. Training steps run in
// a tidy() scope, as the MNIST demo's do; the small CNN also without (the GC path). One libtorch
// thread unless argv[2] says otherwise: on a shared machine a pool per core mostly waits.
const torch = require('..');
const { Net } = require('../examples/mnist/model');

const { nn } = torch;
const F = nn.functional;

function perIteration(fn, n, unit, repeats = 5) {
  fn(n); // warm-up: the JIT, the allocator, the autograd engine's threads
  const times = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    fn(n);
    times.push(Number(process.hrtime.bigint() - t0) / 1e9 / n);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(repeats / 2)] * unit;
}

const MS = 1e3;
const US = 1e6;
torch.setNumThreads(Number(process.argv[2] ?? 1));
const results = {};

torch.manualSeed(0);
const resnet = torch.vision.models.resnet18();
const resnetSgd = new torch.optim.SGD(resnet.parameters(), { lr: 0.01, momentum: 0.9, weightDecay: 1e-4 });
const images = torch.randn(8, 3, 112, 112);
const classes = torch.randint(0, 1000, [8]);
results['ResNet-18 SGD step, batch 8 of 3x112x112 (ms)'] = perIteration((n) => {
  for (let i = 0; i < n; i++) {
    torch.tidy(() => {
      resnetSgd.zeroGrad();
      F.crossEntropy(resnet.call(images), classes).backward();
      resnetSgd.step();
    });
  }
}, 1, MS);

const layers = new nn.Sequential(...Array.from({ length: 200 }, () => new nn.Linear(16, 16)));
for (const p of layers.parameters()) p.grad = torch.randnLike(p);
for (const foreach of [false, true]) {
  const adam = new torch.optim.Adam(layers.parameters(), { lr: 1e-3, foreach });
  results[`Adam step, 400 tensors of 200x Linear(16, 16), foreach=${foreach ? 'True' : 'False'} (ms)`] = perIteration((n) => {
    for (let i = 0; i < n; i++) torch.tidy(() => adam.step());
  }, 20, MS);
}

torch.manualSeed(0);
const net = new Net();
const netSgd = new torch.optim.SGD(net.parameters(), { lr: 0.02, momentum: 0.9 });
const data = torch.utils.data;
const digits = new data.DataLoader(new data.TensorDataset(torch.rand(50 * 64, 1, 28, 28), torch.randint(0, 10, [50 * 64])), { batchSize: 64, shuffle: true });
results['MNIST-demo CNN epoch, 50 shuffled batches of 64 (ms)'] = perIteration((n) => {
  net.train();
  for (let i = 0; i < n; i++) {
    for (const [x, y] of digits) {
      torch.tidy(() => {
        netSgd.zeroGrad();
        F.nllLoss(net.call(x), y).backward();
        netSgd.step();
      });
      x.dispose();
      y.dispose();
    }
  }
}, 1, MS);

const small = new nn.Sequential(new nn.Conv2d(1, 4, 3), new nn.ReLU(), new nn.Flatten(), new nn.Linear(4 * 6 * 6, 10));
const smallSgd = new torch.optim.SGD(small.parameters(), { lr: 0.05 });
const x16 = torch.randn(16, 1, 8, 8);
const y16 = torch.randint(0, 10, [16]);
const smallStep = () => {
  smallSgd.zeroGrad();
  F.crossEntropy(small.call(x16), y16).backward();
  smallSgd.step();
};
results['small-CNN SGD step, batch 16 of 1x8x8 (µs)'] = perIteration((n) => {
  for (let i = 0; i < n; i++) torch.tidy(smallStep);
}, 500, US);
results['small-CNN SGD step, batch 16 of 1x8x8, never disposed (µs)'] = perIteration((n) => {
  for (let i = 0; i < n; i++) smallStep();
}, 500, US);

process.stdout.write(JSON.stringify(results));
