// torchvision/transforms/v2/_augment.py on tensors: RandomErasing, MixUp and CutMix.
import { tensor as makeTensor } from '../../../creation';
import { float32 } from '../../../dtype';
import { oneHot } from '../../../generated/nn_functional';
import * as T from '../../../generated/torch';
import { native } from '../../../native';
import { pyFloat } from '../../../nn/repr';
import { op } from '../../../ops';
import { pySignature } from '../../../python_signature';
import { pyRound } from '../../../scalar';
import { Tensor, wrap } from '../../../tensor';
import * as F from './functional';
import { _RandomApplyTransform } from './_random_apply';
import { Transform } from './index';

const RANDOM_ERASING = pySignature('RandomErasing.__init__', 'self, p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0.0, inplace=False');

export interface RandomErasingOptions {
  p?: number;
  /** The range of the erased area, as a proportion of the image's. */
  scale?: readonly [number, number];
  /** The range of the erased rectangle's aspect ratio. */
  ratio?: readonly [number, number];
  /** The erasing value: one number, one per channel, or 'random' (a standard normal per pixel). */
  value?: number | readonly number[] | 'random';
  inplace?: boolean;
}

/** Erases a random rectangle of the image with probability p ("Random Erasing Data Augmentation", Zhong et al.). */
export class RandomErasing extends _RandomApplyTransform {
  declare scale: [number, number];
  declare ratio: [number, number];
  /** The erasing value per channel (or one for all), null for random values. */
  declare value: number[] | null;
  declare inplace: boolean;
  declare _logRatio: [number, number];

  constructor(...args: [p?: number, scale?: readonly [number, number], ratio?: readonly [number, number], value?: number | readonly number[] | 'random', inplace?: boolean] | [RandomErasingOptions] | unknown[]) {
    const o = RANDOM_ERASING<Required<RandomErasingOptions>>(args);
    super(o.p);
    const { scale, ratio, value } = o;
    if (typeof value !== 'number' && typeof value !== 'string' && !Array.isArray(value)) {
      throw new TypeError('Argument value should be either a number or str or a sequence');
    }
    if (typeof value === 'string' && value !== 'random') throw new Error("If value is str, it should be 'random'");
    if (!Array.isArray(scale)) throw new TypeError('Scale should be a sequence');
    if (!Array.isArray(ratio)) throw new TypeError('Ratio should be a sequence');
    if (scale[0] > scale[1] || ratio[0] > ratio[1]) process.emitWarning('Scale and ratio should be of kind (min, max)', 'UserWarning');
    if (scale[0] < 0 || scale[1] > 1) throw new Error('Scale should be between 0 and 1');
    this.scale = [scale[0], scale[1]];
    this.ratio = [ratio[0], ratio[1]];
    this.value = typeof value === 'number' ? [value] : typeof value === 'string' ? null : [...value];
    this.inplace = o.inplace;
    // torch.log(torch.tensor(ratio)): float32, as the bounds of the draws are
    this._logRatio = T.log(makeTensor(this.ratio)).tolist() as [number, number];
  }

  override makeParams(image: Tensor): Record<string, unknown> {
    const [imgC, imgH, imgW] = F.getDimensions(image) as [number, number, number];
    if (this.value !== null && this.value.length !== 1 && this.value.length !== imgC) {
      throw new Error(`If value is a sequence, it should have either a single value or ${imgC} (number of inpt channels)`);
    }
    const area = imgH * imgW;
    for (let attempt = 0; attempt < 10; attempt++) {
      const eraseArea = area * (T.empty(1).uniform_(this.scale[0], this.scale[1]).item() as number);
      const aspectRatio = T.exp(T.empty(1).uniform_(this._logRatio[0], this._logRatio[1])).item() as number;
      const h = pyRound(Math.sqrt(eraseArea * aspectRatio));
      const w = pyRound(Math.sqrt(eraseArea / aspectRatio));
      if (!(h < imgH && w < imgW)) continue;
      const v = this.value === null ? T.empty([imgC, h, w]).normal_() : makeTensor(this.value).get(':', null, null);
      const i = T.randint(0, imgH - h + 1, [1]).item() as number;
      const j = T.randint(0, imgW - w + 1, [1]).item() as number;
      return { i, j, h, w, v };
    }
    return { i: 0, j: 0, h: imgH, w: imgW, v: null };
  }

  transform(image: Tensor, p: Record<string, unknown>): Tensor {
    if (p.v === null) return image;
    return F.erase(image, p.i as number, p.j as number, p.h as number, p.w as number, p.v as Tensor, { inplace: this.inplace });
  }

  protected override reprItems(): [string, string | null][] {
    const floats = (xs: readonly number[]): string => xs.map(pyFloat).join(', ');
    return [
      ...super.reprItems(),
      ['scale', `(${floats(this.scale)})`],
      ['ratio', `(${floats(this.ratio)})`],
      ['value', this.value === null ? null : `[${floats(this.value)}]`],
      ['inplace', this.inplace ? 'True' : 'False'],
    ];
  }
}

// ---- MixUp and CutMix: batches of images with their labels ----

type LabelsGetter = (sample: unknown) => unknown;

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x) && [Object.prototype, null].includes(Object.getPrototypeOf(x));

/** torch.utils._pytree's leaves of a sample (arrays, plain objects and Maps are containers), depth-first. */
function leaves(sample: unknown): unknown[] {
  if (Array.isArray(sample)) return sample.flatMap(leaves);
  if (sample instanceof Map) return [...sample.values()].flatMap(leaves);
  if (isPlainObject(sample)) return Object.values(sample).flatMap(leaves);
  return [sample];
}

function mapLeaves(sample: unknown, fn: (leaf: unknown) => unknown): unknown {
  if (Array.isArray(sample)) return sample.map((x) => mapLeaves(x, fn));
  if (sample instanceof Map) return new Map([...sample].map(([k, v]) => [k, mapLeaves(v, fn)]));
  if (isPlainObject(sample)) return Object.fromEntries(Object.entries(sample).map(([k, v]) => [k, mapLeaves(v, fn)]));
  return fn(sample);
}

const pyType = (x: unknown): string => {
  if (x === null || x === undefined) return 'NoneType';
  if (typeof x === 'number') return Number.isInteger(x) ? 'int' : 'float';
  if (typeof x === 'string') return 'str';
  if (typeof x === 'boolean') return 'bool';
  if (Array.isArray(x)) return 'list';
  if (isPlainObject(x) || x instanceof Map) return 'dict';
  return (x as object).constructor.name;
};

/**
 * The default labels_getter: the second element of an array sample if it is a tensor, else the
 * 'labels' (or first '*label*', case-insensitive) entry of the dict it is, or the sample is.
 */
function findLabelsDefaultHeuristic(sample: unknown): unknown {
  const inputs = Array.isArray(sample) ? sample[1] : sample;
  if (inputs instanceof Tensor) return inputs;
  const entries = inputs instanceof Map ? [...inputs] : isPlainObject(inputs) ? Object.entries(inputs) : null;
  if (entries === null) {
    throw new Error(
      'When using the default labels_getter, the input passed to forward must be a dictionary or a two-tuple ' +
        `whose second item is a dictionary or a tensor, but got ${String(inputs)} instead.`,
    );
  }
  const key = (k: unknown): string => String(k).toLowerCase();
  const found = entries.find(([k]) => key(k) === 'labels') ?? entries.find(([k]) => key(k).includes('label'));
  if (found === undefined) {
    throw new Error(
      'Could not infer where the labels are in the sample. Try passing a callable as the labels_getter parameter?' +
        'If there are no labels in the sample by design, pass labels_getter=None.',
    );
  }
  return found[1];
}

function parseLabelsGetter(labelsGetter: unknown): LabelsGetter {
  if (labelsGetter === 'default') return findLabelsDefaultHeuristic;
  if (typeof labelsGetter === 'function') return labelsGetter as LabelsGetter;
  if (labelsGetter === null) return () => null;
  throw new Error(`labels_getter should either be 'default', a callable, or None, but got ${String(labelsGetter)}.`);
}

const SAMPLE_DIRICHLET = op('aten::_sample_dirichlet');

const MIXUP_CUTMIX = pySignature('_BaseMixUpCutMix.__init__', "self, *, alpha=1.0, num_classes=None, labels_getter='default'");

export interface MixUpCutMixOptions {
  /** The Beta(alpha, alpha) distribution's parameter. */
  alpha?: number;
  /** For index labels (batch_size,), made one-hot; null only for labels already (batch_size, num_classes). */
  numClasses?: number | null;
  /** Where the labels are in the sample: 'default' (second element, or a '*label*' key), a function of the sample, or null. */
  labelsGetter?: 'default' | LabelsGetter | null;
}

abstract class BaseMixUpCutMix extends Transform {
  static override floatAttributes: readonly string[] = ['alpha'];
  declare alpha: number;
  declare numClasses: number | null;
  declare _labelsGetter: LabelsGetter;

  constructor(...args: [MixUpCutMixOptions?] | unknown[]) {
    super();
    const o = MIXUP_CUTMIX<Required<MixUpCutMixOptions>>(args);
    this.alpha = o.alpha;
    this.numClasses = o.numClasses;
    this._labelsGetter = parseLabelsGetter(o.labelsGetter);
  }

  /** One draw of Beta(alpha, alpha), as torch.distributions.Beta samples it (a float32 Dirichlet draw). */
  protected sampleLam(): number {
    const concentration = makeTensor([[this.alpha, this.alpha]], { dtype: float32 });
    return wrap(native.callOp(SAMPLE_DIRICHLET, concentration._h, undefined)).select(-1, 0).item() as number;
  }

  override forward(...inputs: unknown[]): unknown {
    const sample = inputs.length > 1 ? inputs : inputs[0];
    const labels = this._labelsGetter(sample);
    if (!(labels instanceof Tensor)) throw new Error(`The labels must be a tensor, but got <class '${pyType(labels)}'> instead.`);
    if (labels.ndim !== 1 && labels.ndim !== 2) {
      throw new Error(
        'labels should be index based with shape (batch_size,) or probability based with shape (batch_size, num_classes), ' +
          `but got a tensor of shape torch.Size([${labels.shape.join(', ')}]) instead.`,
      );
    }
    if (labels.ndim === 2 && this.numClasses !== null && labels.shape[1] !== this.numClasses) {
      throw new Error(
        'When passing 2D labels, the number of elements in last dimension must match num_classes: ' +
          `${labels.shape[1]} != ${this.numClasses}. You can Leave num_classes to None.`,
      );
    }
    if (labels.ndim === 1 && this.numClasses === null) throw new Error('num_classes must be passed if the labels are index-based (1D)');
    // The first tensor is the image batch (torchvision's rule for plain tensors); the labels are transformed too.
    const image = leaves(sample).find((x) => x instanceof Tensor) as Tensor;
    const params = { labels, batchSize: labels.shape[0]!, ...this.makeParams(image) };
    return mapLeaves(sample, (leaf) => (leaf === labels || leaf === image ? this.transform(leaf as Tensor, params) : leaf));
  }

  protected checkImage(image: Tensor, batchSize: number): void {
    if (image.ndim !== 4) throw new Error(`Expected a batched input with 4 dims, but got ${image.ndim} dimensions instead.`);
    if (image.shape[0] !== batchSize) {
      throw new Error(`The batch size of the image or video does not match the batch size of the labels: ${image.shape[0]} != ${batchSize}.`);
    }
  }

  protected mixupLabel(label: Tensor, lam: number): Tensor {
    if (label.ndim === 1) label = oneHot(label, { numClasses: this.numClasses! });
    if (!label.dtype.isFloatingPoint) label = label.float();
    return label.roll(1, 0).mul_(1.0 - lam).add_(label.mul(lam));
  }

  protected override reprItems(): [string, string | null][] {
    return [
      ['alpha', pyFloat(this.alpha)],
      ['num_classes', this.numClasses === null ? null : String(this.numClasses)],
    ];
  }
}

/**
 * MixUp ("mixup: Beyond Empirical Risk Minimization") on a batch: each image and label mixed with
 * the previous one in the batch, with one Beta(alpha, alpha) weight. Call it on (images, labels).
 */
export class MixUp extends BaseMixUpCutMix {
  override makeParams(): Record<string, unknown> {
    return { lam: this.sampleLam() };
  }

  transform(inpt: Tensor, p: Record<string, unknown>): Tensor {
    const lam = p.lam as number;
    if (inpt === p.labels) return this.mixupLabel(inpt, lam);
    this.checkImage(inpt, p.batchSize as number);
    return inpt.roll(1, 0).mul_(1.0 - lam).add_(inpt.mul(lam));
  }
}

/**
 * CutMix ("CutMix: Regularization Strategy to Train Strong Classifiers with Localizable Features") on
 * a batch: a random box of each image replaced by the previous image's, the labels mixed by area.
 */
export class CutMix extends BaseMixUpCutMix {
  override makeParams(image: Tensor): Record<string, unknown> {
    const lam = this.sampleLam();
    const [H, W] = F.getSize(image) as [number, number];
    const rX = T.randint(W, [1]).item() as number;
    const rY = T.randint(H, [1]).item() as number;
    const r = 0.5 * Math.sqrt(1.0 - lam);
    const rWHalf = Math.trunc(r * W);
    const rHHalf = Math.trunc(r * H);
    const x1 = Math.max(rX - rWHalf, 0);
    const y1 = Math.max(rY - rHHalf, 0);
    const x2 = Math.min(rX + rWHalf, W);
    const y2 = Math.min(rY + rHHalf, H);
    return { box: [x1, y1, x2, y2], lamAdjusted: 1.0 - ((x2 - x1) * (y2 - y1)) / (W * H) };
  }

  transform(inpt: Tensor, p: Record<string, unknown>): Tensor {
    if (inpt === p.labels) return this.mixupLabel(inpt, p.lamAdjusted as number);
    this.checkImage(inpt, p.batchSize as number);
    const [x1, y1, x2, y2] = p.box as [number, number, number, number];
    const rolled = inpt.roll(1, 0);
    const output = inpt.clone();
    output.set(['...', `${y1}:${y2}`, `${x1}:${x2}`], rolled.get('...', `${y1}:${y2}`, `${x1}:${x2}`));
    return output;
  }
}
