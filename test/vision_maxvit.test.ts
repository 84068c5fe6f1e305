// MaxViT against torchvision (scripts/fixtures/vision_maxvit.py): maxvit_t through the shared model
// checks; a small MaxVit built directly, in eval and in a seeded train step; torchvision's errors.
import * as torch from '../lib';
import * as maxvit from '../lib/vision/models/maxvit';
import { expectError, fixture } from './helpers';
import { checkModels } from './vision/check';

const { models } = torch.vision;

// checkModels runs the whole file on one intra-op thread, as the fixture script computes.
checkModels('vision_maxvit.json');

interface Small {
  kwargs: Record<string, unknown>;
  repr: string;
  state: [string, number[], string][];
  checksums: [number, number][];
  train_output: number[][];
  grads: [string, number, number][];
  output: number[][];
}

const data = fixture<{ small: Small; errors: Record<string, [string, string]> }>('vision_maxvit_small.json');
const camel = (k: string): string => k.replace(/(?<=[a-z0-9])_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const close = (a: number, b: number, rtol: number): boolean => Math.abs(a - b) <= rtol * Math.max(1, Math.abs(b));

function sums(t: torch.Tensor): [number, number] {
  return torch.tidy(() => {
    const d = t.double();
    return [d.sum().item() as number, d.pow(2).sum().item() as number] as [number, number];
  });
}

/** Every entry of `actual` within 1e-4 of `expected`, relative to the largest |expected|. */
function expectNear(actual: number[][], expected: number[][]): void {
  const a = actual.flat();
  const e = expected.flat();
  expect(a.length).toBe(e.length);
  const scale = Math.max(...e.map(Math.abs));
  expect(Math.max(...a.map((v, i) => Math.abs(v - e[i]!))) / scale).toBeLessThan(1e-4);
}

describe('MaxVit built directly (64x64, partition_size=2)', () => {
  const s = data.small;
  const options = Object.fromEntries(Object.entries(s.kwargs).map(([k, v]) => [camel(k), v])) as unknown as maxvit.MaxVitOptions;
  let model: maxvit.MaxVit;

  beforeAll(() => {
    torch.manualSeed(0);
    model = new maxvit.MaxVit(options);
  });
  afterAll(() => model.dispose());

  test('repr, state_dict layout (relative_position_index buffers included) and seeded init match torchvision', () => {
    expect(String(model)).toBe(s.repr);
    const sd = model.stateDict();
    expect([...sd].map(([k, v]) => [k, [...v.shape], v.dtype.name])).toEqual(s.state);
    const bad: string[] = [];
    [...sd.values()].forEach((v, i) => {
      const [a, b] = sums(v);
      if (!close(a, s.checksums[i]![0], 1e-9) || !close(b, s.checksums[i]![1], 1e-9)) bad.push(s.state[i]![0]);
    });
    expect(bad).toEqual([]);
  });

  test('a seeded train-mode forward (dropout, stochastic depth, batch statistics) and its gradients match torchvision', () => {
    torch.manualSeed(3);
    const x = torch.rand(2, 3, 64, 64);
    const y = model.call(x);
    y.pow(2).sum().backward();
    expectNear(y.tolist() as number[][], s.train_output);
    const bad: string[] = [];
    const names = [...model.namedParameters()].map(([n, p]) => {
      const g = p.grad!;
      const [abs, sq] = torch.tidy(() => [g.double().abs().sum().item() as number, g.double().pow(2).sum().item() as number] as [number, number]);
      const [, eAbs, eSq] = s.grads.find(([name]) => name === n)!;
      if (!close(abs, eAbs, 1e-3) || !close(sq, eSq, 1e-3)) bad.push(`${n}: ${abs}, ${sq} vs ${eAbs}, ${eSq}`);
      return n;
    });
    expect(names).toEqual(s.grads.map(([n]) => n));
    expect(bad).toEqual([]);
  });

  test('eval forward after the buffers are redrawn matches torchvision', () => {
    torch.manualSeed(1);
    for (const [name, b] of model.namedBuffers()) {
      if (!b.dtype.isFloatingPoint) continue;
      if (name.endsWith('running_var')) b.uniform_(0.5, 1.5);
      else b.uniform_(-0.2, 0.2);
    }
    model.eval();
    const y = torch.noGrad(() => model.call(torch.rand(1, 3, 64, 64)));
    expectNear(y.tolist() as number[][], s.output);
  });
});

describe("torchvision's errors", () => {
  const e = data.errors;
  const kind = (name: string): string => ({ ValueError: 'RangeError', TypeError: 'TypeError', AssertionError: 'Error' })[name]!;
  const gelu = torch.nn.GELU;
  const layerOptions = {
    inChannels: 16, headDim: 8, partitionSize: 2, partitionType: 'grid' as const, gridSize: [8, 6], mlpRatio: 4,
    activationLayer: gelu, normLayer: torch.nn.LayerNorm, attentionDropout: 0.0, mlpDropout: 0.0, pStochasticDropout: 0.0,
  };
  const cases: [string, () => unknown][] = [
    ['builder_fixed_arg', () => maxvit.maxvitT({ partitionSize: 3 } as never)],
    ['builder_unknown_arg', () => maxvit.maxvitT({ foo: 1 } as never)],
    ['input_size_indivisible', () => maxvit.maxvitT({ inputSize: [64, 64] })],
    ['weights_input_size', () => maxvit.maxvitT({ weights: 'DEFAULT', inputSize: [221, 221] })],
    ['weights_num_classes', () => maxvit.maxvitT({ weights: 'DEFAULT', numClasses: 10 })],
    ['feat_dim_head_dim', () => new maxvit.RelativePositionalMultiHeadAttention(10, 3, 4)],
    ['partition_type', () => new maxvit.PartitionAttentionLayer({ ...layerOptions, partitionType: 'block' as never })],
    ['grid_indivisible', () => new maxvit.PartitionAttentionLayer(layerOptions).call(torch.rand(1, 16, 8, 6))],
    [
      'p_stochastic_length',
      () =>
        new maxvit.MaxVitBlock({
          inChannels: 16, outChannels: 16, squeezeRatio: 0.25, expansionRatio: 4, normLayer: torch.nn.BatchNorm2d, activationLayer: gelu,
          headDim: 8, mlpRatio: 4, mlpDropout: 0.0, attentionDropout: 0.0, partitionSize: 2, inputGridSize: [8, 8], nLayers: 2, pStochastic: [0.0, 0.1, 0.2],
        }),
    ],
  ];
  test.each(cases)('%s', (name, fn) => {
    const [type, message] = e[name]!;
    expectError(fn, message, kind(type));
  });

  test('maxvit_t is registered with its weights; torch.vision.models exports MaxVit, its weights and builder, and the maxvit namespace', () => {
    expect(models.listModels()).toContain('maxvit_t');
    expect([models.MaxVit, models.MaxVit_T_Weights, models.maxvitT, models.maxvit.MBConv]).toEqual([maxvit.MaxVit, maxvit.MaxVit_T_Weights, maxvit.maxvitT, maxvit.MBConv]);
    expect(models.getModelWeights('maxvit_t')).toBe(maxvit.MaxVit_T_Weights);
    expect(models.getModelBuilder('maxvit_t')).toBe(maxvit.maxvitT);
  });
});
