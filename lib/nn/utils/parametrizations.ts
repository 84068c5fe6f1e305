// torch/nn/utils/parametrizations.py: orthogonal, weight_norm and spectral_norm as
// parametrizations (torch.nn.utils.parametrize), with PyTorch's math, buffers and RNG draws.
import { noGrad } from '../../autograd';
import { finfo } from '../../dtype';
import { add, allclose, cat, eye, geqrf, matrixExp, mv, normExceptDim, randn, vdot, zerosLike } from '../../generated/torch';
import { householderProduct, solve } from '../../generated/linalg';
import { contiguousFormat } from '../../layout';
import { native } from '../../native';
import { op } from '../../ops';
import { Tensor, wrap } from '../../tensor';
import { pySignature } from '../../python_signature';
import { ConvTranspose1d, ConvTranspose2d, ConvTranspose3d } from '../conv';
import { normalize } from '../functional';
import { Module } from '../module';
import { NotImplementedError, registerParametrization } from './parametrize';

const ops = { weightNorm: op('aten::_weight_norm') };

const ORTHOGONAL = pySignature('orthogonal', 'module, name="weight", orthogonal_map=None, *, use_trivialization=True');
const WEIGHT_NORM = pySignature('weight_norm', 'module, name="weight", dim=0');
const SPECTRAL_NORM = pySignature('spectral_norm', 'module, name="weight", n_power_iterations=1, eps=1e-12, dim=None');

export type OrthogonalMap = 'matrix_exp' | 'cayley' | 'householder';
const ORTH_MAPS: readonly string[] = ['matrix_exp', 'cayley', 'householder'];

/** The tensor `name` of `module` (Python's `getattr(module, name, None)`), null when there is none. */
function tensorAttribute(module: Module, name: string): Tensor | null {
  const value = name in module ? (module as unknown as Record<string, unknown>)[name] : null;
  return value instanceof Tensor ? value : null;
}

function isOrthogonal(q: Tensor): boolean {
  const [n, k] = [q.size(-2), q.size(-1)];
  const id = eye(k, { dtype: q.dtype, device: q.device });
  const eps = 10.0 * n * finfo(q.dtype).eps;
  return allclose(q.mH.matmul(q), id, { atol: eps });
}

/** The Q of A's QR decomposition with the signs that make R's diagonal positive. */
function makeOrthogonal(a: Tensor): Tensor {
  const [x, tau] = geqrf(a) as unknown as [Tensor, Tensor];
  const q = householderProduct(x, tau);
  q.mul_(x.diagonal({ dim1: -2, dim2: -1 }).sgn().unsqueeze(-2));
  return q;
}

/** The orthogonal parametrization (PyTorch's private `_Orthogonal`). */
export class _Orthogonal extends Module {
  static override pythonModule = 'torch.nn.utils.parametrizations';
  declare shape: readonly number[];
  declare orthogonalMap: OrthogonalMap;
  declare base: Tensor | null;

  constructor(weight: Tensor, orthogonalMap: OrthogonalMap, options: { useTrivialization?: boolean } = {}) {
    super();
    if (weight.isComplex() && orthogonalMap === 'householder') throw new RangeError('The householder parametrization does not support complex tensors.');
    this.shape = weight.shape;
    this.orthogonalMap = orthogonalMap;
    if (options.useTrivialization ?? true) this.registerBuffer('base', null);
  }

  override forward(x: Tensor): Tensor {
    let [n, k] = [x.size(-2), x.size(-1)];
    const transposed = n < k;
    if (transposed) {
      x = x.mT;
      [n, k] = [k, n];
    }
    let q: Tensor;
    if (this.orthogonalMap === 'matrix_exp' || this.orthogonalMap === 'cayley') {
      x = x.tril();
      if (n !== k) x = cat([x, x.newZeros([n, n - k]).expand([...x.shape.slice(0, -2), -1, -1])], { dim: -1 });
      const a = x.sub(x.mH);
      if (this.orthogonalMap === 'matrix_exp') {
        q = matrixExp(a);
      } else {
        const id = eye(n, { dtype: a.dtype, device: a.device });
        q = solve(add(id, a, { alpha: -0.5 }), add(id, a, { alpha: 0.5 }));
      }
      if (n !== k) q = q.get('...', `:${k}`);
    } else {
      const a = x.tril(-1);
      // Python's `2.0 / (1.0 + s)` is Tensor.__rtruediv__: reciprocal() * 2.0.
      const tau = a.mul(a).sum(-2).add(1.0).reciprocal().mul(2.0);
      q = householderProduct(a, tau);
      q = q.mul(x.diagonal({ dim1: -2, dim2: -1 }).int().unsqueeze(-2));
    }
    if (this._buffers.has('base')) q = (this.base as Tensor).matmul(q);
    if (transposed) q = q.mT;
    return q;
  }

  rightInverse(q: Tensor): Tensor {
    return noGrad(() => {
      const expected = this.shape;
      if (q.shape.length !== expected.length || q.shape.some((d, i) => d !== expected[i])) {
        throw new RangeError(`Expected a matrix or batch of matrices of shape ${expected}. Got a tensor of shape ${q.shape}.`);
      }
      const qInit = q;
      let [n, k] = [q.size(-2), q.size(-1)];
      const transpose = n < k;
      if (transpose) {
        q = q.mT;
        [n, k] = [k, n];
      }
      if (!this._buffers.has('base')) {
        if (this.orthogonalMap === 'cayley' || this.orthogonalMap === 'matrix_exp') {
          throw new NotImplementedError(
            'It is not possible to assign to the matrix exponential or the Cayley parametrizations when use_trivialization=False.',
          );
        }
        const [a, tau] = geqrf(q) as unknown as [Tensor, Tensor];
        a.diagonal({ dim1: -2, dim2: -1 }).sign_();
        const diag = a.diagonal({ dim1: -2, dim2: -1 });
        const zero = tau.eq(0.0);
        diag.set(zero, diag.get(zero).mul(-1));
        return transpose ? a.mT : a;
      }
      if (n === k) {
        q = isOrthogonal(q) ? q.clone() : makeOrthogonal(q);
      } else {
        const noise = randn([...q.shape.slice(0, -2), n, n - k], { dtype: q.dtype, device: q.device });
        q = makeOrthogonal(cat([q, noise], { dim: -1 }));
      }
      this.base = q;
      const negId = zerosLike(qInit);
      negId.diagonal({ dim1: -2, dim2: -1 }).fill_(-1.0);
      return negId;
    });
  }
}

/**
 * Parametrizes `module[name]` (a matrix or a batch of them) as orthogonal or unitary
 * (torch.nn.utils.parametrizations.orthogonal). `orthogonalMap` defaults to 'matrix_exp' for
 * square or complex matrices and 'householder' otherwise.
 */
export function orthogonal<M extends Module>(module: M, name?: string, orthogonalMap?: OrthogonalMap | null, options?: { useTrivialization?: boolean }): M;
export function orthogonal<M extends Module>(module: M, options: { name?: string; orthogonalMap?: OrthogonalMap | null; useTrivialization?: boolean }): M;
export function orthogonal(...args: unknown[]): Module {
  const o = ORTHOGONAL<{ module: Module; name: string; orthogonalMap: string | null; useTrivialization: boolean }>(args);
  const weight = tensorAttribute(o.module, o.name);
  if (weight === null) throw new RangeError(`Module '${o.module}' has no parameter or buffer with name '${o.name}'`);
  if (weight.ndim < 2) throw new RangeError(`Expected a matrix or batch of matrices. Got a tensor of ${weight.ndim} dimensions.`);
  const map = o.orthogonalMap ?? (weight.size(-2) === weight.size(-1) || weight.isComplex() ? 'matrix_exp' : 'householder');
  if (!ORTH_MAPS.includes(map)) throw new RangeError(`orthogonal_map has to be one of "matrix_exp", "cayley", "householder". Got: ${map}`);
  const orth = new _Orthogonal(weight, map as OrthogonalMap, { useTrivialization: o.useTrivialization });
  registerParametrization(o.module, o.name, orth, { unsafe: true });
  return o.module;
}

/** The weight-norm parametrization, weight = g * v / ‖v‖ (PyTorch's private `_WeightNorm`). */
export class _WeightNorm extends Module {
  static override pythonModule = 'torch.nn.utils.parametrizations';
  declare dim: number;

  constructor(dim: number | null = 0) {
    super();
    this.dim = dim ?? -1;
  }

  override forward(weightG: Tensor, weightV: Tensor): Tensor {
    return wrap(native.callOp(ops.weightNorm, weightV._h, weightG._h, this.dim));
  }

  rightInverse(weight: Tensor): [Tensor, Tensor] {
    return [normExceptDim(weight, 2, this.dim), weight];
  }
}

/**
 * Weight normalization as a parametrization (torch.nn.utils.parametrizations.weight_norm): the
 * originals are `parametrizations.<name>.original0` (the magnitude g) and `original1` (the direction
 * v); a state dict of the old-style weightNorm (`<name>_g`, `<name>_v`) loads into them.
 */
export function weightNorm<M extends Module>(module: M, name?: string, dim?: number | null): M;
export function weightNorm<M extends Module>(module: M, options: { name?: string; dim?: number | null }): M;
export function weightNorm(...args: unknown[]): Module {
  const o = WEIGHT_NORM<{ module: Module; name: string; dim: number | null }>(args);
  const name = o.name;
  registerParametrization(o.module, name, new _WeightNorm(o.dim), { unsafe: true });
  // State dicts of the old-style weight_norm (`weight_g`, `weight_v`) load as original0/original1.
  o.module.registerLoadStateDictPreHook((_m, stateDict, prefix) => {
    const gKey = `${prefix}${name}_g`;
    const vKey = `${prefix}${name}_v`;
    if (!stateDict.has(gKey) || !stateDict.has(vKey)) return;
    const original0 = stateDict.get(gKey);
    const original1 = stateDict.get(vKey);
    stateDict.delete(gKey);
    stateDict.delete(vKey);
    stateDict.set(`${prefix}parametrizations.${name}.original0`, original0);
    stateDict.set(`${prefix}parametrizations.${name}.original1`, original1);
  });
  return o.module;
}

/** The spectral-norm parametrization, weight / σ(weight) by power iteration (PyTorch's private `_SpectralNorm`). */
export class _SpectralNorm extends Module {
  static override pythonModule = 'torch.nn.utils.parametrizations';
  static override floatAttributes = ['eps'];
  declare dim: number;
  declare eps: number;
  declare nPowerIterations: number;
  declare _u: Tensor;
  declare _v: Tensor;

  constructor(weight: Tensor, nPowerIterations = 1, dim = 0, eps = 1e-12) {
    super();
    const ndim = weight.ndim;
    if (dim >= ndim || dim < -ndim) throw new RangeError(`Dimension out of range (expected to be in range of [-${ndim}, ${ndim - 1}] but got ${dim})`);
    if (nPowerIterations <= 0) throw new RangeError(`Expected n_power_iterations to be positive, but got n_power_iterations=${nPowerIterations}`);
    this.dim = dim >= 0 ? dim : dim + ndim;
    this.eps = eps;
    if (ndim > 1) {
      this.nPowerIterations = nPowerIterations;
      const weightMat = this._reshapeWeightToMatrix(weight);
      const [h, w] = weightMat.shape as unknown as [number, number];
      const u = weightMat.newEmpty([h]).normal_(0, 1);
      const v = weightMat.newEmpty([w]).normal_(0, 1);
      this.registerBuffer('_u', normalize(u, { dim: 0, eps: this.eps }));
      this.registerBuffer('_v', normalize(v, { dim: 0, eps: this.eps }));
      this._powerMethod(weightMat, 15);
    }
  }

  _reshapeWeightToMatrix(weight: Tensor): Tensor {
    if (weight.ndim <= 1) throw new Error(`Expected weight to have more than 1 dimension, got ${weight.ndim}`);
    if (this.dim !== 0) weight = weight.permute([this.dim, ...Array.from({ length: weight.ndim }, (_, d) => d).filter((d) => d !== this.dim)]);
    return weight.flatten(1);
  }

  _powerMethod(weightMat: Tensor, nPowerIterations: number): void {
    if (weightMat.ndim <= 1) throw new Error(`Expected weight_mat to have more than 1 dimension, got ${weightMat.ndim}`);
    noGrad(() => {
      for (let i = 0; i < nPowerIterations; i++) {
        this._u = normalize(mv(weightMat, this._v), { dim: 0, eps: this.eps, out: this._u });
        this._v = normalize(mv(weightMat.H, this._u), { dim: 0, eps: this.eps, out: this._v });
      }
    });
  }

  override forward(weight: Tensor): Tensor {
    if (weight.ndim === 1) return normalize(weight, { dim: 0, eps: this.eps });
    const weightMat = this._reshapeWeightToMatrix(weight);
    if (this.training) this._powerMethod(weightMat, this.nPowerIterations);
    const u = this._u.clone({ memoryFormat: contiguousFormat });
    const v = this._v.clone({ memoryFormat: contiguousFormat });
    const sigma = vdot(u, mv(weightMat, v));
    return weight.div(sigma);
  }

  rightInverse(value: Tensor): Tensor {
    return value;
  }
}

const isConvTranspose = (m: Module): boolean => m instanceof ConvTranspose1d || m instanceof ConvTranspose2d || m instanceof ConvTranspose3d;

/**
 * Spectral normalization as a parametrization (torch.nn.utils.parametrizations.spectral_norm):
 * the power iteration's vectors are the buffers `parametrizations.<name>.0._u` and `._v`. `dim`
 * defaults to 1 for transposed convolutions and 0 otherwise.
 */
export function spectralNorm<M extends Module>(module: M, name?: string, nPowerIterations?: number, eps?: number, dim?: number | null): M;
export function spectralNorm<M extends Module>(module: M, options: { name?: string; nPowerIterations?: number; eps?: number; dim?: number | null }): M;
export function spectralNorm(...args: unknown[]): Module {
  const o = SPECTRAL_NORM<{ module: Module; name: string; nPowerIterations: number; eps: number; dim: number | null }>(args);
  const weight = tensorAttribute(o.module, o.name);
  if (weight === null) throw new RangeError(`Module '${o.module}' has no parameter or buffer with name '${o.name}'`);
  const dim = o.dim ?? (isConvTranspose(o.module) ? 1 : 0);
  registerParametrization(o.module, o.name, new _SpectralNorm(weight, o.nPowerIterations, dim, o.eps));
  return o.module;
}
