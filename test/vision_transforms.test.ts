// torch.vision.transforms.v2 against torchvision (scripts/fixtures/vision_transforms.py): every case
// runs after the same torch.manualSeed as in Python and must give torchvision's output (exactly for
// integer images, within float tolerance otherwise) and leave the generator where torchvision left it.
import * as path from 'path';
import * as torch from '../lib';
import { expectSameImage, fixture } from './helpers';

const { v2 } = torch.vision.transforms;
const F = v2.functional;
const IM = v2.InterpolationMode;
type Fn = (x: torch.Tensor) => torch.Tensor;

const saved = torch.load(path.join(__dirname, 'fixtures', 'generated', 'vision_transforms.pth')) as Map<string, torch.Tensor>;
const meta = fixture<{ cases: Record<string, [string, number]>; samples: Record<string, number>; grayscale_errors: Record<string, string>; v1_top_level: Record<string, boolean>; rrc_log_ratio: number[][]; reprs: Record<string, string>; cpu_capability: string }>('vision_transforms.json');

const call = (t: torch.nn.Module): Fn => (x) => t.call(x) as torch.Tensor;

const CASES: Record<string, Fn> = {
  resize_bilinear_u8: (x) => F.resize(x, [12]),
  resize_bilinear_hw_u8: (x) => F.resize(x, [12, 40]),
  resize_bilinear_noaa_f32: (x) => F.resize(x, [11, 17], { antialias: false }),
  resize_bilinear_f32: (x) => F.resize(x, [11, 17]),
  resize_bicubic_u8: (x) => F.resize(x, [15, 10], { interpolation: IM.BICUBIC }),
  resize_bicubic_f32: (x) => F.resize(x, [40, 50], IM.BICUBIC),
  resize_nearest_u8: (x) => F.resize(x, [30, 40], IM.NEAREST),
  resize_nearest_exact_u8: (x) => F.resize(x, [10, 13], IM.NEAREST_EXACT),
  resize_max_size_u8: (x) => F.resize(x, [20], { maxSize: 24 }),
  resize_batch: (x) => F.resize(x, [9, 7]),
  center_crop: (x) => F.centerCrop(x, [10, 12]),
  center_crop_pad: (x) => F.centerCrop(x, [30, 40]),
  crop_outside: (x) => F.crop(x, -3, 20, 10, 15),
  resized_crop: (x) => F.resizedCrop(x, 2, 3, 15, 20, [8, 9]),
  hflip: F.horizontalFlip,
  vflip: F.verticalFlip,
  pad_constant: (x) => F.pad(x, [1, 2, 3, 4], { fill: 3 }),
  pad_vector_fill: (x) => F.pad(x, [2, 1], [10, 20, 30]),
  pad_edge: (x) => F.pad(x, [3], { paddingMode: 'edge' }),
  pad_reflect: (x) => F.pad(x, [2, 3, 1, 4], null, 'reflect'),
  pad_symmetric: (x) => F.pad(x, [4, 2], null, 'symmetric'),
  pad_symmetric_batch: (x) => F.pad(x, [1, 2, 3, 4], null, 'symmetric'),
  rotate_nearest: (x) => F.rotate(x, 30.0),
  rotate_bilinear_expand: (x) => F.rotate(x, 45.0, { interpolation: IM.BILINEAR, expand: true }),
  rotate_fill: (x) => F.rotate(x, -20.0, { fill: [10, 20, 30] }),
  rotate_center_f32: (x) => F.rotate(x, 75.0, IM.BILINEAR, false, [5, 8], 0.5),
  rotate_90_nonsquare: (x) => F.rotate(x, 90.0),
  rotate_90_square: (x) => F.rotate(x, 90.0),
  rotate_180: (x) => F.rotate(x, 180.0),
  rotate_270_expand: (x) => F.rotate(x, 270.0, IM.NEAREST, true),
  affine: (x) => F.affine(x, 15.0, [2, -3], 1.2, [10.0, 5.0]),
  affine_bilinear_f32: (x) => F.affine(x, -10.0, [1, 1], 0.8, [0.0, 0.0], { interpolation: IM.BILINEAR, fill: [0.1, 0.2, 0.3], center: [4, 6] }),
  grayscale1: (x) => F.rgbToGrayscale(x),
  grayscale3_f32: (x) => F.rgbToGrayscale(x, { numOutputChannels: 3 }),
  gray_to_rgb: F.grayscaleToRgb,
  brightness_u8: (x) => F.adjustBrightness(x, 1.5),
  brightness_f32: (x) => F.adjustBrightness(x, 0.7),
  contrast_u8: (x) => F.adjustContrast(x, 0.6),
  contrast_gray: (x) => F.adjustContrast(x, 1.7),
  contrast_f32: (x) => F.adjustContrast(x, 1.3),
  saturation_u8: (x) => F.adjustSaturation(x, 1.3),
  saturation_f32: (x) => F.adjustSaturation(x, 0.2),
  hue_u8: (x) => F.adjustHue(x, 0.2),
  hue_f32: (x) => F.adjustHue(x, -0.35),
  hue_batch: (x) => F.adjustHue(x, 0.1),
  sharpness_u8: (x) => F.adjustSharpness(x, 2.0),
  sharpness_f32: (x) => F.adjustSharpness(x, 0.3),
  gamma_u8: (x) => F.adjustGamma(x, 0.8),
  gamma_f32: (x) => F.adjustGamma(x, 1.7, { gain: 0.9 }),
  posterize_u8: (x) => F.posterize(x, 3),
  posterize_f32: (x) => F.posterize(x, 2),
  solarize_u8: (x) => F.solarize(x, 128),
  solarize_f32: (x) => F.solarize(x, 0.4),
  autocontrast_u8: F.autocontrast,
  autocontrast_f32: F.autocontrast,
  equalize_u8: F.equalize,
  equalize_batch: F.equalize,
  equalize_f32: F.equalize,
  invert_u8: F.invert,
  invert_f32: F.invert,
  blur_u8: (x) => F.gaussianBlur(x, [5, 5], [1.2, 1.2]),
  blur_f32: (x) => F.gaussianBlur(x, [3, 5]),
  blur_batch: (x) => F.gaussianBlur(x, [3, 3], [0.7, 2.0]),
  to_dtype_scale: (x) => F.toDtype(x, torch.float32, { scale: true }),
  to_dtype_f32_u8: (x) => F.toDtype(x, torch.uint8, true),
  to_dtype_u8_i16: (x) => F.toDtype(x, torch.int16, true),
  to_dtype_noscale: (x) => F.toDtype(x, torch.float64),
  normalize: (x) => F.normalize(x, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
  Resize: call(new v2.Resize(16)),
  Resize_max_size: call(new v2.Resize(12, { maxSize: 14, antialias: false })),
  CenterCrop: call(new v2.CenterCrop(9)),
  Pad: call(new v2.Pad([1, 2], { fill: 3, paddingMode: 'constant' })),
  Normalize: call(new v2.Normalize([0.5, 0.4, 0.3], [0.2, 0.25, 0.3], { inplace: false })),
  ToDtype: call(new v2.ToDtype(torch.float32, { scale: true })),
  Grayscale: call(new v2.Grayscale(3)),
  ToImage_ToPureTensor: call(new v2.Compose([new v2.ToImage(), new v2.ToPureTensor()])),
};
for (let seed = 0; seed < 4; seed++) {
  CASES[`RandomHorizontalFlip_${seed}`] = call(new v2.RandomHorizontalFlip());
  CASES[`RandomVerticalFlip_${seed}`] = call(new v2.RandomVerticalFlip({ p: 0.7 }));
}
for (let seed = 0; seed < 3; seed++) {
  CASES[`RandomResizedCrop_${seed}`] = call(new v2.RandomResizedCrop(16));
  CASES[`RandomResizedCrop_bicubic_${seed}`] = call(new v2.RandomResizedCrop([10, 14], { scale: [0.5, 1.0], ratio: [0.5, 2.0], interpolation: IM.BICUBIC }));
  CASES[`RandomCrop_${seed}`] = call(new v2.RandomCrop(10, { padding: 2 }));
  CASES[`RandomCrop_pad_if_needed_${seed}`] = call(new v2.RandomCrop([30, 20], { padIfNeeded: true, paddingMode: 'reflect' }));
  CASES[`ColorJitter_${seed}`] = call(new v2.ColorJitter(0.4, 0.4, 0.4, 0.1));
  CASES[`ColorJitter_f32_${seed}`] = call(new v2.ColorJitter({ brightness: [0.5, 1.5], hue: 0.3 }));
  CASES[`RandomRotation_${seed}`] = call(new v2.RandomRotation(30));
  CASES[`RandomRotation_bilinear_${seed}`] = call(new v2.RandomRotation([-50, 20], { interpolation: IM.BILINEAR, expand: true, fill: 7 }));
  CASES[`GaussianBlur_${seed}`] = call(new v2.GaussianBlur(5));
  CASES[`RandomAffine_${seed}`] = call(new v2.RandomAffine(25, { translate: [0.2, 0.1], scale: [0.8, 1.2], shear: 10 }));
  CASES[`RandomAffine_shear4_${seed}`] = call(new v2.RandomAffine([-5, 15], { shear: [-5, 5, 0, 10], interpolation: IM.BILINEAR, fill: [0.2, 0.4, 0.6], center: [3, 4] }));
  CASES[`Compose_${seed}`] = call(
    new v2.Compose([new v2.RandomResizedCrop(12), new v2.RandomHorizontalFlip(), new v2.ToDtype(torch.float32, { scale: true }), new v2.Normalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25])]),
  );
}
for (let seed = 0; seed < 4; seed++) {
  CASES[`RandomApply_${seed}`] = call(new v2.RandomApply([new v2.ColorJitter(0.5), new v2.RandomRotation(20)], { p: 0.6 }));
  CASES[`RandomChoice_${seed}`] = call(new v2.RandomChoice([new v2.RandomHorizontalFlip(1.0), new v2.GaussianBlur(3), new v2.RandomCrop(9)], { p: [1, 2, 3] }));
  CASES[`RandomOrder_${seed}`] = call(new v2.RandomOrder([new v2.RandomCrop(15), new v2.ColorJitter({ hue: 0.2 }), new v2.RandomVerticalFlip()]));
  CASES[`RandomGrayscale_${seed}`] = call(new v2.RandomGrayscale(0.5));
  CASES[`RandomInvert_${seed}`] = call(new v2.RandomInvert());
  CASES[`RandomEqualize_${seed}`] = call(new v2.RandomEqualize());
  CASES[`RandomAutocontrast_${seed}`] = call(new v2.RandomAutocontrast(0.6));
  CASES[`RandomPosterize_${seed}`] = call(new v2.RandomPosterize(3));
  CASES[`RandomSolarize_${seed}`] = call(new v2.RandomSolarize(100));
  CASES[`RandomAdjustSharpness_${seed}`] = call(new v2.RandomAdjustSharpness(2.5, { p: 0.4 }));
}
for (let seed = 0; seed < 40; seed++) {
  CASES[`RandAugment_${seed}`] = call(new v2.RandAugment());
  CASES[`TrivialAugmentWide_${seed}`] = call(new v2.TrivialAugmentWide());
}
for (let seed = 0; seed < 12; seed++) {
  for (const policy of [v2.AutoAugmentPolicy.IMAGENET, v2.AutoAugmentPolicy.CIFAR10, v2.AutoAugmentPolicy.SVHN]) {
    CASES[`AutoAugment_${policy.name}_${seed}`] = call(new v2.AutoAugment(policy));
  }
  CASES[`AutoAugment_custom_${seed}`] = call(new v2.AutoAugment(v2.AutoAugmentPolicy.SVHN, { interpolation: IM.BILINEAR, fill: [5, 6, 7] }));
}
for (let seed = 0; seed < 6; seed++) {
  CASES[`RandAugment_custom_${seed}`] = call(new v2.RandAugment({ numOps: 3, magnitude: 15, interpolation: IM.BILINEAR, fill: [1, 2, 3] }));
  CASES[`TrivialAugmentWide_f32_${seed}`] = call(new v2.TrivialAugmentWide({ numMagnitudeBins: 11 }));
}

describe('transforms.v2 against torchvision', () => {
  test('every Python case has its TypeScript twin', () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(meta.cases).sort());
  });

  test.each(Object.keys(meta.cases))('%s', (name) => {
    const [input, seed] = meta.cases[name]!;
    const fn = CASES[name]!;
    torch.manualSeed(seed);
    const out = fn(saved.get(`input/${input}`)!.clone());
    expectSameImage(out, saved.get(name)!, name);
    expect(torch.rand(1).item()).toBe(saved.get(`${name}/after`)!.item());
  });

  test('reprs are torchvision\'s', () => {
    const mine: Record<string, torch.nn.Module> = {
      'Resize(32)': new v2.Resize(32),
      'Resize(bicubic)': new v2.Resize([20, 30], { interpolation: IM.BICUBIC, antialias: false }),
      'CenterCrop(10)': new v2.CenterCrop(10),
      'RandomResizedCrop(16)': new v2.RandomResizedCrop(16),
      'RandomCrop(8, padding=2)': new v2.RandomCrop(8, { padding: 2 }),
      'RandomHorizontalFlip()': new v2.RandomHorizontalFlip(),
      'RandomVerticalFlip(0.3)': new v2.RandomVerticalFlip(0.3),
      'ColorJitter(0.4, 0.4, 0.4, 0.1)': new v2.ColorJitter(0.4, 0.4, 0.4, 0.1),
      'ColorJitter(brightness=0.2)': new v2.ColorJitter({ brightness: 0.2 }),
      Normalize: new v2.Normalize([0.5, 0.5, 0.5], [0.2, 0.2, 0.2]),
      ToDtype: new v2.ToDtype(torch.float32, { scale: true }),
      Pad: new v2.Pad([1, 2], { fill: 3, paddingMode: 'edge' }),
      'RandomRotation(30)': new v2.RandomRotation(30),
      'RandomRotation(center)': new v2.RandomRotation([-10, 20], { center: [3, 4], expand: true }),
      'GaussianBlur(3)': new v2.GaussianBlur(3),
      'GaussianBlur(5, (0.5, 1.5))': new v2.GaussianBlur(5, [0.5, 1.5]),
      'Grayscale(3)': new v2.Grayscale(3),
      'RandAugment()': new v2.RandAugment(),
      'RandAugment(fill)': new v2.RandAugment({ fill: [1, 2, 3] }),
      'TrivialAugmentWide()': new v2.TrivialAugmentWide(),
      'ToImage()': new v2.ToImage(),
      'ToPureTensor()': new v2.ToPureTensor(),
      Compose: new v2.Compose([new v2.Resize(8), new v2.CenterCrop(4)]),
      RandomAffine: new v2.RandomAffine(25, { translate: [0.2, 0.1], scale: [0.8, 1.2], shear: 10 }),
      'RandomGrayscale()': new v2.RandomGrayscale(),
      'RandomPosterize(3)': new v2.RandomPosterize(3),
      'RandomSolarize(100)': new v2.RandomSolarize(100),
      'RandomAdjustSharpness(2.5, p=0.4)': new v2.RandomAdjustSharpness(2.5, 0.4),
      'RandomEqualize()': new v2.RandomEqualize(),
      RandomApply: new v2.RandomApply([new v2.ColorJitter(0.5), new v2.RandomRotation(20)], 0.6),
      RandomChoice: new v2.RandomChoice([new v2.RandomHorizontalFlip(1.0), new v2.GaussianBlur(3)], [1, 3]),
      RandomOrder: new v2.RandomOrder([new v2.RandomCrop(15), new v2.RandomVerticalFlip()]),
      'AutoAugment()': new v2.AutoAugment(),
      'AutoAugment(CIFAR10, fill=3)': new v2.AutoAugment(v2.AutoAugmentPolicy.CIFAR10, { fill: 3 }),
    };
    expect(Object.fromEntries(Object.entries(mine).map(([k, m]) => [k, m.toString()]))).toEqual(meta.reprs);
  });
});

describe('samples that are not a bare image, as torchvision flattens them', () => {
  const inputs = (): Record<string, torch.Tensor> => Object.fromEntries(['u8', 'f32', 'sq'].map((k) => [k, saved.get(`input/${k}`)!.clone()]));
  // (transform, sample builder): dicts as plain objects, and one as a Map.
  const SAMPLES: Record<string, [torch.nn.Module, (i: Record<string, torch.Tensor>) => unknown]> = {
    dict_hflip: [new v2.RandomHorizontalFlip({ p: 1 }), (i) => ({ image: i.u8, label: 3 })],
    nested_normalize: [new v2.Normalize([0.5, 0.4, 0.3], [0.2, 0.25, 0.3]), (i) => [[i.f32], 5]],
    dict_list_crop: [new v2.RandomResizedCrop(16), (i) => ({ meta: { id: 7 }, x: [i.f32, i.u8] })],
    tuple_dict_trivial: [new v2.TrivialAugmentWide(), (i) => [5, new Map([['a', i.u8], ['b', i.sq]])]],
    compose_dict: [new v2.Compose([new v2.RandomResizedCrop(12), new v2.RandomHorizontalFlip()]), (i) => ({ img: i.u8, target: torch.tensor([1, 2]) })],
    random_apply_dict: [new v2.RandomApply([new v2.ColorJitter(0.5)], { p: 0.9 }), (i) => ({ img: i.u8, boxes: [1, 2] })],
  };
  // The sample's structure with dicts as [key, value] lists, and its tensors in order.
  function shape(x: unknown, tensors: torch.Tensor[]): unknown {
    if (x instanceof torch.Tensor) return tensors.push(x) && 'tensor';
    if (Array.isArray(x)) return x.map((v) => shape(v, tensors));
    if (x instanceof Map) return { dict: [...x].map(([k, v]) => [k, shape(v, tensors)]) };
    if (typeof x === 'object' && x !== null) return { dict: Object.entries(x).map(([k, v]) => [k, shape(v, tensors)]) };
    return x;
  }

  test('every Python sample has its TypeScript twin', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(Object.keys(meta.samples).sort());
  });

  test.each(Object.keys(meta.samples))('%s', (name) => {
    const [transform, build] = SAMPLES[name]!;
    torch.manualSeed(meta.samples[name]!);
    const out = transform.call(build(inputs()));
    const mine: torch.Tensor[] = [];
    const theirs: torch.Tensor[] = [];
    expect(shape(out, mine)).toEqual(shape(saved.get(`sample/${name}`), theirs));
    mine.forEach((t, i) => expectSameImage(t, theirs[i]!, `${name} tensor ${i}`));
    expect(torch.rand(1).item()).toBe(saved.get(`sample/${name}/after`)!.item());
  });
});

test("torchvision.transforms (v1) has torchvision's top-level names: classes, not functional's kernels", () => {
  const names: Record<string, string> = { resize: 'resize', center_crop: 'centerCrop', convert_image_dtype: 'convertImageDtype', normalize: 'normalize', Resize: 'Resize', Normalize: 'Normalize' };
  expect(Object.fromEntries(Object.entries(names).map(([py, js]) => [py, js in torch.vision.transforms]))).toEqual(meta.v1_top_level);
  expect(typeof torch.vision.transforms.functional.resize).toBe('function');
});

test("RandomResizedCrop computes torchvision's _log_ratio once, in its constructor", () => {
  expect([new v2.RandomResizedCrop(16)._logRatio, new v2.RandomResizedCrop(16, { ratio: [0.5, 2.0] })._logRatio]).toEqual(meta.rrc_log_ratio);
});

test("images with neither 1 nor 3 channels: torchvision's errors", () => {
  const calls: Record<string, [number, Fn]> = {
    rgb_to_grayscale_2: [2, (x) => F.rgbToGrayscale(x)],
    rgb_to_grayscale_4: [4, (x) => F.rgbToGrayscale(x, { numOutputChannels: 3 })],
    grayscale_to_rgb_2: [2, F.grayscaleToRgb],
    Grayscale_4: [4, call(new v2.Grayscale())],
    RandomGrayscale_2: [2, call(new v2.RandomGrayscale({ p: 1 }))],
  };
  expect(Object.keys(calls).sort()).toEqual(Object.keys(meta.grayscale_errors).sort());
  for (const [name, [c, fn]] of Object.entries(calls)) expect(() => fn(torch.zeros(c, 4, 4, { dtype: torch.uint8 }))).toThrow(meta.grayscale_errors[name]!);
});

describe('errors are torchvision\'s', () => {
  const img = torch.zeros(3, 8, 8, { dtype: torch.uint8 });
  test.each<[string, () => unknown, string]>([
    ['normalize of an integer image', () => F.normalize(img, [0.5], [0.5]), 'Input tensor should be a float tensor. Got torch.uint8.'],
    ['normalize with std 0', () => F.normalize(img.float(), [0.5], [0]), 'std evaluated to zero, leading to division by zero.'],
    ['pad mode', () => F.pad(img, 1, 0, 'wrap'), "`padding_mode` should be either `'constant'`, `'edge'`, `'reflect'` or `'symmetric'`, but got `'wrap'`."],
    ['vector fill with edge', () => F.pad(img, 1, [1, 2, 3], 'edge'), "Padding mode 'edge' is not supported if fill is not scalar"],
    ['rotate fill', () => F.rotate(img, 10, IM.NEAREST, false, null, [1, 2]), "The number of elements in 'fill' cannot broadcast to match the number of channels of the image (2 != 3)"],
    ['bicubic rotate', () => F.rotate(img, 10, IM.BICUBIC), "Interpolation mode 'bicubic' is unsupported with Tensor input"],
    ['blur kernel', () => F.gaussianBlur(img, 4), 'kernel_size should have odd and positive integers. Got [4, 4]'],
    ['hue range', () => F.adjustHue(img, 0.7), 'hue_factor (0.7) is not in [-0.5, 0.5].'],
    ['brightness', () => F.adjustBrightness(img, -1), 'brightness_factor (-1) is not non-negative.'],
    ['max_size', () => F.resize(img, [4], IM.BILINEAR, 3), 'max_size = 3 must be strictly greater than the requested size for the smaller edge size = [4]'],
    ['lanczos without antialias', () => F.resize(img, [4], IM.LANCZOS, null, false), 'InterpolationMode.LANCZOS requires antialias=True'],
    ['unsafe to_dtype', () => F.toDtype(img.float(), torch.int32, true), 'The conversion from torch.float32 to torch.int32 cannot be performed safely.'],
    ['crop too large', () => new v2.RandomCrop(10).call(img), 'Required crop size (10, 10) is larger than input image size (8, 8).'],
    ['p', () => new v2.RandomHorizontalFlip(2), '`p` should be a floating point value in the interval [0.0, 1.0].'],
    ['unknown keyword', () => new v2.Resize(3, { maxsize: 4 } as never), "__init__() got an unexpected keyword argument 'maxsize'"],
    ['unknown functional keyword', () => F.resize(img, [4], { antialais: false } as never), "resize() got an unexpected keyword argument 'antialais'"],
    ['missing argument', () => (F.crop as (...a: unknown[]) => unknown)(img, 0, 0, 4), "crop() missing 1 required positional argument: 'width'"],
  ])('%s', (_what, fn, message) => {
    expect(fn).toThrow(message);
  });
});

