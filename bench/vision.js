'use strict';
// torchnode side of bench/run.js's vision suite (bench/vision.py is the Python side): torchvision's
// ResNet-18 and ResNet-50 in eval mode under inferenceMode, batch 1 and 8 of 3x224x224, in the
// default (contiguous) and channels_last memory formats; each figure is the median of 5 timed runs
// after a warm-up, in ms per forward. One libtorch thread unless argv[2] says otherwise.
const torch = require('..');

function perIteration(fn, n, repeats = 5) {
  fn(n); // warm-up: oneDNN's primitive caches, the allocator
  const times = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    fn(n);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6 / n);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(repeats / 2)];
}

torch.setNumThreads(Number(process.argv[2] ?? 1));
const results = {};
for (const [name, builder] of [['ResNet-18', torch.vision.models.resnet18], ['ResNet-50', torch.vision.models.resnet50]]) {
  torch.manualSeed(0);
  const model = builder().eval();
  for (const channelsLast of [false, true]) {
    if (channelsLast) model.to({ memoryFormat: torch.channelsLast });
    for (const batch of [1, 8]) {
      let x = torch.randn(batch, 3, 224, 224);
      if (channelsLast) x = x.contiguous({ memoryFormat: torch.channelsLast });
      const key = `${name} eval, batch ${batch}${channelsLast ? ', channels_last' : ''} (ms)`;
      results[key] = perIteration((n) => {
        for (let i = 0; i < n; i++) torch.tidy(() => void torch.inferenceMode(() => model.call(x)));
      }, batch === 1 ? 4 : 1);
      x.dispose();
    }
  }
}
process.stdout.write(JSON.stringify(results));
