// torchvision/transforms/v2/_geometry.py on tensors: FiveCrop, TenCrop, RandomPerspective, RandomZoomOut,
// ElasticTransform and ScaleJitter (the other geometry transforms are in ./index.ts).
import * as T from '../../../generated/torch';
import { pyFloat } from '../../../nn/repr';
import { pySignature } from '../../../python_signature';
import type { Tensor } from '../../../tensor';
import * as F from './functional';
import { InterpolationMode, type Fill } from './functional';
import { _RandomApplyTransform } from './_random_apply';
import { Transform } from './index';

type Interpolation = InterpolationMode | string | number;
type SizeArg = number | readonly number[];

function setupSize(size: SizeArg): [number, number] {
  if (typeof size === 'number') return [size, size];
  if (size.length === 1) return [size[0]!, size[0]!];
  if (size.length !== 2) throw new Error('Please provide only two dimensions (h, w) for size.');
  return [size[0]!, size[1]!];
}

const num = (x: number): string => (Number.isInteger(x) ? String(x) : pyFloat(x));

const FIVE_CROP = pySignature('FiveCrop.__init__', 'self, size');

/**
 * The four corner crops and the center crop of the image: in the image's place in the sample, an
 * array [top-left, top-right, bottom-left, bottom-right, center] (torchvision's tuple).
 */
export class FiveCrop extends Transform {
  declare size: [number, number];
  constructor(...args: [size: SizeArg] | [{ size: SizeArg }] | unknown[]) {
    super();
    this.size = setupSize(FIVE_CROP<{ size: SizeArg }>(args).size);
  }
  // The crops take the image's place, as torchvision's tuple does.
  transform(image: Tensor): Tensor {
    return F.fiveCrop(image, this.size) as unknown as Tensor;
  }
  protected override reprItems(): [string, string | null][] {
    return [['size', `(${this.size.join(', ')})`]];
  }
}

const TEN_CROP = pySignature('TenCrop.__init__', 'self, size, vertical_flip=False');

/** FiveCrop of the image, then of its horizontal (or, with verticalFlip, vertical) flip: ten crops. */
export class TenCrop extends Transform {
  declare size: [number, number];
  declare verticalFlip: boolean;
  constructor(...args: [size: SizeArg, verticalFlip?: boolean] | [size: SizeArg, options: { verticalFlip?: boolean }] | [{ size: SizeArg; verticalFlip?: boolean }] | unknown[]) {
    super();
    const o = TEN_CROP<{ size: SizeArg; verticalFlip: boolean }>(args);
    this.size = setupSize(o.size);
    this.verticalFlip = o.verticalFlip;
  }
  transform(image: Tensor): Tensor {
    return F.tenCrop(image, this.size, this.verticalFlip) as unknown as Tensor;
  }
  protected override reprItems(): [string, string | null][] {
    return [
      ['size', `(${this.size.join(', ')})`],
      ['vertical_flip', this.verticalFlip ? 'True' : 'False'],
    ];
  }
}

const RANDOM_PERSPECTIVE = pySignature('RandomPerspective.__init__', "self, distortion_scale=0.5, p=0.5, interpolation='bilinear', fill=0");

export interface RandomPerspectiveOptions {
  /** How far (0 to 1) each corner may move toward the center, as a fraction of half the side. */
  distortionScale?: number;
  p?: number;
  interpolation?: Interpolation;
  fill?: Fill;
}

/** A random perspective transform of the image with probability p: each corner moves randomly inward. */
export class RandomPerspective extends _RandomApplyTransform {
  declare distortionScale: number;
  declare interpolation: Interpolation;
  declare fill: Fill;

  constructor(...args: [distortionScale?: number, p?: number, interpolation?: Interpolation, fill?: Fill] | [RandomPerspectiveOptions] | unknown[]) {
    const o = RANDOM_PERSPECTIVE<Required<RandomPerspectiveOptions>>(args);
    super(o.p);
    if (!(o.distortionScale >= 0 && o.distortionScale <= 1)) throw new Error('Argument distortion_scale value should be between 0 and 1');
    this.distortionScale = o.distortionScale;
    this.interpolation = o.interpolation;
    const fill = o.fill;
    if (fill !== null && typeof fill !== 'number' && !(Array.isArray(fill) && fill.every((v) => typeof v === 'number'))) {
      throw new TypeError('Got inappropriate fill arg, only Numbers, tuples, lists and dicts are allowed.');
    }
    this.fill = fill === null || typeof fill === 'number' ? fill : [...fill];
  }

  override makeParams(image: Tensor): Record<string, unknown> {
    const [height, width] = F.getSize(image) as [number, number];
    const halfHeight = Math.floor(height / 2);
    const halfWidth = Math.floor(width / 2);
    const boundHeight = Math.trunc(this.distortionScale * halfHeight) + 1;
    const boundWidth = Math.trunc(this.distortionScale * halfWidth) + 1;
    const randint = (low: number, high: number): number => T.randint(low, high, [1]).item() as number;
    const topleft = [randint(0, boundWidth), randint(0, boundHeight)];
    const topright = [randint(width - boundWidth, width), randint(0, boundHeight)];
    const botright = [randint(width - boundWidth, width), randint(height - boundHeight, height)];
    const botleft = [randint(0, boundWidth), randint(height - boundHeight, height)];
    const startpoints = [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]];
    return { coefficients: F._getPerspectiveCoeffs(startpoints, [topleft, topright, botright, botleft]) };
  }

  transform(image: Tensor, p: Record<string, unknown>): Tensor {
    return F.perspective(image, null, null, { fill: this.fill, interpolation: this.interpolation, coefficients: p.coefficients as number[] });
  }

  protected override reprItems(): [string, string | null][] {
    const { fill } = this;
    return [
      ...super.reprItems(),
      ['distortion_scale', pyFloat(this.distortionScale)],
      ['interpolation', this.interpolation instanceof InterpolationMode ? this.interpolation.toString() : String(this.interpolation)],
      ['fill', fill === null ? null : typeof fill === 'number' ? num(fill) : `[${fill.map(num).join(', ')}]`],
    ];
  }
}

function checkFillArg(fill: unknown): void {
  if (fill !== null && typeof fill !== 'number' && !(Array.isArray(fill) && fill.every((v) => typeof v === 'number'))) {
    throw new TypeError('Got inappropriate fill arg, only Numbers, tuples, lists and dicts are allowed.');
  }
}

const fillRepr = (fill: Fill): string | null => (fill === null ? null : typeof fill === 'number' ? num(fill) : `[${fill.map(num).join(', ')}]`);
const interpRepr = (i: Interpolation): string => (i instanceof InterpolationMode ? i.toString() : String(i));

const RANDOM_ZOOM_OUT = pySignature('RandomZoomOut.__init__', 'self, fill=0, side_range=(1.0, 4.0), p=0.5');

export interface RandomZoomOutOptions {
  fill?: Fill;
  /** The range of the canvas side, as a multiple of the image's. */
  sideRange?: readonly [number, number];
  p?: number;
}

/** "Zoom out" with probability p: the image placed at a random spot of a larger canvas filled with `fill` (SSD). */
export class RandomZoomOut extends _RandomApplyTransform {
  declare fill: Fill;
  declare sideRange: [number, number];

  constructor(...args: [fill?: Fill, sideRange?: readonly [number, number], p?: number] | [RandomZoomOutOptions] | unknown[]) {
    const o = RANDOM_ZOOM_OUT<Required<RandomZoomOutOptions>>(args);
    super(o.p);
    checkFillArg(o.fill);
    this.fill = o.fill === null || typeof o.fill === 'number' ? o.fill : [...o.fill];
    const range = o.sideRange;
    if (!Array.isArray(range)) throw new TypeError('side_range should be a sequence of length 2.');
    if (range.length !== 2) throw new Error('side_range should be a sequence of length 2.');
    this.sideRange = [range[0], range[1]];
    if (range[0] < 1.0 || range[0] > range[1]) throw new Error(`Invalid side range provided (${range.map(num).join(', ')}).`);
  }

  override makeParams(image: Tensor): Record<string, unknown> {
    const [origH, origW] = F.getSize(image) as [number, number];
    // float32 arithmetic on the draws, as torchvision's tensors do it
    const r = T.rand(1).mul(this.sideRange[1] - this.sideRange[0]).add(this.sideRange[0]);
    const canvasWidth = Math.trunc(r.mul(origW).item() as number);
    const canvasHeight = Math.trunc(r.mul(origH).item() as number);
    const r2 = T.rand(2);
    const left = Math.trunc(r2.get(0).mul(canvasWidth - origW).item() as number);
    const top = Math.trunc(r2.get(1).mul(canvasHeight - origH).item() as number);
    const right = canvasWidth - (left + origW);
    const bottom = canvasHeight - (top + origH);
    return { padding: [left, top, right, bottom] };
  }

  transform(image: Tensor, p: Record<string, unknown>): Tensor {
    return F.pad(image, p.padding as number[], { fill: this.fill });
  }

  protected override reprItems(): [string, string | null][] {
    return [...super.reprItems(), ['fill', fillRepr(this.fill)], ['side_range', `(${this.sideRange.map(pyFloat).join(', ')})`]];
  }
}

const ELASTIC_TRANSFORM = pySignature('ElasticTransform.__init__', "self, alpha=50.0, sigma=5.0, interpolation='bilinear', fill=0");

function setupNumberOrSeq(arg: number | readonly number[], name: string): [number, number] {
  if (typeof arg === 'number') return [arg, arg];
  if (!Array.isArray(arg)) throw new TypeError(`${name} should be a number or a sequence of numbers. Got ${typeof arg}`);
  if (arg.length !== 1 && arg.length !== 2) throw new Error(`If ${name} is a sequence its length should be 1 or 2. Got ${arg.length}`);
  if (!arg.every((x) => typeof x === 'number')) throw new Error(`${name} should be a sequence of numbers.`);
  return arg.length === 1 ? [arg[0]!, arg[0]!] : [arg[0]!, arg[1]!];
}

export interface ElasticTransformOptions {
  /** The magnitude of the displacements (x and y, or one for both). */
  alpha?: number | readonly number[];
  /** The smoothness of the displacements: the Gaussian blur's sigma. */
  sigma?: number | readonly number[];
  interpolation?: Interpolation;
  fill?: Fill;
}

/** Moves every pixel by a random, Gaussian-smoothed displacement field ("Best Practices for CNNs applied to Visual Document Analysis"). */
export class ElasticTransform extends Transform {
  declare alpha: [number, number];
  declare sigma: [number, number];
  declare interpolation: Interpolation;
  declare fill: Fill;

  constructor(...args: [alpha?: number | readonly number[], sigma?: number | readonly number[], interpolation?: Interpolation, fill?: Fill] | [ElasticTransformOptions] | unknown[]) {
    super();
    const o = ELASTIC_TRANSFORM<Required<ElasticTransformOptions>>(args);
    this.alpha = setupNumberOrSeq(o.alpha, 'alpha');
    this.sigma = setupNumberOrSeq(o.sigma, 'sigma');
    this.interpolation = o.interpolation;
    checkFillArg(o.fill);
    this.fill = o.fill === null || typeof o.fill === 'number' ? o.fill : [...o.fill];
  }

  override makeParams(image: Tensor): Record<string, unknown> {
    const [height, width] = F.getSize(image) as [number, number];
    const field = (sigma: number, alpha: number, side: number): Tensor => {
      let d = T.rand(1, 1, height, width).mul(2).sub(1);
      if (sigma > 0.0) {
        let k = Math.trunc(8 * sigma + 1);
        if (k % 2 === 0) k += 1; // an odd kernel
        d = F.gaussianBlur(d, [k, k], [...this.sigma]);
      }
      return d.mul(alpha).div(side);
    };
    const dx = field(this.sigma[0], this.alpha[0], width);
    const dy = field(this.sigma[1], this.alpha[1], height);
    return { displacement: T.concat([dx, dy], 1).permute(0, 2, 3, 1) };
  }

  transform(image: Tensor, p: Record<string, unknown>): Tensor {
    return F.elastic(image, p.displacement as Tensor, { fill: this.fill, interpolation: this.interpolation });
  }

  protected override reprItems(): [string, string | null][] {
    return [
      ['alpha', `[${this.alpha.map(pyFloat).join(', ')}]`],
      ['sigma', `[${this.sigma.map(pyFloat).join(', ')}]`],
      ['interpolation', interpRepr(this.interpolation)],
      ['fill', fillRepr(this.fill)],
    ];
  }
}

const SCALE_JITTER = pySignature('ScaleJitter.__init__', "self, target_size, scale_range=(0.1, 2.0), interpolation='bilinear', antialias=True");

export interface ScaleJitterOptions {
  scaleRange?: readonly [number, number];
  interpolation?: Interpolation;
  antialias?: boolean | null;
}

/** Resizes the image to fit targetSize (h, w) times a random scale ("Simple Copy-Paste is a Strong Data Augmentation Method"). */
export class ScaleJitter extends Transform {
  declare targetSize: [number, number];
  declare scaleRange: [number, number];
  declare interpolation: Interpolation;
  declare antialias: boolean | null;

  constructor(targetSize: readonly [number, number], ...rest: [ScaleJitterOptions?] | unknown[]) {
    super();
    const o = SCALE_JITTER<{ targetSize: readonly [number, number] } & Required<ScaleJitterOptions>>([targetSize, ...rest]);
    this.targetSize = [o.targetSize[0], o.targetSize[1]];
    this.scaleRange = [o.scaleRange[0], o.scaleRange[1]];
    this.interpolation = o.interpolation;
    this.antialias = o.antialias;
  }

  override makeParams(image: Tensor): Record<string, unknown> {
    const [origHeight, origWidth] = F.getSize(image) as [number, number];
    const scale = T.rand(1).mul(this.scaleRange[1] - this.scaleRange[0]).add(this.scaleRange[0]);
    const r = scale.mul(Math.min(this.targetSize[1] / origHeight, this.targetSize[0] / origWidth));
    const newWidth = Math.trunc(r.mul(origWidth).item() as number);
    const newHeight = Math.trunc(r.mul(origHeight).item() as number);
    return { size: [newHeight, newWidth] };
  }

  transform(image: Tensor, p: Record<string, unknown>): Tensor {
    return F.resize(image, p.size as number[], { interpolation: this.interpolation, antialias: this.antialias });
  }

  protected override reprItems(): [string, string | null][] {
    return [
      ['target_size', `(${this.targetSize.join(', ')})`],
      ['scale_range', `(${this.scaleRange.map(pyFloat).join(', ')})`],
      ['interpolation', interpRepr(this.interpolation)],
      ['antialias', this.antialias === null ? null : this.antialias ? 'True' : 'False'],
    ];
  }
}
