// Swin Transformers V1 and V2 against torchvision (scripts/fixtures/vision_swin.py).
import * as path from 'path';
import * as torch from '../lib';
import { expectClose, expectError, fixture } from './helpers';
import { checkModels } from './vision/check';

// checkModels runs the whole file on one intra-op thread, as the fixture script computes.
checkModels('vision_swin.json');

const { swin_transformer: swin } = torch.vision.models;
type Dict = Map<string, torch.Tensor>;
const small = torch.load(path.join(__dirname, 'fixtures', 'generated', 'vision_swin_small.pth')) as Map<string, Map<string, Map<string, unknown>>>;

const smallModel = (key: string): torch.vision.models.SwinTransformer =>
  key === 'v1'
    ? new swin.SwinTransformer([2, 2], 16, [2, 2], [2, 4], [3, 2], { numClasses: 5 })
    : new swin.SwinTransformer([2, 2], 16, [2, 2], [2, 4], [3, 2], { numClasses: 5, block: swin.SwinTransformerBlockV2, downsampleLayer: swin.PatchMergingV2 });

describe.each(['v1', 'v2'])('a small SwinTransformer (%s, rectangular windows)', (key) => {
  const saved = small.get('models')!.get(key)!;

  test('seeded, its state_dict equals torchvision\'s; with torchvision\'s state_dict loaded, its eval forward (batch 2) equals torchvision\'s', () => {
    torch.manualSeed(0);
    const model = smallModel(key);
    const init = saved.get('init') as Dict;
    const sd = model.stateDict();
    expect([...sd.keys()]).toEqual([...init.keys()]);
    for (const [k, v] of sd) expectClose(v.tolist(), init.get(k)!.tolist(), 1e-6, 1e-7, k);
    model.loadStateDict(saved.get('state') as Dict);
    model.eval();
    const y = torch.noGrad(() => model.call(saved.get('x') as torch.Tensor));
    expectClose(y.tolist(), (saved.get('y') as torch.Tensor).tolist(), 1e-4, 1e-5);
    model.dispose();
  });

  test('training (dropout, attention dropout, stochastic depth): the seeded forward and the gradients equal torchvision\'s', () => {
    const options = { numClasses: 5, dropout: 0.1, attentionDropout: 0.2, stochasticDepthProb: 0.5 };
    const model =
      key === 'v1'
        ? new swin.SwinTransformer([2, 2], 16, [2, 2], [2, 4], [3, 2], options)
        : new swin.SwinTransformer([2, 2], 16, [2, 2], [2, 4], [3, 2], { ...options, block: swin.SwinTransformerBlockV2, downsampleLayer: swin.PatchMergingV2 });
    model.loadStateDict(saved.get('state') as Dict);
    torch.manualSeed(5);
    const y = model.train().call(saved.get('x') as torch.Tensor);
    expectClose(y.tolist(), (saved.get('y_train') as torch.Tensor).tolist(), 1e-4, 1e-5);
    y.mul(torch.arange(5.0)).sum().backward();
    const grads = saved.get('grads') as Dict;
    expect([...model.namedParameters()].map(([k]) => k)).toEqual([...grads.keys()]);
    for (const [k, p] of model.namedParameters()) expectClose(p.grad!.tolist(), grads.get(k)!.tolist(), 1e-3, 1e-5, k);
    model.dispose();
  });
});

test.each(['v1', 'v1_unshifted', 'v2'])('shiftedWindowAttention (%s): batch 2, a 3x4 window, padding, as torchvision', (key) => {
  const f = small.get('functional')!;
  const a = f.get('args') as Dict;
  const shiftSize = key === 'v1_unshifted' ? [0, 0] : [1, 2];
  const y = swin.shiftedWindowAttention(a.get('input')!, a.get('qkv_weight')!, a.get('proj_weight')!, a.get('relative_position_bias')!, [3, 4], 2, shiftSize, {
    qkvBias: a.get('qkv_bias')!,
    projBias: a.get('proj_bias')!,
    logitScale: key === 'v2' ? a.get('logit_scale')! : null,
    training: false,
  });
  expectClose(y.tolist(), (f.get('outputs') as Dict).get(key)!.tolist(), 1e-4, 1e-5);
});

test("torchvision's errors", () => {
  const e = fixture<Record<string, [string, string]>>('vision_swin_errors.json');
  const name = (python: string): string => (python === 'ValueError' ? 'RangeError' : python);
  expectError(() => new swin.ShiftedWindowAttention(8, [7], [0, 0], 2), e.window_size_length![1], name(e.window_size_length![0]));
  expectError(() => swin.swinT({ stochasticDepthProb: 0.1 } as never), e.duplicate_stochastic_depth_prob![1], name(e.duplicate_stochastic_depth_prob![0]));
  expectError(() => swin.swinV2T({ block: swin.SwinTransformerBlock } as never), e.duplicate_block![1], name(e.duplicate_block![0]));
  expectError(() => swin.swinT({ foo: 1 } as never), e.unexpected_keyword![1], name(e.unexpected_keyword![0]));
  // undefined is "not given": the builder's own stochastic depth probability stays
  const model = swin.swinT({ stochasticDepthProb: undefined } as never);
  expect(String(model)).toBe(fixture<Record<string, { repr: string }>>('vision_swin.json').swin_t!.repr);
  model.dispose();
});
