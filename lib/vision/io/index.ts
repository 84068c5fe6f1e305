// torchvision.io's image functions on uint8 tensors: encoded bytes are a 1-D uint8 tensor, images
// `(C, H, W)`. PNG is decoded and encoded here synchronously (./png.ts, bit-exact with
// torchvision's libpng decoder, modes included). JPEG goes through sharp (libvips with mozjpeg),
// which only works asynchronously, so every function that may meet a JPEG returns a Promise:
// decodeJpeg, encodeJpeg, writeJpeg, decodeImage and readImage. A JPEG decoded by mozjpeg can
// differ from torchvision's libjpeg-turbo by a level or two in a few pixels.
import * as fs from 'fs';
import type SharpFn from 'sharp';
import { tensor as makeTensor } from '../../creation';
import { pySignature } from '../../python_signature';
import { uint8 } from '../../dtype';
import type { Tensor } from '../../tensor';
import { decodePngBytes, encodePngBytes, type RawImage, type ReadMode } from './png';

// sharp (and libvips) load at the first JPEG, not with torchnode.
let sharpModule: typeof SharpFn | undefined;
function sharp(...args: Parameters<typeof SharpFn>): ReturnType<typeof SharpFn> {
  sharpModule ??= require('sharp') as typeof SharpFn; // eslint-disable-line @typescript-eslint/no-require-imports
  return sharpModule(...args);
}

/** torchvision.io.ImageReadMode; a mode may also be given as its name, in any case ('rgb'). */
export const ImageReadMode = {
  UNCHANGED: 'UNCHANGED',
  GRAY: 'GRAY',
  GRAY_ALPHA: 'GRAY_ALPHA',
  RGB: 'RGB',
  RGB_ALPHA: 'RGB_ALPHA',
  RGBA: 'RGB_ALPHA',
} as const;
export type ImageReadMode = ReadMode;

export interface DecodeOptions {
  mode?: ImageReadMode | Lowercase<ImageReadMode> | 'RGBA' | 'rgba';
}

function readMode(mode: string | undefined): ReadMode {
  const m = (mode ?? 'UNCHANGED').toUpperCase();
  if (m === 'RGBA') return 'RGB_ALPHA';
  if (!(m in ImageReadMode)) throw new Error(`'${mode}' is not a valid ImageReadMode`);
  return m as ReadMode;
}

/** The bytes of a 1-D uint8 tensor (torchvision's checks of encoded data). */
function encodedBytes(input: Tensor | Uint8Array): Uint8Array {
  if (input instanceof Uint8Array) {
    if (input.length === 0) throw new Error('Expected a non empty 1-dimensional tensor');
    return input;
  }
  if (input.dtype !== uint8) throw new Error('Expected a torch.uint8 tensor');
  if (input.ndim !== 1 || input.numel() === 0) throw new Error('Expected a non empty 1-dimensional tensor');
  return input.contiguous().toTypedArray() as Uint8Array;
}

const toTensor = (img: RawImage): Tensor => makeTensor(img.data).view(img.height, img.width, img.channels).permute(2, 0, 1);

/** An image tensor `(C, H, W)` -> its interleaved uint8 samples, with torchvision's checks. */
function imageSamples(input: Tensor): RawImage {
  if (input.dtype !== uint8) throw new Error('Input tensor dtype should be uint8');
  if (input.ndim !== 3) throw new Error('Input data should be a 3-dimensional tensor');
  const [channels, height, width] = [...input.shape] as [number, number, number];
  if (channels !== 1 && channels !== 3) throw new Error(`The number of channels should be 1 or 3, got: ${channels}`);
  return { data: input.permute(1, 2, 0).contiguous().toTypedArray() as Uint8Array, height, width, channels };
}

/** torchvision.io.read_file: the bytes of a file as a 1-D uint8 tensor. */
export function readFile(path: string): Tensor {
  let data: Buffer;
  try {
    data = fs.readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new Error(`[Errno 2] No such file or directory: '${path}'`);
    throw e;
  }
  return makeTensor(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

/** torchvision.io.write_file: writes a 1-D uint8 tensor's bytes. */
export function writeFile(filename: string, data: Tensor): void {
  fs.writeFileSync(filename, encodedBytes(data));
}

/** torchvision.io.decode_png (sync): uint8 `(C, H, W)`, uint16 for 16-bit files. */
const DECODE_PNG = pySignature('decode_png', "input, mode='UNCHANGED'");
export function decodePng(input: Tensor | Uint8Array, ...rest: [DecodeOptions?] | unknown[]): Tensor {
  const o = DECODE_PNG<{ input: Tensor | Uint8Array; mode: string }>([input, ...rest]);
  return toTensor(decodePngBytes(encodedBytes(o.input), readMode(o.mode)));
}

/** torchvision.io.encode_png (sync): the PNG's bytes as a 1-D uint8 tensor. */
const ENCODE_PNG = pySignature('encode_png', 'input, compression_level=6');
export function encodePng(input: Tensor, ...rest: [{ compressionLevel?: number }?] | unknown[]): Tensor {
  const { compressionLevel: level } = ENCODE_PNG<{ compressionLevel: number }>([input, ...rest]);
  if (!(Number.isInteger(level) && level >= 0 && level <= 9)) throw new Error('Compression level should be between 0 and 9');
  const png = encodePngBytes(imageSamples(input), level);
  return makeTensor(new Uint8Array(png.buffer, png.byteOffset, png.byteLength));
}

/** torchvision.io.write_png (sync). */
const WRITE_PNG = pySignature('write_png', 'input, filename, compression_level=6');
export function writePng(input: Tensor, filename: string, ...rest: [{ compressionLevel?: number }?] | unknown[]): void {
  const o = WRITE_PNG<{ filename: string; compressionLevel: number }>([input, filename, ...rest]);
  writeFile(o.filename, encodePng(input, { compressionLevel: o.compressionLevel }));
}

const hex = (b: number | undefined): string => `0x${(b ?? 0).toString(16).padStart(2, '0')}`;

/** torchvision.io.decode_jpeg, through sharp (so a Promise): uint8 `(C, H, W)`. */
const DECODE_JPEG = pySignature('decode_jpeg', "input, mode='UNCHANGED'");
export async function decodeJpeg(input: Tensor | Uint8Array, ...rest: [DecodeOptions?] | unknown[]): Promise<Tensor> {
  const o = DECODE_JPEG<{ mode: string }>([input, ...rest]);
  const bytes = encodedBytes(input);
  const mode = readMode(o.mode);
  if (mode === 'GRAY_ALPHA' || mode === 'RGB_ALPHA') throw new Error('The provided mode is not supported for JPEG files');
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new Error(`Not a JPEG file: starts with ${hex(bytes[0])} ${hex(bytes[1])}`);
  let decoded: { data: Buffer; info: { width: number; height: number; channels: number } };
  try {
    const image = sharp(bytes, { ignoreIcc: true, failOn: 'error' });
    // libvips hands a grayscale JPEG over as three equal channels.
    const gray = (await image.metadata()).channels === 1;
    decoded = await (gray ? image.extractChannel(0) : image).raw().toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new Error((e as Error).message);
  }
  const { width, height, channels } = decoded.info;
  const data = new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength);
  let img: RawImage = { data, height, width, channels };
  if (mode === 'RGB' && channels === 1) img = { data: Uint8Array.from({ length: width * height * 3 }, (_, i) => data[Math.floor(i / 3)]!), height, width, channels: 3 };
  else if (mode === 'GRAY' && channels === 3) {
    // libjpeg's RGB -> Y (jccolor.c): 0.29900 R + 0.58700 G + 0.11400 B, in 16-bit fixed point, rounded.
    const gray = new Uint8Array(width * height);
    for (let i = 0; i < gray.length; i++) {
      gray[i] = (19595 * data[3 * i]! + 38470 * data[3 * i + 1]! + 7471 * data[3 * i + 2]! + 32768) >> 16;
    }
    img = { data: gray, height, width, channels: 1 };
  }
  return toTensor(img);
}

/** torchvision.io.encode_jpeg, through sharp (so a Promise): the JPEG's bytes as a 1-D uint8 tensor. */
const ENCODE_JPEG = pySignature('encode_jpeg', 'input, quality=75');
export async function encodeJpeg(input: Tensor, ...rest: [{ quality?: number }?] | unknown[]): Promise<Tensor> {
  const { quality } = ENCODE_JPEG<{ quality: number }>([input, ...rest]);
  if (quality < 1 || quality > 100) throw new Error('Image quality should be a positive number between 1 and 100');
  const img = imageSamples(input);
  const raw = sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels as 1 | 3 } });
  // libvips would write a one-channel image as three channels; torchvision writes a grayscale JPEG.
  const jpeg = await (img.channels === 1 ? raw.toColourspace('b-w') : raw).jpeg({ quality }).toBuffer();
  return makeTensor(new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength));
}

/** torchvision.io.write_jpeg (a Promise). */
const WRITE_JPEG = pySignature('write_jpeg', 'input, filename, quality=75');
export async function writeJpeg(input: Tensor, filename: string, ...rest: [{ quality?: number }?] | unknown[]): Promise<void> {
  const o = WRITE_JPEG<{ filename: string; quality: number }>([input, filename, ...rest]);
  writeFile(o.filename, await encodeJpeg(input, { quality: o.quality }));
}

/** torchvision.io.decode_image: PNG or JPEG by its signature (a Promise, as a JPEG needs sharp). */
const DECODE_IMAGE = pySignature('decode_image', "input, mode='UNCHANGED'");
export async function decodeImage(input: Tensor | Uint8Array, ...rest: [DecodeOptions?] | unknown[]): Promise<Tensor> {
  const { mode } = DECODE_IMAGE<{ mode: DecodeOptions['mode'] }>([input, ...rest]);
  const bytes = encodedBytes(input);
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return decodeJpeg(bytes, { mode });
  if (bytes.length >= 4 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return decodePng(bytes, { mode });
  throw new Error('Unsupported image file. Only jpeg and png are currently supported.');
}

/** torchvision.io.read_image (a Promise). */
const READ_IMAGE = pySignature('read_image', "path, mode='UNCHANGED'");
export async function readImage(path: string, ...rest: [DecodeOptions?] | unknown[]): Promise<Tensor> {
  const o = READ_IMAGE<{ path: string; mode: DecodeOptions['mode'] }>([path, ...rest]);
  return decodeImage(readFile(o.path), { mode: o.mode });
}
