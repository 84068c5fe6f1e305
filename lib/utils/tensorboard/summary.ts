// torch/utils/tensorboard/summary.py (and _utils.py, _convert_np.py): the Summary protos that
// SummaryWriter logs, serialized with ./proto.
import { bfloat16, float16, float32, float64, uint8 } from '../../dtype';
import { Tensor } from '../../tensor';
import { cat, zeros } from '../../generated/torch';
import { tidy } from '../../memory';
import { histogram as npHistogram, max, min, pairwiseSum, type Bins } from './numpy_histogram';
import { encodePng } from './png';
import { pb } from './proto';

/** What make_np accepts: a tensor, a number, or an array of numbers (Python's ndarray). */
export type ArrayInput = Tensor | number | boolean | ArrayLike<number>;

/** A tensor's values as float64, as `make_np(x).astype(float)` gives them. */
function float64Values(x: ArrayInput): Float64Array {
  if (x instanceof Tensor) {
    return tidy(() => {
      let t = x.detach();
      if (t.dtype === bfloat16) t = t.to(float16);
      return t.to(float64).contiguous().toTypedArray() as Float64Array;
    });
  }
  if (typeof x === 'number' || typeof x === 'boolean') return Float64Array.of(Number(x));
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

export function makeHistogram(values: Float64Array, bins: Bins, maxBins: number | null = null): HistogramFields {
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
function makeGrid(I: Tensor, ncols = 8): Tensor {
  if (I.shape[1] === 1) I = cat([I, I, I], 1);
  if (I.dim() !== 4 || I.shape[1] !== 3) throw new Error('Input should be a 4D numpy array with 3 channels');
  const [nimg, , H, W] = I.shape as unknown as [number, number, number, number];
  ncols = Math.min(nimg, ncols);
  const nrows = Math.ceil(nimg / ncols);
  const padded = nrows * ncols > nimg ? cat([I, zeros([nrows * ncols - nimg, 3, H, W], { dtype: I.dtype })], 0) : I;
  return padded.reshape(nrows, ncols, 3, H, W).permute(2, 0, 3, 1, 4).reshape(3, nrows * H, ncols * W);
}

/** _utils.convert_to_HWC. */
export function convertToHWC(t: Tensor, inputFormat: string): Tensor {
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
  const png = encodePng(pixels, height, width, channels);
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
