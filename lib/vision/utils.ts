// torchvision/utils.py on tensors: make_grid, save_image, draw_bounding_boxes (boxes, colors, fill,
// width; the rectangles Pillow's ImageDraw draws, blended as Pillow blends), draw_segmentation_masks.
import { tensor as makeTensor } from '../creation';
import { int64, uint8 } from '../dtype';
import * as T from '../generated/torch';
import { pySignature } from '../python_signature';
import { pyFloat } from '../scalar';
import { Tensor } from '../tensor';
import { encodeJpeg, encodePng, writeFile } from './io';
import { toDtype } from './transforms/v2/functional';

export type Color = string | readonly [number, number, number];

const MAKE_GRID = pySignature('make_grid', 'tensor, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False, pad_value=0.0');

export interface MakeGridOptions {
  nrow?: number;
  padding?: number;
  normalize?: boolean;
  valueRange?: readonly [number, number] | null;
  scaleEach?: boolean;
  padValue?: number;
}

/** torchvision.utils.make_grid: a batch `(B, C, H, W)` (or a list of images) tiled into one image. */
export function makeGrid(tensor: Tensor | readonly Tensor[], ...rest: [MakeGridOptions?] | unknown[]): Tensor {
  const o = MAKE_GRID<{ tensor: Tensor | Tensor[] } & Required<MakeGridOptions>>([tensor, ...rest]);
  let t: Tensor;
  if (Array.isArray(o.tensor)) {
    for (const x of o.tensor) if (!(x instanceof Tensor)) throw new TypeError(`tensor or list of tensors expected, got a list containing ${typeof x}`);
    t = T.stack(o.tensor, { dim: 0 });
  } else if (o.tensor instanceof Tensor) t = o.tensor;
  else throw new TypeError(`tensor or list of tensors expected, got ${typeof o.tensor}`);
  if (t.ndim === 2) t = t.unsqueeze(0);
  if (t.ndim === 3) {
    if (t.shape[0] === 1) t = T.cat([t, t, t], { dim: 0 });
    t = t.unsqueeze(0);
  }
  if (t.ndim === 4 && t.shape[1] === 1) t = T.cat([t, t, t], { dim: 1 });
  if (o.normalize) {
    t = t.clone();
    const range = o.valueRange;
    if (range !== null && !(Array.isArray(range) && range.length === 2)) throw new TypeError('value_range has to be a tuple (min, max) if specified. min and max are numbers');
    const normIp = (img: Tensor, low: number, high: number): void => {
      img.clamp_(low, high);
      img.sub_(low).div_(Math.max(high - low, 1e-5));
    };
    const normRange = (x: Tensor): void => {
      if (range !== null) normIp(x, range[0], range[1]);
      else normIp(x, x.min().item() as number, x.max().item() as number);
    };
    if (o.scaleEach) for (let i = 0; i < t.shape[0]!; i++) normRange(t.get(i));
    else normRange(t);
  }
  if (t.shape[0] === 1) return t.squeeze(0);
  const nmaps = t.shape[0]!;
  const xmaps = Math.min(o.nrow, nmaps);
  const ymaps = Math.ceil(nmaps / xmaps);
  const height = t.shape[2]! + o.padding;
  const width = t.shape[3]! + o.padding;
  const grid = t.newFull([t.shape[1]!, height * ymaps + o.padding, width * xmaps + o.padding], o.padValue);
  let k = 0;
  for (let y = 0; y < ymaps && k < nmaps; y++) {
    for (let x = 0; x < xmaps && k < nmaps; x++, k++) {
      grid
        .narrow(1, y * height + o.padding, height - o.padding)
        .narrow(2, x * width + o.padding, width - o.padding)
        .copy_(t.get(k));
    }
  }
  return grid;
}

/**
 * torchvision.utils.save_image: makeGrid, then the grid as an 8-bit image (rounded as torchvision
 * rounds). The format comes from `format` or the extension: PNG, or JPEG (quality 75, which needs
 * sharp), hence a Promise.
 */
const SAVE_IMAGE = pySignature('save_image', 'tensor, fp, format=None, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False, pad_value=0.0');

export async function saveImage(tensor: Tensor | readonly Tensor[], fp: string, ...rest: [(MakeGridOptions & { format?: string | null })?] | unknown[]): Promise<void> {
  const o = SAVE_IMAGE<{ format: string | null } & Required<MakeGridOptions>>([tensor, fp, ...rest]);
  const grid = makeGrid(tensor, { nrow: o.nrow, padding: o.padding, normalize: o.normalize, valueRange: o.valueRange, scaleEach: o.scaleEach, padValue: o.padValue });
  const format = o.format;
  const img = grid.mul(255).add_(0.5).clamp_(0, 255).to(uint8);
  const fmt = (format ?? fp.split('.').pop() ?? '').toLowerCase();
  if (fmt === 'png') writeFile(fp, encodePng(img));
  else if (fmt === 'jpg' || fmt === 'jpeg') writeFile(fp, await encodeJpeg(img));
  else throw new Error(`unknown file extension: .${fmt}`);
}

// Pillow's named colors (ImageColor.colormap) that are most used; '#rgb', '#rrggbb' and
// 'rgb(r, g, b)' work as in Pillow.
const NAMED: Record<string, string> = {
  black: '#000000',
  white: '#ffffff',
  red: '#ff0000',
  lime: '#00ff00',
  green: '#008000',
  blue: '#0000ff',
  yellow: '#ffff00',
  cyan: '#00ffff',
  aqua: '#00ffff',
  magenta: '#ff00ff',
  fuchsia: '#ff00ff',
  silver: '#c0c0c0',
  gray: '#808080',
  grey: '#808080',
  maroon: '#800000',
  olive: '#808000',
  purple: '#800080',
  teal: '#008080',
  navy: '#000080',
  orange: '#ffa500',
  pink: '#ffc0cb',
  brown: '#a52a2a',
  gold: '#ffd700',
  violet: '#ee82ee',
};

function getRgb(color: string): [number, number, number] {
  const c = NAMED[color.toLowerCase()] ?? color;
  let m = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(c);
  if (m) return [parseInt(m[1]! + m[1]!, 16), parseInt(m[2]! + m[2]!, 16), parseInt(m[3]! + m[3]!, 16)];
  m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(c);
  if (m) return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
  m = /^rgb\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)$/i.exec(c);
  if (m) return [Math.min(255, Number(m[1])), Math.min(255, Number(m[2])), Math.min(255, Number(m[3]))];
  throw new Error(`unknown color specifier: '${color}'`);
}

function parseColors(colors: Color | readonly Color[] | null, numObjects: number): [number, number, number][] {
  let list: readonly Color[];
  if (colors === null) {
    // _generate_color_palette: (i * [2**25 - 1, 2**15 - 1, 2**21 - 1]) % 255
    const palette = [2 ** 25 - 1, 2 ** 15 - 1, 2 ** 21 - 1];
    return Array.from({ length: numObjects }, (_, i) => palette.map((p) => (i * p) % 255) as [number, number, number]);
  }
  if (typeof colors === 'string') list = Array<Color>(numObjects).fill(colors);
  else if (colors.length === 3 && colors.every((c) => typeof c === 'number')) list = Array<Color>(numObjects).fill(colors as Color);
  else if (colors.every((c) => typeof c === 'string' || Array.isArray(c))) {
    if (colors.length < numObjects) throw new Error(`Number of colors must be equal or larger than the number of objects, but got ${colors.length} < ${numObjects}.`);
    list = colors as readonly Color[];
  } else throw new Error(`If passed as tuple, colors should be an RGB triplet, but got (${colors.join(', ')}).`);
  return list.map((c) => (typeof c === 'string' ? getRgb(c) : ([c[0], c[1], c[2]] as [number, number, number])));
}

const DRAW_BOXES = pySignature('draw_bounding_boxes', 'image, boxes, labels=None, colors=None, fill=False, width=1');

export interface DrawBoundingBoxesOptions {
  colors?: Color | readonly Color[] | null;
  fill?: boolean;
  width?: number;
}

// Pillow's DIV255(in1 * (255 - mask) + in2 * mask): how ImageDraw blends an RGBA ink into RGB.
const blend = (out: number, ink: number, alpha: number): number => {
  const tmp = out * (255 - alpha) + ink * alpha + 128;
  return ((tmp >> 8) + tmp) >> 8;
};

/**
 * torchvision.utils.draw_bounding_boxes for (xmin, ymin, xmax, ymax) boxes: the outline of each box
 * (`width` pixels inside it) and, with `fill`, the box blended at alpha 100 — the pixels Pillow's
 * ImageDraw.rectangle sets, degenerate boxes included. Text labels are not drawn (they need Pillow's fonts): passing labels is
 * an Error.
 */
export function drawBoundingBoxes(image: Tensor, boxes: Tensor, ...rest: [DrawBoundingBoxesOptions?] | unknown[]): Tensor {
  const o = DRAW_BOXES<{ image: Tensor; boxes: Tensor; labels: string[] | null } & Required<DrawBoundingBoxesOptions>>([image, boxes, ...rest]);
  if (!(image.dtype === uint8 || image.dtype.isFloatingPoint)) throw new Error(`The image dtype must be uint8 or float, got torch.${image.dtype.name}`);
  if (image.ndim !== 3) throw new Error('Pass individual images, not batches');
  if (image.shape[0] !== 1 && image.shape[0] !== 3) throw new Error('Only grayscale and RGB images are supported');
  if (boxes.shape[boxes.ndim - 1] !== 4) throw new Error('Only (xmin, ymin, xmax, ymax) boxes are supported here');
  if (boxes.get(':', 0).gt(boxes.get(':', 2)).any().item() || boxes.get(':', 1).gt(boxes.get(':', 3)).any().item()) {
    throw new Error('Boxes need to be in (xmin, ymin, xmax, ymax) format. Use torchvision.ops.box_convert to convert them');
  }
  if (o.labels !== null) throw new Error('draw_bounding_boxes: text labels are not supported in torchnode');
  const numBoxes = boxes.shape[0]!;
  if (numBoxes === 0) {
    process.emitWarning("boxes doesn't contain any box. No box was drawn", 'UserWarning');
    return image;
  }
  const colors = parseColors(o.colors, numBoxes);
  let img = image.shape[0] === 1 ? T.tile(image, [3, 1, 1]) : image;
  const originalDtype = img.dtype;
  if (originalDtype.isFloatingPoint) img = toDtype(img, uint8, true);
  const [, h, w] = [...img.shape] as [number, number, number];
  const data = Uint8Array.from(img.permute(1, 2, 0).contiguous().toTypedArray() as Uint8Array);
  const coords = boxes.to(int64).tolist() as number[][];
  // Pillow's ImagingDrawRectangle: the fill row by row, then `width` nested outlines whose vertical
  // sides are drawn as Pillow's line() draws them (the last point left out).
  const point = (x: number, y: number, color: readonly number[], alpha: number): void => {
    if (x < 0 || x >= w || y < 0 || y >= h) return;
    const p = (y * w + x) * 3;
    for (let c = 0; c < 3; c++) data[p + c] = alpha === 255 ? color[c]! : blend(data[p + c]!, color[c]!, alpha);
  };
  const hline = (xa: number, y: number, xb: number, color: readonly number[], alpha: number): void => {
    for (let x = Math.min(xa, xb); x <= Math.max(xa, xb); x++) point(x, y, color, alpha);
  };
  const vline = (x: number, ya: number, yb: number, color: readonly number[]): void => {
    const step = yb < ya ? -1 : 1;
    for (let i = 0, y = ya; i < Math.abs(yb - ya); i++, y += step) point(x, y, color, 255);
  };
  coords.forEach(([x0, y0, x1, y1], b) => {
    const color = colors[b]!;
    if (o.fill) for (let y = Math.max(y0!, 0); y <= Math.min(y1!, h); y++) hline(x0!, y, x1!, color, 100);
    if (o.width === 0) return;
    for (let i = 0; i < o.width; i++) {
      hline(x0!, y0! + i, x1!, color, 255);
      hline(x0!, y1! - i, x1!, color, 255);
      vline(x1! - i, y0! + o.width, y1! - o.width + 1, color);
      vline(x0! + i, y0! + o.width, y1! - o.width + 1, color);
    }
  });
  let out = makeTensor(data).view(h, w, 3).permute(2, 0, 1);
  if (originalDtype.isFloatingPoint) out = toDtype(out, originalDtype, true);
  return out;
}

const DRAW_MASKS = pySignature('draw_segmentation_masks', 'image, masks, alpha=0.8, colors=None');

export interface DrawSegmentationMasksOptions {
  alpha?: number;
  colors?: Color | readonly Color[] | null;
}

/** torchvision.utils.draw_segmentation_masks: bool masks `(N, H, W)` blended onto an RGB image. */
export function drawSegmentationMasks(image: Tensor, masks: Tensor, ...rest: [DrawSegmentationMasksOptions?] | unknown[]): Tensor {
  const o = DRAW_MASKS<{ image: Tensor; masks: Tensor } & Required<DrawSegmentationMasksOptions>>([image, masks, ...rest]);
  if (!(image.dtype === uint8 || image.dtype.isFloatingPoint)) throw new Error(`The image dtype must be uint8 or float, got torch.${image.dtype.name}`);
  if (image.ndim !== 3) throw new Error('Pass individual images, not batches');
  if (image.shape[0] !== 3) throw new Error('Pass an RGB image. Other Image formats are not supported');
  if (masks.ndim === 2) masks = masks.get(null, ':', ':');
  if (masks.ndim !== 3) throw new Error('masks must be of shape (H, W) or (batch_size, H, W)');
  if (masks.dtype.name !== 'bool') throw new Error(`The masks must be of dtype bool. Got torch.${masks.dtype.name}`);
  if (masks.shape[1] !== image.shape[1] || masks.shape[2] !== image.shape[2]) throw new Error('The image and the masks must have the same height and width');
  const numMasks = masks.shape[0]!;
  const overlapping = masks.sum(0).gt(1);
  if (numMasks === 0) {
    process.emitWarning("masks doesn't contain any mask. No mask was drawn", 'UserWarning');
    return image;
  }
  const originalDtype = image.dtype;
  const float = originalDtype.isFloatingPoint;
  const colors = parseColors(o.colors, numMasks).map((c) => makeTensor(float ? c.map((v) => v / 255) : c, { dtype: originalDtype }));
  const drawn = image.detach().clone();
  for (let i = 0; i < numMasks; i++) drawn.set([':', masks.get(i)], colors[i]!.get(':', null));
  drawn.set([':', overlapping], 0);
  return image.mul(pyFloat(1 - o.alpha)).add(drawn.mul(pyFloat(o.alpha))).to(originalDtype);
}

// _make_colorwheel: the Middlebury optical-flow color wheel (55 colors).
function makeColorwheel(): Tensor {
  const [RY, YG, GC, CB, BM, MR] = [15, 6, 4, 11, 13, 6];
  const wheel = T.zeros([RY + YG + GC + CB + BM + MR, 3]);
  const ramp = (n: number): Tensor => T.floor(T.arange(0, n).mul(255).div(n));
  const down = (n: number): Tensor => T.rsub(ramp(n), 255);
  let col = 0;
  const seg = (n: number): string => `${col}:${col + n}`;
  wheel.set([seg(RY), 0], 255);
  wheel.set([seg(RY), 1], ramp(RY));
  col += RY;
  wheel.set([seg(YG), 0], down(YG));
  wheel.set([seg(YG), 1], 255);
  col += YG;
  wheel.set([seg(GC), 1], 255);
  wheel.set([seg(GC), 2], ramp(GC));
  col += GC;
  wheel.set([seg(CB), 1], down(CB));
  wheel.set([seg(CB), 2], 255);
  col += CB;
  wheel.set([seg(BM), 2], 255);
  wheel.set([seg(BM), 0], ramp(BM));
  col += BM;
  wheel.set([seg(MR), 2], down(MR));
  wheel.set([seg(MR), 0], 255);
  return wheel;
}

/** torchvision.utils.flow_to_image: an optical flow `(2, H, W)` or `(N, 2, H, W)` as uint8 RGB. */
export function flowToImage(flow: Tensor): Tensor {
  if (flow.dtype.name !== 'float32') throw new Error(`Flow should be of dtype torch.float, got torch.${flow.dtype.name}.`);
  const origShape = [...flow.shape];
  if (flow.ndim === 3) flow = flow.get(null);
  if (flow.ndim !== 4 || flow.shape[1] !== 2) throw new Error(`Input flow should have shape (2, H, W) or (N, 2, H, W), got torch.Size([${origShape.join(', ')}]).`);
  const maxNorm = T.sum(flow.pow(2), 1).sqrt().max();
  const normalized = flow.div(maxNorm.add(pyFloat(1.1920928955078125e-7)));
  const [n, , h, w] = [...normalized.shape] as [number, number, number, number];
  const image = T.zeros([n, 3, h, w], { dtype: uint8 });
  const wheel = makeColorwheel();
  const numCols = wheel.shape[0]!;
  const norm = T.sum(normalized.pow(2), 1).sqrt();
  const a = T.atan2(normalized.get(':', 1).neg(), normalized.get(':', 0).neg()).div(pyFloat(Math.PI));
  const fk = a.add(1).div(2).mul(numCols - 1);
  const k0 = T.floor(fk).to(int64);
  const k1 = k0.add(1);
  k1.set(k1.eq(numCols), 0);
  const f = fk.sub(k0);
  for (let c = 0; c < 3; c++) {
    const tmp = wheel.get(':', c);
    const col0 = tmp.get(k0).div(pyFloat(255.0));
    const col1 = tmp.get(k1).div(pyFloat(255.0));
    let col = T.rsub(f, 1).mul(col0).add(f.mul(col1));
    col = T.rsub(norm.mul(T.rsub(col, 1)), 1);
    image.set([':', c, ':', ':'], T.floor(col.mul(255)));
  }
  return origShape.length === 3 ? image.get(0) : image;
}
