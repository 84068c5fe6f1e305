// torchvision/transforms/_presets.py: ImageClassification, the preprocessing classification
// weights were evaluated with (weights.transforms()), on tensors: resize the shorter edge with
// antialiasing, center crop, rescale to [0, 1], normalize. The steps are torchvision's tensor
// functions (transforms/functional.py and _functional_tensor.py).
import { float32, float64, type DType } from '../../dtype';
import * as F from '../../nn/functional';
import { Module } from '../../nn/module';
import { pyFloat } from '../../nn/repr';
import { pySignature } from '../../python_signature';
import { pyRound } from '../../scalar';
import { tensor as makeTensor } from '../../creation';
import type { Tensor } from '../../tensor';

/** torchvision.transforms.InterpolationMode; its value is the interpolate() mode. */
export class InterpolationMode {
  static readonly NEAREST = new InterpolationMode('NEAREST', 'nearest');
  static readonly NEAREST_EXACT = new InterpolationMode('NEAREST_EXACT', 'nearest-exact');
  static readonly BILINEAR = new InterpolationMode('BILINEAR', 'bilinear');
  static readonly BICUBIC = new InterpolationMode('BICUBIC', 'bicubic');
  static readonly BOX = new InterpolationMode('BOX', 'box');
  static readonly HAMMING = new InterpolationMode('HAMMING', 'hamming');
  static readonly LANCZOS = new InterpolationMode('LANCZOS', 'lanczos');
  private constructor(
    readonly name: string,
    readonly value: string,
  ) {}
  toString(): string {
    return `InterpolationMode.${this.name}`;
  }
}

const pyFloatList = (xs: readonly number[]): string => `[${xs.map((x) => pyFloat(x)).join(', ')}]`;

const IMAGE_CLASSIFICATION = pySignature(
  'ImageClassification.__init__',
  'self, *, crop_size, resize_size=256, mean=None, std=None, interpolation=None, antialias=True',
);

export interface ImageClassificationOptions {
  cropSize: number;
  resizeSize?: number;
  mean?: readonly number[];
  std?: readonly number[];
  interpolation?: InterpolationMode;
  antialias?: boolean | null;
}

export class ImageClassification extends Module {
  static override pythonModule = 'torchvision.transforms._presets';
  declare cropSize: number[];
  declare resizeSize: number[];
  declare mean: number[];
  declare std: number[];
  declare interpolation: InterpolationMode;
  declare antialias: boolean | null;

  constructor(options: ImageClassificationOptions) {
    super();
    const o = IMAGE_CLASSIFICATION<ImageClassificationOptions>([options]);
    this.cropSize = [o.cropSize];
    this.resizeSize = [o.resizeSize!];
    this.mean = [...(o.mean ?? [0.485, 0.456, 0.406])];
    this.std = [...(o.std ?? [0.229, 0.224, 0.225])];
    this.interpolation = o.interpolation ?? InterpolationMode.BILINEAR;
    this.antialias = o.antialias ?? null;
  }

  /** A uint8 or float image `(C, H, W)` or batch `(B, C, H, W)` -> the normalized float32 crop. */
  override forward(img: Tensor): Tensor {
    img = resize(img, this.resizeSize, this.interpolation, this.antialias);
    img = centerCrop(img, this.cropSize);
    img = convertImageDtype(img, float32);
    return normalize(img, this.mean, this.std);
  }

  override toString(): string {
    return (
      'ImageClassification(' +
      `\n    crop_size=[${this.cropSize.join(', ')}]` +
      `\n    resize_size=[${this.resizeSize.join(', ')}]` +
      `\n    mean=${pyFloatList(this.mean)}` +
      `\n    std=${pyFloatList(this.std)}` +
      `\n    interpolation=${this.interpolation}` +
      '\n)'
    );
  }

  describe(): string {
    return (
      'Accepts ``PIL.Image``, batched ``(B, C, H, W)`` and single ``(C, H, W)`` image ``torch.Tensor`` objects. ' +
      `The images are resized to \`\`resize_size=[${this.resizeSize.join(', ')}]\`\` using \`\`interpolation=${this.interpolation}\`\`, ` +
      `followed by a central crop of \`\`crop_size=[${this.cropSize.join(', ')}]\`\`. Finally the values are first rescaled to ` +
      `\`\`[0.0, 1.0]\`\` and then normalized using \`\`mean=${pyFloatList(this.mean)}\`\` and \`\`std=${pyFloatList(this.std)}\`\`.`
    );
  }
}

const SEMANTIC_SEGMENTATION = pySignature(
  'SemanticSegmentation.__init__',
  'self, *, resize_size, mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225), interpolation=None, antialias=True',
);

export interface SemanticSegmentationOptions {
  resizeSize: number | null;
  mean?: readonly number[];
  std?: readonly number[];
  interpolation?: InterpolationMode;
  antialias?: boolean | null;
}

/** The preset segmentation weights were evaluated with: resize the shorter edge (unless resizeSize is null), rescale, normalize. */
export class SemanticSegmentation extends Module {
  static override pythonModule = 'torchvision.transforms._presets';
  declare resizeSize: number[] | null;
  declare mean: number[];
  declare std: number[];
  declare interpolation: InterpolationMode;
  declare antialias: boolean | null;

  constructor(options: SemanticSegmentationOptions) {
    super();
    const o = SEMANTIC_SEGMENTATION<Required<SemanticSegmentationOptions>>([options]);
    this.resizeSize = o.resizeSize === null ? null : [o.resizeSize];
    this.mean = [...o.mean];
    this.std = [...o.std];
    this.interpolation = o.interpolation ?? InterpolationMode.BILINEAR;
    this.antialias = o.antialias;
  }

  /** A uint8 or float image `(C, H, W)` or batch `(B, C, H, W)` -> the normalized float32 image. */
  override forward(img: Tensor): Tensor {
    if (this.resizeSize !== null) img = resize(img, this.resizeSize, this.interpolation, this.antialias);
    img = convertImageDtype(img, float32);
    return normalize(img, this.mean, this.std);
  }

  override toString(): string {
    return (
      'SemanticSegmentation(' +
      `\n    resize_size=${this.resizeSizeRepr()}` +
      `\n    mean=${pyFloatList(this.mean)}` +
      `\n    std=${pyFloatList(this.std)}` +
      `\n    interpolation=${this.interpolation}` +
      '\n)'
    );
  }

  describe(): string {
    return (
      'Accepts ``PIL.Image``, batched ``(B, C, H, W)`` and single ``(C, H, W)`` image ``torch.Tensor`` objects. ' +
      `The images are resized to \`\`resize_size=${this.resizeSizeRepr()}\`\` using \`\`interpolation=${this.interpolation}\`\`. ` +
      `Finally the values are first rescaled to \`\`[0.0, 1.0]\`\` and then normalized using \`\`mean=${pyFloatList(this.mean)}\`\` and ` +
      `\`\`std=${pyFloatList(this.std)}\`\`.`
    );
  }

  private resizeSizeRepr(): string {
    return this.resizeSize === null ? 'None' : `[${this.resizeSize.join(', ')}]`;
  }
}

const INT_DTYPES = new Set(['uint8', 'int8', 'int16', 'int32', 'int64']);

/** transforms.functional.resize on a tensor: `size` [n] matches the shorter edge, [h, w] is exact. */
export function resize(img: Tensor, size: readonly number[], interpolation = InterpolationMode.BILINEAR, antialias: boolean | null = true): Tensor {
  if (size.length !== 1 && size.length !== 2) {
    throw new RangeError(`Size must be an int or a 1 or 2 element tuple/list, not a ${size.length} element tuple/list`);
  }
  const h = img.shape[img.ndim - 2]!;
  const w = img.shape[img.ndim - 1]!;
  let outH: number;
  let outW: number;
  if (size.length === 1) {
    const [short, long] = w <= h ? [w, h] : [h, w];
    const newShort = size[0]!;
    const newLong = Math.trunc((newShort * long) / short);
    [outW, outH] = w <= h ? [newShort, newLong] : [newLong, newShort];
  } else {
    [outH, outW] = size as [number, number];
  }
  if (outH === h && outW === w) return img;
  const mode = interpolation.value;
  const aa = (antialias ?? false) && (mode === 'bilinear' || mode === 'bicubic');
  const squeeze = img.ndim < 4;
  let x = squeeze ? img.unsqueeze(0) : img;
  const outDtype = x.dtype;
  const cast = outDtype !== float32 && outDtype !== float64;
  if (cast) x = x.to(float32);
  const alignCorners = mode === 'bilinear' || mode === 'bicubic' ? false : null;
  x = F.interpolate(x, { size: [outH, outW], mode: mode as 'bilinear', alignCorners, antialias: aa });
  if (mode === 'bicubic' && outDtype.name === 'uint8') x = x.clamp({ min: 0, max: 255 });
  if (squeeze) x = x.squeeze(0);
  if (cast) {
    if (INT_DTYPES.has(outDtype.name)) x = x.round();
    x = x.to(outDtype);
  }
  return x;
}

/** transforms.functional.center_crop on a tensor (zero-padded where the crop is larger). */
export function centerCrop(img: Tensor, outputSize: readonly number[]): Tensor {
  const [cropH, cropW] = outputSize.length === 1 ? [outputSize[0]!, outputSize[0]!] : (outputSize as [number, number]);
  let h = img.shape[img.ndim - 2]!;
  let w = img.shape[img.ndim - 1]!;
  if (cropW > w || cropH > h) {
    const ltrb = [
      cropW > w ? Math.floor((cropW - w) / 2) : 0,
      cropH > h ? Math.floor((cropH - h) / 2) : 0,
      cropW > w ? Math.floor((cropW - w + 1) / 2) : 0,
      cropH > h ? Math.floor((cropH - h + 1) / 2) : 0,
    ];
    img = F.pad(img, [ltrb[0]!, ltrb[2]!, ltrb[1]!, ltrb[3]!], { mode: 'constant', value: 0 });
    h = img.shape[img.ndim - 2]!;
    w = img.shape[img.ndim - 1]!;
    if (cropW === w && cropH === h) return img;
  }
  const top = pyRound((h - cropH) / 2);
  const left = pyRound((w - cropW) / 2);
  return img.get('...', `${top}:${top + cropH}`, `${left}:${left + cropW}`);
}

/** transforms.functional.convert_image_dtype to a floating dtype: integers are divided by their maximum. */
export function convertImageDtype(image: Tensor, dtype: DType = float32): Tensor {
  if (image.dtype === dtype) return image;
  if (!dtype.isFloatingPoint) throw new Error(`convert_image_dtype to ${dtype.name} is not supported here`);
  if (image.dtype.isFloatingPoint) return image.to(dtype);
  const max = image.dtype.name === 'uint8' ? 255 : 2 ** (8 * image.dtype.itemsize - 1) - 1;
  return image.to(dtype).div(max);
}

/** transforms.functional.normalize on a float tensor `(..., C, H, W)`: (x - mean) / std per channel. */
export function normalize(tensor: Tensor, mean: readonly number[], std: readonly number[], inplace = false): Tensor {
  if (!tensor.dtype.isFloatingPoint) throw new TypeError(`Input tensor should be a float tensor. Got ${tensor.dtype}.`);
  if (tensor.ndim < 3) {
    throw new RangeError(`Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = ${tensor.shape}`);
  }
  if (!inplace) tensor = tensor.clone();
  const m = makeTensor([...mean], { dtype: tensor.dtype, device: tensor.device }).view(-1, 1, 1);
  const s = makeTensor([...std], { dtype: tensor.dtype, device: tensor.device }).view(-1, 1, 1);
  if (s.eq(0).any().item()) throw new RangeError(`std evaluated to zero after conversion to ${tensor.dtype}, leading to division by zero.`);
  return tensor.sub_(m).div_(s);
}
