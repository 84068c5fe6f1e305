// examples/classify and examples/segment run as users run them (child processes on the built
// package) against seeded random weights that torchvision wrote under its own file names into a
// temporary torch hub cache (scripts/fixtures/examples_vision.py); they print torchvision's top-5
// and write torchvision's mask for the same image through the weights' transforms.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { fixture } from './helpers';

interface Expected {
  classify: { file: string; url: string; top5: { index: number; category: string; printed: string }[] };
  segment: { file: string; url: string; size: number; shape: [number, number]; mask: number[]; classes: string[] };
}

const root = path.join(__dirname, '..');
const python = path.join(root, '.venv', 'bin', 'python');
const image = path.join(__dirname, 'fixtures', 'generated', 'examples_vision.png');
const expected = fixture<Expected>('examples_vision.json');
let dir: string;
let torchHome: string;
let checkpoints: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'examples-vision-'));
  torchHome = path.join(dir, 'torch');
  checkpoints = path.join(torchHome, 'hub', 'checkpoints');
  execFileSync(python, [path.join(root, 'scripts', 'fixtures', 'examples_vision.py'), '--checkpoints', checkpoints], { stdio: 'inherit' });
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const example = (name: string, args: string[], home = torchHome) =>
  spawnSync(process.execPath, [path.join(root, 'examples', name, 'main.js'), ...args], {
    encoding: 'utf8',
    cwd: root,
    env: { ...process.env, TORCH_HOME: home },
  });

const top5Lines = () => expected.classify.top5.map((t) => `${t.category}: ${t.printed}`);

test('classify prints torchvision top-5 categories and scores for the image', () => {
  const r = example('classify', [image]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout.trim().split('\n')).toEqual(top5Lines());
}, 60_000);

test('classify --weights loads a state_dict file, with no cache and no download', () => {
  const empty = path.join(dir, 'empty-home');
  const r = example('classify', [image, '--weights', path.join(checkpoints, expected.classify.file), '--offline'], empty);
  expect(r.status).toBe(0);
  expect(r.stdout.trim().split('\n')).toEqual(top5Lines());
}, 60_000);

test('a checkpoint missing from the cache says where to put it and where it comes from', () => {
  const empty = path.join(dir, 'missing-home');
  const r = example('classify', [image, '--offline'], empty);
  expect(r.status).toBe(1);
  const file = path.join(empty, 'hub', 'checkpoints', expected.classify.file);
  expect(r.stderr).toContain(`ResNet50_Weights.IMAGENET1K_V2 needs ${expected.classify.file}, which is not in the torch hub cache`);
  expect(r.stderr).toContain(`download ${expected.classify.url}`);
  expect(r.stderr).toContain(`copy it to ${file}`);
  expect(fs.existsSync(file)).toBe(false);
  const seg = example('segment', [image, '--offline'], empty);
  expect(seg.status).toBe(1);
  expect(seg.stderr).toContain(`DeepLabV3_ResNet50_Weights.COCO_WITH_VOC_LABELS_V1 needs ${expected.segment.file}`);
  expect(seg.stderr).toContain(`download ${expected.segment.url}`);
});

test('bad arguments are refused with a usage line', () => {
  expect(example('classify', []).stderr).toMatch(/^usage: node examples\/classify\/main\.js <image>/);
  expect(example('classify', [image, '--topk', '3']).stderr).toMatch(/^unknown option --topk; options: --weights, --offline/);
  expect(example('segment', [image, '--resize', '0']).stderr).toMatch(/^--resize must be a positive integer, got 0/);
});

test('segment writes torchvision DeepLabV3 mask as a PNG, and an overlay', async () => {
  const out = path.join(dir, 'seg');
  const r = example('segment', [image, '--resize', String(expected.segment.size), '--out', out]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const [h, w] = expected.segment.shape;
  const lines = r.stdout.trim().split('\n');
  expect(lines[0]).toBe(`${h}x${w} mask: ${path.join(out, 'mask.png')}, overlay: ${path.join(out, 'overlay.png')}`);
  expect(lines.slice(1).map((l) => l.split(':')[0])).toEqual(expected.segment.classes);
  const mask = torch.vision.io.decodePng(torch.vision.io.readFile(path.join(out, 'mask.png')));
  expect([...mask.shape]).toEqual([1, h, w]);
  expect(mask.flatten().tolist()).toEqual(expected.segment.mask);
  const overlay = await torch.vision.io.readImage(path.join(out, 'overlay.png'));
  const expectedOverlay = await torch.vision.io.readImage(path.join(__dirname, 'fixtures', 'generated', 'examples_vision_overlay.png'));
  expect([...overlay.shape]).toEqual([3, h, w]);
  expect(overlay.equal(expectedOverlay)).toBe(true);
}, 60_000);
