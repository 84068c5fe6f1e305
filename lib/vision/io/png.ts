// PNG, read and written synchronously with Node's zlib, as torchvision's decode_png/encode_png do it
// with libpng (torchvision/csrc/io/image/cpu/decode_png.cpp): the samples of the file as they are
// (palette indices for palette images in UNCHANGED mode), 16-bit images as uint16, and the mode
// conversions libpng makes there (palette to RGB(A), gray to RGB, alpha stripped or added, and
// png_set_rgb_to_gray(png_ptr, 1, 0.2989, 0.587) with libpng's fixed-point coefficients).
import * as zlib from 'zlib';

export type ReadMode = 'UNCHANGED' | 'GRAY' | 'GRAY_ALPHA' | 'RGB' | 'RGB_ALPHA';

export interface RawImage {
  /** Interleaved samples, `height * width * channels`. */
  data: Uint8Array | Uint16Array;
  height: number;
  width: number;
  channels: number;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
// Adam7: [x start, y start, x step, y step] per pass.
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

const internal = (): Error => new Error('Internal error.');

// CRC-32 of PNG chunks (zlib.crc32 needs Node 20.15).
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// png_set_rgb_to_gray_fixed: coefficients in 1/32768ths from the 1/100000ths of 0.2989 and 0.587.
const RC = Math.floor((29890 * 32768) / 100000);
const GC = Math.floor((58700 * 32768) / 100000);
const BC = 32768 - RC - GC;

export function decodePngBytes(bytes: Uint8Array, mode: ReadMode): RawImage {
  if (bytes.length < 8) throw new Error('Content is too small for png!');
  if (!SIGNATURE.every((b, i) => bytes[i] === b)) throw new Error('Content is not png!');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 8;
  let ihdr: { width: number; height: number; bitDepth: number; colorType: number; interlace: number } | undefined;
  let palette: Uint8Array | undefined;
  let trns: Uint8Array | undefined;
  const idat: Uint8Array[] = [];
  for (;;) {
    if (pos + 8 > bytes.length) throw new Error('Out of bound read in decode_png. Probably, the input image is corrupted');
    const length = view.getUint32(pos);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    if (pos + 12 + length > bytes.length) throw new Error('Out of bound read in decode_png. Probably, the input image is corrupted');
    const body = bytes.subarray(pos + 8, pos + 8 + length);
    const critical = (type.charCodeAt(0) & 0x20) === 0;
    if (critical && crc32(bytes.subarray(pos + 4, pos + 8 + length)) !== view.getUint32(pos + 8 + length)) throw internal();
    pos += 12 + length;
    if (type === 'IHDR') {
      const b = new DataView(body.buffer, body.byteOffset, body.byteLength);
      ihdr = { width: b.getUint32(0), height: b.getUint32(4), bitDepth: body[8]!, colorType: body[9]!, interlace: body[12]! };
      if (!(ihdr.colorType in CHANNELS)) throw internal();
    } else if (type === 'PLTE') palette = body;
    else if (type === 'tRNS') trns = body;
    else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
  }
  if (ihdr === undefined) throw internal();
  const { width, height, bitDepth, colorType, interlace } = ihdr;
  if (bitDepth > 8 && bitDepth !== 16) throw new Error(`bit depth of png image is ${bitDepth}. Only <=8 and 16 are supported.`);
  if (colorType === 3 && palette === undefined) throw internal();
  let inflated: Buffer;
  try {
    inflated = zlib.inflateSync(Buffer.concat(idat));
  } catch {
    throw internal();
  }
  const fileChannels = CHANNELS[colorType]!;
  const samples = unfilter(inflated, width, height, fileChannels, bitDepth, interlace === 1);
  // Gray below 8 bits is scaled to 8 (png_set_expand_gray_1_2_4_to_8); palette indices stay indices.
  if (colorType === 0 && bitDepth < 8) {
    const scale = 255 / ((1 << bitDepth) - 1);
    for (let i = 0; i < samples.length; i++) samples[i] = samples[i]! * scale;
  }
  return convert({ data: samples, height, width, channels: fileChannels }, colorType, bitDepth, mode, palette, trns);
}

function unfilter(data: Uint8Array, width: number, height: number, channels: number, bitDepth: number, interlaced: boolean): Uint8Array | Uint16Array {
  const out = bitDepth === 16 ? new Uint16Array(width * height * channels) : new Uint8Array(width * height * channels);
  const bpp = Math.max(1, (channels * bitDepth) >> 3);
  let offset = 0;
  const passes = interlaced ? ADAM7 : [[0, 0, 1, 1]];
  for (const [x0, y0, dx, dy] of passes as [number, number, number, number][]) {
    const pw = Math.ceil((width - x0) / dx);
    const ph = Math.ceil((height - y0) / dy);
    if (pw <= 0 || ph <= 0) continue;
    const stride = Math.ceil((pw * channels * bitDepth) / 8);
    let prev = new Uint8Array(stride);
    for (let r = 0; r < ph; r++) {
      if (offset + 1 + stride > data.length) throw internal();
      const filter = data[offset]!;
      const line = Uint8Array.from(data.subarray(offset + 1, offset + 1 + stride));
      offset += 1 + stride;
      for (let i = 0; i < stride; i++) {
        const a = i >= bpp ? line[i - bpp]! : 0;
        const b = prev[i]!;
        const c = i >= bpp ? prev[i - bpp]! : 0;
        let v: number;
        if (filter === 0) v = 0;
        else if (filter === 1) v = a;
        else if (filter === 2) v = b;
        else if (filter === 3) v = (a + b) >> 1;
        else if (filter === 4) {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          v = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        } else throw internal();
        line[i] = (line[i]! + v) & 0xff;
      }
      prev = line;
      const y = y0 + r * dy;
      for (let col = 0; col < pw; col++) {
        const x = x0 + col * dx;
        for (let ch = 0; ch < channels; ch++) {
          const s = col * channels + ch;
          let value: number;
          if (bitDepth === 16) value = (line[2 * s]! << 8) | line[2 * s + 1]!;
          else if (bitDepth === 8) value = line[s]!;
          else {
            const bit = s * bitDepth;
            value = (line[bit >> 3]! >> (8 - bitDepth - (bit & 7))) & ((1 << bitDepth) - 1);
          }
          out[(y * width + x) * channels + ch] = value;
        }
      }
    }
  }
  return out;
}

function convert(img: RawImage, colorType: number, bitDepth: number, mode: ReadMode, palette?: Uint8Array, trns?: Uint8Array): RawImage {
  if (mode === 'UNCHANGED') return img;
  const isPalette = colorType === 3;
  const hasColor = (colorType & 2) !== 0;
  const hasAlpha = (colorType & 4) !== 0 || isPalette;
  const target: Record<Exclude<ReadMode, 'UNCHANGED'>, number> = { GRAY: 0, GRAY_ALPHA: 4, RGB: 2, RGB_ALPHA: 6 };
  if (colorType === target[mode as Exclude<ReadMode, 'UNCHANGED'>]) return img;
  const max = bitDepth === 16 ? 65535 : 255;
  const n = img.width * img.height;
  // Every pixel as r, g, b, a first, then the channels the mode keeps.
  const rgba = (i: number): [number, number, number, number] => {
    const d = img.data;
    const c = img.channels;
    if (isPalette) {
      const k = d[i]!;
      return [palette![3 * k] ?? 0, palette![3 * k + 1] ?? 0, palette![3 * k + 2] ?? 0, trns !== undefined && k < trns.length ? trns[k]! : 255];
    }
    if (c === 1) return [d[i]!, d[i]!, d[i]!, max];
    if (c === 2) return [d[2 * i]!, d[2 * i]!, d[2 * i]!, d[2 * i + 1]!];
    if (c === 3) return [d[3 * i]!, d[3 * i + 1]!, d[3 * i + 2]!, max];
    return [d[4 * i]!, d[4 * i + 1]!, d[4 * i + 2]!, d[4 * i + 3]!];
  };
  const gray = (r: number, g: number, b: number): number => {
    if (!(hasColor || isPalette) || (r === g && r === b)) return r;
    return bitDepth === 16 ? Math.floor((RC * r + GC * g + BC * b + 16384) / 32768) : Math.floor((RC * r + GC * g + BC * b) / 32768);
  };
  const channels = { GRAY: 1, GRAY_ALPHA: 2, RGB: 3, RGB_ALPHA: 4 }[mode];
  const out = bitDepth === 16 ? new Uint16Array(n * channels) : new Uint8Array(n * channels);
  for (let i = 0; i < n; i++) {
    const [r, g, b, a] = rgba(i);
    const o = i * channels;
    if (mode === 'GRAY') out[o] = gray(r, g, b);
    else if (mode === 'GRAY_ALPHA') {
      out[o] = gray(r, g, b);
      out[o + 1] = hasAlpha ? a : max;
    } else {
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
      if (mode === 'RGB_ALPHA') out[o + 3] = a;
    }
  }
  return { data: out, height: img.height, width: img.width, channels };
}

function crcChunk(type: string, body: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, tail]);
}

/** An 8-bit gray/gray-alpha/RGB/RGBA PNG (each row filtered with None) at the given zlib level (zlib's default by default). */
export function encodePngBytes(img: RawImage, compressionLevel: number = zlib.constants.Z_DEFAULT_COMPRESSION): Buffer {
  const { width, height, channels } = img;
  const colorType = { 1: 0, 2: 4, 3: 2, 4: 6 }[channels as 1 | 2 | 3 | 4];
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = colorType;
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) raw.set(img.data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  return Buffer.concat([Buffer.from(SIGNATURE), crcChunk('IHDR', ihdr), crcChunk('IDAT', zlib.deflateSync(raw, { level: compressionLevel })), crcChunk('IEND', Buffer.alloc(0))]);
}
