'use strict';
// Node side of bench/run.js's infer suite (bench/infer.py is the Python side and writes the files):
// the same ResNet-50 through each Node runtime in RUNNERS, batch 1 and 8 of 3x224x224; each figure
// is the median of 5 timed runs after a warm-up, per forward, in wall-clock ms and in the
// process's CPU ms (every thread: libuv's pool, onnxruntime's). One intra-op thread for libtorch and
// onnxruntime (and for Python eager in infer.py) unless argv[3] says otherwise; the rows say how many.
//   node bench/infer.js DIR [threads]     DIR: what `prepare` (run.js calls it) made
// Each runtime first checks its output at each batch size against Python's on check.pth's input. onnxruntime-node is
// a bench-only tool: `prepare` installs it on first use into CACHE (not into the project), and
// onnx/onnxscript (for torch.onnx.export) into the venv.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const CACHE = path.join(__dirname, '..', 'node_modules', '.cache', 'torchnode-bench');
const ORT_PREFIX = path.join(CACHE, 'onnxruntime');
const ORT_VERSION = '1.30';
const BATCHES = [1, 8];

const loadOrt = () => require(require.resolve('onnxruntime-node', { paths: [ORT_PREFIX] }));

/** Installs what the suite needs and has Python write its files; returns their folder. */
function prepare(python) {
  try {
    loadOrt();
  } catch {
    process.stderr.write(`bench/infer.js: installing onnxruntime-node@${ORT_VERSION} into ${ORT_PREFIX}\n`);
    fs.mkdirSync(ORT_PREFIX, { recursive: true });
    // Its install script fetches CUDA files (and fails offline); the CPU binding is in the package.
    execFileSync('npm', ['install', '--prefix', ORT_PREFIX, '--no-audit', '--no-fund', `onnxruntime-node@${ORT_VERSION}`], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
    });
  }
  try {
    execFileSync(python, ['-c', 'import onnx, onnxscript'], { stdio: 'ignore' });
  } catch {
    process.stderr.write('bench/infer.js: installing onnx and onnxscript into the venv\n');
    execFileSync(python, ['-m', 'pip', 'install', '-q', '--retries', '0', '--timeout', '3', 'onnx', 'onnxscript'], { stdio: 'inherit' });
  }
  const dir = path.join(CACHE, 'resnet50');
  execFileSync(python, [path.join(__dirname, 'infer.py'), '--export', dir], { stdio: ['ignore', 'inherit', 'inherit'] });
  return dir;
}

// [row, load(dir) -> bind(x) -> run() -> output (a Tensor or an onnxruntime result)]: one more
// runtime is one more entry (and, when it reads a file of its own, one more export in infer.py).
function runners(torch, threads) {
  return [
    ['Node eager (nn)', (dir) => {
      const model = torch.vision.models.resnet50();
      model.loadStateDict(torch.load(path.join(dir, 'resnet50.pth')));
      model.eval();
      return (x) => () => torch.inferenceMode(() => torch.tidy(() => model.call(x)));
    }],
    ['Node TorchScript forwardAsync', (dir) => {
      const module = torch.jit.load(path.join(dir, 'resnet50.pt'));
      module.eval();
      return (x) => () => torch.inferenceMode(() => module.forwardAsync(x));
    }],
    ['Node AOTI forwardAsync', (dir) => {
      // A package per batch size, compiled for one thread (infer.py's export_aoti says why).
      const models = new Map(BATCHES.map((b) => [b, torch.inductor.aotiLoadPackage(path.join(dir, `resnet50-b${b}.pt2`))]));
      return (x) => {
        const model = models.get(x.shape[0]);
        return () => torch.inferenceMode(() => model.forwardAsync(x));
      };
    }],
    ['onnxruntime-node', async (dir) => {
      const ort = loadOrt();
      const session = await ort.InferenceSession.create(path.join(dir, 'resnet50.onnx'), { intraOpNumThreads: threads, interOpNumThreads: 1, executionProviders: ['cpu'] });
      return (x) => {
        const feeds = { x: new ort.Tensor('float32', x.toTypedArray(), [...x.shape]) };
        return () => session.run(feeds);
      };
    }],
  ];
}

async function perIteration(run, n, torch, repeats = 5) {
  const once = async () => {
    for (let i = 0; i < n; i++) {
      const out = await run();
      if (out instanceof torch.Tensor) out.dispose();
    }
  };
  await once(); // warm-up
  const wall = [];
  const cpu = [];
  for (let r = 0; r < repeats; r++) {
    const [t0, c0] = [process.hrtime.bigint(), process.cpuUsage()];
    await once();
    const c = process.cpuUsage(c0);
    wall.push(Number(process.hrtime.bigint() - t0) / 1e6 / n);
    cpu.push((c.user + c.system) / 1e3 / n);
  }
  const mid = (v) => v.sort((a, b) => a - b)[Math.floor(repeats / 2)];
  return [mid(wall), mid(cpu)];
}

async function main(dir, threads) {
  const torch = require('..');
  torch.setNumThreads(threads);
  const check = torch.load(path.join(dir, 'check.pth'));
  const inputs = BATCHES.map((b) => torch.randn(b, 3, 224, 224));
  const results = {};
  const perThreads = `${threads} thread${threads === 1 ? '' : 's'}`;
  for (const [name, load] of runners(torch, threads)) {
    const bind = await load(dir);
    for (const batch of BATCHES) {
      const out = await bind(check.get('x').repeat(batch, 1, 1, 1))();
      const y = out instanceof torch.Tensor ? out : torch.tensor(out.logits.data).view(...out.logits.dims);
      const diff = y.sub(check.get('y').repeat(batch, 1)).abs().max().item();
      if (!(diff <= 1e-3)) throw new Error(`${name}, batch ${batch}: output differs from Python's by ${diff}`);
    }
    for (const [i, batch] of BATCHES.entries()) {
      const row = `${name}, batch ${batch}, ${perThreads}`;
      [results[`${row} (ms)`], results[`${row} (CPU ms)`]] = await perIteration(bind(inputs[i]), batch === 1 ? 4 : 1, torch);
    }
  }
  process.stdout.write(JSON.stringify(results));
}

module.exports = { prepare };

if (require.main === module) {
  main(process.argv[2], Number(process.argv[3] ?? 1)).catch((err) => {
    process.stderr.write(`${err.stack}\n`);
    process.exit(1);
  });
}
