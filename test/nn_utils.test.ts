// torch.nn.utils against real PyTorch (scripts/fixtures/nn_utils.py): gradient clipping,
// parameters <-> vector, parametrize and the parametrizations, the old-style weight_norm and
// spectral_norm hooks, BatchNorm fusion, conv weight memory formats and skip_init. Modules are
// built after the same torch.manualSeed as in Python, so their parameters agree; state_dicts cross
// both ways (Python's files load here, and Node's load in a live Python run).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { expectClose, expectError, fixture } from './helpers';
import { pthFixture, sameError } from './pth_expected';

const { nn } = torch;
const utils = nn.utils;
const P = utils.parametrize;
const PZ = utils.parametrizations;
type Tensor = torch.Tensor;
type Module = torch.nn.Module;

const root = path.join(__dirname, '..');
const GENERATED = path.join(__dirname, 'fixtures', 'generated');
const R = pthFixture('nn_utils.pth');
const { expected, same } = R;
const J = fixture<Record<string, any>>('nn_utils.json');

function xFor(seed: number, ...shape: number[]): Tensor {
  torch.manualSeed(seed);
  return torch.randn(shape);
}

const keys = (m: Module): string[] => [...m.stateDict().keys()];
const attr = (m: Module, name: string): Tensor => (m as unknown as Record<string, Tensor>)[name]!;

// The custom parametrizations of the fixture, written as their Python twins are.
class Symmetric extends nn.Module {
  override forward(x: Tensor): Tensor {
    return x.triu().add(x.triu(1).transpose(-1, -2));
  }
  rightInverse(a: Tensor): Tensor {
    return a.triu();
  }
}
class Scale extends nn.Module {
  declare s: number;
  constructor(s: number) {
    super();
    this.s = s;
  }
  override forward(x: Tensor): Tensor {
    return x.mul(this.s);
  }
  rightInverse(a: Tensor): Tensor {
    return a.div(this.s);
  }
}
class NoInverse extends nn.Module {
  override forward(x: Tensor): Tensor {
    return x.exp();
  }
}
class Widen extends nn.Module {
  override forward(x: Tensor): Tensor {
    return torch.cat([x, x], 0);
  }
}
class ToDouble extends nn.Module {
  override forward(x: Tensor): Tensor {
    return x.double();
  }
}
class DoubleInverse extends nn.Module {
  override forward(x: Tensor): Tensor {
    return x;
  }
  rightInverse(a: Tensor): Tensor {
    return a.double();
  }
}
class NotTensor extends nn.Module {
  override forward(): number {
    return 3;
  }
}
class Split extends nn.Module {
  override forward(a: Tensor, b: Tensor): Tensor {
    return a.add(b);
  }
  rightInverse(x: Tensor): Tensor[] {
    return [x.mul(0.25), x.mul(0.75)];
  }
}

function quietly<T>(fn: () => T): T {
  const spy = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  try {
    return fn();
  } finally {
    spy.mockRestore();
  }
}

describe('clip_grad', () => {
  const params = [0, 1, 2, 3].map((i) => expected(`clip.param${i}`));
  const grads = [0, 1, 2].map((i) => expected(`clip.grad${i}`));
  const fresh = (): Tensor[] => {
    const ps = params.map((p) => p.clone().requiresGrad_());
    grads.forEach((g, i) => (ps[i]!.grad = g.clone()));
    return ps;
  };

  test('clipGradNorm_: every norm type, foreach or not, clipping or not', () => {
    const cases = J.clip_norm_cases as [string, number | string, boolean | null, number][];
    expect(cases.length).toBe(30);
    for (const [key, normType, foreach, maxNorm] of cases) {
      const ps = fresh();
      const total = utils.clipGradNorm_(ps, maxNorm, normType === 'inf' ? Infinity : (normType as number), false, foreach);
      same(total, `${key}.total`);
      for (let i = 0; i < 3; i++) same(ps[i]!.grad, `${key}.grad${i}`);
      expect(ps[3]!.grad).toBeNull();
    }
  });

  test('clipGradValue_, getTotalNorm, clipGradsWithNorm_', () => {
    for (const foreach of [null, false]) {
      const ps = fresh();
      utils.clipGradValue_(ps, 0.7, { foreach });
      for (let i = 0; i < 3; i++) same(ps[i]!.grad, `clip.value.${foreach === null ? 'None' : 'False'}.grad${i}`);
    }
    const ps = fresh();
    const total = utils.getTotalNorm(ps.slice(0, 3).map((p) => p.grad!), 2.0);
    same(total, 'clip.total_norm');
    same(utils.getTotalNorm(ps.slice(0, 3).map((p) => p.grad!), 'inf'), 'clip.total_norm_inf');
    utils.clipGradsWithNorm_(ps, 0.5, total);
    for (let i = 0; i < 3; i++) same(ps[i]!.grad, `clip.with_norm.grad${i}`);
    same(utils.getTotalNorm([]), 'clip.empty_total');
    const single = fresh();
    same(utils.clipGradNorm_(single[0]!, 1.0), 'clip.single_total');
    same(single[0]!.grad, 'clip.single_grad');
  });

  test('non-finite norms: an error on request, else NaN gradients as in PyTorch; foreach where the device has none', () => {
    const p = torch.ones(3, { requiresGrad: true });
    p.grad = torch.tensor([1.0, NaN, 2.0]);
    sameError(() => utils.clipGradNorm_([p], 1.0, { errorIfNonfinite: true }), J.clip_nonfinite);
    sameError(() => utils.clipGradNorm_([p], 1.0, { normType: 'inf', errorIfNonfinite: true }), J.clip_nonfinite_inf);
    const meta = torch.ones(2, { device: 'meta', requiresGrad: true });
    meta.grad = torch.ones(2, { device: 'meta' });
    sameError(() => utils.clipGradNorm_([meta], 1.0, { foreach: true }), J.clip_err_foreach_meta);
    sameError(() => utils.clipGradValue_([meta], 1.0, { foreach: true }), J.clip_err_value_foreach_meta);
    same(utils.clipGradNorm_([p], 1.0), 'clip.nan_total');
    same(p.grad, 'clip.nan_grad');
  });

  test("Python's argument rules; an empty generator warns", () => {
    expectError(() => (utils.clipGradNorm_ as (...a: unknown[]) => unknown)([], 1, { maxnorm: 1 }), "clip_grad_norm_() got an unexpected keyword argument 'maxnorm'", 'TypeError');
    expectError(() => (utils.clipGradNorm_ as (...a: unknown[]) => unknown)([]), "clip_grad_norm_() missing 1 required positional argument: 'max_norm'", 'TypeError');
    const messages: string[] = [];
    const spy = jest.spyOn(process, 'emitWarning').mockImplementation((w: string | Error) => void messages.push(String(w)));
    try {
      utils.clipGradNorm_(new nn.Identity().parameters(), 1.0);
      utils.clipGradNorm(fresh(), 1.0);
    } finally {
      spy.mockRestore();
    }
    expect(messages).toEqual([
      '`parameters` is an empty generator, no gradient clipping will occur.',
      '`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.',
    ]);
  });

  test('gradients are clipped in place and stay the same objects', () => {
    const ps = fresh();
    const before = ps[0]!.grad!;
    utils.clipGradNorm_(ps, 0.1);
    expect(ps[0]!.grad).toBe(before);
  });
});

describe('convert_parameters', () => {
  test('parametersToVector and vectorToParameters', () => {
    torch.manualSeed(1);
    const m = new nn.Sequential(new nn.Linear(3, 2), new nn.Conv1d(2, 2, 2));
    same(utils.parametersToVector(m.parameters()), 'vec.vector');
    const weight = (m as any)[0].weight;
    utils.vectorToParameters(torch.arange(20.0).div(10), m.parameters());
    expect((m as any)[0].weight).toBe(weight);
    for (const [k, v] of m.stateDict()) same(v, `vec.after.${k}`);
    sameError(() => utils.vectorToParameters(3 as unknown as Tensor, m.parameters()), J.vec_error);
  });
});

describe('parametrize', () => {
  test('one parametrization: class, repr, names, values, gradients', () => {
    torch.manualSeed(2);
    const m = new nn.Linear(3, 3);
    same(m.weight, 'pz.sym.weight_before');
    P.registerParametrization(m, 'weight', new Symmetric());
    expect(String(m)).toBe(J.pz_sym_repr);
    expect(m.constructor.name).toBe(J.pz_sym_class);
    expect(m).toBeInstanceOf(nn.Linear);
    expect(P.typeBeforeParametrizations(m)).toBe(nn.Linear);
    expect(P.typeBeforeParametrizations(m).name).toBe(J.pz_sym_type_before);
    expect([P.isParametrized(m), P.isParametrized(m, 'weight'), P.isParametrized(m, 'bias')]).toEqual(J.pz_sym_is);
    expect([...m.namedParameters()].map(([k]) => k)).toEqual(J.pz_sym_params);
    same(m.weight, 'pz.sym.weight');
    const original = (m as any).parametrizations.weight.original as Tensor;
    expect(original).toBeInstanceOf(nn.Parameter);
    same(original, 'pz.sym.original');
    const y = m.call(xFor(50, 4, 3));
    y.sum().backward();
    same(y, 'pz.sym.y');
    same(original.grad, 'pz.sym.original_grad');
    same(m.bias!.grad, 'pz.sym.bias_grad');

    P.registerParametrization(m, 'weight', new Scale(3.0));
    expect(String(m)).toBe(J.pz_chain_repr);
    same(m.weight, 'pz.chain.weight');
    torch.noGrad(() => {
      m.weight = torch.tensor([[1.0, 2.0, 3.0], [2.0, 5.0, 6.0], [3.0, 6.0, 9.0]]) as torch.nn.Parameter;
    });
    expect((m as any).parametrizations.weight.original).toBe(original);
    same(original, 'pz.assign.original');
    same(m.weight, 'pz.assign.weight');
    P.cached(() => {
      expect(m.weight === m.weight).toBe(J.pz_cached_same);
    });
    expect(m.weight === m.weight).toBe(J.pz_uncached_same);
    expect(keys(m)).toEqual(J.pz_chain_keys);
    sameError(() => torch.save(m, path.join(os.tmpdir(), 'never-written.pth')), J.pz_err_pickle);

    P.removeParametrizations(m, 'weight');
    expect(String(m)).toBe(J.pz_removed_repr);
    expect(m.constructor).toBe(nn.Linear);
    expect(m.constructor.name).toBe(J.pz_removed_class);
    expect(keys(m)).toEqual(J.pz_removed_keys);
    expect(m.weight).toBe(original);
    same(m.weight, 'pz.removed.weight');
    expect(() => (m as any).parametrizations).toThrow("'Linear' object has no attribute 'parametrizations'");
  });

  test('two tensors; removing with and without leaving them parametrized', () => {
    torch.manualSeed(2);
    const m = new nn.Linear(3, 3);
    P.registerParametrization(m, 'weight', new Symmetric());
    P.registerParametrization(m, 'bias', new Scale(2.0));
    expect(keys(m)).toEqual(J.pz_two_keys);
    P.removeParametrizations(m, 'weight', { leaveParametrized: false });
    same(m.weight, 'pz.leave_false.weight');
    expect(m.constructor.name).toBe(J.pz_leave_false_class);
    P.removeParametrizations(m, 'bias');
    same(m.bias, 'pz.leave_true.bias');
    expect(m.constructor.name).toBe(J.pz_leave_true_class);
  });

  test('no right inverse; a right inverse returning two tensors; a buffer', () => {
    torch.manualSeed(3);
    let m = new nn.Linear(2, 2);
    P.registerParametrization(m, 'weight', new NoInverse());
    same(m.weight, 'pz.noinv.weight');
    sameError(() => (m.weight = torch.ones(2, 2) as torch.nn.Parameter), J.pz_noinv_assign);

    torch.manualSeed(3);
    m = new nn.Linear(2, 2);
    P.registerParametrization(m, 'weight', new Split());
    expect(keys(m)).toEqual(J.pz_split_keys);
    const list = (m as any).parametrizations.weight as InstanceType<typeof P.ParametrizationList>;
    expect(list.isTensor).toBe(false);
    expect(list.ntensors).toBe(2);
    same(attr(list, 'original0'), 'pz.split.original0');
    same(attr(list, 'original1'), 'pz.split.original1');
    same(m.weight, 'pz.split.weight');
    sameError(() => P.removeParametrizations(m, 'weight', false), J.pz_split_leave_false);
    P.removeParametrizations(m, 'weight');
    same(m.weight, 'pz.split.removed');
    expect(m.weight instanceof nn.Parameter).toBe(J.pz_split_removed_is_param);

    torch.manualSeed(3);
    const bn = new nn.BatchNorm1d(3);
    bn.running_mean!.add_(torch.randn(3));
    P.registerParametrization(bn, 'running_mean', new Scale(2.0));
    expect(keys(bn)).toEqual(J.pz_buffer_keys);
    same(attr((bn as any).parametrizations.running_mean, 'original'), 'pz.buffer.original');
    same(bn.running_mean, 'pz.buffer.value');
  });

  test('transferParametrizationsAndParams', () => {
    torch.manualSeed(3);
    const src = new nn.Linear(3, 3);
    P.registerParametrization(src, 'weight', new Symmetric());
    P.registerParametrization(src, 'weight', new Scale(2.0));
    P.registerParametrization(src, 'bias', new Scale(3.0));
    const dst = P.transferParametrizationsAndParams(src, new nn.Linear(3, 3));
    const [repr, sdKeys, shared] = J.pz_transfer as [string, string[], boolean];
    expect(String(dst)).toBe(repr);
    expect(keys(dst)).toEqual(sdKeys);
    expect((dst as any).parametrizations.weight.original === (src as any).parametrizations.weight.original).toBe(shared);
    same(dst.weight, 'pz.transfer.weight');
    expect(keys(P.transferParametrizationsAndParams(src, new nn.Linear(3, 3), 'bias'))).toEqual(J.pz_transfer_one);
  });

  test("PyTorch's errors", () => {
    sameError(() => P.registerParametrization(new nn.Linear(2, 2), 'foo', new Symmetric()), J.pz_err_missing);
    sameError(() => P.registerParametrization(new nn.Linear(2, 2), 'weight', new Widen()), J.pz_err_shape);
    sameError(() => P.removeParametrizations(new nn.Linear(2, 2), 'weight'), J.pz_err_remove);
    sameError(() => new P.ParametrizationList([], torch.ones(2)), J.pz_err_empty);
    const m = P.registerParametrization(new nn.Linear(2, 2), 'weight', new Symmetric());
    sameError(() => P.registerParametrization(m, 'weight', new Widen()), J.pz_err_chain_shape);
    sameError(() => P.registerParametrization(new nn.Linear(2, 2), 'weight', new ToDouble()), J.pz_err_dtype);
    sameError(() => P.registerParametrization(new nn.Linear(2, 2), 'weight', new DoubleInverse()), J.pz_err_inverse_dtype);
    sameError(() => P.registerParametrization(new nn.Linear(2, 2), 'weight', new NotTensor()), J.pz_err_not_tensor);
    sameError(() => P.registerParametrization(m, 'weight', new ToDouble()), J.pz_err_chain_dtype);
    sameError(() => P.registerParametrization(m, 'weight', new DoubleInverse()), J.pz_err_chain_inverse_dtype);
    sameError(() => P.registerParametrization(m, 'weight', new NotTensor()), J.pz_err_chain_not_tensor);
    sameError(() => (m.weight = torch.ones(2, 2, { dtype: torch.float64 }) as torch.nn.Parameter), J.pz_err_assign_dtype);
    torch.manualSeed(6);
    const wn = PZ.weightNorm(new nn.Linear(4, 3));
    torch.noGrad(() => {
      wn.weight = torch.arange(12).float().reshape(3, 4) as torch.nn.Parameter;
    });
    same((wn as any).parametrizations.weight.original0, 'pz.assign_tuple.g');
    same((wn as any).parametrizations.weight.original1, 'pz.assign_tuple.v');
    same(wn.weight, 'pz.assign_tuple.weight');
    const wide = P.registerParametrization(new nn.Linear(2, 2), 'weight', new Widen(), { unsafe: true });
    expect([...wide.weight.shape]).toEqual([4, 2]);
    expectError(() => (P.registerParametrization as (...a: unknown[]) => unknown)(m, 'weight', new Symmetric(), true), 'register_parametrization() takes 3 positional arguments but 4 were given', 'TypeError');
  });

  test('modules that were never parametrized keep their own class', () => {
    const a = new nn.Linear(2, 2);
    const b = new nn.Linear(2, 2);
    P.registerParametrization(a, 'weight', new Symmetric());
    expect(b.constructor).toBe(nn.Linear);
    expect(Object.getPrototypeOf(Object.getPrototypeOf(a))).toBe(nn.Linear.prototype);
    expect(P.isParametrized(b)).toBe(false);
    expect('weight' in nn.Linear.prototype).toBe(false);
  });
});

describe('parametrizations', () => {
  const orthCases: [string, () => Module, Record<string, unknown>][] = [
    ['square', () => new nn.Linear(4, 4), {}],
    ['wide', () => new nn.Linear(5, 3), {}],
    ['tall', () => new nn.Linear(3, 5), {}],
    ['cayley', () => new nn.Linear(4, 4), { orthogonalMap: 'cayley' }],
    ['cayley_wide', () => new nn.Linear(5, 3), { orthogonalMap: 'cayley' }],
    ['matrix_exp_tall', () => new nn.Linear(2, 4), { orthogonalMap: 'matrix_exp' }],
    ['householder_notriv', () => new nn.Linear(3, 4), { orthogonalMap: 'householder', useTrivialization: false }],
    ['exp_notriv', () => new nn.Linear(3, 3), { useTrivialization: false }],
  ];
  test.each(orthCases)('orthogonal %s', (name, ctor, options) => {
    torch.manualSeed(4);
    const m = PZ.orthogonal(ctor() as torch.nn.Linear, options);
    same(m.weight, `orth.${name}.weight`, 1e-4, 1e-5);
    const list = (m as any).parametrizations.weight;
    same(list.original, `orth.${name}.original`, 1e-4, 1e-5);
    if (R.has(`orth.${name}.base`)) same(list[0].base, `orth.${name}.base`, 1e-4, 1e-5);
    expect(keys(m)).toEqual(J[`orth_${name}_keys`]);
    const y = m.call(xFor(51, 2, m.inFeatures));
    y.pow(2).sum().backward();
    same(y, `orth.${name}.y`, 1e-4, 1e-5);
    same(list.original.grad, `orth.${name}.grad`, 1e-4, 1e-5);
  });

  test('orthogonal: repr, assignment, errors', () => {
    torch.manualSeed(4);
    const m = PZ.orthogonal(new nn.Linear(4, 4));
    expect(String(m)).toBe(J.orth_repr);
    const q = expected('orth.assign.q');
    torch.noGrad(() => {
      m.weight = q as torch.nn.Parameter;
    });
    same(m.weight, 'orth.assign.weight', 1e-4, 1e-5);
    const notriv = PZ.orthogonal(new nn.Linear(3, 3), { useTrivialization: false });
    sameError(() => (notriv.weight = torch.eye(3) as torch.nn.Parameter), J.orth_err_assign);
    sameError(() => PZ.orthogonal(new nn.Linear(3, 3), { orthogonalMap: 'qr' as 'cayley' }), J.orth_err_map);
    sameError(() => PZ.orthogonal(new nn.Linear(3, 3), 'bias'), J.orth_err_ndim);
    sameError(() => PZ.orthogonal(new nn.Linear(3, 3), 'foo'), J.orth_err_name);
  });

  const wnCases: [string, () => Module, Record<string, unknown>][] = [
    ['linear', () => new nn.Linear(4, 3), {}],
    ['conv_dim1', () => new nn.Conv1d(2, 3, 3), { dim: 1 }],
    ['conv_none', () => new nn.Conv1d(2, 3, 3), { dim: null }],
  ];
  test.each(wnCases)('weightNorm %s: original0 (g), original1 (v), values and gradients', (name, ctor, options) => {
    torch.manualSeed(6);
    const m = PZ.weightNorm(ctor(), options);
    const list = (m as any).parametrizations.weight;
    same(list.original0, `wn.${name}.g`);
    same(list.original1, `wn.${name}.v`);
    same(attr(m, 'weight'), `wn.${name}.weight`);
    expect(keys(m)).toEqual(J[`wn_${name}_keys`]);
    const y = (m as any).call(name === 'linear' ? xFor(52, 2, 4) : xFor(52, 1, 2, 5));
    y.pow(2).sum().backward();
    same(y, `wn.${name}.y`);
    same(list.original0.grad, `wn.${name}.g_grad`);
    same(list.original1.grad, `wn.${name}.v_grad`);
  });

  test('weightNorm repr; an old-style weight_g/weight_v state dict loads into it', () => {
    torch.manualSeed(6);
    expect(String(PZ.weightNorm(new nn.Linear(4, 3)))).toBe(J.wn_repr);
    const old = new Map(['bias', 'weight_g', 'weight_v'].map((k) => [k, expected(`wn.compat.${k}`)]));
    torch.manualSeed(16);
    const m = PZ.weightNorm(new nn.Linear(4, 3));
    expect(String(m.loadStateDict(old))).toBe(J.wn_compat_result);
    same(m.weight, 'wn.compat.weight');
  });

  const snCases: [string, () => Module, Record<string, unknown>, number[]][] = [
    ['linear', () => new nn.Linear(5, 4), {}, [2, 5]],
    ['conv', () => new nn.Conv2d(2, 3, 2), {}, [1, 2, 3, 3]],
    ['convT', () => new nn.ConvTranspose2d(2, 3, 2), {}, [1, 2, 3, 3]],
    ['iters', () => new nn.Linear(3, 6), { nPowerIterations: 3, eps: 1e-6 }, [2, 3]],
    ['dim1', () => new nn.Linear(5, 4), { dim: 1 }, [2, 5]],
  ];
  test.each(snCases)('spectralNorm %s: seeded u and v, power iteration per training call, eval', (name, ctor, options, shape) => {
    torch.manualSeed(8);
    const m = PZ.spectralNorm(ctor(), options);
    const sn = (m as any).parametrizations.weight[0];
    same(sn._u, `sn.${name}.u0`);
    same(sn._v, `sn.${name}.v0`);
    expect(keys(m)).toEqual(J[`sn_${name}_keys`]);
    const x = xFor(53, ...shape);
    const call = (x: Tensor): Tensor => (m as any).call(x);
    const y1 = call(x);
    const y2 = call(x);
    y1.sum().add(y2.pow(2).sum()).backward();
    same(y1, `sn.${name}.y1`);
    same(y2, `sn.${name}.y2`);
    same(sn._u, `sn.${name}.u`);
    same(sn._v, `sn.${name}.v`);
    same((m as any).parametrizations.weight.original.grad, `sn.${name}.grad`, 1e-4, 1e-5);
    m.eval();
    same(call(x), `sn.${name}.eval`);
    same(sn._u, `sn.${name}.eval_u`);
  });

  test('spectralNorm: repr, a 1-d tensor, errors', () => {
    torch.manualSeed(8);
    expect(String(PZ.spectralNorm(new nn.Linear(5, 4)))).toBe(J.sn_repr);
    sameError(() => PZ.spectralNorm(new nn.Linear(2, 2), { nPowerIterations: 0 }), J.sn_err_iters);
    sameError(() => PZ.spectralNorm(new nn.Linear(2, 2), { dim: 2 }), J.sn_err_dim);
    torch.manualSeed(8);
    same(PZ.spectralNorm(new nn.Linear(3, 3), 'bias').bias, 'sn.bias.value');
  });
});

describe('old-style weight_norm and spectral_norm (forward pre-hooks)', () => {
  const owlCases: [string, () => Module, Record<string, unknown>][] = [
    ['linear', () => new nn.Linear(4, 3), {}],
    ['conv_dim1', () => new nn.Conv1d(2, 3, 3), { dim: 1 }],
    ['conv_none', () => new nn.Conv1d(2, 3, 3), { dim: null }],
  ];
  test.each(owlCases)('weightNorm %s: weight_g, weight_v, values, gradients, removeWeightNorm', (name, ctor, options) => {
    torch.manualSeed(9);
    const m = quietly(() => utils.weightNorm(ctor(), options));
    expect(keys(m)).toEqual(J[`owl_${name}_keys`]);
    same(attr(m, 'weight_g'), `owl.${name}.g`);
    same(attr(m, 'weight_v'), `owl.${name}.v`);
    const y = (m as any).call(name === 'linear' ? xFor(54, 2, 4) : xFor(54, 1, 2, 5));
    y.pow(2).sum().backward();
    same(y, `owl.${name}.y`);
    same(attr(m, 'weight_g').grad, `owl.${name}.g_grad`);
    same(attr(m, 'weight_v').grad, `owl.${name}.v_grad`);
    utils.removeWeightNorm(m);
    expect(keys(m)).toEqual(J[`owl_${name}_removed_keys`]);
    expect(attr(m, 'weight')).toBeInstanceOf(nn.Parameter);
    same(attr(m, 'weight'), `owl.${name}.removed`);
    expect(() => attr(m, 'weight_g')).toThrow('object has no attribute');
  });

  test('weightNorm: errors, the deprecation warning', () => {
    const messages: string[] = [];
    const spy = jest.spyOn(process, 'emitWarning').mockImplementation((w: string | Error) => void messages.push(String(w)));
    try {
      const m = utils.weightNorm(new nn.Linear(2, 2));
      sameError(() => utils.weightNorm(m), J.owl_err_twice);
    } finally {
      spy.mockRestore();
    }
    expect(messages[0]).toBe('`torch.nn.utils.weight_norm` is deprecated in favor of `torch.nn.utils.parametrizations.weight_norm`.');
    sameError(() => utils.removeWeightNorm(new nn.Linear(2, 2)), J.owl_err_remove);
  });

  const osnCases: [string, () => Module, Record<string, unknown>, number[]][] = [
    ['linear', () => new nn.Linear(5, 4), {}, [2, 5]],
    ['convT', () => new nn.ConvTranspose2d(2, 3, 2), {}, [1, 2, 3, 3]],
    ['iters', () => new nn.Linear(3, 6), { nPowerIterations: 2 }, [2, 3]],
  ];
  test.each(osnCases)('spectralNorm %s: weight_orig, weight_u, weight_v, _metadata, removeSpectralNorm', (name, ctor, options, shape) => {
    torch.manualSeed(10);
    const m = utils.spectralNorm(ctor(), options);
    const sd = m.stateDict();
    expect([...sd.keys()]).toEqual(J[`osn_${name}_keys`]);
    const meta = sd._metadata!.get('')!;
    expect(meta.get('version')).toBe(1);
    expect(Object.fromEntries(meta.get('spectral_norm') as Map<string, number>)).toEqual(J[`osn_${name}_metadata`][''].spectral_norm);
    same(attr(m, 'weight_u'), `osn.${name}.u0`);
    same(attr(m, 'weight_v'), `osn.${name}.v0`);
    const x = xFor(55, ...shape);
    const call = (x: Tensor): Tensor => (m as any).call(x);
    const y1 = call(x);
    const y2 = call(x);
    y1.sum().add(y2.pow(2).sum()).backward();
    same(y1, `osn.${name}.y1`);
    same(y2, `osn.${name}.y2`);
    same(attr(m, 'weight_u'), `osn.${name}.u`);
    same(attr(m, 'weight_v'), `osn.${name}.v`);
    same(attr(m, 'weight_orig').grad, `osn.${name}.grad`, 1e-4, 1e-5);
    m.eval();
    same(call(x), `osn.${name}.eval`);
    utils.removeSpectralNorm(m);
    expect(keys(m)).toEqual(J[`osn_${name}_removed_keys`]);
    expect(m._stateDictHooks.size).toBe(0);
    expect(m._loadStateDictPreHooks.size).toBe(0);
    same(attr(m, 'weight'), `osn.${name}.removed`);
  });

  test('spectralNorm: errors; a version-0 checkpoint is upgraded on load', () => {
    const m = utils.spectralNorm(new nn.Linear(2, 2));
    sameError(() => utils.spectralNorm(m), J.osn_err_twice);
    sameError(() => utils.removeSpectralNorm(new nn.Linear(2, 2)), J.osn_err_remove);
    sameError(() => utils.spectralNorm(new nn.Linear(2, 2), { nPowerIterations: 0 }), J.osn_err_iters);
    const old = new Map(['weight_orig', 'weight_u', 'weight', 'bias'].map((k) => [k, expected(`osn.v0.${k}`)]));
    torch.manualSeed(12);
    const fresh = utils.spectralNorm(new nn.Linear(5, 4));
    fresh.loadStateDict(old);
    same(attr(fresh, 'weight_v'), 'osn.v0.loaded_v', 1e-4, 1e-5);
    const partial = new Map([['weight_orig', old.get('weight_orig')!], ['bias', old.get('bias')!]]);
    expect(String(utils.spectralNorm(new nn.Linear(5, 4)).loadStateDict(partial, { strict: false }))).toBe(J.osn_v0_missing);
  });
});

describe('fusion', () => {
  test('fuseConvBnEval, fuseConvBnWeights, fuseLinearBnEval', () => {
    torch.manualSeed(13);
    const conv = new nn.Conv2d(3, 4, 3);
    const bn = new nn.BatchNorm2d(4);
    torch.noGrad(() => {
      bn.running_mean!.copy_(torch.randn(4));
      bn.running_var!.copy_(torch.rand(4).add(0.5));
      bn.weight!.copy_(torch.randn(4));
      bn.bias!.copy_(torch.randn(4));
    });
    conv.eval();
    bn.eval();
    const fused = utils.fuseConvBnEval(conv, bn);
    expect(fused).not.toBe(conv);
    expect(fused).toBeInstanceOf(nn.Conv2d);
    same(fused.weight, 'fuse.conv.weight');
    same(fused.bias, 'fuse.conv.bias');
    const x = xFor(57, 1, 3, 5, 5);
    same(fused.call(x), 'fuse.conv.y', 1e-4, 1e-5);
    same(bn.call(conv.call(x)), 'fuse.conv.ref', 1e-4, 1e-5);
    torch.manualSeed(14);
    const convt = new nn.ConvTranspose2d(3, 4, 2, { bias: false }).eval();
    const fusedt = utils.fuseConvBnEval(convt, bn, { transpose: true });
    same(fusedt.weight, 'fuse.convT.weight');
    same(fusedt.bias, 'fuse.convT.bias');
    expect(convt.bias).toBeNull();
    const plain = new nn.BatchNorm2d(4, { affine: false }).eval();
    torch.noGrad(() => plain.running_var!.fill_(2.0));
    const [w, b] = utils.fuseConvBnWeights(conv.weight, null, plain.running_mean!, plain.running_var!, 1e-3, null, null);
    same(w, 'fuse.weights.w');
    same(b, 'fuse.weights.b');
    expect([w.requiresGrad, b.requiresGrad]).toEqual(J.fuse_weights_requires_grad);
    torch.manualSeed(15);
    const lin = new nn.Linear(3, 4).eval();
    const bn1 = new nn.BatchNorm1d(4).eval();
    torch.noGrad(() => {
      bn1.running_mean!.copy_(torch.randn(4));
      bn1.running_var!.copy_(torch.rand(4).add(0.5));
    });
    const fl = utils.fuseLinearBnEval(lin, bn1);
    same(fl.weight, 'fuse.linear.weight');
    same(fl.bias, 'fuse.linear.bias');
    sameError(() => utils.fuseConvBnEval(new nn.Conv2d(1, 1, 1), new nn.BatchNorm2d(1)), J.fuse_err_train);
    sameError(() => utils.fuseLinearBnEval(new nn.Linear(2, 3).eval(), new nn.BatchNorm1d(2).eval()), J.fuse_err_features);
  });
});

describe('memory format, skipInit', () => {
  test('convertConv2dWeightMemoryFormat / convertConv3dWeightMemoryFormat', () => {
    const m = new nn.Sequential(new nn.Conv2d(3, 4, 3), new nn.Sequential(new nn.ConvTranspose2d(4, 2, 2)), new nn.Conv3d(1, 2, 2));
    const w0 = (m as any)[0].weight;
    utils.convertConv2dWeightMemoryFormat(m, torch.channelsLast);
    expect((m as any)[0].weight).toBe(w0);
    const stride = (t: Tensor): number[] => [...t.stride()];
    expect([stride((m as any)[0].weight), stride((m as any)[1][0].weight), stride((m as any)[2].weight)]).toEqual(J.mf_2d);
    utils.convertConv3dWeightMemoryFormat(m, torch.channelsLast3d);
    expect(stride((m as any)[2].weight)).toEqual(J.mf_3d);
  });

  test('skipInit', () => {
    const m = utils.skipInit(nn.Linear, 3, 4, { bias: false });
    const [repr, device, shape, names] = J.skip_init as [string, string, number[], string[]];
    expect(String(m)).toBe(repr);
    expect(String(m.weight.device)).toBe(device);
    expect([...m.weight.shape]).toEqual(shape);
    expect([...m.namedParameters()].map(([k]) => k)).toEqual(names);
    expect(m.weight).toBeInstanceOf(nn.Parameter);
    expectError(() => utils.skipInit(nn.Dropout, 0.5), "Module must support a 'device' arg to skip initialization");
  });
});

describe('state_dicts cross between Python and Node', () => {
  const CROSS_IN: Record<string, number> = { symmetric: 3, orthogonal: 5, weight_norm: 4, spectral_norm: 5, old_weight_norm: 4, old_spectral_norm: 5, pruned: 4 };
  function build(name: string): Module {
    torch.manualSeed(7);
    if (name === 'symmetric') {
      const m = new nn.Linear(3, 3);
      P.registerParametrization(m, 'weight', new Symmetric());
      return P.registerParametrization(m, 'weight', new Scale(2.0));
    }
    if (name === 'orthogonal') return PZ.orthogonal(new nn.Linear(5, 3));
    if (name === 'weight_norm') return PZ.weightNorm(new nn.Linear(4, 3));
    if (name === 'spectral_norm') return PZ.spectralNorm(new nn.Linear(5, 4));
    if (name === 'old_weight_norm') return quietly(() => utils.weightNorm(new nn.Linear(4, 3)));
    if (name === 'old_spectral_norm') return utils.spectralNorm(new nn.Linear(5, 4));
    return utils.prune.l1Unstructured(new nn.Linear(4, 3), 'weight', 0.5);
  }
  const run = (m: Module, name: string): Tensor => torch.noGrad(() => (m as any).call(xFor(99, 2, CROSS_IN[name]!)) as Tensor);

  test.each(Object.keys(CROSS_IN))("%s: Python's state_dict loads here", (name) => {
    const sd = torch.load(path.join(GENERATED, 'nn_utils', `${name}.pth`)) as Map<string, Tensor>;
    expect([...sd.keys()]).toEqual(J[`cross_${name}_keys`]);
    const m = build(name);
    expect(keys(m)).toEqual(J[`cross_${name}_keys`]);
    expect(String(m.loadStateDict(sd))).toBe('<All keys matched successfully>');
    m.eval();
    same(run(m, name), `cross.${name}.output`, 1e-4, 1e-5);
    same(attr(m, 'weight'), `cross.${name}.weight`, 1e-4, 1e-5);
  });

  test("Node's state_dicts load in Python", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-utils-'));
    try {
      const outputs: Record<string, Tensor> = {};
      for (const name of Object.keys(CROSS_IN)) {
        const m = build(name);
        torch.manualSeed(100);
        torch.noGrad(() => {
          for (const p of m.parameters()) p.add_(torch.randnLike(p).mul(0.1));
        });
        (m as any).call(xFor(98, 2, CROSS_IN[name]!));
        m.eval();
        torch.save(m.stateDict(), path.join(tmp, `${name}.pth`));
        outputs[name] = run(m, name);
        same(outputs[name]!, `cross.${name}.output`, 1e-4, 1e-5);
      }
      const python = path.join(root, '.venv', 'bin', 'python');
      const script = path.join(root, 'scripts', 'fixtures', 'nn_utils.py');
      const checked = JSON.parse(execFileSync(python, [script, '--check', tmp], { encoding: 'utf8', cwd: root })) as Record<string, { keys: string[]; result: string; output: number[] }>;
      for (const name of Object.keys(CROSS_IN)) {
        expect(checked[name]!.keys).toEqual(J[`cross_${name}_keys`]);
        expect(checked[name]!.result).toBe('<All keys matched successfully>');
        expectClose(checked[name]!.output, outputs[name]!.reshape(-1).tolist(), 1e-4, 1e-5, name);
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, 60000);
});

describe('prune', () => {
  const pr = utils.prune;
  const x = (): Tensor => xFor(60, 2, 4);
  function record(tag: string, m: Module): void {
    expect(keys(m)).toEqual(J[`prune_${tag}_keys`]);
    same(attr(m, 'weight_mask'), `prune.${tag}.mask`);
    same(attr(m, 'weight'), `prune.${tag}.weight`);
    const y = (m as any).call(x()) as Tensor;
    y.pow(2).sum().backward();
    same(y, `prune.${tag}.y`);
    same(attr(m, 'weight_orig').grad, `prune.${tag}.grad`);
  }

  test('each method: weight_orig, weight_mask, the masked weight, outputs, gradients', () => {
    torch.manualSeed(30);
    record('l1', pr.l1Unstructured(new nn.Linear(4, 3), 'weight', 0.3));
    torch.manualSeed(31);
    record('random', pr.randomUnstructured(new nn.Linear(4, 3), 'weight', 5));
    torch.manualSeed(32);
    record('random_structured', pr.randomStructured(new nn.Linear(4, 6), 'weight', 0.5, 0));
    torch.manualSeed(33);
    record('ln', pr.lnStructured(new nn.Linear(4, 3), 'weight', 1, 2, 1));
    torch.manualSeed(33);
    record('ln_inf', pr.lnStructured(new nn.Linear(4, 3), 'weight', 0.34, Infinity, -1));
    torch.manualSeed(34);
    record('identity', pr.identity(new nn.Linear(4, 3), 'weight'));
    torch.manualSeed(35);
    const mask = torch.arange(12).reshape(3, 4).remainder(3).ne(0).float();
    record('custom', pr.customFromMask(new nn.Linear(4, 3), 'weight', mask));
    torch.manualSeed(36);
    record('scores', pr.l1Unstructured(new nn.Linear(4, 3), 'weight', 4, { importanceScores: torch.arange(12.0).reshape(3, 4) }));
  });

  test('methods combine in a PruningContainer; remove; isPruned', () => {
    torch.manualSeed(37);
    const m = new nn.Linear(4, 6);
    pr.l1Unstructured(m, 'weight', 0.25);
    pr.lnStructured(m, 'weight', 2, 1, 0);
    pr.randomUnstructured(m, 'weight', 0.2);
    const methods = [...m._forwardPreHooks.values()];
    expect(methods).toHaveLength(1);
    record('chain', m);
    expect([pr.isPruned(m), pr.isPruned(new nn.Sequential(m)), pr.isPruned(new nn.Linear(2, 2))]).toEqual(J.prune_is_pruned);
    const orig = attr(m, 'weight_orig');
    pr.remove(m, 'weight');
    expect(keys(m)).toEqual(J.prune_removed_keys);
    expect(attr(m, 'weight')).toBe(orig);
    same(attr(m, 'weight'), 'prune.removed.weight');
    expect(pr.isPruned(m)).toBe(J.prune_removed_is_pruned);
    const container = (methods[0] as torch.nn.utils.prune.PruningHook).pruningMethod as InstanceType<typeof pr.PruningContainer>;
    expect([container.constructor.name, container.length, [...container].map((x) => x.constructor.name)]).toEqual(J.prune_container);
  });

  test("amounts round as Python's round does; globalUnstructured", () => {
    torch.manualSeed(38);
    same(attr(pr.l1Unstructured(new nn.Linear(5, 1), 'weight', 0.5), 'weight_mask'), 'prune.round.mask');
    torch.manualSeed(38);
    same(attr(pr.l1Unstructured(new nn.Linear(5, 1), 'weight', 0.7), 'weight_mask'), 'prune.round7.mask');
    torch.manualSeed(39);
    let a = new nn.Linear(4, 3);
    let b = new nn.Linear(3, 2);
    pr.l1Unstructured(b, 'weight', 2);
    pr.globalUnstructured([[a, 'weight'], [b, 'weight'], [a, 'bias']], pr.L1Unstructured, { amount: 0.4 });
    same(attr(a, 'weight_mask'), 'prune.global.a.weight_mask');
    same(attr(b, 'weight_mask'), 'prune.global.b.weight_mask');
    same(attr(a, 'bias_mask'), 'prune.global.a.bias_mask');
    torch.manualSeed(39);
    a = new nn.Linear(4, 3);
    b = new nn.Linear(3, 2);
    const scores = new Map<readonly [Module, string], Tensor>([[[a, 'weight'], torch.ones(3, 4)]]);
    pr.globalUnstructured([[a, 'weight'], [b, 'weight']], pr.RandomUnstructured, { importanceScores: scores, amount: 5 });
    same(attr(a, 'weight_mask'), 'prune.global_scores.a');
    same(attr(b, 'weight_mask'), 'prune.global_scores.b');
  });

  test("PyTorch's errors; a failed pruning leaves the module as it was", () => {
    sameError(() => pr.l1Unstructured(new nn.Linear(2, 2), 'weight', -1), J.prune_err_negative);
    sameError(() => pr.l1Unstructured(new nn.Linear(2, 2), 'weight', 1.5), J.prune_err_float);
    sameError(() => pr.l1Unstructured(new nn.Linear(2, 2), 'weight', 'a' as unknown as number), J.prune_err_type);
    sameError(() => pr.l1Unstructured(new nn.Linear(2, 2), 'weight', 5), J.prune_err_too_many);
    sameError(() => pr.lnStructured(new nn.Linear(2, 2), 'bias', 1, 2, 0), J.prune_err_structured_1d);
    sameError(() => pr.randomStructured(new nn.Linear(2, 2), 'weight', 1, 2), J.prune_err_dim);
    sameError(() => pr.remove(new nn.Linear(2, 2), 'weight'), J.prune_err_remove);
    sameError(() => pr.globalUnstructured([[new nn.Linear(2, 2), 'weight']], pr.RandomStructured, { amount: 1 }), J.prune_err_global_type);
    const m = new nn.Linear(2, 2);
    const weight = m.weight;
    const [error, after] = J.prune_err_keeps as [[string, string], string[]];
    sameError(() => pr.l1Unstructured(m, 'weight', 9), error);
    expect(keys(m)).toEqual(after);
    expect(m.weight).toBe(weight);
    expect(pr.isPruned(m)).toBe(false);
  });
});

describe('ownership', () => {
  test('modules built and run inside tidy keep their originals, buffers and computed weights', () => {
    const x = torch.ones(2, 5);
    const built = torch.tidy(() => [
      PZ.spectralNorm(new nn.Linear(5, 4)),
      PZ.orthogonal(new nn.Linear(5, 3)),
      PZ.weightNorm(new nn.Linear(5, 3)),
      quietly(() => utils.weightNorm(new nn.Linear(5, 3))),
      utils.spectralNorm(new nn.Linear(5, 4)),
    ]);
    torch.tidy(() => {
      for (const m of built) (m as any).call(x);
    });
    for (const m of built) {
      for (const t of [...m.parameters(), ...m.buffers()]) expect(t.isDisposed).toBe(false);
      expect(attr(m, 'weight').isDisposed).toBe(false);
      expect(torch.tidy(() => (m as any).call(x).isDisposed)).toBe(false);
    }
  });
});
