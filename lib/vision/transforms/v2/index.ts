// torchvision.transforms.v2 on tensors: the transform classes of transforms/v2/_container.py,
// _geometry.py, _color.py, _misc.py, _type_conversion.py and _auto_augment.py. Random transforms
// draw from torch's generator with torchvision's calls in torchvision's order, so after the same
// torch.manualSeed a pipeline gives torchvision's output. An input is a tensor image `(..., C, H, W)`,
// or a sample of nested arrays, plain objects and Maps whose first tensor (depth-first, as
// tree_flatten orders it) is transformed and whose other leaves pass through (torchvision's rule
// for plain tensors in a sample).
import { tensor as makeTensor } from '../../../creation';
import { float32, type DType } from '../../../dtype';
import * as T from '../../../generated/torch';
import { Module } from '../../../nn/module';
import { pyFloat as reprFloat } from '../../../nn/repr';
import { pySignature } from '../../../python_signature';
import { pyRound } from '../../../scalar';
import { Tensor } from '../../../tensor';
import * as F from './functional';
import { InterpolationMode, type Fill } from './functional';

export * as functional from './functional';
export { InterpolationMode };

type Interpolation = InterpolationMode | string | number;
type SizeArg = number | readonly number[];

const isTensor = (x: unknown): x is Tensor => x instanceof Tensor;

// Python's str() of the values torchvision's Transform.extra_repr prints.
const fl = (x: number): string => reprFloat(x);
const list = (xs: readonly number[], asFloat = false): string => `[${xs.map((x) => (asFloat ? fl(x) : num(x))).join(', ')}]`;
const tuple = (xs: readonly number[], asFloat = false): string => `(${xs.map((x) => (asFloat ? fl(x) : num(x))).join(', ')}${xs.length === 1 ? ',' : ''})`;
const num = (x: number): string => (Number.isInteger(x) ? String(x) : fl(x));
const interp = (i: Interpolation): string => (i instanceof InterpolationMode ? i.toString() : String(i));
const fillStr = (f: Fill): string | null => (f === null ? null : typeof f === 'number' ? num(f) : list(f));

/** transforms.v2.Transform: an nn.Module whose forward transforms the image of its input. */
export abstract class Transform extends Module {
  static override pythonModule = 'torchvision.transforms.v2';

  /** The random parameters of one call (torchvision's make_params), drawn before any image is touched. */
  makeParams(_image: Tensor): Record<string, unknown> {
    return {};
  }

  abstract transform(image: Tensor, params: Record<string, unknown>): Tensor;

  override forward(...inputs: unknown[]): unknown {
    const sample = inputs.length > 1 ? inputs : inputs[0];
    return applyToFirstTensor(sample, (image) => this.transform(image, this.makeParams(image)));
  }

  /** [name, str(value)] for each attribute Transform.extra_repr prints (null: not printed). */
  protected reprItems(): [string, string | null][] {
    return [];
  }

  override extraRepr(): string {
    return this.reprItems()
      .filter(([, v]) => v !== null)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
  }
}

// torch.utils._pytree's containers in a sample: arrays (Python's lists and tuples), plain objects
// and Maps (dicts, in insertion order); anything else is a leaf.
const isPlainObject = (x: unknown): x is Record<string, unknown> => {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
};

/** tree_unflatten(map(fn, tree_flatten(sample))): the sample rebuilt with each leaf, depth-first, through fn. */
function mapLeaves(sample: unknown, fn: (leaf: unknown) => unknown): unknown {
  if (Array.isArray(sample)) return sample.map((x) => mapLeaves(x, fn));
  if (sample instanceof Map) return new Map([...sample].map(([k, v]) => [k, mapLeaves(v, fn)]));
  if (isPlainObject(sample)) return Object.fromEntries(Object.entries(sample).map(([k, v]) => [k, mapLeaves(v, fn)]));
  return fn(sample);
}

/** The first tensor of the flattened sample: the one a plain-tensor sample transforms as its image. */
function firstTensor(sample: unknown): Tensor | undefined {
  if (isTensor(sample)) return sample;
  const values = Array.isArray(sample) ? sample : sample instanceof Map ? [...sample.values()] : isPlainObject(sample) ? Object.values(sample) : [];
  for (const v of values) {
    const t = firstTensor(v);
    if (t !== undefined) return t;
  }
  return undefined;
}

/** The sample with its first tensor (depth-first) replaced by fn(tensor); the other leaves pass through. */
function applyToFirstTensor(sample: unknown, fn: (image: Tensor) => Tensor): unknown {
  let done = false;
  return mapLeaves(sample, (leaf) => {
    if (done || !isTensor(leaf)) return leaf;
    done = true;
    return fn(leaf);
  });
}

/** _RandomApplyTransform: applied with probability p (one torch.rand(1) per call). */
abstract class RandomApplyTransform extends Transform {
  declare p: number;
  constructor(p: number) {
    super();
    if (!(p >= 0.0 && p <= 1.0)) throw new Error('`p` should be a floating point value in the interval [0.0, 1.0].');
    this.p = p;
  }
  override forward(...inputs: unknown[]): unknown {
    const sample = inputs.length > 1 ? inputs : inputs[0];
    if ((T.rand(1).item() as number) >= this.p) return sample;
    return applyToFirstTensor(sample, (image) => this.transform(image, this.makeParams(image)));
  }
  protected override reprItems(): [string, string | null][] {
    return [['p', fl(this.p)]];
  }
}

function setupSize(size: SizeArg, errorMsg: string): [number, number] {
  if (typeof size === 'number') return [size, size];
  if (size.length === 1) return [size[0]!, size[0]!];
  if (size.length !== 2) throw new Error(errorMsg);
  return [size[0]!, size[1]!];
}

function checkPaddingArg(padding: SizeArg): void {
  const msg = `Padding must be an int or a 1, 2, or 4 element of tuple or list, got ${typeof padding === 'number' ? padding : tuple(padding)}.`;
  if (typeof padding === 'number') {
    if (!Number.isInteger(padding)) throw new Error(msg);
  } else if (![1, 2, 4].includes(padding.length) || !padding.every(Number.isInteger)) throw new Error(msg);
}

function checkPaddingModeArg(mode: string): void {
  if (!['constant', 'edge', 'reflect', 'symmetric'].includes(mode)) throw new Error('Padding mode should be either constant, edge, reflect or symmetric');
}

function checkFillArg(fill: unknown): void {
  if (fill !== null && typeof fill !== 'number' && !(Array.isArray(fill) && fill.every((v) => typeof v === 'number'))) {
    throw new TypeError('Got inappropriate fill arg, only Numbers, tuples, lists and dicts are allowed.');
  }
}

// ---- containers ----

type Callable = Module | ((x: unknown) => unknown);
type Step = ((x: unknown) => unknown) & { toString(): string };

function steps(transforms: unknown, what = 'a sequence of callables'): Step[] {
  if (!Array.isArray(transforms)) throw new TypeError(`Argument transforms should be ${what}`);
  if (transforms.length === 0) throw new Error('Pass at least one transform');
  return (transforms as Callable[]).map((t) => (t instanceof Module ? Object.assign((x: unknown) => t.call(x), { toString: () => t.toString() }) : t));
}

const indented = (ts: readonly Step[]): string => ts.map((t) => `    ${String(t)}`).join('\n');

/** Containers call their transforms one after the other on the whole sample. */
abstract class Container extends Transform {
  declare transforms: Step[];
  transform(image: Tensor): Tensor {
    return this.forward(image) as Tensor;
  }
  protected run(sample: unknown, order: readonly number[]): unknown {
    for (const i of order) sample = this.transforms[i]!(sample);
    return sample;
  }
}

const COMPOSE = pySignature('Compose.__init__', 'self, transforms');

export class Compose extends Container {
  constructor(transforms: readonly Callable[]) {
    super();
    this.transforms = steps(COMPOSE<{ transforms: unknown }>([transforms]).transforms);
  }
  override forward(...inputs: unknown[]): unknown {
    return this.run(inputs.length > 1 ? inputs : inputs[0], this.transforms.map((_, i) => i));
  }
  override extraRepr(): string {
    return indented(this.transforms);
  }
}

const RANDOM_APPLY = pySignature('RandomApply.__init__', 'self, transforms, p=0.5');

/** Applies its transforms, in order, with probability p (one torch.rand(1) per call). */
export class RandomApply extends Container {
  declare p: number;
  constructor(transforms: readonly Callable[], ...rest: [number?] | [{ p?: number }] | unknown[]) {
    super();
    const o = RANDOM_APPLY<{ transforms: unknown; p: number }>([transforms, ...rest]);
    this.transforms = steps(o.transforms, 'a sequence of callables or a `nn.ModuleList`');
    if (!(o.p >= 0.0 && o.p <= 1.0)) throw new Error('`p` should be a floating point value in the interval [0.0, 1.0].');
    this.p = o.p;
  }
  override forward(...inputs: unknown[]): unknown {
    const sample = inputs.length > 1 ? inputs : inputs[0];
    if ((T.rand(1).item() as number) >= this.p) return sample;
    return this.run(sample, this.transforms.map((_, i) => i));
  }
  override extraRepr(): string {
    return indented(this.transforms);
  }
}

const RANDOM_CHOICE = pySignature('RandomChoice.__init__', 'self, transforms, p=None');

/** Applies one of its transforms, drawn with torch.multinomial from the probabilities p. */
export class RandomChoice extends Container {
  declare p: number[];
  constructor(transforms: readonly Callable[], ...rest: [number[]?] | [{ p?: number[] | null }] | unknown[]) {
    super();
    const o = RANDOM_CHOICE<{ transforms: unknown; p: number[] | null }>([transforms, ...rest]);
    this.transforms = steps(o.transforms);
    const p = o.p ?? this.transforms.map(() => 1);
    if (p.length !== this.transforms.length) throw new Error(`Length of p doesn't match the number of transforms: ${p.length} != ${this.transforms.length}`);
    const total = p.reduce((a, b) => a + b, 0);
    this.p = p.map((x) => x / total);
  }
  override forward(...inputs: unknown[]): unknown {
    const idx = T.multinomial(makeTensor(this.p), 1).item() as number;
    return this.run(inputs.length > 1 ? inputs : inputs[0], [idx]);
  }
  override extraRepr(): string {
    return `transforms=[${this.transforms.map(String).join(', ')}], p=${list(this.p, true)}`;
  }
}

/** Applies its transforms in the order of a torch.randperm. */
export class RandomOrder extends Container {
  constructor(transforms: readonly Callable[]) {
    super();
    this.transforms = steps(transforms);
  }
  override forward(...inputs: unknown[]): unknown {
    return this.run(inputs.length > 1 ? inputs : inputs[0], T.randperm(this.transforms.length).tolist() as number[]);
  }
  override extraRepr(): string {
    return `transforms=[${this.transforms.map(String).join(', ')}]`;
  }
}

// ---- geometry ----

const RANDOMHORIZONTALFLIP = pySignature('RandomHorizontalFlip.__init__', 'self, p=0.5');

export class RandomHorizontalFlip extends RandomApplyTransform {
  constructor(...args: [number?] | [{ p?: number }] | unknown[]) {
    super(RANDOMHORIZONTALFLIP<{ p: number }>(args).p);
  }
  transform(image: Tensor): Tensor {
    return F.horizontalFlip(image);
  }
}

const RANDOMVERTICALFLIP = pySignature('RandomVerticalFlip.__init__', 'self, p=0.5');

export class RandomVerticalFlip extends RandomApplyTransform {
  constructor(...args: [number?] | [{ p?: number }] | unknown[]) {
    super(RANDOMVERTICALFLIP<{ p: number }>(args).p);
  }
  transform(image: Tensor): Tensor {
    return F.verticalFlip(image);
  }
}

const RESIZE = pySignature('Resize.__init__', "self, size, interpolation='bilinear', max_size=None, antialias=True");

export interface ResizeOptions {
  interpolation?: Interpolation;
  maxSize?: number | null;
  antialias?: boolean | null;
}

export class Resize extends Transform {
  declare size: number[] | null;
  declare interpolation: Interpolation;
  declare maxSize: number | null;
  declare antialias: boolean | null;
  constructor(size: SizeArg | null, ...rest: [ResizeOptions?] | unknown[]) {
    super();
    const o = RESIZE<{ size: SizeArg | null } & Required<ResizeOptions>>([size, ...rest]);
    if (typeof o.size === 'number') this.size = [o.size];
    else if (Array.isArray(o.size) && (o.size.length === 1 || o.size.length === 2)) this.size = [...o.size];
    else if (o.size === null) {
      if (!Number.isInteger(o.maxSize)) throw new Error(`max_size must be an integer when size is None, but got ${o.maxSize === null ? 'None' : String(o.maxSize)} instead.`);
      this.size = null;
    } else throw new Error(`size can be an integer, a sequence of one or two integers, or None, but got ${String(o.size)} instead.`);
    this.interpolation = o.interpolation;
    this.maxSize = o.maxSize;
    this.antialias = o.antialias;
  }
  transform(image: Tensor): Tensor {
    return F.resize(image, this.size, this.interpolation, this.maxSize, this.antialias);
  }
  protected override reprItems(): [string, string | null][] {
    return [
      ['size', this.size === null ? null : list(this.size)],
      ['interpolation', interp(this.interpolation)],
      ['max_size', this.maxSize === null ? null : num(this.maxSize)],
      ['antialias', this.antialias === null ? null : this.antialias ? 'True' : 'False'],
    ];
  }
}

const CENTER_CROP = pySignature('CenterCrop.__init__', 'self, size');

export class CenterCrop extends Transform {
  declare size: [number, number];
  constructor(...args: [SizeArg] | [{ size: SizeArg }] | unknown[]) {
    super();
    this.size = setupSize(CENTER_CROP<{ size: SizeArg }>(args).size, 'Please provide only two dimensions (h, w) for size.');
  }
  transform(image: Tensor): Tensor {
    return F.centerCrop(image, this.size);
  }
  protected override reprItems(): [string, string | null][] {
    return [['size', tuple(this.size)]];
  }
}

const RANDOM_RESIZED_CROP = pySignature('RandomResizedCrop.__init__', "self, size, scale=(0.08, 1.0), ratio=None, interpolation='bilinear', antialias=True");

export interface RandomResizedCropOptions {
  scale?: readonly [number, number];
  ratio?: readonly [number, number];
  interpolation?: Interpolation;
  antialias?: boolean | null;
}

export class RandomResizedCrop extends Transform {
  declare size: [number, number];
  declare scale: [number, number];
  declare ratio: [number, number];
  declare interpolation: Interpolation;
  declare antialias: boolean | null;
  /** torch.log(torch.tensor(ratio)), as torchvision computes it once in __init__. */
  declare _logRatio: [number, number];
  constructor(size: SizeArg, ...rest: [RandomResizedCropOptions?] | unknown[]) {
    super();
    const o = RANDOM_RESIZED_CROP<{ size: SizeArg } & Required<RandomResizedCropOptions>>([size, ...rest]);
    this.size = setupSize(o.size, 'Please provide only two dimensions (h, w) for size.');
    const ratio = o.ratio ?? [3.0 / 4.0, 4.0 / 3.0];
    if (!Array.isArray(o.scale) || o.scale.length !== 2) throw new TypeError('Scale should be a sequence of two floats.');
    if (!Array.isArray(ratio) || ratio.length !== 2) throw new TypeError('Ratio should be a sequence of two floats.');
    if (o.scale[0] > o.scale[1] || ratio[0] > ratio[1]) process.emitWarning('Scale and ratio should be of kind (min, max)', 'UserWarning');
    this.scale = [o.scale[0], o.scale[1]];
    this.ratio = [ratio[0], ratio[1]];
    this.interpolation = o.interpolation;
    this.antialias = o.antialias;
    this._logRatio = T.log(makeTensor(this.ratio)).tolist() as [number, number];
  }
  override makeParams(image: Tensor): Record<string, unknown> {
    const [height, width] = F.getSize(image) as [number, number];
    const area = height * width;
    const logRatio = this._logRatio;
    for (let attempt = 0; attempt < 10; attempt++) {
      const targetArea = area * (T.empty(1).uniform_(this.scale[0], this.scale[1]).item() as number);
      const aspectRatio = T.exp(T.empty(1).uniform_(logRatio[0], logRatio[1])).item() as number;
      const w = pyRound(Math.sqrt(targetArea * aspectRatio));
      const h = pyRound(Math.sqrt(targetArea / aspectRatio));
      if (w > 0 && w <= width && h > 0 && h <= height) {
        const top = T.randint(0, height - h + 1, [1]).item() as number;
        const left = T.randint(0, width - w + 1, [1]).item() as number;
        return { top, left, height: h, width: w };
      }
    }
    const inRatio = width / height;
    let w = width;
    let h = height;
    if (inRatio < Math.min(...this.ratio)) h = pyRound(w / Math.min(...this.ratio));
    else if (inRatio > Math.max(...this.ratio)) w = pyRound(h * Math.max(...this.ratio));
    return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
  }
  transform(image: Tensor, p: Record<string, unknown>): Tensor {
    return F.resizedCrop(image, p.top as number, p.left as number, p.height as number, p.width as number, this.size, this.interpolation, this.antialias);
  }
  protected override reprItems(): [string, string | null][] {
    return [
      ['size', tuple(this.size)],
      ['scale', tuple(this.scale, true)],
      ['ratio', tuple(this.ratio, true)],
      ['interpolation', interp(this.interpolation)],
      ['antialias', this.antialias === null ? null : this.antialias ? 'True' : 'False'],
    ];
  }
}

const RANDOM_CROP = pySignature('RandomCrop.__init__', "self, size, padding=None, pad_if_needed=False, fill=0, padding_mode='constant'");

export interface RandomCropOptions {
  padding?: SizeArg | null;
  padIfNeeded?: boolean;
  fill?: Fill;
  paddingMode?: 'constant' | 'edge' | 'reflect' | 'symmetric';
}

export class RandomCrop extends Transform {
  declare size: [number, number];
  /** [left, right, top, bottom] */
  declare padding: number[] | null;
  declare padIfNeeded: boolean;
  declare fill: Fill;
  declare paddingMode: string;
  constructor(size: SizeArg, ...rest: [RandomCropOptions?] | unknown[]) {
    super();
    const o = RANDOM_CROP<{ size: SizeArg } & Required<RandomCropOptions>>([size, ...rest]);
    this.size = setupSize(o.size, 'Please provide only two dimensions (h, w) for size.');
    if (o.padIfNeeded || o.padding !== null) {
      if (o.padding !== null) checkPaddingArg(o.padding);
      checkPaddingModeArg(o.paddingMode);
    }
    checkFillArg(o.fill);
    const pad = o.padding;
    const truthy = pad !== null && (typeof pad === 'number' ? pad !== 0 : pad.length > 0);
    this.padding = truthy ? parsePadding(pad) : null;
    this.padIfNeeded = o.padIfNeeded;
    this.fill = o.fill;
    this.paddingMode = o.paddingMode;
  }
  override makeParams(image: Tensor): Record<string, unknown> {
    let [paddedH, paddedW] = F.getSize(image) as [number, number];
    let [padLeft, padRight, padTop, padBottom] = (this.padding ?? [0, 0, 0, 0]) as [number, number, number, number];
    if (this.padding !== null) {
      paddedH += padTop + padBottom;
      paddedW += padLeft + padRight;
    }
    const [cropH, cropW] = this.size;
    if (this.padIfNeeded) {
      if (paddedH < cropH) {
        const diff = cropH - paddedH;
        padTop += diff;
        padBottom += diff;
        paddedH += 2 * diff;
      }
      if (paddedW < cropW) {
        const diff = cropW - paddedW;
        padLeft += diff;
        padRight += diff;
        paddedW += 2 * diff;
      }
    }
    if (paddedH < cropH || paddedW < cropW) {
      throw new Error(`Required crop size (${cropH}, ${cropW}) is larger than ${this.padding !== null ? 'padded ' : ''}input image size (${paddedH}, ${paddedW}).`);
    }
    const padding = [padLeft, padTop, padRight, padBottom];
    const top = paddedH > cropH ? (T.randint(0, paddedH - cropH + 1, []).item() as number) : 0;
    const left = paddedW > cropW ? (T.randint(0, paddedW - cropW + 1, []).item() as number) : 0;
    return { needsCrop: paddedH > cropH || paddedW > cropW, top, left, height: cropH, width: cropW, needsPad: padding.some((p) => p !== 0), padding };
  }
  transform(image: Tensor, p: Record<string, unknown>): Tensor {
    if (p.needsPad) image = F.pad(image, p.padding as number[], this.fill, this.paddingMode);
    if (p.needsCrop) image = F.crop(image, p.top as number, p.left as number, p.height as number, p.width as number);
    return image;
  }
  protected override reprItems(): [string, string | null][] {
    return [
      ['size', tuple(this.size)],
      ['padding', this.padding === null ? null : list(this.padding)],
      ['pad_if_needed', this.padIfNeeded ? 'True' : 'False'],
      ['fill', fillStr(this.fill)],
      ['padding_mode', this.paddingMode],
    ];
  }
}

function parsePadding(padding: SizeArg): number[] {
  if (typeof padding === 'number') return [padding, padding, padding, padding];
  if (padding.length === 1) return [padding[0]!, padding[0]!, padding[0]!, padding[0]!];
  if (padding.length === 2) return [padding[0]!, padding[0]!, padding[1]!, padding[1]!];
  return [padding[0]!, padding[2]!, padding[1]!, padding[3]!];
}

const PAD = pySignature('Pad.__init__', "self, padding, fill=0, padding_mode='constant'");

export interface PadOptions {
  fill?: Fill;
  paddingMode?: 'constant' | 'edge' | 'reflect' | 'symmetric';
}

export class Pad extends Transform {
  declare padding: SizeArg;
  declare fill: Fill;
  declare paddingMode: string;
  constructor(padding: SizeArg, ...rest: [PadOptions?] | unknown[]) {
    super();
    const o = PAD<{ padding: SizeArg } & Required<PadOptions>>([padding, ...rest]);
    checkPaddingArg(o.padding);
    checkPaddingModeArg(o.paddingMode);
    checkFillArg(o.fill);
    this.padding = typeof o.padding === 'number' ? o.padding : [...o.padding];
    this.fill = o.fill;
    this.paddingMode = o.paddingMode;
  }
  transform(image: Tensor): Tensor {
    return F.pad(image, this.padding, this.fill, this.paddingMode);
  }
  protected override reprItems(): [string, string | null][] {
    return [
      ['padding', typeof this.padding === 'number' ? num(this.padding) : list(this.padding)],
      ['fill', fillStr(this.fill)],
      ['padding_mode', this.paddingMode],
    ];
  }
}

function setupAngle(x: SizeArg, name: string, sizes: readonly number[] = [2]): number[] {
  if (typeof x === 'number') {
    if (x < 0) throw new Error(`If ${name} is a single number, it must be positive.`);
    return [-x, x];
  }
  if (!sizes.includes(x.length)) throw new Error(`${name} should be a sequence of length ${sizes.join(' or ')}.`);
  return [...x];
}

const RANDOM_ROTATION = pySignature('RandomRotation.__init__', "self, degrees, interpolation='nearest', expand=False, center=None, fill=0");

export interface RandomRotationOptions {
  interpolation?: Interpolation;
  expand?: boolean;
  center?: readonly number[] | null;
  fill?: Fill;
}

export class RandomRotation extends Transform {
  declare degrees: [number, number];
  declare interpolation: Interpolation;
  declare expand: boolean;
  declare center: number[] | null;
  declare fill: Fill;
  constructor(degrees: SizeArg, ...rest: [RandomRotationOptions?] | unknown[]) {
    super();
    const o = RANDOM_ROTATION<{ degrees: SizeArg } & Required<RandomRotationOptions>>([degrees, ...rest]);
    this.degrees = setupAngle(o.degrees, 'degrees') as [number, number];
    this.interpolation = o.interpolation;
    this.expand = o.expand;
    checkFillArg(o.fill);
    this.fill = o.fill;
    if (o.center !== null && o.center.length !== 2) throw new TypeError('center should be a sequence of length 2.');
    this.center = o.center === null ? null : [...o.center];
  }
  override makeParams(): Record<string, unknown> {
    return { angle: T.empty(1).uniform_(this.degrees[0], this.degrees[1]).item() as number };
  }
  transform(image: Tensor, p: Record<string, unknown>): Tensor {
    return F.rotate(image, p.angle as number, this.interpolation, this.expand, this.center, this.fill);
  }
  protected override reprItems(): [string, string | null][] {
    return [
      ['degrees', list(this.degrees, true)],
      ['interpolation', interp(this.interpolation)],
      ['expand', this.expand ? 'True' : 'False'],
      ['fill', fillStr(this.fill)],
      ['center', this.center === null ? null : list(this.center)],
    ];
  }
}

const RANDOM_AFFINE = pySignature(
  'RandomAffine.__init__',
  "self, degrees, translate=None, scale=None, shear=None, interpolation='nearest', fill=0, center=None",
);

export interface RandomAffineOptions {
  translate?: readonly [number, number] | null;
  scale?: readonly [number, number] | null;
  shear?: number | readonly number[] | null;
  interpolation?: Interpolation;
  fill?: Fill;
  center?: readonly number[] | null;
}

export class RandomAffine extends Transform {
  declare degrees: [number, number];
  declare translate: [number, number] | null;
  declare scale: [number, number] | null;
  declare shear: number[] | null;
  declare interpolation: Interpolation;
  declare fill: Fill;
  declare center: number[] | null;
  constructor(degrees: SizeArg, ...rest: [RandomAffineOptions?] | unknown[]) {
    super();
    const o = RANDOM_AFFINE<{ degrees: SizeArg } & Required<RandomAffineOptions>>([degrees, ...rest]);
    this.degrees = setupAngle(o.degrees, 'degrees') as [number, number];
    if (o.translate !== null) {
      if (o.translate.length !== 2) throw new TypeError('translate should be a sequence of length 2.');
      for (const t of o.translate) if (!(t >= 0.0 && t <= 1.0)) throw new Error('translation values should be between 0 and 1');
    }
    this.translate = o.translate === null ? null : [o.translate[0], o.translate[1]];
    if (o.scale !== null) {
      if (o.scale.length !== 2) throw new TypeError('scale should be a sequence of length 2.');
      for (const v of o.scale) if (v <= 0) throw new Error('scale values should be positive');
    }
    this.scale = o.scale === null ? null : [o.scale[0], o.scale[1]];
    this.shear = o.shear === null ? null : setupAngle(o.shear, 'shear', [2, 4]);
    this.interpolation = o.interpolation;
    checkFillArg(o.fill);
    this.fill = o.fill;
    if (o.center !== null && o.center.length !== 2) throw new TypeError('center should be a sequence of length 2.');
    this.center = o.center === null ? null : [...o.center];
  }
  override makeParams(image: Tensor): Record<string, unknown> {
    const [height, width] = F.getSize(image) as [number, number];
    const uniform = (a: number, b: number): number => T.empty(1).uniform_(a, b).item() as number;
    const angle = uniform(this.degrees[0], this.degrees[1]);
    let translate = [0, 0];
    if (this.translate !== null) {
      const maxDx = this.translate[0] * width;
      const maxDy = this.translate[1] * height;
      translate = [pyRound(uniform(-maxDx, maxDx)), pyRound(uniform(-maxDy, maxDy))];
    }
    const scale = this.scale === null ? 1.0 : uniform(this.scale[0], this.scale[1]);
    let shear = [0.0, 0.0];
    if (this.shear !== null) {
      const sx = uniform(this.shear[0]!, this.shear[1]!);
      shear = [sx, this.shear.length === 4 ? uniform(this.shear[2]!, this.shear[3]!) : 0.0];
    }
    return { angle, translate, scale, shear };
  }
  transform(image: Tensor, p: Record<string, unknown>): Tensor {
    return F.affine(image, p.angle as number, p.translate as number[], p.scale as number, p.shear as number[], this.interpolation, this.fill, this.center);
  }
  protected override reprItems(): [string, string | null][] {
    return [
      ['degrees', list(this.degrees, true)],
      ['translate', this.translate === null ? null : tuple(this.translate, true)],
      ['scale', this.scale === null ? null : tuple(this.scale, true)],
      ['shear', this.shear === null ? null : list(this.shear, true)],
      ['interpolation', interp(this.interpolation)],
      ['fill', fillStr(this.fill)],
      ['center', this.center === null ? null : list(this.center)],
    ];
  }
}

// ---- color ----

const RANDOMGRAYSCALE = pySignature('RandomGrayscale.__init__', 'self, p=0.1');

export class RandomGrayscale extends RandomApplyTransform {
  constructor(...args: [number?] | [{ p?: number }] | unknown[]) {
    super(RANDOMGRAYSCALE<{ p: number }>(args).p);
  }
  transform(image: Tensor): Tensor {
    return F.rgbToGrayscale(image, F.getDimensions(image)[0]!);
  }
}

const RANDOMINVERT = pySignature('RandomInvert.__init__', 'self, p=0.5');

export class RandomInvert extends RandomApplyTransform {
  constructor(...args: [number?] | [{ p?: number }] | unknown[]) {
    super(RANDOMINVERT<{ p: number }>(args).p);
  }
  transform(image: Tensor): Tensor {
    return F.invert(image);
  }
}

const RANDOMEQUALIZE = pySignature('RandomEqualize.__init__', 'self, p=0.5');

export class RandomEqualize extends RandomApplyTransform {
  constructor(...args: [number?] | [{ p?: number }] | unknown[]) {
    super(RANDOMEQUALIZE<{ p: number }>(args).p);
  }
  transform(image: Tensor): Tensor {
    return F.equalize(image);
  }
}

const RANDOMAUTOCONTRAST = pySignature('RandomAutocontrast.__init__', 'self, p=0.5');

export class RandomAutocontrast extends RandomApplyTransform {
  constructor(...args: [number?] | [{ p?: number }] | unknown[]) {
    super(RANDOMAUTOCONTRAST<{ p: number }>(args).p);
  }
  transform(image: Tensor): Tensor {
    return F.autocontrast(image);
  }
}

const RANDOMPOSTERIZE = pySignature('RandomPosterize.__init__', 'self, bits, p=0.5');

export class RandomPosterize extends RandomApplyTransform {
  declare bits: number;
  constructor(bits: number, ...rest: [number?] | [{ p?: number }] | unknown[]) {
    const o = RANDOMPOSTERIZE<{ bits: number; p: number }>([bits, ...rest]);
    super(o.p);
    this.bits = o.bits;
  }
  transform(image: Tensor): Tensor {
    return F.posterize(image, this.bits);
  }
  protected override reprItems(): [string, string | null][] {
    return [...super.reprItems(), ['bits', num(this.bits)]];
  }
}

const RANDOMSOLARIZE = pySignature('RandomSolarize.__init__', 'self, threshold, p=0.5');

export class RandomSolarize extends RandomApplyTransform {
  declare threshold: number;
  constructor(threshold: number, ...rest: [number?] | [{ p?: number }] | unknown[]) {
    const o = RANDOMSOLARIZE<{ threshold: number; p: number }>([threshold, ...rest]);
    super(o.p);
    this.threshold = o.threshold;
  }
  transform(image: Tensor): Tensor {
    return F.solarize(image, this.threshold);
  }
  protected override reprItems(): [string, string | null][] {
    return [...super.reprItems(), ['threshold', num(this.threshold)]];
  }
}

const RANDOMADJUSTSHARPNESS = pySignature('RandomAdjustSharpness.__init__', 'self, sharpness_factor, p=0.5');

export class RandomAdjustSharpness extends RandomApplyTransform {
  declare sharpnessFactor: number;
  constructor(sharpnessFactor: number, ...rest: [number?] | [{ p?: number }] | unknown[]) {
    const o = RANDOMADJUSTSHARPNESS<{ sharpnessFactor: number; p: number }>([sharpnessFactor, ...rest]);
    super(o.p);
    this.sharpnessFactor = o.sharpnessFactor;
  }
  transform(image: Tensor): Tensor {
    return F.adjustSharpness(image, this.sharpnessFactor);
  }
  protected override reprItems(): [string, string | null][] {
    return [...super.reprItems(), ['sharpness_factor', num(this.sharpnessFactor)]];
  }
}

const GRAYSCALE = pySignature('Grayscale.__init__', 'self, num_output_channels=1');

export class Grayscale extends Transform {
  declare numOutputChannels: number;
  constructor(...args: [number?] | [{ numOutputChannels?: number }] | unknown[]) {
    super();
    this.numOutputChannels = GRAYSCALE<{ numOutputChannels: number }>(args).numOutputChannels;
  }
  transform(image: Tensor): Tensor {
    return F.rgbToGrayscale(image, this.numOutputChannels);
  }
  protected override reprItems(): [string, string | null][] {
    return [['num_output_channels', num(this.numOutputChannels)]];
  }
}

const COLOR_JITTER = pySignature('ColorJitter.__init__', 'self, brightness=None, contrast=None, saturation=None, hue=None');

type Range = number | readonly [number, number] | null;

export interface ColorJitterOptions {
  brightness?: Range;
  contrast?: Range;
  saturation?: Range;
  hue?: Range;
}

export class ColorJitter extends Transform {
  declare brightness: [number, number] | null;
  declare contrast: [number, number] | null;
  declare saturation: [number, number] | null;
  declare hue: [number, number] | null;
  constructor(...args: [ColorJitterOptions?] | unknown[]) {
    super();
    const o = COLOR_JITTER<Required<ColorJitterOptions>>(args);
    this.brightness = checkJitter(o.brightness, 'brightness');
    this.contrast = checkJitter(o.contrast, 'contrast');
    this.saturation = checkJitter(o.saturation, 'saturation');
    this.hue = checkJitter(o.hue, 'hue', 0, [-0.5, 0.5], false);
  }
  override makeParams(): Record<string, unknown> {
    const fnIdx = T.randperm(4).tolist() as number[];
    const gen = (r: [number, number] | null): number | null => (r === null ? null : (T.empty(1).uniform_(r[0], r[1]).item() as number));
    return { fnIdx, b: gen(this.brightness), c: gen(this.contrast), s: gen(this.saturation), h: gen(this.hue) };
  }
  transform(image: Tensor, p: Record<string, unknown>): Tensor {
    let out = image;
    for (const id of p.fnIdx as number[]) {
      if (id === 0 && p.b !== null) out = F.adjustBrightness(out, p.b as number);
      else if (id === 1 && p.c !== null) out = F.adjustContrast(out, p.c as number);
      else if (id === 2 && p.s !== null) out = F.adjustSaturation(out, p.s as number);
      else if (id === 3 && p.h !== null) out = F.adjustHue(out, p.h as number);
    }
    return out;
  }
  protected override reprItems(): [string, string | null][] {
    const r = (x: [number, number] | null): string | null => (x === null ? null : tuple(x, true));
    return [
      ['brightness', r(this.brightness)],
      ['contrast', r(this.contrast)],
      ['saturation', r(this.saturation)],
      ['hue', r(this.hue)],
    ];
  }
}

function checkJitter(value: Range, name: string, center = 1.0, bound: [number, number] = [0, Infinity], clipFirstOnZero = true): [number, number] | null {
  if (value === null) return null;
  let v: [number, number];
  if (typeof value === 'number') {
    if (value < 0) throw new Error(`If ${name} is a single number, it must be non negative.`);
    v = [center - value, center + value];
    if (clipFirstOnZero) v[0] = Math.max(v[0], 0.0);
  } else if (Array.isArray(value) && value.length === 2) {
    v = [value[0], value[1]];
  } else {
    throw new TypeError(`${name}=${String(value)} should be a single number or a sequence with length 2.`);
  }
  if (!(bound[0] <= v[0] && v[0] <= v[1] && v[1] <= bound[1])) {
    throw new Error(`${name} values should be between (${num(bound[0])}, ${bound[1] === Infinity ? 'inf' : num(bound[1])}) and increasing, but got [${v.map(fl).join(', ')}].`);
  }
  return v[0] === center && v[1] === center ? null : v;
}

// ---- misc ----

const NORMALIZE = pySignature('Normalize.__init__', 'self, mean, std, inplace=False');

export class Normalize extends Transform {
  declare mean: number[];
  declare std: number[];
  declare inplace: boolean;
  constructor(mean: readonly number[], std: readonly number[], ...rest: [boolean?] | [{ inplace?: boolean }] | unknown[]) {
    super();
    const o = NORMALIZE<{ mean: number[]; std: number[]; inplace: boolean }>([mean, std, ...rest]);
    this.mean = [...o.mean];
    this.std = [...o.std];
    this.inplace = o.inplace;
  }
  transform(image: Tensor): Tensor {
    return F.normalize(image, this.mean, this.std, this.inplace);
  }
  protected override reprItems(): [string, string | null][] {
    return [
      ['mean', list(this.mean, true)],
      ['std', list(this.std, true)],
      ['inplace', this.inplace ? 'True' : 'False'],
    ];
  }
}

const TO_DTYPE = pySignature('ToDtype.__init__', 'self, dtype, scale=False');

export class ToDtype extends Transform {
  declare dtype: DType;
  declare scale: boolean;
  constructor(dtype: DType, ...rest: [boolean?] | [{ scale?: boolean }] | unknown[]) {
    super();
    const o = TO_DTYPE<{ dtype: DType; scale: boolean }>([dtype, ...rest]);
    this.dtype = o.dtype;
    this.scale = o.scale;
  }
  transform(image: Tensor): Tensor {
    return F.toDtype(image, this.dtype, this.scale);
  }
  protected override reprItems(): [string, string | null][] {
    return [['scale', this.scale ? 'True' : 'False']];
  }
}

const CONVERT_IMAGE_DTYPE = pySignature('ConvertImageDtype.__init__', 'self, dtype=None');

export class ConvertImageDtype extends Transform {
  declare dtype: DType;
  constructor(...args: [DType?] | [{ dtype?: DType }] | unknown[]) {
    super();
    this.dtype = CONVERT_IMAGE_DTYPE<{ dtype: DType | null }>(args).dtype ?? float32;
  }
  transform(image: Tensor): Tensor {
    return F.toDtype(image, this.dtype, true);
  }
}

const GAUSSIAN_BLUR = pySignature('GaussianBlur.__init__', 'self, kernel_size, sigma=(0.1, 2.0)');

export class GaussianBlur extends Transform {
  declare kernelSize: [number, number];
  declare sigma: [number, number];
  constructor(kernelSize: SizeArg, ...rest: [{ sigma?: number | readonly number[] }?] | unknown[]) {
    super();
    const o = GAUSSIAN_BLUR<{ kernelSize: SizeArg; sigma: number | readonly number[] }>([kernelSize, ...rest]);
    this.kernelSize = setupSize(o.kernelSize, 'Kernel size should be a tuple/list of two integers');
    for (const ks of this.kernelSize) if (ks <= 0 || ks % 2 === 0) throw new Error('Kernel size value should be an odd and positive number.');
    if (typeof o.sigma === 'number') this.sigma = [o.sigma, o.sigma];
    else if (o.sigma.length === 1 || o.sigma.length === 2) this.sigma = [o.sigma[0]!, o.sigma[o.sigma.length - 1]!];
    else throw new Error(`If sigma is a sequence its length should be 1 or 2. Got ${o.sigma.length}`);
    if (!(this.sigma[0] > 0.0 && this.sigma[0] <= this.sigma[1])) throw new Error(`sigma values should be positive and of the form (min, max). Got [${this.sigma.map(fl).join(', ')}]`);
  }
  override makeParams(): Record<string, unknown> {
    const sigma = T.empty(1).uniform_(this.sigma[0], this.sigma[1]).item() as number;
    return { sigma: [sigma, sigma] };
  }
  transform(image: Tensor, p: Record<string, unknown>): Tensor {
    return F.gaussianBlur(image, this.kernelSize, p.sigma as number[]);
  }
  protected override reprItems(): [string, string | null][] {
    return [
      ['kernel_size', tuple(this.kernelSize)],
      ['sigma', list(this.sigma, true)],
    ];
  }
}

export class ToImage extends Transform {
  transform(image: Tensor): Tensor {
    return F.toImage(image);
  }
}

export class ToPureTensor extends Transform {
  transform(image: Tensor): Tensor {
    return image;
  }
}

// ---- auto augment ----

export type MagnitudeFn = ((bins: number, height: number, width: number) => Tensor) | null;
export type AugmentationSpace = [string, MagnitudeFn, boolean][];

const lin = (end: number) => (bins: number) => T.linspace(0.0, end, bins);

export abstract class AutoAugmentBase extends Transform {
  declare interpolation: Interpolation;
  declare fill: Fill;
  constructor(interpolation: Interpolation, fill: Fill) {
    super();
    checkFillArg(fill);
    this.interpolation = interpolation;
    this.fill = fill;
  }

  protected randomItem(space: AugmentationSpace): [string, MagnitudeFn, boolean] {
    return space[T.randint(space.length, []).item() as number]!;
  }

  override forward(...inputs: unknown[]): unknown {
    const sample = inputs.length > 1 ? inputs : inputs[0];
    const image = firstTensor(sample);
    if (image === undefined) throw new TypeError('Found no image in the sample.');
    return applyToFirstTensor(sample, (img) => this.augment(img));
  }

  transform(image: Tensor): Tensor {
    return this.augment(image);
  }

  protected abstract augment(image: Tensor): Tensor;

  protected applyOp(image: Tensor, id: string, magnitude: number): Tensor {
    const fill = this.fill;
    const i = this.interpolation;
    const deg = (m: number): number => (Math.atan(m) * 180) / Math.PI;
    switch (id) {
      case 'Identity':
        return image;
      case 'ShearX':
        return F.affine(image, 0.0, [0, 0], 1.0, [deg(magnitude), 0.0], i, fill, [0, 0]);
      case 'ShearY':
        return F.affine(image, 0.0, [0, 0], 1.0, [0.0, deg(magnitude)], i, fill, [0, 0]);
      case 'TranslateX':
        return F.affine(image, 0.0, [Math.trunc(magnitude), 0], 1.0, [0.0, 0.0], i, fill);
      case 'TranslateY':
        return F.affine(image, 0.0, [0, Math.trunc(magnitude)], 1.0, [0.0, 0.0], i, fill);
      case 'Rotate':
        return F.rotate(image, magnitude, i, false, null, fill);
      case 'Brightness':
        return F.adjustBrightness(image, 1.0 + magnitude);
      case 'Color':
        return F.adjustSaturation(image, 1.0 + magnitude);
      case 'Contrast':
        return F.adjustContrast(image, 1.0 + magnitude);
      case 'Sharpness':
        return F.adjustSharpness(image, 1.0 + magnitude);
      case 'Posterize':
        return F.posterize(image, Math.trunc(magnitude));
      case 'Solarize':
        return F.solarize(image, F.maxValue(image.dtype) * magnitude);
      case 'AutoContrast':
        return F.autocontrast(image);
      case 'Equalize':
        return F.equalize(image);
      case 'Invert':
        return F.invert(image);
      default:
        throw new Error(`No transform available for ${id}`);
    }
  }

  protected override reprItems(): [string, string | null][] {
    return [
      ['interpolation', interp(this.interpolation)],
      ['fill', fillStr(this.fill)],
    ];
  }
}

const posterizeBins = (div: number) => (bins: number) => T.rsub(T.arange(bins).div((bins - 1) / div), 8).round().int();

const AUTO_AUGMENT_SPACE: Record<string, [MagnitudeFn, boolean]> = {
  ShearX: [lin(0.3), true],
  ShearY: [lin(0.3), true],
  TranslateX: [(bins, _h, w) => T.linspace(0.0, (150.0 / 331.0) * w, bins), true],
  TranslateY: [(bins, h) => T.linspace(0.0, (150.0 / 331.0) * h, bins), true],
  Rotate: [lin(30.0), true],
  Brightness: [lin(0.9), true],
  Color: [lin(0.9), true],
  Contrast: [lin(0.9), true],
  Sharpness: [lin(0.9), true],
  Posterize: [posterizeBins(4), false],
  Solarize: [(bins) => T.linspace(1.0, 0.0, bins), false],
  AutoContrast: [null, false],
  Equalize: [null, false],
  Invert: [null, false],
};

/** torchvision.transforms.AutoAugmentPolicy */
export class AutoAugmentPolicy {
  static readonly IMAGENET = new AutoAugmentPolicy('IMAGENET', 'imagenet');
  static readonly CIFAR10 = new AutoAugmentPolicy('CIFAR10', 'cifar10');
  static readonly SVHN = new AutoAugmentPolicy('SVHN', 'svhn');
  private constructor(
    readonly name: 'IMAGENET' | 'CIFAR10' | 'SVHN',
    readonly value: string,
  ) {}
  toString(): string {
    return `AutoAugmentPolicy.${this.name}`;
  }
}

type SubPolicy = [[string, number, number | null], [string, number, number | null]];

// The sub-policies of "AutoAugment: Learning Augmentation Strategies from Data", as torchvision lists them.
const POLICIES: Record<'IMAGENET' | 'CIFAR10' | 'SVHN', SubPolicy[]> = {
  IMAGENET: [
    [['Posterize', 0.4, 8], ['Rotate', 0.6, 9]],
    [['Solarize', 0.6, 5], ['AutoContrast', 0.6, null]],
    [['Equalize', 0.8, null], ['Equalize', 0.6, null]],
    [['Posterize', 0.6, 7], ['Posterize', 0.6, 6]],
    [['Equalize', 0.4, null], ['Solarize', 0.2, 4]],
    [['Equalize', 0.4, null], ['Rotate', 0.8, 8]],
    [['Solarize', 0.6, 3], ['Equalize', 0.6, null]],
    [['Posterize', 0.8, 5], ['Equalize', 1.0, null]],
    [['Rotate', 0.2, 3], ['Solarize', 0.6, 8]],
    [['Equalize', 0.6, null], ['Posterize', 0.4, 6]],
    [['Rotate', 0.8, 8], ['Color', 0.4, 0]],
    [['Rotate', 0.4, 9], ['Equalize', 0.6, null]],
    [['Equalize', 0.0, null], ['Equalize', 0.8, null]],
    [['Invert', 0.6, null], ['Equalize', 1.0, null]],
    [['Color', 0.6, 4], ['Contrast', 1.0, 8]],
    [['Rotate', 0.8, 8], ['Color', 1.0, 2]],
    [['Color', 0.8, 8], ['Solarize', 0.8, 7]],
    [['Sharpness', 0.4, 7], ['Invert', 0.6, null]],
    [['ShearX', 0.6, 5], ['Equalize', 1.0, null]],
    [['Color', 0.4, 0], ['Equalize', 0.6, null]],
    [['Equalize', 0.4, null], ['Solarize', 0.2, 4]],
    [['Solarize', 0.6, 5], ['AutoContrast', 0.6, null]],
    [['Invert', 0.6, null], ['Equalize', 1.0, null]],
    [['Color', 0.6, 4], ['Contrast', 1.0, 8]],
    [['Equalize', 0.8, null], ['Equalize', 0.6, null]],
  ],
  CIFAR10: [
    [['Invert', 0.1, null], ['Contrast', 0.2, 6]],
    [['Rotate', 0.7, 2], ['TranslateX', 0.3, 9]],
    [['Sharpness', 0.8, 1], ['Sharpness', 0.9, 3]],
    [['ShearY', 0.5, 8], ['TranslateY', 0.7, 9]],
    [['AutoContrast', 0.5, null], ['Equalize', 0.9, null]],
    [['ShearY', 0.2, 7], ['Posterize', 0.3, 7]],
    [['Color', 0.4, 3], ['Brightness', 0.6, 7]],
    [['Sharpness', 0.3, 9], ['Brightness', 0.7, 9]],
    [['Equalize', 0.6, null], ['Equalize', 0.5, null]],
    [['Contrast', 0.6, 7], ['Sharpness', 0.6, 5]],
    [['Color', 0.7, 7], ['TranslateX', 0.5, 8]],
    [['Equalize', 0.3, null], ['AutoContrast', 0.4, null]],
    [['TranslateY', 0.4, 3], ['Sharpness', 0.2, 6]],
    [['Brightness', 0.9, 6], ['Color', 0.2, 8]],
    [['Solarize', 0.5, 2], ['Invert', 0.0, null]],
    [['Equalize', 0.2, null], ['AutoContrast', 0.6, null]],
    [['Equalize', 0.2, null], ['Equalize', 0.6, null]],
    [['Color', 0.9, 9], ['Equalize', 0.6, null]],
    [['AutoContrast', 0.8, null], ['Solarize', 0.2, 8]],
    [['Brightness', 0.1, 3], ['Color', 0.7, 0]],
    [['Solarize', 0.4, 5], ['AutoContrast', 0.9, null]],
    [['TranslateY', 0.9, 9], ['TranslateY', 0.7, 9]],
    [['AutoContrast', 0.9, null], ['Solarize', 0.8, 3]],
    [['Equalize', 0.8, null], ['Invert', 0.1, null]],
    [['TranslateY', 0.7, 9], ['AutoContrast', 0.9, null]],
  ],
  SVHN: [
    [['ShearX', 0.9, 4], ['Invert', 0.2, null]],
    [['ShearY', 0.9, 8], ['Invert', 0.7, null]],
    [['Equalize', 0.6, null], ['Solarize', 0.6, 6]],
    [['Invert', 0.9, null], ['Equalize', 0.6, null]],
    [['Equalize', 0.6, null], ['Rotate', 0.9, 3]],
    [['ShearX', 0.9, 4], ['AutoContrast', 0.8, null]],
    [['ShearY', 0.9, 8], ['Invert', 0.4, null]],
    [['ShearY', 0.9, 5], ['Solarize', 0.2, 6]],
    [['Invert', 0.9, null], ['AutoContrast', 0.8, null]],
    [['Equalize', 0.6, null], ['Rotate', 0.9, 3]],
    [['ShearX', 0.9, 4], ['Solarize', 0.3, 3]],
    [['ShearY', 0.8, 8], ['Invert', 0.7, null]],
    [['Equalize', 0.9, null], ['TranslateY', 0.6, 6]],
    [['Invert', 0.9, null], ['Equalize', 0.6, null]],
    [['Contrast', 0.3, 3], ['Rotate', 0.8, 4]],
    [['Invert', 0.8, null], ['TranslateY', 0.0, 2]],
    [['ShearY', 0.7, 6], ['Solarize', 0.4, 8]],
    [['Invert', 0.6, null], ['Rotate', 0.8, 4]],
    [['ShearY', 0.3, 7], ['TranslateX', 0.9, 3]],
    [['ShearX', 0.1, 6], ['Invert', 0.6, null]],
    [['Solarize', 0.7, 2], ['TranslateY', 0.6, 7]],
    [['ShearY', 0.8, 4], ['Invert', 0.8, null]],
    [['ShearX', 0.7, 9], ['TranslateY', 0.8, 3]],
    [['ShearY', 0.8, 5], ['AutoContrast', 0.7, null]],
    [['ShearX', 0.7, 2], ['Invert', 0.1, null]],
  ],
};

const AUTO_AUGMENT = pySignature('AutoAugment.__init__', "self, policy=None, interpolation='nearest', fill=None");

export interface AutoAugmentOptions {
  policy?: AutoAugmentPolicy;
  interpolation?: Interpolation;
  fill?: Fill;
}

export class AutoAugment extends AutoAugmentBase {
  declare policy: AutoAugmentPolicy;
  constructor(...args: [AutoAugmentPolicy?, AutoAugmentOptions?] | [AutoAugmentOptions?] | unknown[]) {
    const o = AUTO_AUGMENT<Required<AutoAugmentOptions>>(args);
    super(o.interpolation, o.fill);
    const policy = o.policy ?? AutoAugmentPolicy.IMAGENET;
    if (!(policy instanceof AutoAugmentPolicy)) throw new Error(`The provided policy ${String(policy)} is not recognized.`);
    this.policy = policy;
  }
  protected augment(image: Tensor): Tensor {
    const [height, width] = F.getSize(image) as [number, number];
    const policies = POLICIES[this.policy.name];
    const policy = policies[T.randint(policies.length, []).item() as number]!;
    for (const [id, probability, magnitudeIdx] of policy) {
      if (!((T.rand([]).item() as number) <= probability)) continue;
      const [fn, signed] = AUTO_AUGMENT_SPACE[id]!;
      let magnitude = 0.0;
      if (fn !== null) {
        magnitude = fn(10, height, width).get(magnitudeIdx!).item() as number;
        if (signed && (T.rand([]).item() as number) <= 0.5) magnitude *= -1;
      }
      image = this.applyOp(image, id, magnitude);
    }
    return image;
  }
  protected override reprItems(): [string, string | null][] {
    return [...super.reprItems(), ['policy', this.policy.toString()]];
  }
}

const RAND_AUGMENT_SPACE: AugmentationSpace = [
  ['Identity', null, false],
  ['ShearX', lin(0.3), true],
  ['ShearY', lin(0.3), true],
  ['TranslateX', (bins, _h, w) => T.linspace(0.0, (150.0 / 331.0) * w, bins), true],
  ['TranslateY', (bins, h) => T.linspace(0.0, (150.0 / 331.0) * h, bins), true],
  ['Rotate', lin(30.0), true],
  ['Brightness', lin(0.9), true],
  ['Color', lin(0.9), true],
  ['Contrast', lin(0.9), true],
  ['Sharpness', lin(0.9), true],
  ['Posterize', posterizeBins(4), false],
  ['Solarize', (bins) => T.linspace(1.0, 0.0, bins), false],
  ['AutoContrast', null, false],
  ['Equalize', null, false],
];

const RAND_AUGMENT = pySignature('RandAugment.__init__', "self, num_ops=2, magnitude=9, num_magnitude_bins=31, interpolation='nearest', fill=None");

export interface RandAugmentOptions {
  numOps?: number;
  magnitude?: number;
  numMagnitudeBins?: number;
  interpolation?: Interpolation;
  fill?: Fill;
}

export class RandAugment extends AutoAugmentBase {
  declare numOps: number;
  declare magnitude: number;
  declare numMagnitudeBins: number;
  constructor(...args: [RandAugmentOptions?] | unknown[]) {
    const o = RAND_AUGMENT<Required<RandAugmentOptions>>(args);
    super(o.interpolation, o.fill);
    if (!Number.isInteger(o.numOps) || o.numOps < 0) throw new Error(`num_ops should be a non-negative integer, but got ${o.numOps} instead.`);
    this.numOps = o.numOps;
    this.magnitude = o.magnitude;
    this.numMagnitudeBins = o.numMagnitudeBins;
  }
  protected augment(image: Tensor): Tensor {
    const [height, width] = F.getSize(image) as [number, number];
    for (let k = 0; k < this.numOps; k++) {
      const [id, fn, signed] = this.randomItem(RAND_AUGMENT_SPACE);
      let magnitude = 0.0;
      if (fn !== null) {
        magnitude = fn(this.numMagnitudeBins, height, width).get(this.magnitude).item() as number;
        if (signed && (T.rand([]).item() as number) <= 0.5) magnitude *= -1;
      }
      image = this.applyOp(image, id, magnitude);
    }
    return image;
  }
  protected override reprItems(): [string, string | null][] {
    return [
      ...super.reprItems(),
      ['num_ops', num(this.numOps)],
      ['magnitude', num(this.magnitude)],
      ['num_magnitude_bins', num(this.numMagnitudeBins)],
    ];
  }
}

const TRIVIAL_AUGMENT_SPACE: AugmentationSpace = [
  ['Identity', null, false],
  ['ShearX', lin(0.99), true],
  ['ShearY', lin(0.99), true],
  ['TranslateX', lin(32.0), true],
  ['TranslateY', lin(32.0), true],
  ['Rotate', lin(135.0), true],
  ['Brightness', lin(0.99), true],
  ['Color', lin(0.99), true],
  ['Contrast', lin(0.99), true],
  ['Sharpness', lin(0.99), true],
  ['Posterize', posterizeBins(6), false],
  ['Solarize', (bins) => T.linspace(1.0, 0.0, bins), false],
  ['AutoContrast', null, false],
  ['Equalize', null, false],
];

const TRIVIAL_AUGMENT = pySignature('TrivialAugmentWide.__init__', "self, num_magnitude_bins=31, interpolation='nearest', fill=None");

export interface TrivialAugmentWideOptions {
  numMagnitudeBins?: number;
  interpolation?: Interpolation;
  fill?: Fill;
}

export class TrivialAugmentWide extends AutoAugmentBase {
  declare numMagnitudeBins: number;
  constructor(...args: [TrivialAugmentWideOptions?] | unknown[]) {
    const o = TRIVIAL_AUGMENT<Required<TrivialAugmentWideOptions>>(args);
    super(o.interpolation, o.fill);
    this.numMagnitudeBins = o.numMagnitudeBins;
  }
  protected augment(image: Tensor): Tensor {
    const [height, width] = F.getSize(image) as [number, number];
    const [id, fn, signed] = this.randomItem(TRIVIAL_AUGMENT_SPACE);
    let magnitude = 0.0;
    if (fn !== null) {
      const magnitudes = fn(this.numMagnitudeBins, height, width);
      magnitude = magnitudes.get(T.randint(this.numMagnitudeBins, []).item() as number).item() as number;
      if (signed && (T.rand([]).item() as number) <= 0.5) magnitude *= -1;
    }
    return this.applyOp(image, id, magnitude);
  }
  protected override reprItems(): [string, string | null][] {
    return [...super.reprItems(), ['num_magnitude_bins', num(this.numMagnitudeBins)]];
  }
}

// Last: these files extend the classes above.
export { RandomErasing, MixUp, CutMix, type RandomErasingOptions, type MixUpCutMixOptions } from './_augment';
export {
  FiveCrop, TenCrop, RandomPerspective, RandomZoomOut, ElasticTransform, ScaleJitter,
  type RandomPerspectiveOptions, type RandomZoomOutOptions, type ElasticTransformOptions, type ScaleJitterOptions,
} from './_geometry';
export { AugMix, type AugMixOptions } from './_auto_augment';
