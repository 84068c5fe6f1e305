'use strict';
// torchnode side of bench/run.js's vision suite (bench/vision.py is the Python side): torchvision's
// ResNet-18 and ResNet-50 in eval mode under inferenceMode, batch 1 and 8 of 3x224x224, in the
// default (contiguous) and channels_last memory formats; each figure is the median of 5 timed runs
// after a warm-up, per forward, in wall-clock ms and in the process's CPU ms. One libtorch thread
// unless argv[2] says otherwise.
const torch = require('..');

// [wall ms, CPU ms] per call: the median of `repeats` timed runs of fn(n), after a warm-up. The
// process's CPU time (every thread) is the steadier figure on a loaded machine: one libtorch
// thread's work costs the same CPU however many other processes share the cores.
function perIteration(fn, n, repeats = 5) {
  fn(n); // warm-up: oneDNN's primitive caches, the allocator
  const wall = [];
  const cpu = [];
  for (let r = 0; r < repeats; r++) {
    const [t0, c0] = [process.hrtime.bigint(), process.cpuUsage()];
    fn(n);
    const c = process.cpuUsage(c0);
    wall.push(Number(process.hrtime.bigint() - t0) / 1e6 / n);
    cpu.push((c.user + c.system) / 1e3 / n);
  }
  const mid = (v) => v.sort((a, b) => a - b)[Math.floor(repeats / 2)];
  return [mid(wall), mid(cpu)];
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
      const key = `${name} eval, batch ${batch}${channelsLast ? ', channels_last' : ''}`;
      [results[`${key} (ms)`], results[`${key} (CPU ms)`]] = perIteration((n) => {
        for (let i = 0; i < n; i++) torch.tidy(() => void torch.inferenceMode(() => model.call(x)));
      }, batch === 1 ? 4 : 1);
      x.dispose();
    }
  }
}
process.stdout.write(JSON.stringify(results));
