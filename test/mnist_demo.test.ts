// The MNIST demo (`npm start`, examples/mnist/main.js) on a few hundred digits: one epoch, then a
// --resume for a second one with DataLoader workers; PyTorch loads each checkpoint, and its twin
// of the model gets the held-out count the checkpoint records; TensorBoard reads the logs. The
// demo runs as users run it, on the built package (dist/: `npm test` builds it first).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..');
const python = path.join(root, '.venv', 'bin', 'python');

interface Check {
  epoch: number;
  global_step: number;
  keys: string[];
  model_keys: string[];
  momentum_buffers: number;
  scheduler_epoch: number;
  lr: number;
  correct: number;
  recorded_correct: number;
  test_loss: number;
  recorded_test_loss: number;
  test_accuracy_type: string;
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnist-demo-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const demo = (...args: string[]): string =>
  execFileSync(process.execPath, [path.join(root, 'examples', 'mnist', 'main.js'), '--limit', '400', '--test-size', '100', '--dir', dir, ...args], {
    encoding: 'utf8',
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
const check = (...files: string[]): Check[] =>
  JSON.parse(execFileSync(python, ['-W', 'ignore', path.join(root, 'examples', 'mnist', 'check_checkpoint.py'), ...files], { encoding: 'utf8' })) as Check[];

test('one epoch, a checkpoint PyTorch loads, then --resume with workers', () => {
  const first = demo('--epochs', '1');
  expect(first).toMatch(/^MNIST: 300 training digits, 100 held out/);
  expect(first).toMatch(/epoch 1\/1 .* accuracy \d+\.\d\d% \(\d+\/100\)/);
  expect(first).toMatch(/held-out accuracy \d+\.\d\d%/);
  const firstCheckpoint = path.join(dir, 'epoch1.pth');
  fs.copyFileSync(path.join(dir, 'checkpoint.pth'), firstCheckpoint);

  const second = demo('--epochs', '2', '--resume', '--workers', '1');
  expect(second).toMatch(/resumed from .*checkpoint\.pth: epoch 1 done/);
  expect(second).not.toMatch(/epoch 1\/2/);

  expect(() => demo('--epochs', '3', '--resume', '--seed', '2')).toThrow(/was trained with --seed 1; resume with the same split \(got --seed 2\)/);

  const [c1, c2] = check(firstCheckpoint, path.join(dir, 'checkpoint.pth')) as [Check, Check];
  expect(c1.epoch).toBe(1);
  expect(c1.global_step).toBe(5); // ceil(300 / 64)
  expect(c1.keys).toEqual(['args', 'epoch', 'global_step', 'model', 'optimizer', 'scheduler', 'test_accuracy', 'test_correct', 'test_loss']);
  expect(c1.model_keys).toEqual(['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
  expect(c1.momentum_buffers).toBe(8);
  // CosineAnnealingLR over the run's one epoch: at its end the rate is eta_min, 0.
  expect([c1.scheduler_epoch, c1.lr]).toEqual([1, 0]);
  expect(c1.correct).toBe(c1.recorded_correct);
  expect(Math.abs(c1.test_loss - c1.recorded_test_loss)).toBeLessThan(1e-5);
  expect(c1.test_accuracy_type).toBe('float');

  expect([c2.epoch, c2.global_step]).toEqual([2, 10]);
  expect(c2.correct).toBe(c2.recorded_correct);

  const { runs } = JSON.parse(
    execFileSync(python, ['-W', 'ignore', path.join(root, 'scripts', 'fixtures', 'tensorboard_events.py'), '--read', dir], { encoding: 'utf8', maxBuffer: 64 << 20 }),
  ) as { runs: Record<string, { scalars: Record<string, [number, number][]>; images: Record<string, unknown[]>; histograms: Record<string, unknown[]>; hparams: Record<string, unknown> }> };
  const main = runs['.']!;
  expect(main.scalars['test/accuracy']!.map(([step]) => step)).toEqual([5, 10]);
  expect(main.scalars['test/accuracy']![1]![1]).toBeCloseTo(c2.recorded_correct / 100, 6);
  expect(Object.keys(main.images)).toEqual(['held-out digits']);
  expect(Object.keys(main.histograms)).toContain('params/conv1.weight');
  expect(Object.keys(runs.hparams!.hparams).sort()).toEqual(['_hparams_/experiment', '_hparams_/session_end_info', '_hparams_/session_start_info']);
});
