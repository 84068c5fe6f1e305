// torch/nn/utils/spectral_norm.py: the old-style spectral normalization, a forward pre-hook that
// sets `weight = weight_orig / σ` before every call, σ estimated by power iteration with the
// buffers `weight_u` and `weight_v`; a state-dict hook records its version in `_metadata` and a
// load pre-hook upgrades checkpoints written before it had `weight_v`.
import { noGrad } from '../../autograd';
import { dot, mv } from '../../generated/torch';
import { multiDot } from '../../generated/linalg';
import { contiguousFormat } from '../../layout';
import { keep } from '../../memory';
import { Tensor } from '../../tensor';
import { pySignature } from '../../python_signature';
import { ConvTranspose1d, ConvTranspose2d, ConvTranspose3d } from '../conv';
import { normalize } from '../functional';
import type { ForwardPreHook, LoadStateDictPreHook, Module, StateDictPostHook } from '../module';
import { Parameter, UninitializedParameter } from '../parameter';

const SPECTRAL_NORM = pySignature('spectral_norm', 'module, name="weight", n_power_iterations=1, eps=1e-12, dim=None');
const REMOVE_SPECTRAL_NORM = pySignature('remove_spectral_norm', 'module, name="weight"');

/** The hooks that belong to a SpectralNorm (PyTorch finds them by their class). */
const hooks = new WeakMap<ForwardPreHook | StateDictPostHook | LoadStateDictPreHook, SpectralNorm>();

const attrs = (m: Module): Record<string, unknown> => m as unknown as Record<string, unknown>;

/** torch.nn.utils.spectral_norm.SpectralNorm: the hook's state. */
export class SpectralNorm {
  /** The state-dict format: 1 has `weight_v` (0, before PyTorch 1.1, did not). */
  static readonly _version = 1;
  readonly name: string;
  readonly dim: number;
  readonly nPowerIterations: number;
  readonly eps: number;

  constructor(name = 'weight', nPowerIterations = 1, dim = 0, eps = 1e-12) {
    this.name = name;
    this.dim = dim;
    if (nPowerIterations <= 0) throw new RangeError(`Expected n_power_iterations to be positive, but got n_power_iterations=${nPowerIterations}`);
    this.nPowerIterations = nPowerIterations;
    this.eps = eps;
  }

  reshapeWeightToMatrix(weight: Tensor): Tensor {
    let weightMat = weight;
    if (this.dim !== 0) weightMat = weightMat.permute([this.dim, ...Array.from({ length: weightMat.ndim }, (_, d) => d).filter((d) => d !== this.dim)]);
    return weightMat.reshape([weightMat.size(0), -1]);
  }

  computeWeight(module: Module, doPowerIteration: boolean): Tensor {
    const weight = attrs(module)[`${this.name}_orig`] as Tensor;
    let u = attrs(module)[`${this.name}_u`] as Tensor;
    let v = attrs(module)[`${this.name}_v`] as Tensor;
    const weightMat = this.reshapeWeightToMatrix(weight);
    if (doPowerIteration) {
      noGrad(() => {
        for (let i = 0; i < this.nPowerIterations; i++) {
          // Written into the buffers in place, so that the next call starts from them.
          v = normalize(mv(weightMat.t(), u), { dim: 0, eps: this.eps, out: v });
          u = normalize(mv(weightMat, v), { dim: 0, eps: this.eps, out: u });
        }
        // Clones, so that autograd can use u and v after the buffers change again.
        u = u.clone({ memoryFormat: contiguousFormat });
        v = v.clone({ memoryFormat: contiguousFormat });
      });
    }
    const sigma = dot(u, mv(weightMat, v));
    return weight.div(sigma);
  }

  remove(module: Module): void {
    const weight = noGrad(() => this.computeWeight(module, false));
    for (const suffix of ['', '_u', '_v', '_orig']) delete attrs(module)[this.name + suffix];
    module.registerParameter(this.name, new Parameter(weight.detach()));
  }

  /** v such that u = Wv / ‖Wv‖ and uᵀWv = targetSigma (upgrading a version-0 checkpoint). */
  _solveVAndRescale(weightMat: Tensor, u: Tensor, targetSigma: Tensor): Tensor {
    const v = multiDot([weightMat.t().mm(weightMat).pinverse(), weightMat.t(), u.unsqueeze(1)]).squeeze(1);
    return v.mul_(targetSigma.div(dot(u, mv(weightMat, v))));
  }

  static apply(module: Module, name: string, nPowerIterations: number, dim: number, eps: number): SpectralNorm {
    for (const hook of module._forwardPreHooks.values()) {
      if (hooks.get(hook)?.name === name) throw new Error(`Cannot register two spectral_norm hooks on the same parameter ${name}`);
    }
    const fn = new SpectralNorm(name, nPowerIterations, dim, eps);
    const weight = module._parameters.get(name) ?? null;
    if (weight === null) throw new RangeError(`\`SpectralNorm\` cannot be applied as parameter \`${name}\` is None`);
    if (weight instanceof UninitializedParameter) {
      throw new RangeError(
        "The module passed to `SpectralNorm` can't have uninitialized parameters. Make sure to run the dummy forward before applying spectral normalization",
      );
    }
    const [u, v] = noGrad(() => {
      const weightMat = fn.reshapeWeightToMatrix(weight);
      const [h, w] = weightMat.shape as unknown as [number, number];
      return [
        normalize(weight.newEmpty([h]).normal_(0, 1), { dim: 0, eps: fn.eps }),
        normalize(weight.newEmpty([w]).normal_(0, 1), { dim: 0, eps: fn.eps }),
      ];
    });
    delete attrs(module)[fn.name];
    module.registerParameter(`${fn.name}_orig`, weight);
    attrs(module)[fn.name] = keep(weight.data);
    module.registerBuffer(`${fn.name}_u`, u);
    module.registerBuffer(`${fn.name}_v`, v);

    const forwardPreHook: ForwardPreHook = (m) => {
      attrs(m)[fn.name] = keep(fn.computeWeight(m, m.training));
    };
    const stateDictHook: StateDictPostHook = (_m, _stateDict, _prefix, localMetadata) => {
      let versions = localMetadata.get('spectral_norm') as Map<string, unknown> | undefined;
      if (versions === undefined) localMetadata.set('spectral_norm', (versions = new Map()));
      const key = `${fn.name}.version`;
      if (versions.has(key)) throw new Error(`Unexpected key in metadata['spectral_norm']: ${key}`);
      versions.set(key, SpectralNorm._version);
    };
    const loadPreHook: LoadStateDictPreHook = (_m, stateDict, prefix, localMetadata, strict, missingKeys) => {
      const version = (localMetadata.get('spectral_norm') as Map<string, unknown> | undefined)?.get(`${fn.name}.version`) ?? null;
      if (version !== null && (version as number) >= 1) return;
      const weightKey = prefix + fn.name;
      // A version-1 state dict whose metadata was lost: nothing to upgrade.
      if (version === null && ['_orig', '_u', '_v'].every((s) => stateDict.has(weightKey + s)) && !stateDict.has(weightKey)) return;
      let hasMissingKeys = false;
      for (const suffix of ['_orig', '', '_u']) {
        const key = weightKey + suffix;
        if (!stateDict.has(key)) {
          hasMissingKeys = true;
          if (strict) missingKeys.push(key);
        }
      }
      if (hasMissingKeys) return;
      noGrad(() => {
        const weightOrig = stateDict.get(`${weightKey}_orig`) as Tensor;
        const w = stateDict.get(weightKey) as Tensor;
        stateDict.delete(weightKey);
        const sigma = weightOrig.div(w).mean();
        const weightMat = fn.reshapeWeightToMatrix(weightOrig);
        const uu = stateDict.get(`${weightKey}_u`) as Tensor;
        stateDict.set(`${weightKey}_v`, fn._solveVAndRescale(weightMat, uu, sigma));
      });
    };
    for (const hook of [forwardPreHook, stateDictHook, loadPreHook]) hooks.set(hook, fn);
    module.registerForwardPreHook(forwardPreHook);
    module.registerStateDictPostHook(stateDictHook);
    module.registerLoadStateDictPreHook(loadPreHook);
    return fn;
  }
}

const isConvTranspose = (m: Module): boolean => m instanceof ConvTranspose1d || m instanceof ConvTranspose2d || m instanceof ConvTranspose3d;

/**
 * Rescales `module[name]` by its spectral norm before every call (torch.nn.utils.spectral_norm):
 * the parameter becomes `name_orig`, the power iteration's vectors the buffers `name_u`, `name_v`.
 * `dim` defaults to 1 for transposed convolutions and 0 otherwise.
 */
export function spectralNorm<M extends Module>(module: M, name?: string, nPowerIterations?: number, eps?: number, dim?: number | null): M;
export function spectralNorm<M extends Module>(module: M, options: { name?: string; nPowerIterations?: number; eps?: number; dim?: number | null }): M;
export function spectralNorm(...args: unknown[]): Module {
  const o = SPECTRAL_NORM<{ module: Module; name: string; nPowerIterations: number; eps: number; dim: number | null }>(args);
  SpectralNorm.apply(o.module, o.name, o.nPowerIterations, o.dim ?? (isConvTranspose(o.module) ? 1 : 0), o.eps);
  return o.module;
}

/** Undoes spectralNorm: `name` is one parameter again, holding `name_orig / σ` (torch.nn.utils.remove_spectral_norm). */
export function removeSpectralNorm<M extends Module>(module: M, name?: string): M;
export function removeSpectralNorm(...args: unknown[]): Module {
  const o = REMOVE_SPECTRAL_NORM<{ module: Module; name: string }>(args);
  const m = o.module;
  const mine = (hook: ForwardPreHook | StateDictPostHook | LoadStateDictPreHook): boolean => hooks.get(hook)?.name === o.name;
  const found = [...m._forwardPreHooks].find(([, hook]) => mine(hook));
  if (found === undefined) throw new RangeError(`spectral_norm of '${o.name}' not found in ${m}`);
  hooks.get(found[1])!.remove(m);
  m._forwardPreHooks.delete(found[0]);
  for (const store of [m._stateDictHooks, m._loadStateDictPreHooks] as Map<number, StateDictPostHook | LoadStateDictPreHook>[]) {
    const entry = [...store].find(([, hook]) => mine(hook));
    if (entry !== undefined) store.delete(entry[0]);
  }
  return m;
}
