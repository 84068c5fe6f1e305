// torch/utils/tensorboard/writer.py: FileWriter and SummaryWriter.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { float64 } from '../../dtype';
import { isOptions, type Args } from '../../nn/modules_utils';
import { pySignature } from '../../python_signature';
import { Tensor } from '../../tensor';
import { makeMat, makeSprite, makeTsv, projectorConfigText, type EmbeddingInfo } from './embedding';
import { EventFileWriter, encodeEvent, type Event } from './event_file_writer';
import { audio, customScalars, hparams, mesh, histogram, histogramRaw, image, prCurve, prCurveRaw, scalar, tensorProto, text, type ArrayInput, type ChartSpec, type HParamValue } from './summary';
import type { Bins } from './numpy_histogram';

type Step = number | bigint | null;

/** A Python dict given as a plain object or a Map. */
export type Dict<V> = Record<string, V> | Map<string, V>;

function toMap<V>(d: Dict<V>): Map<string, V> {
  return d instanceof Map ? d : new Map(Object.entries(d));
}
const isDict = (d: unknown): boolean => d instanceof Map || isOptions(d);

export class FileWriter {
  readonly eventWriter: EventFileWriter;

  constructor(logDir: string, maxQueue = 10, flushSecs = 120, filenameSuffix = '') {
    this.eventWriter = new EventFileWriter(String(logDir), maxQueue, flushSecs, filenameSuffix);
  }

  getLogdir(): string {
    return this.eventWriter.getLogdir();
  }

  addEvent(event: Omit<Event, 'wallTime'>, step: Step = null, walltime: number | null = null): void {
    const e: Event = { ...event, wallTime: walltime ?? Date.now() / 1000 };
    if (step !== null) e.step = typeof step === 'bigint' ? step : Math.trunc(step);
    this.eventWriter.addEvent(encodeEvent(e));
  }

  /** Adds one serialized tensorboard.Summary, wrapped in an Event. */
  addSummary(summary: Buffer, globalStep: Step = null, walltime: number | null = null): void {
    this.addEvent({ summary }, globalStep, walltime);
  }

  flush(): void {
    this.eventWriter.flush();
  }

  close(): void {
    this.eventWriter.close();
  }
}

// writer.py's default_bins: 1e-12 growing by 10% up to 1e20, mirrored below zero.
const DEFAULT_BINS: readonly number[] = (() => {
  const buckets: number[] = [];
  for (let v = 1e-12; v < 1e20; v *= 1.1) buckets.push(v);
  return [...buckets.map((v) => -v).reverse(), 0, ...buckets];
})();

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

export interface SummaryWriterOptions {
  logDir?: string | null;
  comment?: string;
  purgeStep?: number | null;
  maxQueue?: number;
  flushSecs?: number;
  filenameSuffix?: string;
}

export interface StepOptions {
  globalStep?: Step;
  walltime?: number | null;
}
export interface ScalarOptions extends StepOptions {
  newStyle?: boolean;
  doublePrecision?: boolean;
}
export interface HistogramOptions extends StepOptions {
  bins?: Bins | Tensor;
  maxBins?: number | null;
}
export interface ImageOptions extends StepOptions {
  dataformats?: string;
}
export interface AudioOptions extends StepOptions {
  sampleRate?: number;
}
export interface PrCurveOptions extends StepOptions {
  numThresholds?: number;
  weights?: ArrayInput | null;
}
export interface ChartOptions {
  category?: string;
  title?: string;
}
export interface EmbeddingOptions {
  metadata?: readonly unknown[] | null;
  labelImg?: Tensor | null;
  globalStep?: Step;
  tag?: string;
  metadataHeader?: readonly string[] | null;
}
export interface MeshOptions extends StepOptions {
  colors?: Tensor | null;
  faces?: Tensor | null;
  configDict?: Dict<unknown> | null;
}
export interface HparamsOptions {
  hparamDomainDiscrete?: Dict<unknown[]> | null;
  runName?: string | null;
  globalStep?: Step;
}

const INIT = pySignature<Required<SummaryWriterOptions>>('SummaryWriter.__init__', "self, log_dir=None, comment='', purge_step=None, max_queue=10, flush_secs=120, filename_suffix=''");
const ADD_SCALAR = pySignature<{ tag: string; scalarValue: ArrayInput; globalStep: Step; walltime: number | null; newStyle: boolean; doublePrecision: boolean }>(
  'add_scalar',
  'self, tag, scalar_value, global_step=None, walltime=None, new_style=False, double_precision=False',
);
const STEP_WALLTIME = pySignature<{ globalStep: Step; walltime: number | null }>('add_scalars', 'self, main_tag, tag_scalar_dict, global_step=None, walltime=None');
const ADD_HISTOGRAM = pySignature<{ tag: string; values: ArrayInput; globalStep: Step; bins: Bins | Tensor; walltime: number | null; maxBins: number | null }>(
  'add_histogram',
  "self, tag, values, global_step=None, bins='tensorflow', walltime=None, max_bins=None",
);
const ADD_HISTOGRAM_RAW = pySignature<{ tag: string; min: number; max: number; num: number; sum: number; sumSquares: number; bucketLimits: number[]; bucketCounts: number[]; globalStep: Step; walltime: number | null }>(
  'add_histogram_raw',
  'self, tag, min, max, num, sum, sum_squares, bucket_limits, bucket_counts, global_step=None, walltime=None',
);
const ADD_IMAGE = pySignature<{ tag: string; imgTensor: Tensor; globalStep: Step; walltime: number | null; dataformats: string }>('add_image', "self, tag, img_tensor, global_step=None, walltime=None, dataformats='CHW'");
const ADD_IMAGES = pySignature<{ tag: string; imgTensor: Tensor; globalStep: Step; walltime: number | null; dataformats: string }>('add_images', "self, tag, img_tensor, global_step=None, walltime=None, dataformats='NCHW'");
const ADD_TEXT = pySignature<{ tag: string; textString: string; globalStep: Step; walltime: number | null }>('add_text', 'self, tag, text_string, global_step=None, walltime=None');
const ADD_TENSOR = pySignature<{ tag: string; tensor: Tensor; globalStep: Step; walltime: number | null }>('add_tensor', 'self, tag, tensor, global_step=None, walltime=None');
const ADD_AUDIO = pySignature<{ tag: string; sndTensor: Tensor; globalStep: Step; sampleRate: number; walltime: number | null }>('add_audio', 'self, tag, snd_tensor, global_step=None, sample_rate=44100, walltime=None');
const ADD_PR_CURVE = pySignature<{ tag: string; labels: ArrayInput; predictions: ArrayInput; globalStep: Step; numThresholds: number; weights: ArrayInput | null; walltime: number | null }>(
  'add_pr_curve',
  'self, tag, labels, predictions, global_step=None, num_thresholds=127, weights=None, walltime=None',
);
type PrRaw = { tag: string; truePositiveCounts: ArrayInput; falsePositiveCounts: ArrayInput; trueNegativeCounts: ArrayInput; falseNegativeCounts: ArrayInput; precision: ArrayInput; recall: ArrayInput };
const ADD_PR_CURVE_RAW = pySignature<PrRaw & { globalStep: Step; numThresholds: number; weights: ArrayInput | null; walltime: number | null }>(
  'add_pr_curve_raw',
  'self, tag, true_positive_counts, false_positive_counts, true_negative_counts, false_negative_counts, precision, recall, global_step=None, num_thresholds=127, weights=None, walltime=None',
);
const ADD_MULTILINE = pySignature<{ tags: string[]; category: string; title: string }>('add_custom_scalars_multilinechart', "self, tags, category='default', title='untitled'");
const ADD_MARGIN = pySignature<{ tags: string[]; category: string; title: string }>('add_custom_scalars_marginchart', "self, tags, category='default', title='untitled'");
const ADD_EMBEDDING = pySignature<{ mat: Tensor; metadata: unknown[] | null; labelImg: Tensor | null; globalStep: Step; tag: string; metadataHeader: string[] | null }>(
  'add_embedding',
  "self, mat, metadata=None, label_img=None, global_step=None, tag='default', metadata_header=None",
);
const ADD_MESH = pySignature<{ tag: string; vertices: Tensor; colors: Tensor | null; faces: Tensor | null; configDict: unknown; globalStep: Step; walltime: number | null }>(
  'add_mesh',
  'self, tag, vertices, colors=None, faces=None, config_dict=None, global_step=None, walltime=None',
);
const ADD_HPARAMS = pySignature<{ hparamDomainDiscrete: Dict<unknown[]> | null; runName: string | null; globalStep: Step }>(
  'add_hparams',
  'self, hparam_dict, metric_dict, hparam_domain_discrete=None, run_name=None, global_step=None',
);

/**
 * The dict arguments of addScalars and addHparams are data, not options: they are taken by
 * position, and only what follows them goes through the binder.
 */
function afterDicts(args: readonly unknown[], n: number): unknown[] {
  return [...Array<unknown>(n).fill(null), ...args.slice(n)];
}

/**
 * Writes entries to event files in `logDir` for TensorBoard: `new SummaryWriter(logDir?, {
 * comment, purgeStep, maxQueue, flushSecs, filenameSuffix })`.
 */
export class SummaryWriter implements Disposable {
  readonly logDir: string;
  purgeStep: number | null;
  readonly maxQueue: number;
  readonly flushSecs: number;
  readonly filenameSuffix: string;
  readonly defaultBins: readonly number[] = DEFAULT_BINS;
  fileWriter: FileWriter | null = null;
  private projectorConfig: EmbeddingInfo[] = [];
  allWriters: Map<string, FileWriter> | null = null;

  constructor(...args: Args<[], [logDir: string | null, comment: string, purgeStep: number | null, maxQueue: number, flushSecs: number, filenameSuffix: string], SummaryWriterOptions>);
  constructor(...args: unknown[]) {
    const o = INIT(args);
    let logDir = o.logDir;
    if (!logDir) {
      const d = new Date();
      const time = `${MONTHS[d.getMonth()]}${two(d.getDate())}_${two(d.getHours())}-${two(d.getMinutes())}-${two(d.getSeconds())}`;
      logDir = path.join('runs', `${time}_${os.hostname()}${o.comment}`);
    }
    this.logDir = logDir;
    this.purgeStep = o.purgeStep;
    this.maxQueue = o.maxQueue;
    this.flushSecs = o.flushSecs;
    this.filenameSuffix = o.filenameSuffix;
    this.getFileWriter();
  }

  /** The default FileWriter, made again after close(). */
  getFileWriter(): FileWriter {
    if (this.allWriters === null || this.fileWriter === null) {
      this.fileWriter = new FileWriter(this.logDir, this.maxQueue, this.flushSecs, this.filenameSuffix);
      this.allWriters = new Map([[this.fileWriter.getLogdir(), this.fileWriter]]);
      if (this.purgeStep !== null) {
        // TensorBoard hides the events at or after a SessionLog.START's step.
        this.fileWriter.addEvent({ step: this.purgeStep, fileVersion: 'brain.Event:2' });
        this.fileWriter.addEvent({ step: this.purgeStep, sessionLogStatus: 1 });
        this.purgeStep = null;
      }
    }
    return this.fileWriter;
  }

  getLogdir(): string {
    return this.logDir;
  }

  /** `addScalar(tag, scalarValue, globalStep?, walltime?, { newStyle, doublePrecision })`. */
  addScalar(...args: Args<[tag: string, scalarValue: ArrayInput], [globalStep: Step, walltime: number | null, newStyle: boolean, doublePrecision: boolean], ScalarOptions>): void;
  addScalar(...args: unknown[]): void {
    const o = ADD_SCALAR(args);
    this.getFileWriter().addSummary(scalar(o.tag, o.scalarValue, o.newStyle, o.doublePrecision), o.globalStep, o.walltime);
  }

  /** Each scalar of `tagScalarDict` goes to its own run, `<logDir>/<mainTag>_<tag>`. */
  addScalars(...args: Args<[mainTag: string, tagScalarDict: Dict<ArrayInput>], [globalStep: Step, walltime: number | null], StepOptions>): void;
  addScalars(...args: unknown[]): void {
    const [mainTag, dict] = args as [string, Dict<ArrayInput>];
    const o = STEP_WALLTIME(afterDicts(args, 2));
    if (typeof mainTag !== 'string' || !isDict(dict)) throw new TypeError('add_scalars() takes main_tag (str) and tag_scalar_dict (dict)');
    const walltime = o.walltime ?? Date.now() / 1000;
    const fwLogdir = this.getFileWriter().getLogdir();
    for (const [tag, value] of toMap(dict)) {
      const fwTag = `${fwLogdir}/${mainTag.replace(/\//g, '_')}_${tag}`;
      let fw = this.allWriters!.get(fwTag);
      if (fw === undefined) {
        fw = new FileWriter(fwTag, this.maxQueue, this.flushSecs, this.filenameSuffix);
        this.allWriters!.set(fwTag, fw);
      }
      fw.addSummary(scalar(mainTag, value), o.globalStep, walltime);
    }
  }

  /**
   * `bins`: 'tensorflow' (writer.py's default_bins), an integer count, a sequence of edges, or
   * one of numpy's estimators ('auto', 'fd', 'doane', 'scott', 'stone', 'rice', 'sturges', 'sqrt').
   */
  addHistogram(...args: Args<[tag: string, values: ArrayInput], [globalStep: Step, bins: Bins | Tensor, walltime: number | null, maxBins: number | null], HistogramOptions>): void;
  addHistogram(...args: unknown[]): void {
    const o = ADD_HISTOGRAM(args);
    let bins: Bins | Tensor = o.bins === 'tensorflow' ? this.defaultBins : o.bins;
    if (bins instanceof Tensor) bins = Array.from(bins.to(float64).contiguous().toTypedArray() as Float64Array);
    this.getFileWriter().addSummary(histogram(o.tag, o.values, bins, o.maxBins), o.globalStep, o.walltime);
  }

  addHistogramRaw(...args: Args<[tag: string, min: number, max: number, num: number, sum: number, sumSquares: number, bucketLimits: number[], bucketCounts: number[]], [globalStep: Step, walltime: number | null], StepOptions>): void;
  addHistogramRaw(...args: unknown[]): void {
    const o = ADD_HISTOGRAM_RAW(args);
    if (o.bucketLimits.length !== o.bucketCounts.length) throw new RangeError('len(bucket_limits) != len(bucket_counts), see the document.');
    const summary = histogramRaw(o.tag, { min: o.min, max: o.max, num: o.num, sum: o.sum, sumSquares: o.sumSquares, bucketLimits: o.bucketLimits, bucketCounts: o.bucketCounts });
    this.getFileWriter().addSummary(summary, o.globalStep, o.walltime);
  }

  /** One image: CHW by default (`dataformats` 'HWC', 'HW', ...); uint8 as is, else [0, 1] scaled to 255. */
  addImage(...args: Args<[tag: string, imgTensor: Tensor], [globalStep: Step, walltime: number | null, dataformats: string], ImageOptions>): void;
  addImage(...args: unknown[]): void {
    const o = ADD_IMAGE(args);
    this.getFileWriter().addSummary(image(o.tag, o.imgTensor, o.dataformats), o.globalStep, o.walltime);
  }

  /** A batch of images (NCHW by default) tiled into one grid, 8 a row. */
  addImages(...args: Args<[tag: string, imgTensor: Tensor], [globalStep: Step, walltime: number | null, dataformats: string], ImageOptions>): void;
  addImages(...args: unknown[]): void {
    const o = ADD_IMAGES(args);
    this.getFileWriter().addSummary(image(o.tag, o.imgTensor, o.dataformats), o.globalStep, o.walltime);
  }

  addText(...args: Args<[tag: string, textString: string], [globalStep: Step, walltime: number | null], StepOptions>): void;
  addText(...args: unknown[]): void {
    const o = ADD_TEXT(args);
    this.getFileWriter().addSummary(text(o.tag, o.textString), o.globalStep, o.walltime);
  }

  /** A tensor's values, as the TensorBoard tensor plugin stores them. */
  addTensor(...args: Args<[tag: string, tensor: Tensor], [globalStep: Step, walltime: number | null], StepOptions>): void;
  addTensor(...args: unknown[]): void {
    const o = ADD_TENSOR(args);
    this.getFileWriter().addSummary(tensorProto(o.tag, o.tensor), o.globalStep, o.walltime);
  }

  /** A mono clip of samples in [-1, 1] (clipped beyond), as 16-bit WAV. */
  addAudio(...args: Args<[tag: string, sndTensor: Tensor], [globalStep: Step, sampleRate: number, walltime: number | null], AudioOptions>): void;
  addAudio(...args: unknown[]): void {
    const o = ADD_AUDIO(args);
    this.getFileWriter().addSummary(audio(o.tag, o.sndTensor, o.sampleRate), o.globalStep, o.walltime);
  }

  /** A precision-recall curve from 0/1 labels and predicted probabilities. */
  addPrCurve(...args: Args<[tag: string, labels: ArrayInput, predictions: ArrayInput], [globalStep: Step, numThresholds: number, weights: ArrayInput | null, walltime: number | null], PrCurveOptions>): void;
  addPrCurve(...args: unknown[]): void {
    const o = ADD_PR_CURVE(args);
    this.getFileWriter().addSummary(prCurve(o.tag, o.labels, o.predictions, o.numThresholds, o.weights), o.globalStep, o.walltime);
  }

  addPrCurveRaw(
    ...args: Args<
      [tag: string, truePositiveCounts: ArrayInput, falsePositiveCounts: ArrayInput, trueNegativeCounts: ArrayInput, falseNegativeCounts: ArrayInput, precision: ArrayInput, recall: ArrayInput],
      [globalStep: Step, numThresholds: number, weights: ArrayInput | null, walltime: number | null],
      PrCurveOptions
    >
  ): void;
  addPrCurveRaw(...args: unknown[]): void {
    const o = ADD_PR_CURVE_RAW(args);
    const rows = [o.truePositiveCounts, o.falsePositiveCounts, o.trueNegativeCounts, o.falseNegativeCounts, o.precision, o.recall];
    this.getFileWriter().addSummary(prCurveRaw(o.tag, rows, o.numThresholds), o.globalStep, o.walltime);
  }

  /** One chart of several scalar tags in TensorBoard's CUSTOM SCALARS tab. */
  addCustomScalarsMultilinechart(...args: Args<[tags: string[]], [category: string, title: string], ChartOptions>): void;
  addCustomScalarsMultilinechart(...args: unknown[]): void {
    const o = ADD_MULTILINE(args);
    this.getFileWriter().addSummary(customScalars(new Map([[o.category, new Map([[o.title, ['Multiline', o.tags] as const]])]])));
  }

  /** A chart of a value and its lower and upper bounds (three scalar tags). */
  addCustomScalarsMarginchart(...args: Args<[tags: string[]], [category: string, title: string], ChartOptions>): void;
  addCustomScalarsMarginchart(...args: unknown[]): void {
    const o = ADD_MARGIN(args);
    if (o.tags.length !== 3) throw new Error(`Expected 3 tags, got ${o.tags.length}.`);
    this.getFileWriter().addSummary(customScalars(new Map([[o.category, new Map([[o.title, ['Margin', o.tags] as const]])]])));
  }

  /**
   * The CUSTOM SCALARS layout: `{ category: { chartTitle: ['Multiline', tags] or ['Margin',
   * [value, lower, upper]] } }` (plain objects or Maps).
   */
  addCustomScalars(layout: Dict<Dict<ChartSpec>>): void {
    if (!isDict(layout)) throw new TypeError('add_custom_scalars() takes a layout dict');
    const charts = new Map([...toMap(layout)].map(([k, v]) => [k, toMap(v)] as const));
    this.getFileWriter().addSummary(customScalars(charts));
  }

  /**
   * A mesh or point cloud for TensorBoard's MESH tab: `vertices` [B, N, 3], optional `colors`
   * [B, N, 3] and `faces` [B, F, 3], and a three.js `configDict` (give it as an option).
   */
  addMesh(...args: Args<[tag: string, vertices: Tensor], [colors: Tensor | null, faces: Tensor | null], MeshOptions>): void;
  addMesh(...args: unknown[]): void {
    const o = ADD_MESH(args);
    this.getFileWriter().addSummary(mesh(o.tag, o.vertices, o.colors, o.faces, o.configDict), o.globalStep, o.walltime);
  }

  /**
   * Data points for TensorBoard's PROJECTOR: `mat` [N, D], with optional `metadata` (N labels, or
   * N rows under `metadataHeader`) and `labelImg` (N images, NCHW) for the sprite.
   */
  addEmbedding(...args: Args<[mat: Tensor], [metadata: readonly unknown[] | null, labelImg: Tensor | null, globalStep: Step, tag: string, metadataHeader: readonly string[] | null], EmbeddingOptions>): void;
  addEmbedding(...args: unknown[]): void {
    const o = ADD_EMBEDDING(args);
    const mat = o.mat;
    const step = String(o.globalStep ?? 0).padStart(5, '0');
    const subdir = `${step}/${o.tag.replace(/%/g, '%25').replace(/\//g, '%2f').replace(/\\/g, '%5c')}`;
    const savePath = path.join(this.getFileWriter().getLogdir(), subdir);
    if (fs.existsSync(savePath)) {
      if (!fs.statSync(savePath).isDirectory()) throw new Error(`Path: \`${savePath}\` exists, but is a file. Cannot proceed.`);
      console.log('warning: Embedding dir exists, did you set global_step for add_embedding()?');
    } else fs.mkdirSync(savePath, { recursive: true });
    if (o.metadata !== null) {
      if (mat.shape[0] !== o.metadata.length) throw new Error('#labels should equal with #data points');
      makeTsv(o.metadata, savePath, o.metadataHeader);
    }
    if (o.labelImg !== null) {
      if (mat.shape[0] !== o.labelImg.shape[0]) throw new Error('#images should equal with #data points');
      makeSprite(o.labelImg, savePath);
    }
    if (mat.dim() !== 2) throw new Error('mat should be 2D, where mat.size(0) is the number of data points');
    makeMat(mat, savePath);
    const info: EmbeddingInfo = { tensorName: `${o.tag}:${step}`, tensorPath: `${subdir}/tensors.tsv` };
    if (o.metadata !== null) info.metadataPath = `${subdir}/metadata.tsv`;
    if (o.labelImg !== null) info.sprite = { imagePath: `${subdir}/sprite.png`, singleImageDim: [o.labelImg.shape[3]!, o.labelImg.shape[2]!] };
    this.projectorConfig.push(info);
    fs.writeFileSync(path.join(this.getFileWriter().getLogdir(), 'projector_config.pbtxt'), projectorConfigText(this.projectorConfig));
  }

  /**
   * Hyperparameters and their metrics for TensorBoard's HPARAMS tab, in the run
   * `<logDir>/<runName>` (default: the current time in seconds).
   */
  addHparams(...args: Args<[hparamDict: Dict<HParamValue>, metricDict: Dict<ArrayInput>], [hparamDomainDiscrete: Dict<unknown[]> | null, runName: string | null, globalStep: Step], HparamsOptions>): void;
  addHparams(...args: unknown[]): void {
    const [hparamDict, metricDict] = args;
    if (!isDict(hparamDict) || !isDict(metricDict)) throw new TypeError('hparam_dict and metric_dict should be dictionary.');
    const o = ADD_HPARAMS(afterDicts(args, 2));
    if (o.hparamDomainDiscrete !== null && !isDict(o.hparamDomainDiscrete)) throw new TypeError('parameter: hparam_domain_discrete should be a dictionary, nothing logged.');
    const metrics = toMap(metricDict as Dict<ArrayInput>);
    const [exp, ssi, sei] = hparams(toMap(hparamDict as Dict<HParamValue>), metrics, toMap(o.hparamDomainDiscrete ?? {}));
    const runName = o.runName || String(Date.now() / 1000);
    const w = new SummaryWriter(path.join(this.getFileWriter().getLogdir(), runName));
    try {
      w.fileWriter!.addSummary(exp, o.globalStep);
      w.fileWriter!.addSummary(ssi, o.globalStep);
      w.fileWriter!.addSummary(sei, o.globalStep);
      for (const [k, v] of metrics) w.addScalar(k, v, o.globalStep);
    } finally {
      w.close();
    }
  }

  flush(): void {
    if (this.allWriters === null) return;
    for (const w of this.allWriters.values()) w.flush();
  }

  close(): void {
    if (this.allWriters === null) return;
    for (const w of this.allWriters.values()) {
      w.flush();
      w.close();
    }
    this.fileWriter = this.allWriters = null;
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
