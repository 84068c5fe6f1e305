// torch/utils/tensorboard/summary.py (and _utils.py, _convert_np.py): the Summary protos that
// SummaryWriter logs, serialized with ./proto.
import { bfloat16, bool, complex128, complex64, float16, float32, float64, int16, int32, int64, int8, uint8, type DType } from '../../dtype';
import { pyFloat } from '../../nn/repr';
import { PyFloat } from '../../scalar';
import { Tensor } from '../../tensor';
import { cat, viewAsReal, zeros } from '../../generated/torch';
import { tidy } from '../../memory';
import { histogram as npHistogram, max, min, pairwiseSum, type Bins } from './numpy_histogram';
import { encodePngBytes } from '../../vision/io/png';
import { pb } from './proto';

/** What make_np accepts: a tensor, a number, or an array of numbers (Python's ndarray). */
export type ArrayInput = Tensor | number | boolean | PyFloat | ArrayLike<number>;

/** A tensor's values as float64, as `make_np(x).astype(float)` gives them. */
function float64Values(x: ArrayInput): Float64Array {
  if (x instanceof Tensor) {
    return tidy(() => {
      let t = x.detach();
      if (t.dtype === bfloat16) t = t.to(float16);
      return t.to(float64).contiguous().toTypedArray() as Float64Array;
    });
  }
  if (typeof x === 'number' || typeof x === 'boolean' || x instanceof PyFloat) return Float64Array.of(Number(x));
  return Float64Array.from(x);
}

/** numpy's shape repr: `(3, 4)`, `(3,)`, `()`. */
const shapeRepr = (shape: readonly number[]): string => (shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`);

function summaryValue(fields: (w: ReturnType<typeof pb>) => void): Buffer {
  const value = pb();
  fields(value);
  return pb().message(1, value.finish()).finish();
}

function pluginMetadata(pluginName: string, content: Buffer = Buffer.alloc(0)): Buffer {
  return pb().message(1, pb().string(1, pluginName).bytes(2, content).finish()).finish();
}

const DT_FLOAT = 1;
const DT_DOUBLE = 2;
const DT_STRING = 7;

const tensorShape = (shape: readonly number[]): Buffer => {
  const w = pb();
  for (const d of shape) w.message(2, pb().int(1, d).finish());
  return w.finish();
};

export function scalar(name: string, value: ArrayInput, newStyle = false, doublePrecision = false): Buffer {
  const values = float64Values(value);
  if (values.length !== 1) {
    const ndim = value instanceof Tensor ? value.shape.filter((s) => s !== 1).length : 1;
    throw new Error(`Tensor should contain one element (0 dimensions).             Was given size: ${values.length} and ${ndim} dimensions.`);
  }
  const v = values[0]!;
  if (newStyle) {
    const tensorProto = doublePrecision ? pb().int(1, DT_DOUBLE).packedDoubles(6, [v]).finish() : pb().int(1, DT_FLOAT).packedFloats(5, [v]).finish();
    return summaryValue((w) => w.string(1, name).message(8, tensorProto).message(9, pluginMetadata('scalars')));
  }
  return summaryValue((w) => w.string(1, name).float(2, v, true));
}

export interface HistogramFields {
  min: number;
  max: number;
  num: number;
  sum: number;
  sumSquares: number;
  bucketLimits: readonly number[];
  bucketCounts: readonly number[];
}

function histogramProto(h: HistogramFields): Buffer {
  return pb().double(1, h.min).double(2, h.max).double(3, h.num).double(4, h.sum).double(5, h.sumSquares).packedDoubles(6, h.bucketLimits).packedDoubles(7, h.bucketCounts).finish();
}

export function histogramRaw(name: string, h: HistogramFields): Buffer {
  return summaryValue((w) => w.string(1, name).message(5, histogramProto(h)));
}

/** Python's slice a[start:end] of a list (negative bounds count from the end). */
function pySlice<T>(a: readonly T[], start: number, end: number): T[] {
  const norm = (i: number): number => Math.min(Math.max(i < 0 ? i + a.length : i, 0), a.length);
  return a.slice(norm(start), Math.max(norm(start), norm(end)));
}

function makeHistogram(values: Float64Array, bins: Bins, maxBins: number | null = null): HistogramFields {
  if (values.length === 0) throw new RangeError('The input has no element.');
  let { counts, edges: limits } = npHistogram(values, bins);
  const numBins = counts.length;
  if (maxBins !== null && numBins > maxBins) {
    const subsampling = Math.floor(numBins / maxBins);
    const remainder = numBins % subsampling;
    if (remainder !== 0) counts = [...counts, ...new Array<number>(subsampling - remainder).fill(0)];
    const merged: number[] = [];
    for (let i = 0; i < counts.length; i += subsampling) merged.push(counts.slice(i, i + subsampling).reduce((s, c) => s + c, 0));
    const newLimits: number[] = [];
    for (let i = 0; i < limits.length - 1; i += subsampling) newLimits.push(limits[i]!);
    newLimits.push(limits[limits.length - 1]!);
    counts = merged;
    limits = newLimits;
  }
  // Trim the empty buckets at both ends, keeping one empty bucket before the first full one.
  const cum: number[] = [];
  counts.reduce((s, c) => (cum.push(s + (c > 0 ? 1 : 0)), s + (c > 0 ? 1 : 0)), 0);
  const searchRight = (v: number): number => cum.filter((c) => c <= v).length;
  const start = searchRight(0);
  const end = searchRight(cum[cum.length - 1]! - 1) + 1;
  counts = start > 0 ? pySlice(counts, start - 1, end) : [0, ...pySlice(counts, 0, end)];
  limits = pySlice(limits, start, end + 1);
  if (counts.length === 0 || limits.length === 0) throw new RangeError('The histogram is empty, please file a bug report.');
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) sumSquares += values[i]! * values[i]!;
  return { min: min(values), max: max(values), num: values.length, sum: pairwiseSum(values), sumSquares, bucketLimits: limits, bucketCounts: counts };
}

export function histogram(name: string, values: ArrayInput, bins: Bins, maxBins: number | null = null): Buffer {
  return histogramRaw(name, makeHistogram(float64Values(values), bins, maxBins));
}

/** _utils.make_grid: NCHW images (1 or 3 channels) tiled into one 3-channel CHW canvas, 8 a row. */
export function makeGrid(I: Tensor, ncols = 8): Tensor {
  if (I.shape[1] === 1) I = cat([I, I, I], 1);
  if (I.dim() !== 4 || I.shape[1] !== 3) throw new Error('Input should be a 4D numpy array with 3 channels');
  const [nimg, , H, W] = I.shape as unknown as [number, number, number, number];
  ncols = Math.min(nimg, ncols);
  const nrows = Math.ceil(nimg / ncols);
  const padded = nrows * ncols > nimg ? cat([I, zeros([nrows * ncols - nimg, 3, H, W], { dtype: I.dtype })], 0) : I;
  return padded.reshape(nrows, ncols, 3, H, W).permute(2, 0, 3, 1, 4).reshape(3, nrows * H, ncols * W);
}

/** _utils.convert_to_HWC. */
function convertToHWC(t: Tensor, inputFormat: string): Tensor {
  if (new Set(inputFormat).size !== inputFormat.length) {
    throw new Error(`You can not use the same dimension shorthand twice.             input_format: ${inputFormat}`);
  }
  if (t.dim() !== inputFormat.length) {
    throw new Error(`size of input tensor and input format are different.         tensor shape: ${shapeRepr([...t.shape])}, input_format: ${inputFormat}`);
  }
  const format = inputFormat.toUpperCase();
  const order = (dims: string): number[] => [...dims].map((c) => format.indexOf(c));
  if (format.length === 4) return makeGrid(t.permute(order('NCHW'))).permute(1, 2, 0);
  if (format.length === 3) {
    const hwc = t.permute(order('HWC'));
    return hwc.shape[2] === 1 ? cat([hwc, hwc, hwc], 2) : hwc;
  }
  if (format.length === 2) {
    const hw = t.permute(order('HW')).unsqueeze(2);
    return cat([hw, hw, hw], 2);
  }
  throw new Error(`convert_to_HWC does not take a ${format.length}-letter format: ${inputFormat}`);
}

export function image(tag: string, img: Tensor, dataformats = 'NCHW'): Buffer {
  const [pixels, height, width, channels] = tidy(() => {
    let t = img.detach();
    if (t.dtype === bfloat16) t = t.to(float16);
    const hwc = convertToHWC(t, dataformats);
    const scale = hwc.dtype === uint8 ? 1 : 255;
    const bytes = hwc.to(float32).mul(scale).clamp(0, 255).to(uint8).contiguous();
    const [h, w, c] = hwc.shape as unknown as [number, number, number];
    return [bytes.toTypedArray() as Uint8Array, h, w, c] as const;
  });
  // PIL's Image.fromarray refuses other channel counts.
  if (![1, 2, 3, 4].includes(channels)) throw new TypeError(`Cannot handle this data type: (1, 1, ${channels}), |u1`);
  const png = encodePngBytes({ data: pixels, height, width, channels });
  const imageProto = pb().int(1, height).int(2, width).int(3, channels).bytes(4, png).finish();
  return summaryValue((w) => w.string(1, tag).message(4, imageProto));
}

export function text(tag: string, value: string): Buffer {
  // TextPluginData(version=0) serializes to nothing.
  const shape = pb().message(2, pb().int(1, 1).finish()).finish();
  const tensorProto = pb().int(1, DT_STRING).message(2, shape).bytes(8, Buffer.from(value, 'utf8'), true).finish();
  return summaryValue((w) => w.string(1, `${tag}/text_summary`).message(8, tensorProto).message(9, pluginMetadata('text')));
}

// ---- hparams (tensorboard/plugins/hparams: api.proto, plugin_data.proto) -----------------------

export type HParamValue = number | string | boolean | Tensor | null;

const DATA_TYPE_STRING = 1;
const DATA_TYPE_FLOAT64 = 3;
const STATUS_SUCCESS = 1;

/** google.protobuf.Value holding a number or a string. */
const protoValue = (v: number | string): Buffer => (typeof v === 'string' ? pb().string(3, v, true).finish() : pb().double(2, v, true).finish());

function hparamsSummary(tag: string, pluginData: Buffer): Buffer {
  return summaryValue((w) => w.string(1, tag).message(9, pluginMetadata('hparams', pluginData)));
}

/** summary.hparams: the experiment, session-start and session-end summaries. */
export function hparams(hparamDict: Map<string, HParamValue>, metricDict: Map<string, unknown>, domainDiscrete: Map<string, unknown[]>): [Buffer, Buffer, Buffer] {
  for (const [k, v] of domainDiscrete) {
    const value = hparamDict.get(k);
    // Python's bool is an int: a bool hparam is a number, its domain may mix bools and ints.
    const sameType = (d: unknown): boolean => (typeof value === 'boolean' ? typeof d === 'boolean' : typeof value === 'number' ? typeof d === 'number' || typeof d === 'boolean' : typeof d === typeof value);
    if (!hparamDict.has(k) || !Array.isArray(v) || !v.every(sameType)) {
      throw new TypeError(`parameter: hparam_domain_discrete[${k}] should be a list of same type as hparam_dict[${k}].`);
    }
  }
  const infos: Buffer[] = [];
  const start = pb();
  for (const [k, raw] of hparamDict) {
    if (raw === null || raw === undefined) continue;
    let v: number | string;
    if (typeof raw === 'number' || typeof raw === 'boolean') v = Number(raw);
    else if (typeof raw === 'string') v = raw;
    else if (raw instanceof Tensor) v = float64Values(raw)[0]!;
    else throw new RangeError('value should be one of int, float, str, bool, or torch.Tensor');
    start.message(1, pb().string(1, k).message(2, protoValue(v)).finish());
    const info = pb().string(1, k).int(4, typeof v === 'string' ? DATA_TYPE_STRING : DATA_TYPE_FLOAT64);
    const domain = raw instanceof Tensor ? undefined : domainDiscrete.get(k);
    if (domain !== undefined) {
      const list = pb();
      for (const d of domain) list.message(1, protoValue(typeof d === 'string' ? d : Number(d)));
      info.message(5, list.finish());
    }
    infos.push(info.finish());
  }
  const ssi = hparamsSummary('_hparams_/session_start_info', pb().message(3, start.finish()).finish());
  const experiment = pb();
  for (const info of infos) experiment.message(4, info);
  for (const k of metricDict.keys()) experiment.message(5, pb().message(1, pb().string(2, k).finish()).finish());
  const exp = hparamsSummary('_hparams_/experiment', pb().message(2, experiment.finish()).finish());
  const sei = hparamsSummary('_hparams_/session_end_info', pb().message(4, pb().int(1, STATUS_SUCCESS).finish()).finish());
  return [exp, ssi, sei];
}

// ---- tensors, audio, PR curves, custom scalar layouts --------------------------------------------

/** A float's float32 bit pattern as an int32 (summary.half_to_int, which half_val gets). */
function halfToInt(v: number): number {
  const b = Buffer.alloc(4);
  b.writeFloatLE(v);
  return b.readInt32LE();
}

/** summary._TENSOR_TYPE_MAP: TensorProto's dtype enum and value field for each dtype. */
const TENSOR_TYPES = new Map<DType, [dtype: number, field: number, kind: 'half' | 'float' | 'double' | 'varint' | 'complex64' | 'complex128']>([
  [float16, [19, 13, 'half']],
  [bfloat16, [14, 13, 'half']],
  [float32, [1, 5, 'float']],
  [float64, [2, 6, 'double']],
  [int8, [6, 7, 'varint']],
  [int16, [5, 7, 'varint']],
  [int32, [3, 7, 'varint']],
  [int64, [9, 10, 'varint']],
  [uint8, [4, 16, 'varint']],
  [bool, [10, 11, 'varint']],
  [complex64, [8, 9, 'complex64']],
  [complex128, [18, 12, 'complex128']],
]);

export function tensorProto(tag: string, t: Tensor): Buffer {
  if (t.numel() * t.dtype.itemsize >= 2 ** 31) throw new RangeError("tensor is bigger than protocol buffer's hard limit of 2GB in size");
  const type = TENSOR_TYPES.get(t.dtype);
  if (type === undefined) throw new RangeError(`${tag} has unsupported tensor dtype torch.${t.dtype.name}`);
  const [dtype, field, kind] = type;
  const values = tidy(() => {
    const flat = t.detach().flatten();
    if (kind === 'complex64' || kind === 'complex128') return viewAsReal(flat.to(kind === 'complex64' ? complex64 : complex128)).flatten().tolist() as number[];
    if (kind === 'half') return (flat.to(float32).tolist() as number[]).map(halfToInt);
    if (t.dtype === bool) return (flat.tolist() as boolean[]).map(Number);
    return flat.tolist() as (number | bigint)[];
  });
  const proto = pb().int(1, dtype).message(2, tensorShape([...t.shape]));
  if (kind === 'float' || kind === 'complex64') proto.packedFloats(field, values as number[]);
  else if (kind === 'double' || kind === 'complex128') proto.packedDoubles(field, values as number[]);
  else proto.packedVarints(field, values);
  return summaryValue((w) => w.string(1, tag).message(8, proto.finish()).message(9, pluginMetadata('tensor')));
}

/** A mono 16-bit PCM WAV file, as Python's wave module writes it. */
function wav(samples: Int16Array, sampleRate: number): Buffer {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // channels
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

export function audio(tag: string, snd: Tensor, sampleRate = 44100): Buffer {
  const samples = tidy(() => {
    let a = snd.detach().squeeze();
    if (Number(a.abs().max().item()) > 1) {
      console.log('warning: audio amplitude out of range, auto clipped.');
      a = a.clip(-1, 1);
    }
    if (a.dim() !== 1) throw new Error('input tensor should be 1 dimensional.');
    return a.mul(32767).to(int16).contiguous().toTypedArray() as Int16Array;
  });
  const proto = pb().float(1, sampleRate).int(2, 1).int(3, samples.length).bytes(4, wav(samples, sampleRate)).string(5, 'audio/wav').finish();
  return summaryValue((w) => w.string(1, tag).message(6, proto));
}

function prCurveSummary(tag: string, rows: readonly (readonly number[])[], numThresholds: number): Buffer {
  const content = pb().int(2, numThresholds).finish();
  const shape = tensorShape([rows.length, rows[0]?.length ?? 0]);
  const proto = pb().int(1, DT_FLOAT).message(2, shape).packedFloats(5, rows.flat()).finish();
  return summaryValue((w) => w.string(1, tag).message(8, proto).message(9, pluginMetadata('pr_curves', content)));
}

/** summary.compute_curve: tp, fp, tn, fn, precision and recall at each threshold. */
function computeCurve(labels: ArrayInput, predictions: ArrayInput, numThresholds: number, weights: ArrayInput | null): number[][] {
  const MINIMUM_COUNT = 1e-7;
  const bucketIndices =
    predictions instanceof Tensor
      ? Float64Array.from(tidy(() => predictions.detach().mul(numThresholds - 1).floor().to(int32).flatten().toTypedArray() as Int32Array))
      : float64Values(predictions).map((p) => Math.trunc(Math.floor(p * (numThresholds - 1))) | 0);
  const floatLabels = float64Values(labels);
  const w = weights === null ? null : float64Values(weights);
  const weight = (i: number): number => (w === null ? 1.0 : w.length === 1 ? w[0]! : w[i]!);
  const range: [number, number] = [0, numThresholds - 1];
  const tpBuckets = histogram64(bucketIndices, numThresholds, range, floatLabels.map((l, i) => l * weight(i)));
  const fpBuckets = histogram64(bucketIndices, numThresholds, range, floatLabels.map((l, i) => (1.0 - l) * weight(i)));
  const reverseCumsum = (a: number[]): number[] => {
    const out = new Array<number>(a.length);
    let s = 0;
    for (let i = a.length - 1; i >= 0; i--) out[i] = s += a[i]!;
    return out;
  };
  const tp = reverseCumsum(tpBuckets);
  const fp = reverseCumsum(fpBuckets);
  const tn = fp.map((v) => fp[0]! - v);
  const fn = tp.map((v) => tp[0]! - v);
  const precision = tp.map((v, i) => v / Math.max(MINIMUM_COUNT, v + fp[i]!));
  const recall = tp.map((v, i) => v / Math.max(MINIMUM_COUNT, v + fn[i]!));
  return [tp, fp, tn, fn, precision, recall];
}

const histogram64 = (a: Float64Array, bins: number, range: [number, number], weights: Float64Array): number[] => npHistogram(a, bins, range, weights).counts;

export function prCurve(tag: string, labels: ArrayInput, predictions: ArrayInput, numThresholds = 127, weights: ArrayInput | null = null): Buffer {
  numThresholds = Math.min(numThresholds, 127);
  return prCurveSummary(tag, computeCurve(labels, predictions, numThresholds, weights), numThresholds);
}

export function prCurveRaw(tag: string, rows: readonly ArrayInput[], numThresholds = 127): Buffer {
  const data = rows.map((r) => Array.from(float64Values(r)));
  if (data.some((r) => r.length !== data[0]!.length)) throw new RangeError('all input arrays must have the same shape');
  return prCurveSummary(tag, data, Math.min(numThresholds, 127));
}

/** A chart of a custom scalars layout: `['Multiline', tags]` or `['Margin', [value, lower, upper]]`. */
export type ChartSpec = readonly [kind: string, tags: readonly string[]];

export function customScalars(layout: Map<string, Map<string, ChartSpec>>): Buffer {
  const l = pb();
  for (const [category, charts] of layout) {
    const c = pb().string(1, category);
    for (const [title, [kind, tags]] of charts) {
      const chart = pb().string(1, title);
      if (kind === 'Margin') {
        if (tags.length !== 3) throw new Error('len(tags) != 3');
        chart.message(3, pb().message(1, pb().string(1, tags[0]!).string(2, tags[1]!).string(3, tags[2]!).finish()).finish());
      } else {
        const content = pb();
        for (const t of tags) content.string(1, t, true);
        chart.message(2, content.finish());
      }
      c.message(2, chart.finish());
    }
    l.message(2, c.finish());
  }
  const proto = pb().int(1, DT_STRING).message(2, Buffer.alloc(0)).bytes(8, l.finish(), true).finish();
  return summaryValue((w) => w.string(1, 'custom_scalars__config__').message(8, proto).message(9, pluginMetadata('custom_scalars')));
}

/** Python's json.dumps(value, sort_keys=True): its separators, sorted keys, ASCII escapes. */
function pyJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (value instanceof PyFloat) return Number.isFinite(value.value) ? pyFloat(value.value) : pyJsonDumps(value.value);
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : !Number.isFinite(value) ? (value > 0 ? 'Infinity' : '-Infinity') : Number.isInteger(value) ? String(value) : pyFloat(value);
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(', ')}]`;
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as object);
  return `{${entries
    .map(([k, v]) => [String(k), v] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${pyJsonDumps(k)}: ${pyJsonDumps(v)}`)
    .join(', ')}}`;
}

const MESH_CONTENT = { VERTEX: 1, FACE: 2, COLOR: 3 } as const;

/** summary.mesh: one tensor summary per given part (vertices, faces, colors), all [B, N, 3]. */
export function mesh(tag: string, vertices: Tensor, colors: Tensor | null, faces: Tensor | null, configDict: unknown): Buffer {
  const jsonConfig = configDict === null || configDict === undefined ? '{}' : pyJsonDumps(configDict);
  const parts = ([[vertices, 'VERTEX'], [faces, 'FACE'], [colors, 'COLOR']] as const).filter(([t]) => t !== null) as [Tensor, keyof typeof MESH_CONTENT][];
  const components = parts.reduce((m, [, kind]) => m | (1 << MESH_CONTENT[kind]), 0);
  const summary = pb();
  for (const [t, kind] of parts) {
    const shape = [...t.shape];
    if (shape.length !== 3) throw new RangeError(`Tensor shape should be of shape BxNx3, but got torch.Size([${shape.join(', ')}]).`);
    const content = pb().string(2, tag).int(3, MESH_CONTENT[kind]).string(5, jsonConfig).packedVarints(6, shape).int(7, components).finish();
    const values = tidy(() => t.detach().reshape(-1).to(float64).tolist() as number[]);
    const proto = pb().int(1, DT_FLOAT).message(2, tensorShape(shape)).packedFloats(5, values).finish();
    const value = pb().string(1, `${tag}_${kind}`).message(8, proto).message(9, pluginMetadata('mesh', content)).finish();
    summary.message(1, value);
  }
  return summary.finish();
}
