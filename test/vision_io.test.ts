// torch.vision.io against what torchvision's decoders give (scripts/fixtures/vision_io.py): PNG
// bit-exact in every ImageReadMode, JPEG within a small tolerance (mozjpeg in sharp against
// libjpeg-turbo); files written here are read back by Pillow.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';

const { io } = torch.vision;
const GEN = path.join(__dirname, 'fixtures', 'generated');
const DIR = path.join(GEN, 'vision_io');
const expected = torch.load(path.join(GEN, 'vision_io.pth')) as Map<string, torch.Tensor>;
const MODES = ['UNCHANGED', 'GRAY', 'GRAY_ALPHA', 'RGB', 'RGB_ALPHA'] as const;
const PNGS = ['rgb.png', 'rgba.png', 'gray.png', 'gray_alpha.png', 'palette.png', 'palette_trns.png', 'gray1.png', 'interlaced.png'];

function expectEqual(actual: torch.Tensor, want: torch.Tensor): void {
  expect([actual.dtype.name, [...actual.shape]]).toEqual([want.dtype.name, [...want.shape]]);
  expect(torch.equal(actual, want)).toBe(true);
}

function maxDiff(a: torch.Tensor, b: torch.Tensor): number {
  return a.to(torch.int32).sub(b.to(torch.int32)).abs().max().item() as number;
}

describe('PNG decoding is torchvision\'s, bit for bit', () => {
  test.each(PNGS.flatMap((f) => MODES.map((m) => [f, m] as const)))('%s %s', async (file, mode) => {
    const want = expected.get(`${file}/${mode}`)!;
    expectEqual(io.decodePng(io.readFile(path.join(DIR, file)), { mode }), want);
    expectEqual(await io.readImage(path.join(DIR, file), { mode: mode.toLowerCase() as Lowercase<typeof mode> }), want);
  });

  test('16-bit PNG decodes to uint16 (interlaced too; RGB drops the alpha)', () => {
    expectEqual(io.decodePng(io.readFile(path.join(DIR, 'gray16.png'))), expected.get('gray16.png/UNCHANGED')!);
    expectEqual(io.decodePng(io.readFile(path.join(DIR, 'interlaced16.png'))), expected.get('interlaced16.png/UNCHANGED')!);
    expectEqual(io.decodePng(io.readFile(path.join(DIR, 'interlaced16.png')), { mode: 'RGB' }), expected.get('interlaced16.png/RGB')!);
  });

  test('the mode may be given positionally', () => {
    expectEqual(io.decodePng(io.readFile(path.join(DIR, 'rgba.png')), 'GRAY'), expected.get('rgba.png/GRAY')!);
  });

  test('ImageReadMode names and the RGBA alias', () => {
    const rgba = io.decodePng(io.readFile(path.join(DIR, 'rgb.png')), { mode: io.ImageReadMode.RGBA });
    expectEqual(rgba, expected.get('rgb.png/RGB_ALPHA')!);
  });
});

describe('JPEG decoding is within two levels of torchvision\'s', () => {
  test.each([
    ['rgb.jpg', 'UNCHANGED'],
    ['rgb.jpg', 'RGB'],
    ['rgb.jpg', 'GRAY'],
    ['gray.jpg', 'UNCHANGED'],
    ['gray.jpg', 'RGB'],
    ['gray.jpg', 'GRAY'],
  ] as const)('%s %s', async (file, mode) => {
    const want = expected.get(`${file}/${mode}`)!;
    const got = await io.decodeJpeg(io.readFile(path.join(DIR, file)), { mode });
    expect([got.dtype.name, [...got.shape]]).toEqual([want.dtype.name, [...want.shape]]);
    expect(maxDiff(got, want)).toBeLessThanOrEqual(2);
    const viaImage = await io.decodeImage(io.readFile(path.join(DIR, file)), { mode });
    expectEqual(viaImage, got);
  });
});

describe('encoding', () => {
  const source = expected.get('source_rgb')!;
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vision-io-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('encodePng round-trips exactly; level 0 stores, level 9 compresses', () => {
    for (const img of [source, source.get('0:1')]) expectEqual(io.decodePng(io.encodePng(img)), img);
    const flat = torch.full([3, 32, 32], 7, { dtype: torch.uint8 });
    expect(io.encodePng(flat, { compressionLevel: 0 }).numel()).toBeGreaterThan(io.encodePng(flat, { compressionLevel: 9 }).numel());
  });

  test('encodeJpeg: a lower quality gives fewer bytes, and the image comes back close', async () => {
    const q95 = await io.encodeJpeg(source, { quality: 95 });
    const q10 = await io.encodeJpeg(source, { quality: 10 });
    expect(q10.numel()).toBeLessThan(q95.numel());
    const error = async (jpeg: torch.Tensor): Promise<number> => {
      const back = await io.decodeJpeg(jpeg);
      expect([...back.shape]).toEqual([...source.shape]);
      return back.to(torch.float32).sub(source.to(torch.float32)).abs().mean().item() as number;
    };
    // Pillow's libjpeg at quality 95 (4:2:0, as here) is off by 7.39 on average on this noisy image.
    expect(await error(q95)).toBeLessThan(8);
    expect(await error(q10)).toBeGreaterThan(await error(q95));
    const gray = source.get('1:2');
    const grayBack = await io.decodeJpeg(await io.encodeJpeg(gray, { quality: 95 }));
    expect([...grayBack.shape]).toEqual([...gray.shape]);
    expect(grayBack.to(torch.float32).sub(gray.to(torch.float32)).abs().mean().item()).toBeLessThan(3);
  });

  test('writePng / writeJpeg / writeFile files are what Pillow reads', async () => {
    io.writePng(source, path.join(tmp, 'a.png'));
    await io.writeJpeg(source, path.join(tmp, 'a.jpg'), { quality: 90 });
    io.writeFile(path.join(tmp, 'copy.png'), io.readFile(path.join(tmp, 'a.png')));
    const python = (require(path.join(__dirname, '..', 'scripts', 'pyenv.js')) as { ensure: () => string }).ensure();
    const code = [
      'import sys, numpy as np',
      'from PIL import Image',
      'for f in sys.argv[1:]:',
      '    a = np.array(Image.open(f).convert("RGB"), dtype=np.int64).transpose(2, 0, 1)',
      '    print(" ".join(map(str, a.flatten())))',
    ].join('\n');
    const out = execFileSync(python, ['-c', code, ...['a.png', 'copy.png', 'a.jpg'].map((f) => path.join(tmp, f))], { encoding: 'utf8' }).trim().split('\n');
    const read = out.map((line) => torch.tensor(line.split(' ').map(Number), { dtype: torch.uint8 }).view(source.shape));
    expectEqual(read[0]!, source);
    expectEqual(read[1]!, source);
    expect(maxDiff(read[2]!, (await io.decodeJpeg(io.readFile(path.join(tmp, 'a.jpg')))) as torch.Tensor)).toBeLessThanOrEqual(2);
  });
});

describe('errors are torchvision\'s', () => {
  const png = io.encodePng(torch.zeros(3, 4, 4, { dtype: torch.uint8 }));
  test.each<[string, () => unknown, string]>([
    ['missing file', () => io.readFile('/no/such/image.png'), "[Errno 2] No such file or directory: '/no/such/image.png'"],
    ['float bytes', () => io.decodePng(torch.zeros(8)), 'Expected a torch.uint8 tensor'],
    ['2-D bytes', () => io.decodePng(torch.zeros(2, 8, { dtype: torch.uint8 })), 'Expected a non empty 1-dimensional tensor'],
    ['too small', () => io.decodePng(png.get('0:5')), 'Content is too small for png!'],
    ['not a png', () => io.decodePng(torch.arange(20).to(torch.uint8)), 'Content is not png!'],
    ['truncated png', () => io.decodePng(png.get('0:40')), 'Out of bound read in decode_png. Probably, the input image is corrupted'],
    ['corrupt png', () => io.decodePng(png.clone().set(20, 7)), 'Internal error.'],
    ['float image', () => io.encodePng(torch.zeros(3, 4, 4)), 'Input tensor dtype should be uint8'],
    ['2-D image', () => io.encodePng(torch.zeros(4, 4, { dtype: torch.uint8 })), 'Input data should be a 3-dimensional tensor'],
    ['5 channels', () => io.encodePng(torch.zeros(5, 4, 4, { dtype: torch.uint8 })), 'The number of channels should be 1 or 3, got: 5'],
    ['compression', () => io.encodePng(torch.zeros(3, 4, 4, { dtype: torch.uint8 }), { compressionLevel: 10 }), 'Compression level should be between 0 and 9'],
    ['mode', () => io.decodePng(png, { mode: 'CMYK' as never }), "'CMYK' is not a valid ImageReadMode"],
    ['unknown keyword', () => io.encodePng(torch.zeros(3, 4, 4, { dtype: torch.uint8 }), { quality: 3 } as never), "encode_png() got an unexpected keyword argument 'quality'"],
  ])('%s', (_what, fn, message) => {
    expect(fn).toThrow(message);
  });

  test.each<[string, () => Promise<unknown>, string]>([
    ['not a jpeg', () => io.decodeJpeg(png), 'Not a JPEG file: starts with 0x89 0x50'],
    ['jpeg alpha mode', () => io.decodeJpeg(png, { mode: 'RGB_ALPHA' }), 'The provided mode is not supported for JPEG files'],
    ['unknown format', () => io.decodeImage(torch.arange(20).to(torch.uint8)), 'Unsupported image file. Only jpeg and png are currently supported.'],
    ['quality', () => io.encodeJpeg(torch.zeros(3, 4, 4, { dtype: torch.uint8 }), { quality: 0 }), 'Image quality should be a positive number between 1 and 100'],
    ['jpeg channels', () => io.encodeJpeg(torch.zeros(2, 4, 4, { dtype: torch.uint8 })), 'The number of channels should be 1 or 3, got: 2'],
    ['decode_image keyword', () => io.decodeImage(png, { apply_exif: true } as never), "decode_image() got an unexpected keyword argument 'apply_exif'"],
    ['corrupt jpeg', async () => io.decodeJpeg(((await io.encodeJpeg(torch.zeros(3, 8, 8, { dtype: torch.uint8 }))).get('0:100'))), ''],
  ])('%s', async (_what, fn, message) => {
    await expect(fn()).rejects.toThrow(message);
  });
});

describe('torch.vision.utils against torchvision', () => {
  const U = torch.vision.utils;
  const e = (name: string): torch.Tensor => expected.get(`utils/${name}`)!;
  const [batch, grayBatch, img, gray, boxes, masks, flow, flows] = ['batch', 'gray_batch', 'img', 'gray', 'boxes', 'masks', 'flow', 'flows'].map((k) => e(`input/${k}`)) as torch.Tensor[];
  const close = (actual: torch.Tensor, want: torch.Tensor): void => {
    expect([actual.dtype.name, [...actual.shape]]).toEqual([want.dtype.name, [...want.shape]]);
    if (want.dtype.isFloatingPoint) expect(actual.sub(want).abs().max().item()).toBeLessThanOrEqual(1e-6);
    else expect(torch.equal(actual, want)).toBe(true);
  };
  const cases: Record<string, () => torch.Tensor> = {
    grid: () => U.makeGrid(batch!),
    grid_nrow: () => U.makeGrid(batch!, { nrow: 2, padding: 1, padValue: 0.5 }),
    grid_list: () => U.makeGrid(batch!.unbind(0).slice(0, 3), { nrow: 3, padding: 0 }),
    grid_normalize: () => U.makeGrid(grayBatch!, { normalize: true }),
    grid_range: () => U.makeGrid(grayBatch!, { normalize: true, valueRange: [-1, 1] }),
    grid_scale_each: () => U.makeGrid(grayBatch!, { normalize: true, scaleEach: true, padding: 3 }),
    grid_single: () => U.makeGrid(batch!.get(0)),
    boxes: () => U.drawBoundingBoxes(img!, boxes!),
    boxes_fill: () => U.drawBoundingBoxes(img!, boxes!, { colors: ['red', [0, 255, 0], '#0000ff', '#fa0'], fill: true, width: 2 }),
    boxes_wide_gray: () => U.drawBoundingBoxes(gray!, boxes!.get('0:2'), { colors: 'yellow', width: 4 }),
    boxes_float: () => U.drawBoundingBoxes(img!.float().div(255), boxes!, { fill: true }),
    boxes_width0: () => U.drawBoundingBoxes(img!, boxes!, { fill: true, width: 0 }),
    boxes_width3: () => U.drawBoundingBoxes(img!, torch.tensor([[2, 2, 4, 3], [5, 5, 5, 5], [3, 2, 8, 2], [20, 18, 30, 25]]), { width: 3 }),
    masks: () => U.drawSegmentationMasks(img!, masks!),
    masks_alpha_colors: () => U.drawSegmentationMasks(img!, masks!, { alpha: 0.5, colors: ['red', 'blue', [10, 200, 30]] }),
    masks_one: () => U.drawSegmentationMasks(img!, masks!.get(0), { colors: 'green' }),
    masks_float: () => U.drawSegmentationMasks(img!.float().div(255), masks!, { alpha: 0.3 }),
    flow: () => U.flowToImage(flow!),
    flows: () => U.flowToImage(flows!),
  };
  test.each(Object.keys(cases))('%s', (name) => close(cases[name]!(), e(name)));

  test('saveImage writes the PNG save_image writes', async () => {
    const file = path.join(os.tmpdir(), `vision-utils-${process.pid}.png`);
    try {
      await U.saveImage(batch!, file, { nrow: 3 });
      expectEqual(io.decodePng(io.readFile(file)), e('saved_grid'));
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  test.each<[string, () => unknown, string]>([
    ['batched image', () => U.drawBoundingBoxes(img!.unsqueeze(0), boxes!), 'Pass individual images, not batches'],
    ['int32 image', () => U.drawBoundingBoxes(img!.to(torch.int32), boxes!), 'The image dtype must be uint8 or float, got torch.int32'],
    ['reversed box', () => U.drawBoundingBoxes(img!, torch.tensor([[5, 5, 2, 8]])), 'Boxes need to be in (xmin, ymin, xmax, ymax) format'],
    ['too few colors', () => U.drawBoundingBoxes(img!, boxes!, { colors: ['red'] }), 'Number of colors must be equal or larger than the number of objects, but got 1 < 4.'],
    ['unknown color', () => U.drawBoundingBoxes(img!, boxes!, { colors: 'nocolor' }), "unknown color specifier: 'nocolor'"],
    ['mask dtype', () => U.drawSegmentationMasks(img!, masks!.to(torch.uint8)), 'The masks must be of dtype bool. Got torch.uint8'],
    ['mask size', () => U.drawSegmentationMasks(img!, masks!.get(':', '0:5')), 'The image and the masks must have the same height and width'],
    ['gray masks image', () => U.drawSegmentationMasks(gray!, masks!), 'Pass an RGB image. Other Image formats are not supported'],
    ['flow dtype', () => U.flowToImage(flow!.double()), 'Flow should be of dtype torch.float, got torch.float64.'],
    ['flow shape', () => U.flowToImage(flow!.get('0:1')), 'Input flow should have shape (2, H, W) or (N, 2, H, W), got torch.Size([1, 9, 11]).'],
  ])('%s', (_what, fn, message) => {
    expect(fn).toThrow(message);
  });
});
