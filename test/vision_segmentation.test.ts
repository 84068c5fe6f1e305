// torch.vision.models.segmentation against torchvision (scripts/fixtures/vision_segmentation.py):
// the six builders with and without the auxiliary classifier, through test/vision/check.ts; the
// subpackage's registry, the builders' errors, a torchvision state_dict loaded strictly and the
// SemanticSegmentation preset.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { expectError, fixture } from './helpers';
import { checkModels } from './vision/check';

const { models } = torch.vision;
const { segmentation } = models;
const generated = path.join(__dirname, 'fixtures', 'generated');

checkModels('vision_segmentation.json');

const extra = fixture<{
  list_models: string[];
  list_classification: string[];
  errors: Record<string, [string, string]>;
  metadata: Record<string, number>;
  preset_none_repr: string;
}>('vision_segmentation_extra.json');
const io = torch.load(path.join(generated, 'vision_segmentation_io.pth')) as Map<string, torch.Tensor>;

describe('segmentation', () => {
  test('listModels({ module }) lists the subpackage as torchvision does; torch.vision.models lists no segmentation builder', () => {
    expect(models.listModels({ module: segmentation })).toEqual(extra.list_models);
    const classification = models.listModels({ module: models });
    expect(classification.filter((m) => extra.list_models.includes(m))).toEqual([]);
    expect(classification.filter((m) => !extra.list_classification.includes(m))).toEqual([]);
    expect(models.getModelBuilder('deeplabv3_resnet50')).toBe(segmentation.deeplabv3Resnet50);
    expect(models.getModelWeights('lraspp_mobilenet_v3_large')).toBe(segmentation.LRASPP_MobileNet_V3_Large_Weights);
  });

  test("the builders' errors are torchvision's", () => {
    const e = extra.errors;
    const kind = (k: string): string => ({ ValueError: 'RangeError', TypeError: 'TypeError' })[e[k]![0]]!;
    expectError(() => segmentation.fcnResnet50({ weights: 'DEFAULT', numClasses: 10 }), e.num_classes_conflict![1], kind('num_classes_conflict'));
    expectError(() => segmentation.deeplabv3Resnet50({ weights: 'DEFAULT', auxLoss: false }), e.aux_loss_conflict![1], kind('aux_loss_conflict'));
    expect(e.lraspp_aux![0]).toBe('NotImplementedError');
    expect(() => segmentation.lrasppMobilenetV3Large({ weightsBackbone: null, auxLoss: true })).toThrow(
      expect.objectContaining({ name: 'NotImplementedError', message: e.lraspp_aux![1] }),
    );
    expectError(() => segmentation.fcnResnet50({ weights: models.ResNet50_Weights.DEFAULT as never }), e.wrong_weights![1], kind('wrong_weights'));
    expectError(() => new models._utils.IntermediateLayerGetter(models.resnet18(), { layer9: 'out' }), e.getter_missing![1], kind('getter_missing'));
    expectError(() => (segmentation.deeplabv3Resnet50 as (...a: unknown[]) => unknown)(null), e.positional![1], kind('positional'));
  });

  const statePath = path.join(generated, 'vision_segmentation_lraspp_state.pth');
  function expectForward(model: torch.nn.Module): void {
    model.eval();
    const y = torch.noGrad(() => model.call(io.get('input')!) as Map<string, torch.Tensor>);
    expect([...y.keys()]).toEqual(['out']);
    const expected = io.get('output')!;
    expect(y.get('out')!.shape).toEqual(expected.shape);
    const scale = Math.max(1, expected.abs().max().item() as number);
    expect((y.get('out')!.sub(expected).abs().max().item() as number) / scale).toBeLessThan(1e-4);
  }

  test('a torchvision lraspp_mobilenet_v3_large state_dict loads strictly and gives its forward', () => {
    const model = segmentation.lrasppMobilenetV3Large({ weightsBackbone: null });
    try {
      const versions = Object.fromEntries([...model.stateDict()._metadata!].map(([k, v]) => [k, v.get('version')]));
      expect(versions).toEqual(extra.metadata);
      model.loadStateDict(torch.load(statePath) as Map<string, torch.Tensor>, { strict: true });
      expectForward(model);
    } finally {
      model.dispose();
    }
  });

  /** Runs `fn` with a temporary TORCH_HOME whose hub cache holds `file` under `weights`' file name. */
  function withCheckpoint(file: string, weights: { url: string }, fn: () => void): void {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'seg-hub-'));
    const saved = process.env.TORCH_HOME;
    try {
      fs.mkdirSync(path.join(home, 'hub', 'checkpoints'), { recursive: true });
      fs.copyFileSync(file, path.join(home, 'hub', 'checkpoints', path.posix.basename(weights.url)));
      process.env.TORCH_HOME = home;
      fn();
    } finally {
      if (saved === undefined) delete process.env.TORCH_HOME;
      else process.env.TORCH_HOME = saved;
      fs.rmSync(home, { recursive: true, force: true });
    }
  }

  test("weights: 'DEFAULT' loads the checkpoint from the hub cache under torchvision's file name", () => {
    withCheckpoint(statePath, segmentation.LRASPP_MobileNet_V3_Large_Weights.DEFAULT, () => {
      const model = segmentation.lrasppMobilenetV3Large({ weights: 'DEFAULT' });
      try {
        expectForward(model);
      } finally {
        model.dispose();
      }
    });
  });

  test("the default weightsBackbone is MobileNet_V3_Large_Weights.IMAGENET1K_V1, loaded into the dilated backbone as torchvision's", () => {
    withCheckpoint(path.join(generated, 'vision_segmentation_backbone.pth'), models.MobileNet_V3_Large_Weights.IMAGENET1K_V1, () => {
      torch.manualSeed(5);
      const model = segmentation.lrasppMobilenetV3Large({ numClasses: 3 });
      try {
        model.eval();
        const y = torch.noGrad(() => model.call(io.get('backbone_input')!) as Map<string, torch.Tensor>).get('out')!;
        const expected = io.get('backbone_output')!;
        expect(y.shape).toEqual(expected.shape);
        const scale = Math.max(1, expected.abs().max().item() as number);
        expect((y.sub(expected).abs().max().item() as number) / scale).toBeLessThan(1e-4);
      } finally {
        model.dispose();
      }
    });
  });

  test("the weights' SemanticSegmentation preset, resize overridden or off, equals torchvision's", () => {
    const weights = segmentation.DeepLabV3_ResNet50_Weights.DEFAULT;
    const img = io.get('image')!;
    for (const [key, options] of [['preset_24', { resizeSize: 24 }], ['preset_none', { resizeSize: null }]] as const) {
      const out = weights.transforms(options).call(img) as torch.Tensor;
      const expected = io.get(key)!;
      expect(out.shape).toEqual(expected.shape);
      expect(out.dtype).toBe(torch.float32);
      expect(out.sub(expected).abs().max().item()).toBeLessThan(1e-5);
    }
    expect(String(weights.transforms({ resizeSize: null }))).toBe(extra.preset_none_repr);
  });
});
