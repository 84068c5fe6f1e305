// torch.utils.tensorboard.SummaryWriter against PyTorch's: Node makes the same calls that
// scripts/fixtures/tensorboard_events.py makes with torch.utils.tensorboard, and TensorBoard's own
// reader (EventAccumulator, run by the same script) must read the same scalars, histogram buckets,
// image pixels, text and hparams from both.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { expectClose, expectError, fixture } from './helpers';
import { crc32c, maskedCrc32c } from '../lib/utils/tensorboard/event_file_writer';

const { SummaryWriter } = torch.utils.tensorboard;
const root = path.join(__dirname, '..');
const python = path.join(root, '.venv', 'bin', 'python');
const reader = path.join(root, 'scripts', 'fixtures', 'tensorboard_events.py');

interface Histo {
  step: number;
  min: number;
  max: number;
  num: number;
  sum: number;
  sum_squares: number;
  bucket_limit: number[];
  bucket: number[];
}
interface Run {
  scalars: Record<string, [number, number][]>;
  walltimes: Record<string, number[]>;
  tensor_scalars: Record<string, [number, number, number][]>;
  histograms: Record<string, Histo[]>;
  images: Record<string, { step: number; width: number; height: number; mode: string; pixels: unknown }[]>;
  text: Record<string, [number, string[]][]>;
  tensors: Record<string, unknown>;
  pr_curves: Record<string, [number, number[][], unknown][]>;
  custom_scalars: Record<string, unknown>;
  mesh: Record<string, unknown>;
  audio: Record<string, { step: number; wav: string; content_type: string; sample_rate: number; length_frames: number }[]>;
  hparams: Record<string, unknown>;
}
type DType = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool';
interface Inputs {
  scalars: number[];
  histograms: Record<string, { values: number[]; dtype: DType; step: number; bins?: number | string | number[]; max_bins?: number }>;
  images: Record<string, { values: number[]; dtype: DType; shape: number[]; dataformats: string; batch: boolean }>;
  tensors: Record<string, { values: (number | boolean)[]; dtype: DType; shape: number[] }>;
  audio: Record<string, { values: number[]; dtype: DType; sample_rate: number }>;
  pr_curves: { labels: number[]; predictions: number[]; weights: number[]; raw: number[][] };
  layout: Record<string, Record<string, [string, string[]]>>;
  mesh: { vertices: number[]; colors: number[]; faces: number[]; config: Record<string, unknown> };
  embedding: { mat: number[]; images: number[]; labels: number[]; rows: [number, string, boolean][]; ints: number[] };
  text: string;
  hparams: { hparam_dict: Record<string, number | string | boolean>; metric_dict: Record<string, number>; domain: Record<string, unknown[]> };
}
interface Logs {
  runs: Record<string, Run>;
  /** The projector's files: text, or a PNG's pixels. */
  files: Record<string, unknown>;
}
const expected = fixture<{ inputs: Inputs; exact_records: string[] } & Logs>('tensorboard.json');
const inputs = expected.inputs;

const tensor = (values: number[] | boolean[], dtype: DType): torch.Tensor => torch.tensor(values, { dtype: torch[dtype] });

function read(logdir: string): Logs {
  return JSON.parse(execFileSync(python, ['-W', 'ignore', reader, '--read', logdir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 })) as Logs;
}

/** What scripts/fixtures/tensorboard_events.py's write_logs does, with torchnode. */
function writeLogs(logdir: string): void {
  let w = new SummaryWriter(logdir, { maxQueue: 3 });
  inputs.scalars.forEach((v, step) => w.addScalar('loss', v, step, { walltime: 1000.0 + step }));
  w.addScalar('tensor_scalar', torch.tensor([inputs.scalars[0]!]), 7);
  w.addScalar('new_style', 0.25, 1, { newStyle: true });
  w.addScalar('double', inputs.scalars[1]!, 1, { newStyle: true, doublePrecision: true });
  w.addScalars('run/14h', { xsinx: 1.5, xcosx: -2.0 }, 3);
  for (const [name, spec] of Object.entries(inputs.histograms)) {
    const options: { bins?: number | string | number[]; maxBins?: number } = {};
    if (spec.bins !== undefined) options.bins = spec.bins;
    if (spec.max_bins !== undefined) options.maxBins = spec.max_bins;
    w.addHistogram(name, tensor(spec.values, spec.dtype), spec.step, options);
  }
  w.addHistogram('edges_tensor', tensor(inputs.histograms.edges!.values, 'float32'), 8, { bins: torch.tensor([-2.0, 0.0, 0.5, 3.0]) });
  w.addHistogramRaw('raw', -1.0, 3.0, 10, 5.0, 20.0, [0.0, 1.0, 3.0], [2.0, 5.0, 3.0], { globalStep: 7 });
  for (const [name, spec] of Object.entries(inputs.images)) {
    const img = tensor(spec.values, spec.dtype).reshape(spec.shape);
    if (spec.batch) w.addImages(name, img, 0, { dataformats: spec.dataformats });
    else w.addImage(name, img, 0, { dataformats: spec.dataformats });
  }
  for (const [name, spec] of Object.entries(inputs.tensors)) w.addTensor(name, tensor(spec.values as number[], spec.dtype).reshape(spec.shape), 1);
  for (const [name, spec] of Object.entries(inputs.audio)) w.addAudio(name, tensor(spec.values, spec.dtype), 2, { sampleRate: spec.sample_rate });
  const pr = inputs.pr_curves;
  w.addPrCurve('pr', tensor(pr.labels, 'int64'), tensor(pr.predictions, 'float32'), 1);
  w.addPrCurve('pr_weighted', tensor(pr.labels, 'bool'), tensor(pr.predictions, 'float64'), 2, { numThresholds: 10, weights: tensor(pr.weights, 'float32') });
  w.addPrCurve('pr_numpy', pr.labels, pr.predictions, 4, { numThresholds: 50 });
  w.addPrCurveRaw('pr_raw', ...(pr.raw as [number[], number[], number[], number[], number[], number[]]), { globalStep: 3, numThresholds: 5 });
  w.addCustomScalars(inputs.layout);
  w.addCustomScalarsMultilinechart(['loss', 'tensor_scalar'], { category: 'lines', title: 'both' });
  w.addCustomScalarsMarginchart(['loss', 'loss', 'tensor_scalar']);
  const m = inputs.mesh;
  const vertices = tensor(m.vertices, 'float32').reshape(1, 4, 3);
  w.addMesh('cube', vertices, { colors: tensor(m.colors, 'uint8').reshape(1, 4, 3), faces: tensor(m.faces, 'int32').reshape(1, 2, 3), configDict: m.config, globalStep: 5 });
  w.addMesh('cloud', vertices, { globalStep: 6 });
  const emb = inputs.embedding;
  w.addEmbedding(tensor(emb.mat, 'float32').reshape(6, 3), { metadata: emb.labels, labelImg: tensor(emb.images, 'float32').reshape(6, 1, 4, 5), globalStep: 3, tag: 'feat/x%' });
  w.addEmbedding(tensor(emb.mat, 'float64').reshape(6, 3), { metadata: emb.rows, metadataHeader: ['n', 'name', 'flag'] });
  w.addEmbedding(tensor(emb.ints, 'int64').reshape(3, 2), { tag: 'ints', globalStep: 1 });
  // The same step again: PyTorch warns, and lists the embedding twice.
  w.addEmbedding(tensor(emb.ints, 'int64').reshape(3, 2), { tag: 'ints', globalStep: 1 });
  w.addText('note', inputs.text, 2);
  w.addText('note', 'second', 3);
  const hp = inputs.hparams;
  w.addHparams(hp.hparam_dict, hp.metric_dict, { hparamDomainDiscrete: hp.domain, runName: 'hp_run', globalStep: 4 });
  w.close();
  const purged = path.join(logdir, 'purged');
  w = new SummaryWriter(purged);
  for (let step = 0; step < 8; step++) w.addScalar('x', step, step);
  w.close();
  w = new SummaryWriter(purged, { purgeStep: 5 });
  for (let step = 5; step < 7; step++) w.addScalar('x', 10.0 * step, step);
  w.close();
}

let tmp: string;
let runs: Record<string, Run>;
let files: Record<string, unknown>;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-'));
  writeLogs(tmp);
  ({ runs, files } = read(tmp));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const run = (name: string): Run => runs[name]!;
const want = (name: string): Run => expected.runs[name]!;

describe('SummaryWriter event files, read back by TensorBoard', () => {
  test('the same runs (add_scalars and add_hparams write sub-runs)', () => {
    expect(Object.keys(runs).sort()).toEqual(Object.keys(expected.runs).sort());
    expect(Object.keys(runs)).toEqual(expect.arrayContaining(['.', 'run_14h_xsinx', 'run_14h_xcosx', 'hp_run', 'purged']));
  });

  test('scalars: values (float32), steps, walltimes; tensor, new-style and double scalars', () => {
    for (const name of Object.keys(expected.runs)) {
      expect(Object.keys(run(name).scalars).sort()).toEqual(Object.keys(want(name).scalars).sort());
      for (const [tag, events] of Object.entries(want(name).scalars)) expect(run(name).scalars[tag]).toEqual(events);
    }
    expect(run('.').walltimes.loss).toEqual(want('.').walltimes.loss);
    expect(run('.').tensor_scalars).toEqual(want('.').tensor_scalars);
    expect(run('.').tensor_scalars.double).toEqual([[1, inputs.scalars[1], 2]]);
  });

  test('purge_step: TensorBoard drops the steps at and after it from the first file', () => {
    expect(run('purged').scalars.x).toEqual(want('purged').scalars.x);
    expect(run('purged').scalars.x!.map(([s]) => s)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  test("histograms: bucket limits and counts are PyTorch's ('tensorflow' bins, counts, edges, numpy estimators, max_bins)", () => {
    const mine = run('.').histograms;
    const theirs = want('.').histograms;
    expect(Object.keys(mine).sort()).toEqual(Object.keys(theirs).sort());
    for (const [tag, events] of Object.entries(theirs)) {
      const h = events[0]!;
      const m = mine[tag]![0]!;
      expect([tag, m.bucket_limit]).toEqual([tag, h.bucket_limit]);
      expect([tag, m.bucket]).toEqual([tag, h.bucket]);
      expect([m.step, m.min, m.max, m.num]).toEqual([h.step, h.min, h.max, h.num]);
      expectClose(m.sum, h.sum, 1e-12, 1e-12, `${tag}.sum`);
      expectClose(m.sum_squares, h.sum_squares, 1e-12, 1e-12, `${tag}.sum_squares`);
    }
  });

  test('images: the decoded pixels, sizes and modes are the same (CHW, HWC, HW, RGBA, NCHW and NHWC grids)', () => {
    const mine = run('.').images;
    expect(Object.keys(mine).sort()).toEqual(Object.keys(want('.').images).sort());
    for (const [tag, events] of Object.entries(want('.').images)) expect([tag, mine[tag]]).toEqual([tag, events]);
  });

  test('tensors of every dtype PyTorch maps (add_tensor): the same TensorProto fields', () => {
    expect(Object.keys(run('.').tensors).sort()).toEqual(Object.keys(inputs.tensors).sort());
    expect(run('.').tensors).toEqual(want('.').tensors);
  });

  test('audio: the same WAV bytes (clipped and in range, float32 and float64)', () => {
    expect(Object.keys(run('.').audio).sort()).toEqual(['clipped', 'quiet']);
    expect(run('.').audio).toEqual(want('.').audio);
  });

  test('PR curves (labels and predictions, weighted, raw) and custom scalar layouts', () => {
    expect(Object.keys(run('.').pr_curves).sort()).toEqual(['pr', 'pr_numpy', 'pr_raw', 'pr_weighted']);
    expect(run('.').pr_curves).toEqual(want('.').pr_curves);
    expect(run('.').pr_curves.pr_weighted![0]![1]).toHaveLength(6);
    expect(run('.').custom_scalars).toEqual(want('.').custom_scalars);
    expect((run('.').custom_scalars.custom_scalars__config__ as unknown[]).length).toBe(3);
  });

  test('meshes: vertices, faces and colors as tensors with the mesh plugin data (JSON config as json.dumps writes it)', () => {
    expect(Object.keys(run('.').mesh).sort()).toEqual(['cloud_VERTEX', 'cube_COLOR', 'cube_FACE', 'cube_VERTEX']);
    expect(run('.').mesh).toEqual(want('.').mesh);
  });

  test("embeddings: the projector's files (tensors.tsv, metadata.tsv with a header, sprite.png pixels, projector_config.pbtxt)", () => {
    expect(Object.keys(files).sort()).toEqual(Object.keys(expected.files).sort());
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['projector_config.pbtxt', '00003/feat%2fx%25/sprite.png', '00000/default/metadata.tsv', '00001/ints/tensors.tsv']));
    for (const [name, content] of Object.entries(expected.files)) expect([name, files[name]]).toEqual([name, content]);
  });

  test('text and hparams', () => {
    expect(run('.').text).toEqual(want('.').text);
    expect(run('.').text['note/text_summary']![0]![1]).toEqual([inputs.text]);
    expect(run('hp_run').hparams).toEqual(want('hp_run').hparams);
    expect(Object.keys(run('hp_run').hparams).sort()).toEqual(['_hparams_/experiment', '_hparams_/session_end_info', '_hparams_/session_start_info']);
  });
});

describe('SummaryWriter event records', () => {
  test("are PyTorch's byte for byte (TFRecord framing, CRCs, every Summary but images) given the same walltimes", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-'));
    try {
      const w = new SummaryWriter(dir);
      const W = 1234.5;
      w.addScalar('a', 0.0, 0, { walltime: W });
      w.addScalar('b', 2.5, 3, { walltime: W, newStyle: true });
      w.addScalar('c', -2.5, -3, { walltime: W, newStyle: true, doublePrecision: true });
      w.addHistogram('h', torch.arange(10, { dtype: torch.float32 }), 1, { walltime: W });
      w.addHistogram('h2', torch.arange(10, { dtype: torch.float32 }), 1, { bins: 3, walltime: W });
      w.addText('t', 'h\u00e9', 2, { walltime: W });
      w.addTensor('tt', torch.tensor([[1, -2], [3, 4]]), 2, { walltime: W });
      w.addTensor('tf', torch.tensor([0.5, 0.0], { dtype: torch.float16 }), 2, { walltime: W });
      w.addAudio('au', torch.tensor([0.5, -0.25, 0.0]), 2, { sampleRate: 100, walltime: W });
      w.addPrCurve('pr', torch.tensor([0, 1, 1]), torch.tensor([0.2, 0.6, 0.9]), 2, { numThresholds: 4, walltime: W });
      w.addMesh('me', torch.ones(1, 2, 3), { faces: torch.zeros([1, 1, 3], { dtype: torch.int32 }), configDict: { b: 1, a: [1.5] }, globalStep: 1, walltime: W });
      w.close();
      const [name] = fs.readdirSync(dir);
      const data = fs.readFileSync(path.join(dir, name!));
      const records: string[] = [];
      for (let i = 0; i < data.length; ) {
        const n = Number(data.readBigUInt64LE(i));
        records.push(data.subarray(i, i + 16 + n).toString('hex'));
        i += 16 + n;
      }
      expect(records.slice(1)).toEqual(expected.exact_records);
      expect(records).toHaveLength(12);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SummaryWriter behaviour', () => {
  test("event file names and the default log dir are PyTorch's", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-'));
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      const w = new SummaryWriter({ comment: '_lr0.1', filenameSuffix: '.v2' });
      expect(w.getLogdir()).toMatch(new RegExp(`^runs/[A-Z][a-z]{2}\\d{2}_\\d{2}-\\d{2}-\\d{2}_${os.hostname()}_lr0\\.1$`));
      w.close();
      const files = fs.readdirSync(path.join(dir, w.getLogdir()));
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(new RegExp(`^events\\.out\\.tfevents\\.\\d{10}\\.${os.hostname()}\\.${process.pid}\\.\\d+\\.v2$`));
    } finally {
      process.chdir(cwd);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('records wait for maxQueue, flush() or close(); after close() a new file is started', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-'));
    try {
      const w = new SummaryWriter(dir, { maxQueue: 4 });
      const file = (): string[] => fs.readdirSync(dir).filter((f) => f.startsWith('events'));
      const size = (): number => fs.statSync(path.join(dir, file()[0]!)).size;
      const empty = size();
      w.addScalar('a', 1, 0);
      w.addScalar('a', 2, 1);
      expect(size()).toBe(empty);
      w.flush();
      expect(size()).toBeGreaterThan(empty);
      const flushed = size();
      for (let i = 2; i < 6; i++) w.addScalar('a', i, i);
      expect(size()).toBeGreaterThan(flushed);
      w.close();
      w.addScalar('a', 9, 9);
      w.close();
      expect(file()).toHaveLength(2);
      expect(read(dir).runs['.']!.scalars.a!.map(([s]) => s)).toEqual([0, 1, 2, 3, 4, 5, 9]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('CRC-32C is the Castagnoli CRC (RFC 3720 test vectors) and masked as TFRecord masks it', () => {
    expect(crc32c(Buffer.alloc(32))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    const crc = 0xe3069283;
    expect(maskedCrc32c(Buffer.from('123456789'))).toBe(((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0);
  });

  test("PyTorch's errors", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-'));
    try {
      const w = new SummaryWriter(dir);
      expectError(() => w.addScalar('s', torch.ones(2, 3)), 'Tensor should contain one element (0 dimensions).             Was given size: 6 and 2 dimensions.');
      expectError(() => w.addHistogram('h', torch.ones(0)), 'The input has no element.');
      expectError(() => w.addHistogram('h', torch.ones(3), 0, { bins: [1, 0] }), '`bins` must increase monotonically, when an array');
      expectError(() => w.addHistogram('h', torch.ones(3), 0, 'nope'), "'nope' is not a valid estimator for `bins`");
      expectError(() => w.addImage('i', torch.ones(3, 4)), 'size of input tensor and input format are different.         tensor shape: (3, 4), input_format: CHW');
      expectError(() => w.addImage('i', torch.ones(3, 4, 4), 0, { dataformats: 'CCW' }), 'You can not use the same dimension shorthand twice.');
      expectError(() => w.addImages('i', torch.ones(2, 2, 4, 4)), 'Input should be a 4D numpy array with 3 channels');
      expectError(() => w.addHparams({ a: 1 }, { m: 1 }, { hparamDomainDiscrete: { b: [1] } }), 'parameter: hparam_domain_discrete[b] should be a list of same type as hparam_dict[b].');
      expectError(() => w.addHparams(new Map([['a', [1] as never]]), { m: 1 }, { runName: 'x' }), 'value should be one of int, float, str, bool, or torch.Tensor');
      expectError(() => w.addScalar('s', 1, { globalStap: 1 } as never), "add_scalar() got an unexpected keyword argument 'globalStap'");
      w.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
