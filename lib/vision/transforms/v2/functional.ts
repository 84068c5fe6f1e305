// torchvision.transforms.v2.functional on tensors (images `(..., C, H, W)`): the kernels of
// transforms/v2/functional/_geometry.py, _color.py, _misc.py and _type_conversion.py, step for step,
// so that their outputs equal torchvision's (uint8 exactly where torchvision's are).
import * as fs from 'fs';
import { tensor as makeTensor } from '../../../creation';
import { float16, float32, float64, int32, int64, uint8, type DType } from '../../../dtype';
import * as T from '../../../generated/torch';
import * as linalg from '../../../generated/linalg';
import * as F from '../../../nn/functional';
import { type Args, snakeToCamel } from '../../../nn/modules_utils';
import { pySignature } from '../../../python_signature';
import { pyFloat, pyRound } from '../../../scalar';
import { Tensor } from '../../../tensor';
import { InterpolationMode } from '../_presets';

export { InterpolationMode };

export type Fill = number | readonly number[] | null;

const PIL_MODES: Record<number, InterpolationMode> = {
  0: InterpolationMode.NEAREST,
  2: InterpolationMode.BILINEAR,
  3: InterpolationMode.BICUBIC,
  4: InterpolationMode.BOX,
  5: InterpolationMode.HAMMING,
  1: InterpolationMode.LANCZOS,
};
const MODES = [
  InterpolationMode.NEAREST,
  InterpolationMode.NEAREST_EXACT,
  InterpolationMode.BILINEAR,
  InterpolationMode.BICUBIC,
  InterpolationMode.BOX,
  InterpolationMode.HAMMING,
  InterpolationMode.LANCZOS,
];

/** An InterpolationMode, its value ('bilinear') or a Pillow integer constant, as torchvision takes them. */
export function checkInterpolation(interpolation: InterpolationMode | string | number): InterpolationMode {
  if (interpolation instanceof InterpolationMode) return interpolation;
  if (typeof interpolation === 'string') {
    const mode = MODES.find((m) => m.value === interpolation);
    if (mode === undefined) throw new Error(`'${interpolation}' is not a valid InterpolationMode`);
    return mode;
  }
  if (typeof interpolation === 'number' && interpolation in PIL_MODES) return PIL_MODES[interpolation]!;
  throw new TypeError(
    `Argument interpolation should be an \`InterpolationMode\` or a corresponding Pillow integer constant, but got ${String(interpolation)}.`,
  );
}

const FLOAT = new Set(['float16', 'bfloat16', 'float32', 'float64']);
const isFloat = (t: Tensor): boolean => FLOAT.has(t.dtype.name);

/** _functional_tensor._max_value */
export function maxValue(dtype: DType): number {
  switch (dtype.name) {
    case 'uint8':
      return 255;
    case 'int8':
      return 127;
    case 'int16':
      return 32767;
    case 'uint16':
      return 65535;
    case 'int32':
      return 2147483647;
    case 'int64':
      return 9223372036854775807;
    default:
      return 1;
  }
}

function numValueBits(dtype: DType): number {
  const bits: Record<string, number> = { uint8: 8, int8: 7, int16: 15, uint16: 16, int32: 31, int64: 63 };
  const b = bits[dtype.name];
  if (b === undefined) throw new TypeError(`Number of value bits is only defined for integer dtypes, but got torch.${dtype.name}.`);
  return b;
}


const dims = (t: Tensor): [number, number, number] => {
  const s = t.shape;
  if (s.length < 2) throw new TypeError(`Input image tensor should have at least 2 dimensions, but found ${s.length}`);
  return [s.length === 2 ? 1 : s[s.length - 3]!, s[s.length - 2]!, s[s.length - 1]!];
};

/** get_dimensions: [channels, height, width]. */
export function getDimensions(image: Tensor): number[] {
  return dims(image);
}

/** get_size: [height, width]. */
export function getSize(image: Tensor): number[] {
  const [, h, w] = dims(image);
  return [h, w];
}

// ---- type conversion ----

/** to_image on a tensor: a 2-D tensor becomes `(1, H, W)`. */
export function toImage(inpt: Tensor): Tensor {
  if (inpt.ndim < 2) throw new Error(`tensor should have at least 2 dimensions, but got ${inpt.ndim}`);
  return inpt.ndim === 2 ? inpt.unsqueeze(0) : inpt;
}

export function toPureTensor(inpt: Tensor): Tensor {
  return inpt;
}

function toDtypeImpl(image: Tensor, dtypeOrNull: DType | null = float32, scale = false): Tensor {
  const dtype = dtypeOrNull ?? float32;
  if (image.dtype === dtype) return image;
  if (!scale) return image.to(dtype);
  const floatInput = isFloat(image);
  const floatOutput = FLOAT.has(dtype.name);
  if (floatInput) {
    if (floatOutput) return image.to(dtype);
    if ((image.dtype === float32 && (dtype === int32 || dtype === int64)) || (image.dtype === float64 && dtype === int64)) {
      throw new Error(`The conversion from torch.${image.dtype.name} to torch.${dtype.name} cannot be performed safely.`);
    }
    return image.mul(pyFloat(maxValue(dtype) + 1.0 - 1e-3)).to(dtype);
  }
  if (floatOutput) return image.to(dtype).mul_(pyFloat(1.0 / maxValue(image.dtype)));
  const bitsIn = numValueBits(image.dtype);
  const bitsOut = numValueBits(dtype);
  const shift = Math.abs(bitsIn - bitsOut);
  if (bitsIn > bitsOut) {
    if (image.dtype.name === 'uint16') return image.div(2 ** shift).to(dtype);
    return image.bitwiseRightShift(shift).to(dtype);
  }
  if (dtype.name === 'uint16') return image.to(dtype).mul(2 ** shift);
  return image.to(dtype).bitwiseLeftShift_(shift);
}

function convertImageDtypeImpl(image: Tensor, dtype: DType | null = float32): Tensor {
  return toDtype(image, dtype ?? float32, true);
}

// ---- geometry ----

export function horizontalFlip(image: Tensor): Tensor {
  return image.flip(-1);
}

export function verticalFlip(image: Tensor): Tensor {
  return image.flip(-2);
}

export const hflip = horizontalFlip;
export const vflip = verticalFlip;

function computeResizedOutputSize(h: number, w: number, size: readonly number[] | null, maxSize: number | null): [number, number] {
  if (maxSize !== null && size !== null && size.length !== 1) {
    throw new Error(
      'max_size should only be passed if size is None or specifies the length of the smaller edge, ' +
        'i.e. size should be an int or a sequence of length 1 in torchscript mode.',
    );
  }
  const [short, long] = w <= h ? [w, h] : [h, w];
  let newShort: number;
  let newLong: number;
  if (size === null) {
    if (maxSize === null || !Number.isInteger(maxSize)) throw new Error(`max_size must be an integer when size is None, but got ${maxSize === null ? 'None' : maxSize} instead.`);
    newShort = Math.trunc((maxSize * short) / long);
    newLong = maxSize;
  } else if (size.length === 1) {
    const requested = size[0]!;
    newShort = requested;
    newLong = Math.trunc((requested * long) / short);
    if (maxSize !== null) {
      if (maxSize <= requested) {
        throw new Error(`max_size = ${maxSize} must be strictly greater than the requested size for the smaller edge size = [${requested}]`);
      }
      if (newLong > maxSize) {
        newShort = Math.trunc((maxSize * newShort) / newLong);
        newLong = maxSize;
      }
    }
  } else {
    return [size[0]!, size[1]!];
  }
  return w <= h ? [newLong, newShort] : [newShort, newLong];
}

let nativeUint8Bilinear: boolean | undefined;
// torch.backends.cpu.get_cpu_capability() in ("AVX2", "AVX512") or an ARM machine: libtorch picks
// its kernels from ATEN_CPU_CAPABILITY or else from what the CPU offers.
function doNativeUint8BilinearOnCpu(): boolean {
  if (nativeUint8Bilinear !== undefined) return nativeUint8Bilinear;
  if (process.arch === 'arm64') return (nativeUint8Bilinear = true);
  const forced = process.env.ATEN_CPU_CAPABILITY?.toLowerCase();
  let flags = '';
  try {
    flags = fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1] ?? '';
  } catch {
    flags = '';
  }
  const has = (f: string): boolean => new RegExp(`\\b${f}\\b`).test(flags);
  const avx2 = has('avx2') && has('fma');
  const avx512 = avx2 && ['avx512f', 'avx512bw', 'avx512vl', 'avx512dq'].every(has);
  const capability = forced === 'default' ? false : forced === 'avx2' ? avx2 : avx2 || avx512;
  return (nativeUint8Bilinear = capability);
}

function resizeImpl(
  image: Tensor,
  size: number | readonly number[] | null,
  interpolation: InterpolationMode | string | number = InterpolationMode.BILINEAR,
  maxSize: number | null = null,
  antialias: boolean | null = true,
): Tensor {
  const mode = checkInterpolation(interpolation);
  let aa = antialias ?? false;
  let alignCorners: boolean | null = null;
  if (mode === InterpolationMode.BILINEAR || mode === InterpolationMode.BICUBIC || mode === InterpolationMode.LANCZOS) {
    alignCorners = false;
    if (mode === InterpolationMode.LANCZOS && !aa) throw new Error('InterpolationMode.LANCZOS requires antialias=True');
  } else {
    aa = false;
  }
  const shape = image.shape;
  const [c, oldH, oldW] = dims(image);
  const sizeList = typeof size === 'number' ? [size] : size;
  const [newH, newW] = computeResizedOutputSize(oldH, oldW, sizeList, maxSize);
  if (newH === oldH && newW === oldW) return image;
  if (image.numel() === 0) return image.reshape([...shape.slice(0, -3), c, newH, newW]);
  const dtype = image.dtype;
  const acceptable = [float32.name, float64.name];
  if (mode === InterpolationMode.NEAREST || mode === InterpolationMode.NEAREST_EXACT) acceptable.push('uint8');
  else if (image.device.type === 'cpu' && (mode === InterpolationMode.BICUBIC || mode === InterpolationMode.LANCZOS || (mode === InterpolationMode.BILINEAR && doNativeUint8BilinearOnCpu()))) {
    acceptable.push('uint8');
  }
  let x = image.reshape(-1, c, oldH, oldW);
  const needCast = !acceptable.includes(dtype.name);
  if (needCast) x = x.to(float32);
  x = F.interpolate(x, { size: [newH, newW], mode: mode.value as 'bilinear', alignCorners, antialias: aa });
  if (needCast) {
    if ((mode === InterpolationMode.BICUBIC || mode === InterpolationMode.LANCZOS) && dtype === uint8) x = x.clamp_(0, 255);
    if (['uint8', 'int8', 'int16', 'int32', 'int64'].includes(dtype.name)) x = x.round_();
    x = x.to(dtype);
  }
  return x.reshape([...shape.slice(0, -3), c, newH, newW]);
}

/** padding [left, top, right, bottom] (or one or two values) -> torch's [left, right, top, bottom]. */
function parsePadPadding(padding: number | readonly number[]): [number, number, number, number] {
  if (typeof padding === 'number') return [padding, padding, padding, padding];
  if (padding.length === 1) return [padding[0]!, padding[0]!, padding[0]!, padding[0]!];
  if (padding.length === 2) return [padding[0]!, padding[0]!, padding[1]!, padding[1]!];
  if (padding.length === 4) return [padding[0]!, padding[2]!, padding[1]!, padding[3]!];
  throw new Error(`Padding must be an int or a 1, 2, or 4 element tuple or list. Found ${padding.length}`);
}

function padSymmetric(img: Tensor, padding: number[]): Tensor {
  if (padding.some((p) => p < 0)) {
    const [l, r, t, b] = padding.map((x) => -Math.min(x, 0)) as [number, number, number, number];
    img = img.get('...', `${t}:${img.shape[img.ndim - 2]! - b}`, `${l}:${img.shape[img.ndim - 1]! - r}`);
    padding = padding.map((x) => Math.max(x, 0));
  }
  const [l, r, t, b] = padding as [number, number, number, number];
  const indices = (n: number, before: number, after: number): Tensor =>
    makeTensor([
      ...Array.from({ length: before }, (_, i) => before - 1 - i),
      ...Array.from({ length: n }, (_, i) => i),
      ...Array.from({ length: after }, (_, i) => -(i + 1)),
    ], { device: img.device });
  const x = indices(img.shape[img.ndim - 1]!, l, r);
  const y = indices(img.shape[img.ndim - 2]!, t, b);
  if (img.ndim === 3) return img.get(':', y.get(':', null), x.get(null, ':'));
  if (img.ndim === 4) return img.get(':', ':', y.get(':', null), x.get(null, ':'));
  throw new Error('Symmetric padding of N-D tensors are not supported yet');
}

function padWithScalarFill(image: Tensor, torchPadding: number[], fill: number, paddingMode: string): Tensor {
  const shape = image.shape;
  const [c, h, w] = dims(image);
  let x = image.reshape(-1, c, h, w);
  if (paddingMode === 'edge') paddingMode = 'replicate';
  if (paddingMode === 'constant') {
    x = F.pad(x, torchPadding, { mode: 'constant', value: fill });
  } else if (paddingMode === 'reflect' || paddingMode === 'replicate') {
    const dtype = x.dtype;
    const cast = !isFloat(x);
    if (cast) x = x.to(float32);
    x = F.pad(x, torchPadding, { mode: paddingMode });
    if (cast) x = x.to(dtype);
  } else {
    x = padSymmetric(x, torchPadding);
  }
  return x.reshape([...shape.slice(0, -3), c, x.shape[2]!, x.shape[3]!]);
}

function padImpl(image: Tensor, padding: number | readonly number[], fill: Fill = null, paddingMode = 'constant'): Tensor {
  const torchPadding = parsePadPadding(padding);
  if (!['constant', 'edge', 'reflect', 'symmetric'].includes(paddingMode)) {
    throw new Error(`\`padding_mode\` should be either \`'constant'\`, \`'edge'\`, \`'reflect'\` or \`'symmetric'\`, but got \`'${paddingMode}'\`.`);
  }
  fill ??= 0;
  if (typeof fill === 'number') return padWithScalarFill(image, torchPadding, fill, paddingMode);
  if (fill.length === 1) return padWithScalarFill(image, torchPadding, fill[0]!, paddingMode);
  if (paddingMode !== 'constant') throw new Error(`Padding mode '${paddingMode}' is not supported if fill is not scalar`);
  const out = padWithScalarFill(image, torchPadding, 0, 'constant');
  const [l, r, t, b] = torchPadding;
  const value = makeTensor([...fill], { device: image.device }).to(image.dtype).reshape(-1, 1, 1);
  if (t > 0) out.set(['...', `:${t}`, ':'], value);
  if (l > 0) out.set(['...', ':', `:${l}`], value);
  if (b > 0) out.set(['...', `-${b}:`, ':'], value);
  if (r > 0) out.set(['...', ':', `-${r}:`], value);
  return out;
}

function cropImpl(image: Tensor, top: number, left: number, height: number, width: number): Tensor {
  const [, h, w] = dims(image);
  const right = left + width;
  const bottom = top + height;
  if (left < 0 || top < 0 || right > w || bottom > h) {
    const x = image.get('...', `${Math.max(top, 0)}:${bottom}`, `${Math.max(left, 0)}:${right}`);
    const torchPadding = [
      Math.max(Math.min(right, 0) - left, 0),
      Math.max(right - Math.max(w, left), 0),
      Math.max(Math.min(bottom, 0) - top, 0),
      Math.max(bottom - Math.max(h, top), 0),
    ];
    return padWithScalarFill(x, torchPadding, 0, 'constant');
  }
  return image.get('...', `${top}:${bottom}`, `${left}:${right}`);
}

function centerCropImpl(image: Tensor, outputSize: number | readonly number[]): Tensor {
  const [cropH, cropW] = typeof outputSize === 'number' ? [outputSize, outputSize] : outputSize.length === 1 ? [outputSize[0]!, outputSize[0]!] : [outputSize[0]!, outputSize[1]!];
  const shape = image.shape;
  if (image.numel() === 0) return image.reshape([...shape.slice(0, -2), cropH, cropW]);
  let [, h, w] = dims(image);
  if (cropH > h || cropW > w) {
    const ltrb = [
      cropW > w ? Math.floor((cropW - w) / 2) : 0,
      cropH > h ? Math.floor((cropH - h) / 2) : 0,
      cropW > w ? Math.floor((cropW - w + 1) / 2) : 0,
      cropH > h ? Math.floor((cropH - h + 1) / 2) : 0,
    ];
    image = F.pad(image, parsePadPadding(ltrb), { value: 0 });
    [, h, w] = dims(image);
    if (cropW === w && cropH === h) return image;
  }
  const top = pyRound((h - cropH) / 2);
  const left = pyRound((w - cropW) / 2);
  return image.get('...', `${top}:${top + cropH}`, `${left}:${left + cropW}`);
}

function resizedCropImpl(
  image: Tensor,
  top: number,
  left: number,
  height: number,
  width: number,
  size: number | readonly number[],
  interpolation: InterpolationMode | string | number = InterpolationMode.BILINEAR,
  antialias: boolean | null = true,
): Tensor {
  return resize(crop(image, top, left, height, width), size, interpolation, null, antialias);
}

function inverseAffineMatrix(center: number[], angle: number, translate: number[], scale: number, shear: number[]): number[] {
  const rad = (d: number): number => (d * Math.PI) / 180;
  const rot = rad(angle);
  const sx = rad(shear[0]!);
  const sy = rad(shear[1]!);
  const [cx, cy] = center as [number, number];
  const [tx, ty] = translate as [number, number];
  const cosSy = Math.cos(sy);
  const tanSx = Math.tan(sx);
  const rotMinusSy = rot - sy;
  const cxPlusTx = cx + tx;
  const cyPlusTy = cy + ty;
  const a = Math.cos(rotMinusSy) / cosSy;
  const b = -(a * tanSx + Math.sin(rot));
  const c = Math.sin(rotMinusSy) / cosSy;
  const d = Math.cos(rot) - c * tanSx;
  const m = [d / scale, -b / scale, 0.0, -c / scale, a / scale, 0.0];
  m[2]! += cx - m[0]! * cxPlusTx - m[1]! * cyPlusTy;
  m[5]! += cy - m[3]! * cxPlusTx - m[4]! * cyPlusTy;
  return m;
}

function computeAffineOutputSize(matrix: number[], w: number, h: number): [number, number] {
  const hw = 0.5 * w;
  const hh = 0.5 * h;
  const pts = makeTensor([
    [-hw, -hh, 1.0],
    [-hw, hh, 1.0],
    [hw, hh, 1.0],
    [hw, -hh, 1.0],
  ]);
  const theta = makeTensor(matrix, { dtype: float32 }).view(2, 3);
  const newPts = T.matmul(pts, theta.T);
  const [minVals, maxVals] = newPts.aminmax({ dim: 0 }) as unknown as [Tensor, Tensor];
  const halfs = makeTensor([hw, hh]);
  minVals.add_(halfs);
  maxVals.add_(halfs);
  const tol = 1e-4;
  const invTol = 1.0 / tol;
  const cmax = maxVals.mul_(pyFloat(invTol)).trunc_().mul_(pyFloat(tol)).ceil_();
  const cmin = minVals.mul_(pyFloat(invTol)).trunc_().mul_(pyFloat(tol)).floor_();
  const size = cmax.sub_(cmin).tolist() as number[];
  return [Math.trunc(size[0]!), Math.trunc(size[1]!)];
}

function applyGridTransform(img: Tensor, grid: Tensor, mode: string, fill: Fill): Tensor {
  const inputShape = img.shape;
  const [oh, ow] = [grid.shape[1]!, grid.shape[2]!];
  const [c, ih, iw] = dims(img);
  const outputShape = [...inputShape.slice(0, -3), c, oh, ow];
  if (img.numel() === 0) return img.reshape(outputShape);
  img = img.reshape(-1, c, ih, iw);
  const n = img.shape[0]!;
  const fp = img.dtype === grid.dtype;
  let floatImg = fp ? img : img.to(grid.dtype);
  if (n > 1) grid = grid.expand(n, -1, -1, -1);
  if (fill !== null) {
    const mask = T.ones([n, 1, ih, iw], { dtype: floatImg.dtype, device: floatImg.device });
    floatImg = T.cat([floatImg, mask], { dim: 1 });
  }
  floatImg = F.gridSample(floatImg, grid, { mode: mode as 'bilinear', paddingMode: 'zeros', alignCorners: false });
  if (fill !== null) {
    let mask = floatImg.get(':', '-1:');
    floatImg = floatImg.get(':', ':-1');
    mask = mask.expandAs(floatImg);
    const fillList = typeof fill === 'number' ? [fill] : [...fill];
    const fillImg = makeTensor(fillList, { dtype: floatImg.dtype, device: floatImg.device }).view(1, -1, 1, 1);
    if (mode === 'nearest') floatImg = T.where(mask.lt(0.5), fillImg.expandAs(floatImg), floatImg);
    else floatImg = floatImg.sub_(fillImg).mul_(mask).add_(fillImg);
  }
  const out = fp ? floatImg : floatImg.round_().to(img.dtype);
  return out.reshape(outputShape);
}

function assertGridTransformInputs(image: Tensor, interpolation: string, fill: Fill): void {
  if (fill !== null && typeof fill !== 'number') {
    const c = image.shape[image.ndim - 3]!;
    if (fill.length > 1 && fill.length !== c) {
      throw new Error(`The number of elements in 'fill' cannot broadcast to match the number of channels of the image (${fill.length} != ${c})`);
    }
  }
  if (interpolation !== 'nearest' && interpolation !== 'bilinear') throw new Error(`Interpolation mode '${interpolation}' is unsupported with Tensor input`);
}

function affineGrid(theta: Tensor, w: number, h: number, ow: number, oh: number): Tensor {
  const { dtype, device } = theta;
  const baseGrid = T.empty([1, oh, ow, 3], { dtype, device });
  baseGrid.get('...', 0).copy_(T.linspace((1.0 - ow) * 0.5, (ow - 1.0) * 0.5, { steps: ow, device }));
  baseGrid.get('...', 1).copy_(T.linspace((1.0 - oh) * 0.5, (oh - 1.0) * 0.5, { steps: oh, device }).unsqueeze_(-1));
  baseGrid.get('...', 2).fill_(1);
  const rescaledTheta = theta.transpose(1, 2).div_(makeTensor([0.5 * w, 0.5 * h], { dtype, device }));
  return baseGrid.view(1, oh * ow, 3).bmm(rescaledTheta).view(1, oh, ow, 2);
}

const pyMod360 = (a: number): number => {
  const m = a % 360;
  return m !== 0 && m < 0 ? m + 360 : m;
};

function rotateImpl(
  image: Tensor,
  angle: number,
  interpolation: InterpolationMode | string | number = InterpolationMode.NEAREST,
  expand = false,
  center: readonly number[] | null = null,
  fill: Fill = null,
): Tensor {
  angle = pyMod360(angle);
  if (center === null) {
    if (angle === 0) return image.clone();
    if (angle === 180) return T.rot90(image, { k: 2, dims: [-2, -1] });
    if (expand || image.shape[image.ndim - 1] === image.shape[image.ndim - 2]) {
      if (angle === 90) return T.rot90(image, { k: 1, dims: [-2, -1] });
      if (angle === 270) return T.rot90(image, { k: 3, dims: [-2, -1] });
    }
  }
  const mode = checkInterpolation(interpolation);
  const [, ih, iw] = dims(image);
  const centerF = center === null ? [0.0, 0.0] : [center[0]! - iw * 0.5, center[1]! - ih * 0.5];
  const matrix = inverseAffineMatrix(centerF, -angle, [0.0, 0.0], 1.0, [0.0, 0.0]);
  assertGridTransformInputs(image, mode.value, fill);
  const [ow, oh] = expand ? computeAffineOutputSize(matrix, iw, ih) : [iw, ih];
  const dtype = isFloat(image) ? image.dtype : float32;
  const theta = makeTensor(matrix, { dtype, device: image.device }).reshape(1, 2, 3);
  return applyGridTransform(image, affineGrid(theta, iw, ih, ow, oh), mode.value, fill);
}

function affineImpl(
  image: Tensor,
  angle: number,
  translate: readonly number[],
  scale: number,
  shear: number | readonly number[],
  interpolation: InterpolationMode | string | number = InterpolationMode.NEAREST,
  fill: Fill = null,
  center: readonly number[] | null = null,
): Tensor {
  const mode = checkInterpolation(interpolation);
  if (translate.length !== 2) throw new Error('Argument translate should be a sequence of length 2');
  if (scale <= 0.0) throw new Error('Argument scale should be positive');
  let sh = typeof shear === 'number' ? [shear, 0.0] : [...shear];
  if (sh.length === 1) sh = [sh[0]!, sh[0]!];
  if (sh.length !== 2) throw new Error(`Shear should be a sequence containing two values. Got [${sh.join(', ')}]`);
  const [, h, w] = dims(image);
  const centerF = center === null ? [0.0, 0.0] : [center[0]! - w * 0.5, center[1]! - h * 0.5];
  const matrix = inverseAffineMatrix(centerF, angle, [...translate], scale, sh);
  assertGridTransformInputs(image, mode.value, fill);
  const dtype = isFloat(image) ? image.dtype : float32;
  const theta = makeTensor(matrix, { dtype, device: image.device }).reshape(1, 2, 3);
  return applyGridTransform(image, affineGrid(theta, w, h, w, h), mode.value, fill);
}

// ---- misc ----

function normalizeImpl(image: Tensor, mean: readonly number[], std: readonly number[], inplace = false): Tensor {
  if (!isFloat(image)) throw new TypeError(`Input tensor should be a float tensor. Got torch.${image.dtype.name}.`);
  if (image.ndim < 3) throw new Error(`Expected tensor to be a tensor image of size (..., C, H, W). Got torch.Size([${image.shape.join(', ')}]).`);
  if (std.some((s) => s === 0)) throw new Error('std evaluated to zero, leading to division by zero.');
  const m = makeTensor([...mean], { dtype: image.dtype, device: image.device }).view(-1, 1, 1);
  const s = makeTensor([...std], { dtype: image.dtype, device: image.device }).view(-1, 1, 1);
  return (inplace ? image.sub_(m) : image.sub(m)).div_(s);
}

function gaussianKernel1d(kernelSize: number, sigma: number, dtype: DType, device: Tensor['device']): Tensor {
  const lim = (kernelSize - 1) / (2.0 * Math.sqrt(2.0));
  const x = T.linspace(-lim, lim, { steps: kernelSize, dtype, device });
  return T.softmax(x.div(pyFloat(sigma)).pow(2).neg(), { dim: 0 });
}

function gaussianBlurImpl(image: Tensor, kernelSize: number | readonly number[], sigma: number | readonly number[] | null = null): Tensor {
  const ks = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : [...kernelSize];
  if (ks.length !== 2) throw new Error(`If kernel_size is a sequence its length should be 2. Got ${ks.length}`);
  for (const k of ks) if (k % 2 === 0 || k < 0) throw new Error(`kernel_size should have odd and positive integers. Got [${ks.join(', ')}]`);
  let sg: number[];
  if (sigma === null) sg = ks.map((k) => k * 0.15 + 0.35);
  else if (typeof sigma === 'number') sg = [sigma, sigma];
  else if (sigma.length === 1) sg = [sigma[0]!, sigma[0]!];
  else if (sigma.length === 2) sg = [...sigma];
  else throw new Error(`If sigma is a sequence, its length should be 2. Got ${sigma.length}`);
  for (const s of sg) if (s <= 0.0) throw new Error(`sigma should have positive values. Got [${sg.join(', ')}]`);
  if (image.numel() === 0) return image;
  const dtype = image.dtype;
  const shape = image.shape;
  const ndim = image.ndim;
  let x = ndim === 3 ? image.unsqueeze(0) : ndim > 4 ? image.reshape([-1, ...shape.slice(-3)]) : image;
  const fp = isFloat(x);
  const kdtype = fp ? dtype : float32;
  const kx = gaussianKernel1d(ks[0]!, sg[0]!, kdtype, image.device);
  const ky = gaussianKernel1d(ks[1]!, sg[1]!, kdtype, image.device);
  const c = shape[shape.length - 3]!;
  const kernel = ky.unsqueeze(-1).mul(kx).expand(c, 1, ks[1]!, ks[0]!);
  if (!fp) x = x.to(float32);
  const p0 = Math.floor(ks[0]! / 2);
  const p1 = Math.floor(ks[1]! / 2);
  x = F.pad(x, [p0, p0, p1, p1], { mode: 'reflect' });
  x = F.conv2d(x, kernel, { groups: c });
  if (ndim === 3) x = x.squeeze(0);
  else if (ndim > 4) x = x.reshape(shape);
  if (!fp) x = x.round_().to(dtype);
  return x;
}

// ---- color ----

function checkChannels(image: Tensor): number {
  const c = image.shape[image.ndim - 3]!;
  if (c !== 1 && c !== 3) throw new TypeError(`Input image tensor permitted channel values are 1 or 3, but found ${c}`);
  return c;
}

function grayscale(image: Tensor, numOutputChannels: number, preserveDtype: boolean): Tensor {
  const c = image.shape[image.ndim - 3]!;
  if (c === 1 && numOutputChannels === 1) return image.clone();
  if (c === 1 && numOutputChannels === 3) {
    const reps = image.shape.map(() => 1);
    reps[reps.length - 3] = 3;
    return image.repeat(reps);
  }
  // torchvision unpacks `r, g, b = image.unbind(dim=-3)`: Python's ValueError for any other count.
  if (c !== 3) throw new Error(c < 3 ? `not enough values to unpack (expected 3, got ${c})` : 'too many values to unpack (expected 3)');
  const [r, g, b] = image.unbind(-3) as [Tensor, Tensor, Tensor];
  let l = r.mul(pyFloat(0.2989)).add_(g, { alpha: pyFloat(0.587) }).add_(b, { alpha: pyFloat(0.114) }).unsqueeze(-3);
  if (preserveDtype) l = l.to(image.dtype);
  if (numOutputChannels === 3) l = l.expand(image.shape);
  return l;
}

function rgbToGrayscaleImpl(image: Tensor, numOutputChannels = 1): Tensor {
  if (numOutputChannels !== 1 && numOutputChannels !== 3) throw new Error(`num_output_channels must be 1 or 3, got ${numOutputChannels}.`);
  return grayscale(image, numOutputChannels, true);
}


export function grayscaleToRgb(image: Tensor): Tensor {
  if (image.shape[image.ndim - 3]! >= 3) return image;
  return grayscale(image, 3, true);
}

function blend(image1: Tensor, image2: Tensor, ratio: number): Tensor {
  const fp = isFloat(image1);
  const out = image1.mul(pyFloat(ratio)).add_(image2, { alpha: pyFloat(1.0 - ratio) }).clamp_(0, maxValue(image1.dtype));
  return fp ? out : out.to(image1.dtype);
}

function adjustBrightnessImpl(image: Tensor, brightnessFactor: number): Tensor {
  if (brightnessFactor < 0) throw new Error(`brightness_factor (${brightnessFactor}) is not non-negative.`);
  checkChannels(image);
  const out = image.mul(pyFloat(brightnessFactor)).clamp_(0, maxValue(image.dtype));
  return isFloat(image) ? out : out.to(image.dtype);
}

function adjustSaturationImpl(image: Tensor, saturationFactor: number): Tensor {
  if (saturationFactor < 0) throw new Error(`saturation_factor (${saturationFactor}) is not non-negative.`);
  if (checkChannels(image) === 1) return image;
  let gray = grayscale(image, 1, false);
  if (!isFloat(image)) gray = gray.floor_();
  return blend(image, gray, saturationFactor);
}

function adjustContrastImpl(image: Tensor, contrastFactor: number): Tensor {
  if (contrastFactor < 0) throw new Error(`contrast_factor (${contrastFactor}) is not non-negative.`);
  const c = checkChannels(image);
  const fp = isFloat(image);
  let gray: Tensor;
  if (c === 3) {
    gray = grayscale(image, 1, false);
    if (!fp) gray = gray.floor_();
  } else {
    gray = fp ? image : image.to(float32);
  }
  return blend(image, T.mean(gray, [-3, -2, -1], { keepdim: true }), contrastFactor);
}

function adjustSharpnessImpl(image: Tensor, sharpnessFactor: number): Tensor {
  const [c, h, w] = dims(image);
  if (c !== 1 && c !== 3) throw new TypeError(`Input image tensor can have 1 or 3 channels, but found ${c}`);
  if (sharpnessFactor < 0) throw new Error(`sharpness_factor (${sharpnessFactor}) is not non-negative.`);
  if (image.numel() === 0 || h <= 2 || w <= 2) return image;
  const bound = maxValue(image.dtype);
  const fp = isFloat(image);
  const shape = image.shape;
  const unsquash = image.ndim > 4;
  if (unsquash) image = image.reshape(-1, c, h, w);
  const kdtype = fp ? image.dtype : float32;
  const a = 1.0 / 13.0;
  const b = 5.0 / 13.0;
  const kernel = makeTensor(
    [
      [a, a, a],
      [a, b, a],
      [a, a, a],
    ],
    { dtype: kdtype, device: image.device },
  ).expand(c, 1, 3, 3);
  let out = image.to(kdtype, { copy: true });
  let blurred = F.conv2d(out, kernel, { groups: c });
  if (!fp) blurred = blurred.round_();
  const view = out.get('...', '1:-1', '1:-1');
  view.add_(blurred.sub_(view), { alpha: pyFloat(1.0 - sharpnessFactor) });
  out = out.clamp_(0, bound);
  if (!fp) out = out.to(image.dtype);
  return unsquash ? out.reshape(shape) : out;
}

function rgbToHsv(image: Tensor): Tensor {
  const [r, g] = image.unbind(-3) as [Tensor, Tensor, Tensor];
  const [minc, maxc] = T.aminmax(image, { dim: -3 }) as unknown as [Tensor, Tensor];
  const eqc = maxc.eq(minc);
  const range = maxc.sub(minc);
  const ones = T.onesLike(maxc);
  const s = range.div(T.where(eqc, ones, maxc));
  const divisor = T.where(eqc, ones, range).unsqueeze_(-3);
  const [rc, gc, bc] = maxc.unsqueeze(-3).sub(image).div(divisor).unbind(-3) as [Tensor, Tensor, Tensor];
  const maxNeR = maxc.ne(r);
  const maxEqG = maxc.eq(g);
  const hg = rc.add(pyFloat(2.0)).sub_(bc).mul_(maxEqG.bitwiseAnd(maxNeR));
  const hr = bc.sub_(gc).mul_(maxNeR.bitwiseNot());
  const hb = gc.add_(pyFloat(4.0)).sub_(rc).mul_(maxNeR.logicalAnd_(maxEqG.logicalNot_()));
  const h = hr.add_(hg).add_(hb).mul_(pyFloat(1.0 / 6.0)).add_(pyFloat(1.0)).fmod_(pyFloat(1.0));
  return T.stack([h, s, maxc], { dim: -3 });
}

function hsvToRgb(img: Tensor): Tensor {
  const [h, s, v] = img.unbind(-3) as [Tensor, Tensor, Tensor];
  const h6 = h.mul(6);
  let i = T.floor(h6);
  const f = h6.sub_(i);
  i = i.to(int32);
  const sxf = s.mul(f);
  const oneMinusS = T.rsub(s, pyFloat(1.0));
  const q = T.rsub(sxf, pyFloat(1.0)).mul_(v).clamp_(0.0, 1.0);
  const t = sxf.add_(oneMinusS).mul_(v).clamp_(0.0, 1.0);
  const p = oneMinusS.mul_(v).clamp_(0.0, 1.0);
  i.remainder_(6);
  const vpqt = T.stack([v, p, q, t], { dim: -3 });
  let select = makeTensor(
    [
      [0, 2, 1, 1, 3, 0],
      [3, 0, 0, 2, 1, 1],
      [1, 1, 3, 0, 0, 2],
    ],
    { dtype: int64 },
  )
    .to({ device: i.device, nonBlocking: true })
    .get(':', i);
  if (select.ndim > 3) select = select.moveaxis(0, -3);
  return vpqt.gather(-3, select);
}

function adjustHueImpl(image: Tensor, hueFactor: number): Tensor {
  if (!(hueFactor >= -0.5 && hueFactor <= 0.5)) throw new Error(`hue_factor (${hueFactor}) is not in [-0.5, 0.5].`);
  if (checkChannels(image) === 1 || image.numel() === 0) return image;
  const origDtype = image.dtype;
  const hsv = rgbToHsv(toDtype(image, float32, true));
  const [h, s, v] = hsv.unbind(-3) as [Tensor, Tensor, Tensor];
  h.add_(pyFloat(hueFactor)).remainder_(pyFloat(1.0));
  return toDtype(hsvToRgb(T.stack([h, s, v], { dim: -3 })), origDtype, true);
}

function adjustGammaImpl(image: Tensor, gamma: number, gain = 1.0): Tensor {
  if (gamma < 0) throw new Error('Gamma should be a non-negative real number');
  let out = image;
  if (!isFloat(image)) out = toDtype(image, float32, true);
  out = out.pow(pyFloat(gamma));
  if (gain !== 1.0) out = out.mul_(pyFloat(gain));
  out = out.clamp_(0.0, 1.0);
  return toDtype(out, image.dtype, true);
}

function posterizeImpl(image: Tensor, bits: number): Tensor {
  if (!Number.isInteger(bits) || bits < 0 || bits > 8) throw new TypeError(`bits must be a positive integer in the range [0, 8], got ${bits} instead.`);
  if (isFloat(image)) {
    const levels = 1 << bits;
    return image.mul(levels).floor_().clamp_(0, levels - 1).mul_(pyFloat(1.0 / levels));
  }
  const nbits = numValueBits(image.dtype);
  if (bits >= nbits) return image;
  return image.bitwiseAnd(((1 << bits) - 1) << (nbits - bits));
}

export function invert(image: Tensor): Tensor {
  if (isFloat(image)) return T.rsub(image, pyFloat(1.0));
  if (image.dtype === uint8) return image.bitwiseNot();
  return image.bitwiseXor(2 ** numValueBits(image.dtype) - 1);
}

function solarizeImpl(image: Tensor, threshold: number): Tensor {
  if (threshold > maxValue(image.dtype)) throw new TypeError(`Threshold should be less or equal the maximum value of the dtype, but got ${threshold}`);
  return T.where(image.ge(pyFloat(threshold)), invert(image), image);
}

export function autocontrast(image: Tensor): Tensor {
  checkChannels(image);
  if (image.numel() === 0) return image;
  const bound = maxValue(image.dtype);
  const fp = isFloat(image);
  const floatImage = fp ? image : image.to(float32);
  const minimum = floatImage.amin([-2, -1], { keepdim: true });
  const maximum = floatImage.amax([-2, -1], { keepdim: true });
  const eq = maximum.eq(minimum);
  const invScale = maximum.sub_(minimum).mul_(pyFloat(1.0 / bound));
  minimum.set(eq, 0.0);
  invScale.set(eq, 1.0);
  const diff = fp ? floatImage.sub(minimum) : floatImage.sub_(minimum);
  return diff.div_(invScale).clamp_(0, bound).to(image.dtype);
}

export function equalize(image: Tensor): Tensor {
  if (image.numel() === 0) return image;
  const outputDtype = image.dtype;
  image = toDtype(image, uint8, true);
  const batchShape = image.shape.slice(0, -2);
  const flat = image.flatten(-2).to(int64);
  const hist = flat.newZeros([...batchShape, 256], { dtype: int32 });
  hist.scatterAdd_(-1, flat, hist.newOnes(1).expandAs(flat));
  let cumHist = hist.cumsum(-1);
  const index = cumHist.argmax({ dim: -1 });
  const numNonMax = T.rsub(hist.gather(-1, index.unsqueeze_(-1)), flat.shape[flat.ndim - 1]!);
  const step = numNonMax.div_(255, { roundingMode: 'floor' });
  const valid = step.ne(0).unsqueeze_(-1);
  cumHist = cumHist.get('...', ':-1');
  cumHist.add_(step.floorDivide(2)).div_(step.clamp_({ min: 1 }), { roundingMode: 'floor' }).clamp_(0, 255);
  let lut = cumHist.to(uint8);
  lut = T.cat([lut.newZeros(1).expand([...batchShape, 1]), lut], { dim: -1 });
  const equalized = lut.gather(-1, flat).viewAs(image);
  return toDtype(T.where(valid, equalized, image), outputDtype, true);
}

export function permuteChannels(image: Tensor, permutation: readonly number[]): Tensor {
  const shape = image.shape;
  const [c, h, w] = dims(image);
  return image.reshape(-1, c, h, w).get(':', [...permutation]).reshape(shape);
}

// The public kernels bind their arguments as Python does: positionally, or by name in a trailing options object.
function kw<R extends unknown[], P extends unknown[], O, Out = Tensor>(name: string, sig: string, impl: (...a: never[]) => Out): (...args: Args<R, P, O>) => Out {
  const bind = pySignature<Record<string, unknown>>(name, sig);
  const keys = sig.split(', ').map((p) => snakeToCamel(p.split('=')[0]!));
  return (...args) => {
    const o = bind(args);
    return (impl as (...a: unknown[]) => Out)(...keys.map((k) => o[k]));
  };
}

export const toDtype = kw<[image: Tensor], [dtype: DType | null, scale: boolean], { dtype?: DType | null; scale?: boolean }>('to_dtype', "inpt, dtype=None, scale=False", toDtypeImpl);
export const resize = kw<[image: Tensor, size: number | readonly number[] | null], [interpolation: InterpolationMode | string | number, maxSize: number | null, antialias: boolean | null], { interpolation?: InterpolationMode | string | number; maxSize?: number | null; antialias?: boolean | null }>('resize', "inpt, size, interpolation='bilinear', max_size=None, antialias=True", resizeImpl);
export const pad = kw<[image: Tensor, padding: number | readonly number[]], [fill: Fill, paddingMode: string], { fill?: Fill; paddingMode?: string }>('pad', "inpt, padding, fill=None, padding_mode='constant'", padImpl);
export const crop = kw<[image: Tensor, top: number, left: number, height: number, width: number], [], Record<string, never>>('crop', "inpt, top, left, height, width", cropImpl);
export const centerCrop = kw<[image: Tensor, outputSize: number | readonly number[]], [], Record<string, never>>('center_crop', "inpt, output_size", centerCropImpl);
export const resizedCrop = kw<[image: Tensor, top: number, left: number, height: number, width: number, size: number | readonly number[]], [interpolation: InterpolationMode | string | number, antialias: boolean | null], { interpolation?: InterpolationMode | string | number; antialias?: boolean | null }>('resized_crop', "inpt, top, left, height, width, size, interpolation='bilinear', antialias=True", resizedCropImpl);
export const rotate = kw<[image: Tensor, angle: number], [interpolation: InterpolationMode | string | number, expand: boolean, center: readonly number[] | null, fill: Fill], { interpolation?: InterpolationMode | string | number; expand?: boolean; center?: readonly number[] | null; fill?: Fill }>('rotate', "inpt, angle, interpolation='nearest', expand=False, center=None, fill=None", rotateImpl);
export const affine = kw<[image: Tensor, angle: number, translate: readonly number[], scale: number, shear: number | readonly number[]], [interpolation: InterpolationMode | string | number, fill: Fill, center: readonly number[] | null], { interpolation?: InterpolationMode | string | number; fill?: Fill; center?: readonly number[] | null }>('affine', "inpt, angle, translate, scale, shear, interpolation='nearest', fill=None, center=None", affineImpl);
export const normalize = kw<[image: Tensor, mean: readonly number[], std: readonly number[]], [inplace: boolean], { inplace?: boolean }>('normalize', "inpt, mean, std, inplace=False", normalizeImpl);
export const gaussianBlur = kw<[image: Tensor, kernelSize: number | readonly number[]], [sigma: number | readonly number[] | null], { sigma?: number | readonly number[] | null }>('gaussian_blur', "inpt, kernel_size, sigma=None", gaussianBlurImpl);
export const rgbToGrayscale = kw<[image: Tensor], [numOutputChannels: number], { numOutputChannels?: number }>('rgb_to_grayscale', "inpt, num_output_channels=1", rgbToGrayscaleImpl);
export const adjustBrightness = kw<[image: Tensor, brightnessFactor: number], [], Record<string, never>>('adjust_brightness', "inpt, brightness_factor", adjustBrightnessImpl);
export const adjustSaturation = kw<[image: Tensor, saturationFactor: number], [], Record<string, never>>('adjust_saturation', "inpt, saturation_factor", adjustSaturationImpl);
export const adjustContrast = kw<[image: Tensor, contrastFactor: number], [], Record<string, never>>('adjust_contrast', "inpt, contrast_factor", adjustContrastImpl);
export const adjustSharpness = kw<[image: Tensor, sharpnessFactor: number], [], Record<string, never>>('adjust_sharpness', "inpt, sharpness_factor", adjustSharpnessImpl);
export const adjustHue = kw<[image: Tensor, hueFactor: number], [], Record<string, never>>('adjust_hue', "inpt, hue_factor", adjustHueImpl);
export const adjustGamma = kw<[image: Tensor, gamma: number], [gain: number], { gain?: number }>('adjust_gamma', "inpt, gamma, gain=1", adjustGammaImpl);
export const posterize = kw<[image: Tensor, bits: number], [], Record<string, never>>('posterize', "inpt, bits", posterizeImpl);
export const solarize = kw<[image: Tensor, threshold: number], [], Record<string, never>>('solarize', "inpt, threshold", solarizeImpl);
export const convertImageDtype = kw<[image: Tensor], [dtype: DType | null], { dtype?: DType | null }>('convert_image_dtype', "image, dtype=None", convertImageDtypeImpl);
export const toGrayscale = rgbToGrayscale;

// ---- erase (functional/_augment.py), five/ten crops and perspective (functional/_geometry.py) ----

function eraseImpl(image: Tensor, i: number, j: number, h: number, w: number, v: Tensor, inplace = false): Tensor {
  if (!inplace) image = image.clone();
  image.set(['...', `${i}:${i + h}`, `${j}:${j + w}`], v);
  return image;
}

function fiveCropImpl(image: Tensor, size: number | readonly number[]): Tensor[] {
  const hw = typeof size === 'number' ? [Math.trunc(size), Math.trunc(size)] : size.length === 1 ? [size[0]!, size[0]!] : size;
  if (hw.length !== 2) throw new Error('Please provide only two dimensions (h, w) for size.');
  const [cropHeight, cropWidth] = hw as [number, number];
  const [imageHeight, imageWidth] = image.shape.slice(-2) as [number, number];
  if (cropWidth > imageWidth || cropHeight > imageHeight) {
    const given = typeof size === 'number' ? String(size) : `[${size.join(', ')}]`;
    throw new Error(`Requested crop size ${given} is bigger than input size (${imageHeight}, ${imageWidth})`);
  }
  return [
    cropImpl(image, 0, 0, cropHeight, cropWidth),
    cropImpl(image, 0, imageWidth - cropWidth, cropHeight, cropWidth),
    cropImpl(image, imageHeight - cropHeight, 0, cropHeight, cropWidth),
    cropImpl(image, imageHeight - cropHeight, imageWidth - cropWidth, cropHeight, cropWidth),
    centerCropImpl(image, [cropHeight, cropWidth]),
  ];
}

function tenCropImpl(image: Tensor, size: number | readonly number[], verticalFlip = false): Tensor[] {
  const nonFlipped = fiveCropImpl(image, size);
  const flipped = fiveCropImpl(verticalFlip ? image.flip(-2) : image.flip(-1), size);
  return [...nonFlipped, ...flipped];
}

/**
 * The coefficients (a, b, c, d, e, f, g, h) of the perspective transform taking the four corners
 * `endpoints` to `startpoints`: (x, y) -> ((ax + by + c) / (gx + hy + 1), (dx + ey + f) / (gx + hy + 1)),
 * by least squares in float64, rounded to float32 (transforms/functional.py _get_perspective_coeffs).
 */
export function _getPerspectiveCoeffs(startpoints: readonly (readonly number[])[], endpoints: readonly (readonly number[])[]): number[] {
  if (startpoints.length !== 4 || endpoints.length !== 4) {
    throw new Error(`Please provide exactly four corners, got ${startpoints.length} startpoints and ${endpoints.length} endpoints.`);
  }
  // Each row is a torch.tensor of Python numbers: int64 when they are all ints, float32 otherwise.
  const row = (r: number[]): number[] => (r.every(Number.isInteger) ? r.map((x) => x + 0) : r.map(Math.fround));
  const rows = endpoints.flatMap((p1, i) => {
    const p2 = startpoints[i]!;
    return [
      row([p1[0]!, p1[1]!, 1, 0, 0, 0, -p2[0]! * p1[0]!, -p2[0]! * p1[1]!]),
      row([0, 0, 0, p1[0]!, p1[1]!, 1, -p2[1]! * p1[0]!, -p2[1]! * p1[1]!]),
    ];
  });
  const aMatrix = makeTensor(rows, { dtype: float64 });
  const bMatrix = makeTensor(startpoints as number[][], { dtype: float64 }).view(8);
  return linalg.lstsq(aMatrix, bMatrix, { driver: 'gels' })[0].to(float32).tolist() as number[];
}

function perspectiveCoefficients(
  startpoints: readonly (readonly number[])[] | null,
  endpoints: readonly (readonly number[])[] | null,
  coefficients: readonly number[] | null,
): number[] {
  if (coefficients !== null) {
    if (startpoints !== null && endpoints !== null) throw new Error("The startpoints/endpoints and the coefficients shouldn't be defined concurrently.");
    if (coefficients.length !== 8) throw new Error('Argument coefficients should have 8 float values');
    return [...coefficients];
  }
  if (startpoints !== null && endpoints !== null) return _getPerspectiveCoeffs(startpoints, endpoints);
  throw new Error('Either the startpoints/endpoints or the coefficients must have non `None` values.');
}

function perspectiveGrid(coeffs: readonly number[], ow: number, oh: number, dtype: DType, device: Tensor['device']): Tensor {
  const [c0, c1, c2, c3, c4, c5, c6, c7] = coeffs as [number, number, number, number, number, number, number, number];
  const theta1 = makeTensor([[[c0, c1, c2], [c3, c4, c5]]], { dtype, device });
  const theta2 = makeTensor([[[c6, c7, 1.0], [c6, c7, 1.0]]], { dtype, device });
  const d = 0.5;
  const baseGrid = T.empty([1, oh, ow, 3], { dtype, device });
  baseGrid.get('...', 0).copy_(T.linspace(d, ow + d - 1.0, { steps: ow, device, dtype }));
  baseGrid.get('...', 1).copy_(T.linspace(d, oh + d - 1.0, { steps: oh, device, dtype }).unsqueeze_(-1));
  baseGrid.get('...', 2).fill_(1);
  const rescaledTheta1 = theta1.transpose(1, 2).div_(makeTensor([0.5 * ow, 0.5 * oh], { dtype, device }));
  const outputGrid1 = baseGrid.view(1, oh * ow, 3).bmm(rescaledTheta1);
  const outputGrid2 = baseGrid.view(1, oh * ow, 3).bmm(theta2.transpose(1, 2));
  return outputGrid1.div_(outputGrid2).sub_(1.0).view(1, oh, ow, 2);
}

function perspectiveImpl(
  image: Tensor,
  startpoints: readonly (readonly number[])[] | null,
  endpoints: readonly (readonly number[])[] | null,
  interpolation: InterpolationMode | string | number = InterpolationMode.BILINEAR,
  fill: Fill = null,
  coefficients: readonly number[] | null = null,
): Tensor {
  const coeffs = perspectiveCoefficients(startpoints, endpoints, coefficients);
  const mode = checkInterpolation(interpolation);
  assertGridTransformInputs(image, mode.value, fill);
  const [oh, ow] = image.shape.slice(-2) as [number, number];
  const dtype = isFloat(image) ? image.dtype : float32;
  return applyGridTransform(image, perspectiveGrid(coeffs, ow, oh, dtype, image.device), mode.value, fill);
}

function createIdentityGrid(sy: number, sx: number, device: Tensor['device'], dtype: DType): Tensor {
  const baseGrid = T.empty([1, sy, sx, 2], { device, dtype });
  baseGrid.get('...', 0).copy_(T.linspace((-sx + 1) / sx, (sx - 1) / sx, sx, { device, dtype }));
  baseGrid.get('...', 1).copy_(T.linspace((-sy + 1) / sy, (sy - 1) / sy, sy, { device, dtype }).unsqueeze_(-1));
  return baseGrid;
}

function elasticImpl(image: Tensor, displacement: Tensor, interpolation: InterpolationMode | string | number = InterpolationMode.BILINEAR, fill: Fill = null): Tensor {
  if (!(displacement instanceof Tensor)) throw new TypeError('Argument displacement should be a Tensor');
  const mode = checkInterpolation(interpolation);
  const [height, width] = image.shape.slice(-2) as [number, number];
  const device = image.device;
  let dtype = isFloat(image) ? image.dtype : float32;
  // elastic supports (cpu, float16) input by computing in float32
  const isCpuHalf = device.type === 'cpu' && dtype.name === 'float16';
  if (isCpuHalf) {
    image = image.to(float32);
    dtype = float32;
  }
  const d = displacement.shape;
  if (!(d.length === 4 && d[0] === 1 && d[1] === height && d[2] === width && d[3] === 2)) {
    throw new Error(`Argument displacement shape should be (1, ${height}, ${width}, 2), but given torch.Size([${d.join(', ')}])`);
  }
  const grid = createIdentityGrid(height, width, device, dtype).add_(displacement.to({ dtype, device }));
  const output = applyGridTransform(image, grid, mode.value, fill);
  return isCpuHalf ? output.to(float16) : output;
}

type Points = readonly (readonly number[])[] | null;
export const erase = kw<[image: Tensor, i: number, j: number, h: number, w: number, v: Tensor], [inplace: boolean], { inplace?: boolean }>('erase', 'inpt, i, j, h, w, v, inplace=False', eraseImpl);
export const perspective = kw<[image: Tensor, startpoints: Points, endpoints: Points], [interpolation: InterpolationMode | string | number, fill: Fill, coefficients: readonly number[] | null], { interpolation?: InterpolationMode | string | number; fill?: Fill; coefficients?: readonly number[] | null }>('perspective', "inpt, startpoints, endpoints, interpolation='bilinear', fill=None, coefficients=None", perspectiveImpl);
/** The four corner crops and the center crop: [top-left, top-right, bottom-left, bottom-right, center]. */
export const fiveCrop = kw<[image: Tensor, size: number | readonly number[]], [], Record<string, never>, Tensor[]>('five_crop', 'inpt, size', fiveCropImpl);
/** fiveCrop of the image, then of its horizontal (or vertical) flip. */
export const tenCrop = kw<[image: Tensor, size: number | readonly number[]], [verticalFlip: boolean], { verticalFlip?: boolean }, Tensor[]>('ten_crop', 'inpt, size, vertical_flip=False', tenCropImpl);
export const elastic = kw<[image: Tensor, displacement: Tensor], [interpolation: InterpolationMode | string | number, fill: Fill], { interpolation?: InterpolationMode | string | number; fill?: Fill }>('elastic', "inpt, displacement, interpolation='bilinear', fill=None", elasticImpl);
