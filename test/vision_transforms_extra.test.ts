// transforms.v2 RandomErasing, FiveCrop, TenCrop, RandomPerspective, RandomZoomOut, ElasticTransform,
// ScaleJitter, MixUp, CutMix, AugMix and the kernels against torchvision (scripts/fixtures/vision_transforms_extra.py): each case runs after the same
// torch.manualSeed as in Python and must give torchvision's output (exactly for integer images) and
// leave the generator where torchvision left it.
import * as path from 'path';
import * as torch from '../lib';
import * as augment from '../lib/vision/transforms/v2/_augment';
import * as autoAugment from '../lib/vision/transforms/v2/_auto_augment';
import * as geometry from '../lib/vision/transforms/v2/_geometry';
import { expectSameImage, fixture } from './helpers';

const v2 = { ...augment, ...autoAugment, ...geometry };
const F = torch.vision.transforms.v2.functional;
const IM = torch.vision.transforms.v2.InterpolationMode;
type Fn = (x: torch.Tensor) => torch.Tensor;

const saved = torch.load(path.join(__dirname, 'fixtures', 'generated', 'vision_transforms_extra.pth')) as Map<string, torch.Tensor>;
const meta = fixture<{ cases: Record<string, [string, number]>; mix: Record<string, number>; reprs: Record<string, string>; errors: Record<string, [string, string]> }>(
  'vision_transforms_extra.json',
);

const call = (t: torch.nn.Module): Fn => (x) => t.call(x) as torch.Tensor;
const stacked = (t: torch.nn.Module): Fn => (x) => torch.stack(t.call(x) as unknown as torch.Tensor[]);

const SP = [[0, 0], [30, 0], [30, 22], [0, 22]];
const EP = [[3, 2], [27, 1], [29, 20], [1, 18]];
const EP_FLOAT = [[1.5, 2.25], [28.0, 0.5], [29.75, 21.0], [0.1, 19.9]];
const COEFFS = [1.1, 0.05, -2.0, -0.03, 0.95, 1.5, 0.001, -0.002];

const CASES: Record<string, Fn> = {
  erase_u8: (x) => F.erase(x, 2, 3, 5, 7, torch.tensor([10.0, 20.7, 300.0]).get(':', null, null)),
  erase_f32_random: (x) => F.erase(x, 4, 1, 6, 9, torch.randn(3, 6, 9)),
  erase_inplace: (x) => {
    const y = F.erase(x, 0, 0, 3, 3, torch.tensor(0.5), { inplace: true });
    expect(y).toBe(x);
    return y;
  },
  erase_batch: (x) => F.erase(x, 1, 2, 4, 4, torch.tensor([7.0]).get(':', null, null)),
  five_crop_u8: (x) => torch.stack(F.fiveCrop(x, [10, 12])),
  five_crop_int: (x) => torch.stack(F.fiveCrop(x, 9)),
  five_crop_batch: (x) => torch.stack(F.fiveCrop(x, [7])),
  ten_crop: (x) => torch.stack(F.tenCrop(x, [8, 11])),
  ten_crop_vertical: (x) => torch.stack(F.tenCrop(x, 6, { verticalFlip: true })),
  perspective_u8: (x) => F.perspective(x, SP, EP),
  perspective_nearest_fill: (x) => F.perspective(x, SP, EP, { interpolation: IM.NEAREST, fill: [10, 20, 30] }),
  perspective_float_points: (x) => F.perspective(x, SP, EP_FLOAT, { fill: 0.25 }),
  perspective_coefficients: (x) => F.perspective(x, null, null, { coefficients: COEFFS }),
  perspective_f64: (x) => F.perspective(x, [[0, 0], [12, 0], [12, 10], [0, 10]], [[1, 1], [11, 0], [12, 9], [2, 10]], IM.BILINEAR, 1),
  perspective_batch: (x) => F.perspective(x, null, null, 'nearest', null, COEFFS),
  elastic_u8: (x) => F.elastic(x, torch.randn(1, 23, 31, 2).mul(0.1)),
  elastic_f32_nearest_fill: (x) => F.elastic(x, torch.randn(1, 23, 31, 2).mul(0.2), { interpolation: IM.NEAREST, fill: [0.1, 0.2, 0.3] }),
  elastic_batch: (x) => F.elastic(x, torch.randn(1, 16, 20, 2, { dtype: torch.float64 }).mul(0.1), IM.BILINEAR, 9),
  FiveCrop: stacked(new v2.FiveCrop(10)),
  TenCrop: stacked(new v2.TenCrop([8, 6], { verticalFlip: true })),
};
for (let seed = 0; seed < 6; seed++) {
  CASES[`RandomErasing_${seed}`] = call(new v2.RandomErasing());
  CASES[`RandomErasing_random_${seed}`] = call(new v2.RandomErasing({ p: 1.0, value: 'random' }));
  CASES[`RandomErasing_u8_${seed}`] = call(new v2.RandomErasing(0.9, { scale: [0.1, 0.3], ratio: [0.5, 2.0], value: [10, 20, 30] }));
  CASES[`RandomErasing_large_${seed}`] = call(new v2.RandomErasing(1.0, { scale: [0.85, 0.95], value: 200 }));
  CASES[`RandomPerspective_${seed}`] = call(new v2.RandomPerspective());
  CASES[`RandomPerspective_nearest_${seed}`] = call(new v2.RandomPerspective(0.8, { p: 1.0, interpolation: IM.NEAREST, fill: [1, 2, 3] }));
  CASES[`RandomPerspective_f32_${seed}`] = call(new v2.RandomPerspective({ distortionScale: 0.3, p: 0.7, fill: 0.5 }));
  CASES[`RandomZoomOut_${seed}`] = call(new v2.RandomZoomOut());
  CASES[`RandomZoomOut_fill_${seed}`] = call(new v2.RandomZoomOut({ fill: [0.1, 0.2, 0.3], sideRange: [1.5, 2.5], p: 0.8 }));
  CASES[`ScaleJitter_${seed}`] = call(new v2.ScaleJitter([32, 24]));
  CASES[`ScaleJitter_nearest_${seed}`] = call(new v2.ScaleJitter([20, 30], { scaleRange: [0.5, 1.5], interpolation: IM.NEAREST, antialias: false }));
  CASES[`ElasticTransform_${seed}`] = call(new v2.ElasticTransform());
  CASES[`ElasticTransform_fill_${seed}`] = call(new v2.ElasticTransform({ alpha: [10, 20], sigma: [2, 3], fill: [1, 2, 3] }));
  CASES[`ElasticTransform_nearest_${seed}`] = call(new v2.ElasticTransform(5.0, 0.0, IM.NEAREST));
}

for (let seed = 0; seed < 8; seed++) CASES[`AugMix_${seed}`] = call(new v2.AugMix());
for (let seed = 0; seed < 4; seed++) {
  CASES[`AugMix_custom_${seed}`] = call(new v2.AugMix({ severity: 5, mixtureWidth: 2, chainDepth: 2, alpha: 0.5, allOps: false, interpolation: IM.NEAREST, fill: [1, 2, 3] }));
  CASES[`AugMix_f32_${seed}`] = call(new v2.AugMix({ chainDepth: 1 }));
  CASES[`AugMix_batch_${seed}`] = call(new v2.AugMix({ mixtureWidth: 4 }));
}

// MixUp and CutMix: name -> [transform, the sample (of the fixture's mix inputs)], as in the fixture.
const mixInput = (name: string): torch.Tensor => saved.get(`mix_input/${name}`)!.clone();
const MIX: Record<string, [torch.nn.Module, () => unknown]> = {};
for (let seed = 0; seed < 4; seed++) {
  MIX[`MixUp_${seed}`] = [new v2.MixUp({ numClasses: 5 }), () => [mixInput('fbatch'), mixInput('labels')]];
  MIX[`MixUp_probs_${seed}`] = [new v2.MixUp({ alpha: 0.4 }), () => [mixInput('fbatch'), mixInput('probs')]];
  MIX[`MixUp_alpha2_${seed}`] = [new v2.MixUp({ alpha: 2.0, numClasses: 5 }), () => [mixInput('fbatch'), mixInput('labels')]];
  MIX[`CutMix_${seed}`] = [new v2.CutMix({ numClasses: 5 }), () => [mixInput('fbatch'), mixInput('labels')]];
  MIX[`CutMix_dict_${seed}`] = [new v2.CutMix({ alpha: 0.7, numClasses: 6 }), () => ({ image: mixInput('ubatch'), Labels: mixInput('labels2') })];
  MIX[`CutMix_getter_${seed}`] = [
    new v2.CutMix({ alpha: 0.3, labelsGetter: (s) => (s as [unknown, torch.Tensor[]])[1][0] }),
    () => [mixInput('fbatch'), [mixInput('probs'), mixInput('labels')]],
  ];
}

describe('RandomErasing, FiveCrop, TenCrop, RandomPerspective against torchvision', () => {
  test('every Python case has its TypeScript twin', () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(meta.cases).sort());
  });

  test.each(Object.keys(meta.cases))('%s', (name) => {
    const [input, seed] = meta.cases[name]!;
    torch.manualSeed(seed);
    const out = CASES[name]!(saved.get(`input/${input}`)!.clone());
    expectSameImage(out, saved.get(name)!, name);
    expect(torch.rand(1).item()).toBe(saved.get(`${name}/after`)!.item());
  });

  test.each(Object.keys(meta.mix))('%s', (name) => {
    const [t, sample] = MIX[name]!;
    torch.manualSeed(meta.mix[name]!);
    const out = t.call(sample()) as unknown;
    const [image, labels] = Array.isArray(out)
      ? [out[0] as torch.Tensor, out[1] instanceof torch.Tensor ? out[1] : (out[1] as torch.Tensor[])[0]!]
      : [(out as Record<string, torch.Tensor>).image!, (out as Record<string, torch.Tensor>).Labels!];
    expectSameImage(image, saved.get(`${name}/image`)!, `${name} image`);
    expectSameImage(labels, saved.get(`${name}/labels`)!, `${name} labels`);
    expect(torch.rand(1).item()).toBe(saved.get(`${name}/after`)!.item());
  });

  test('every Python MixUp/CutMix case has its TypeScript twin', () => {
    expect(Object.keys(MIX).sort()).toEqual(Object.keys(meta.mix).sort());
  });

  test('a sample keeps its other elements; FiveCrop puts the crops in the image\'s place', () => {
    const img = saved.get('input/u8')!;
    const [crops, label] = new v2.FiveCrop(4).call(img, 3) as unknown as [torch.Tensor[], number];
    expect(label).toBe(3);
    expect(crops.map((c) => [...c.shape])).toEqual(Array(5).fill([3, 4, 4]));
  });

  test("reprs are torchvision's", () => {
    const mine: Record<string, torch.nn.Module> = {
      'RandomErasing()': new v2.RandomErasing(),
      'RandomErasing(random)': new v2.RandomErasing(0.7, [0.1, 0.2], [0.5, 2.5], 'random', true),
      'RandomErasing(value)': new v2.RandomErasing({ value: [1, 2, 3] }),
      'RandomErasing(3)': new v2.RandomErasing({ value: 3 }),
      'FiveCrop(5)': new v2.FiveCrop(5),
      'FiveCrop((4, 6))': new v2.FiveCrop([4, 6]),
      TenCrop: new v2.TenCrop(5, true),
      'RandomPerspective()': new v2.RandomPerspective(),
      'RandomPerspective(nearest)': new v2.RandomPerspective(0.3, { p: 0.8, interpolation: IM.NEAREST, fill: [1, 2, 3] }),
      'AugMix()': new v2.AugMix(),
      'AugMix(custom)': new v2.AugMix({ severity: 5, mixtureWidth: 2, chainDepth: 2, alpha: 0.5, allOps: false, interpolation: IM.NEAREST, fill: [1, 2, 3] }),
      'MixUp()': new v2.MixUp(),
      'CutMix(alpha=0.5, num_classes=10)': new v2.CutMix({ alpha: 0.5, numClasses: 10 }),
      'RandomZoomOut()': new v2.RandomZoomOut(),
      'RandomZoomOut(fill)': new v2.RandomZoomOut([1, 2, 3], [1.5, 2.0], 0.3),
      ScaleJitter: new v2.ScaleJitter([32, 24]),
      'ScaleJitter(nearest)': new v2.ScaleJitter([32, 24], { scaleRange: [0.5, 1.5], interpolation: IM.NEAREST, antialias: false }),
      'ElasticTransform()': new v2.ElasticTransform(),
      'ElasticTransform(alpha)': new v2.ElasticTransform({ alpha: [10, 20], sigma: 3, fill: [1, 2, 3] }),
    };
    expect(Object.fromEntries(Object.entries(mine).map(([k, m]) => [k, m.toString()]))).toEqual(meta.reprs);
  });

  test('torchvision.transforms (v1) has the same classes', () => {
    const v1 = torch.vision.transforms;
    expect([v1.RandomErasing, v1.FiveCrop, v1.TenCrop, v1.RandomPerspective, v1.ElasticTransform]).toEqual([
      v2.RandomErasing, v2.FiveCrop, v2.TenCrop, v2.RandomPerspective, v2.ElasticTransform,
    ]);
  });
});

describe("errors are torchvision's", () => {
  const img = torch.zeros(3, 8, 8, { dtype: torch.uint8 });
  const kind: Record<string, string> = { ValueError: 'Error', TypeError: 'TypeError', RuntimeError: 'Error' };
  const cases: Record<string, () => unknown> = {
    erasing_value_str: () => new v2.RandomErasing({ value: 'abc' as 'random' }),
    erasing_scale_range: () => new v2.RandomErasing({ scale: [0.0, 1.5] }),
    erasing_p: () => new v2.RandomErasing({ p: 1.5 }),
    erasing_value_channels: () => new v2.RandomErasing({ p: 1.0, value: [1, 2] }).call(img),
    perspective_distortion: () => new v2.RandomPerspective({ distortionScale: 1.5 }),
    perspective_fill: () => new v2.RandomPerspective({ fill: 'x' as never }),
    five_crop_too_big: () => F.fiveCrop(img, [9, 4]),
    five_crop_size: () => new v2.FiveCrop([1, 2, 3]),
    perspective_none: () => F.perspective(img, null, null),
    perspective_corners: () => F.perspective(img, [[0, 0]], [[1, 1]]),
    perspective_coefficients_length: () => F.perspective(img, null, null, { coefficients: Array(7).fill(1.0) }),
    perspective_both: () => F.perspective(img, SP, EP, { coefficients: COEFFS }),
    perspective_bicubic: () => F.perspective(img, SP, EP, { interpolation: IM.BICUBIC }),
    perspective_fill_channels: () => F.perspective(img, SP, EP, { fill: [1, 2] }),
    zoom_out_side_range: () => new v2.RandomZoomOut({ sideRange: [0.5, 2] }),
    zoom_out_side_range_length: () => new v2.RandomZoomOut({ sideRange: [1, 2, 3] as never }),
    elastic_sigma_length: () => new v2.ElasticTransform({ sigma: [1, 2, 3] }),
    elastic_displacement_shape: () => F.elastic(img, torch.zeros(1, 8, 7, 2)),
    mixup_num_classes: () => new v2.MixUp().call(torch.rand(2, 3, 4, 4), torch.tensor([1, 2])),
    mixup_2d_num_classes: () => new v2.MixUp({ numClasses: 3 }).call(torch.rand(2, 3, 4, 4), torch.rand(2, 4)),
    mixup_ndim: () => new v2.MixUp({ numClasses: 3 }).call(torch.rand(3, 4, 4), torch.tensor([1, 2])),
    mixup_batch: () => new v2.MixUp({ numClasses: 3 }).call(torch.rand(3, 3, 4, 4), torch.tensor([1, 2])),
    mixup_labels_shape: () => new v2.MixUp({ numClasses: 3 }).call(torch.rand(3, 3, 4, 4), torch.zeros(2, 2, 2)),
    mixup_labels_getter: () => new v2.MixUp({ labelsGetter: 3 as never }),
    mixup_labels_type: () => new v2.MixUp({ numClasses: 3, labelsGetter: () => 5 }).call(torch.rand(2, 3, 4, 4), torch.tensor([1, 2])),
    cutmix_no_labels: () => new v2.CutMix({ numClasses: 3 }).call({ img: torch.rand(2, 3, 4, 4), target: torch.tensor([1, 2]) }),
    mixup_positional: () => new v2.MixUp(0.5),
    augmix_severity: () => new v2.AugMix({ severity: 11 }),
    mixup_uint8: () => new v2.MixUp({ numClasses: 3 }).call(torch.zeros(2, 3, 4, 4, { dtype: torch.uint8 }), torch.tensor([1, 2])),
  };
  test('every Python error has its TypeScript twin', () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(meta.errors).sort());
  });
  test.each(Object.keys(meta.errors))('%s', (name) => {
    const [type, message] = meta.errors[name]!;
    let thrown: { name?: string; message?: string } | undefined;
    try {
      cases[name]!();
    } catch (e) {
      thrown = e as { name?: string; message?: string };
    }
    expect(thrown?.message).toBe(message);
    expect(thrown?.name).toBe(kind[type]);
  });
});

test('the new classes are torchvision.transforms.v2 names, and the v1 ones where torchvision has them', () => {
  const { v2 } = torch.vision.transforms;
  const v1 = torch.vision.transforms as unknown as Record<string, unknown>;
  expect([v2.RandomErasing, v2.MixUp, v2.CutMix]).toEqual([augment.RandomErasing, augment.MixUp, augment.CutMix]);
  expect([v2.FiveCrop, v2.TenCrop, v2.RandomPerspective, v2.RandomZoomOut, v2.ElasticTransform, v2.ScaleJitter]).toEqual([
    geometry.FiveCrop, geometry.TenCrop, geometry.RandomPerspective, geometry.RandomZoomOut, geometry.ElasticTransform, geometry.ScaleJitter,
  ]);
  expect(v2.AugMix).toBe(autoAugment.AugMix);
  expect(['RandomErasing', 'FiveCrop', 'TenCrop', 'RandomPerspective', 'ElasticTransform', 'AugMix'].map((n) => typeof v1[n])).toEqual(Array(6).fill('function'));
});
