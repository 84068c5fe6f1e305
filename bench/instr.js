'use strict';
// torchnode side of bench/run.js's instr suite: machine instructions per op, counted by valgrind
// (callgrind) in every thread of the process, so the figures do not move with the load of a shared
// machine as times do. bench/instr.py counts the same work in Python. V8 runs with its
// predictable GC schedule (heap growth not driven by timing), but where its JIT tiers up under
// valgrind's thread scheduling still moves Node's figures by up to a third between runs (Python's
// repeat within 0.1%): compare several runs.
//   node bench/instr.js           runs itself under valgrind and prints thousands of instructions per op
//   node bench/instr.js --child   the measured process: between phases it reads process.ppid, whose
//                                 getppid() call makes callgrind dump its counters (--dump-before)
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const WARM = 5000;
const N = 20000;

// Runs `command args` (which prints its case names as JSON) under callgrind and returns each
// case's thousands of instructions per op, counted between one getppid() call and the next.
function countPerOp(command, args) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchnode-instr-'));
  try {
    const names = JSON.parse(
      execFileSync('valgrind', ['--tool=callgrind', '--dump-before=getppid', `--callgrind-out-file=${path.join(dir, 'cg')}`, command, ...args], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    // Dumps are cg.1, cg.2, ... in order; the counts left at exit go to cg itself.
    const parts = fs
      .readdirSync(dir)
      .map((f) => Number(/^cg\.(\d+)$/.exec(f)?.[1]))
      .filter((n) => n > 0)
      .sort((a, b) => a - b);
    const phases = parts.map((n) => Number(/^(?:summary|totals): (\d+)/m.exec(fs.readFileSync(path.join(dir, `cg.${n}`), 'utf8'))[1]));
    // Dump 1 ends at the first getppid (start-up); case i's warm-up is dump 2 + 2i, its run 3 + 2i.
    return Object.fromEntries(names.map((name, i) => [name, phases[2 + 2 * i] / N / 1000]));
  } catch (e) {
    if (e.code === 'ENOENT') throw new Error('bench/run.js instr needs valgrind (Debian: apt-get install valgrind)');
    throw e;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Each case builds its fixtures from torch and returns the op to count.
const CASES = {
  'add 1-element (k instructions)': (t) => disposed(t.ones(1), t.ones(1), (a, b) => a.add(b)),
  'mul 1-element (k instructions)': (t) => disposed(t.ones(1), t.ones(1), (a, b) => a.mul(b)),
  'mul 1-element by 2 (k instructions)': (t) => disposed(t.ones(1), null, (a) => a.mul(2)),
  'matmul 4x4 (k instructions)': (t) => disposed(t.randn(4, 4), t.randn(4, 4), (a, b) => a.matmul(b)),
  'relu 16 (k instructions)': (t) => disposed(t.randn(16), null, (a) => a.relu()),
  'sum 16 (k instructions)': (t) => disposed(t.randn(16), null, (a) => a.sum()),
  // Never disposed: the handle is collected and finalized by the GC, and that work is counted too.
  'add 1-element, never disposed (k instructions)': (t) => {
    const [a, b] = [t.ones(1), t.ones(1)];
    return () => a.add(b);
  },
};

function disposed(a, b, op) {
  return () => op(a, b).dispose();
}

if (process.argv[2] === '--child') {
  const torch = require('..');
  torch.setNumThreads(1);
  const ops = Object.values(CASES).map((make) => make(torch));
  // A measured phase starts with an empty young generation and ends with a scavenge, so it holds
  // exactly the GC work (finalizers included) for the handles its own ops made.
  const scavenge = () => globalThis.gc({ type: 'minor' });
  // Every case once before any is counted: the code they share (the op path, Tensor, dispose) is
  // compiled here, or the first case counted would pay for it (add read 14k instead of 8.5k).
  for (const op of ops) for (let i = 0; i < WARM; i++) op();
  void process.ppid;
  for (const op of ops) {
    for (let i = 0; i < WARM; i++) op();
    scavenge();
    void process.ppid;
    for (let i = 0; i < N; i++) op();
    scavenge();
    void process.ppid;
  }
  process.stdout.write(JSON.stringify(Object.keys(CASES)));
} else {
  process.stdout.write(JSON.stringify(countPerOp(process.execPath, ['--expose-gc', '--predictable-gc-schedule', __filename, '--child'])));
}
