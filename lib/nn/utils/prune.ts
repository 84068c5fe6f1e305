// torch/nn/utils/prune.py: pruning a parameter by a mask. Pruning `weight` moves the parameter to
// `weight_orig`, adds the buffer `weight_mask`, and a forward pre-hook sets `weight` to
// `weight_mask * weight_orig` before every call; pruning it again combines the masks through a
// PruningContainer. The pruning methods draw their random numbers as PyTorch's do.
import { norm } from '../../functional';
import { kthvalue, onesLike, rand, randLike, topk, zerosLike } from '../../generated/torch';
import { contiguousFormat } from '../../layout';
import { keep } from '../../memory';
import { Tensor } from '../../tensor';
import { pySignature } from '../../python_signature';
import { PyFloat, pyRound } from '../../scalar';
import { Module, type ForwardPreHook } from '../module';
import { isOptions } from '../modules_utils';
import { Parameter } from '../parameter';
import { pyFloat } from '../repr';
import { parametersToVector } from './convert_parameters';

/** How many entries to prune: an int is a count, a float (a non-integral number or torch.pyFloat) a fraction. */
export type Amount = number | PyFloat;
export type PruningType = 'unstructured' | 'structured' | 'global';

const attrs = (m: Module): Record<string, unknown> => m as unknown as Record<string, unknown>;

/** A pruning method's forward pre-hook; it carries the method (in PyTorch the hook is the method object itself). */
export type PruningHook = ForwardPreHook & { readonly pruningMethod: BasePruningMethod };

function pruningHooks(module: Module): [number, BasePruningMethod][] {
  const out: [number, BasePruningMethod][] = [];
  for (const [id, hook] of module._forwardPreHooks) {
    const method = (hook as Partial<PruningHook>).pruningMethod;
    if (method instanceof BasePruningMethod) out.push([id, method]);
  }
  return out;
}

const isInt = (amount: Amount): amount is number => typeof amount === 'number' && Number.isInteger(amount);
const amountStr = (amount: Amount): string => (isInt(amount) ? String(amount) : pyFloat(amount instanceof PyFloat ? amount.value : amount));

function validateAmountInit(amount: unknown): void {
  if (typeof amount !== 'number' && !(amount instanceof PyFloat)) throw new TypeError(`Invalid type for amount: ${String(amount)}. Must be int or float.`);
  const value = amount instanceof PyFloat ? amount.value : amount;
  if ((isInt(amount) && value < 0) || (!isInt(amount) && (value > 1.0 || value < 0.0))) {
    throw new RangeError(`amount=${amountStr(amount)} should either be a float in the range [0, 1] or a non-negative integer`);
  }
}


function computeNparamsToprune(amount: Amount, tensorSize: number): number {
  return isInt(amount) ? amount : pyRound((amount instanceof PyFloat ? amount.value : amount) * tensorSize);
}

function validateAmount(amount: Amount, nparams: number, tensorSize: number): void {
  if (isInt(amount) && nparams > tensorSize) {
    throw new RangeError(`amount=${nparams} should be smaller than the number of parameters to prune=${tensorSize}`);
  }
}

function validateStructured(t: Tensor): void {
  if (t.ndim <= 1) {
    throw new RangeError(`Structured pruning can only be applied to multidimensional tensors. Found tensor of shape ${t.shape} with ${t.ndim} dims`);
  }
}

function validateDim(t: Tensor, dim: number): void {
  if (dim >= t.ndim) throw new RangeError(`Invalid index ${dim} for tensor of size ${t.shape}`);
}

/** `[slice(None)] * ndim` with `index` at `dim` (negative dims count from the end, as Python lists do). */
function sliceAt(ndim: number, dim: number, index: Tensor): (string | Tensor)[] {
  const slc: (string | Tensor)[] = Array.from({ length: ndim }, () => ':');
  slc[dim < 0 ? dim + ndim : dim] = index;
  return slc;
}

/**
 * torch.nn.utils.prune.BasePruningMethod: computes a mask for a tensor and applies it as a forward
 * pre-hook. Each method class has PyTorch's static `apply(module, name, ...)` (it shadows
 * Function.prototype.apply on those classes, as the Python API names it).
 */
export abstract class BasePruningMethod {
  static PRUNING_TYPE: PruningType;
  declare _tensorName: string;

  abstract computeMask(t: Tensor, defaultMask: Tensor): Tensor;

  get PRUNING_TYPE(): PruningType {
    return (this.constructor as typeof BasePruningMethod).PRUNING_TYPE;
  }

  /** `name_mask * name_orig`. */
  applyMask(module: Module): Tensor {
    if (this._tensorName === undefined) throw new Error(`Module ${module} has to be pruned`);
    const mask = attrs(module)[`${this._tensorName}_mask`] as Tensor;
    const orig = attrs(module)[`${this._tensorName}_orig`] as Tensor;
    return mask.to({ dtype: orig.dtype }).mul(orig);
  }

  /** The forward pre-hook that sets the pruned tensor before each call. */
  private hook(): PruningHook {
    const hook: ForwardPreHook = (module) => {
      attrs(module)[this._tensorName] = keep(this.applyMask(module));
    };
    return Object.defineProperty(hook, 'pruningMethod', { value: this, enumerable: false }) as PruningHook;
  }

  /**
   * Prunes `module[name]` with a new `Method(...args)` (combined with any pruning already there):
   * PyTorch's `BasePruningMethod.apply`, with `importanceScores` (the tensor the mask is computed
   * from, the parameter itself by default) in the options.
   */
  static _apply(this: new (...args: any[]) => BasePruningMethod, module: Module, name: string, args: unknown[], importanceScores: Tensor | null = null): BasePruningMethod {
    let oldMethod: BasePruningMethod | undefined;
    const hooks = pruningHooks(module).filter(([, h]) => h._tensorName === name);
    if (hooks.length > 1) {
      throw new Error(`Avoid adding multiple pruning hooks to the same tensor ${name} of module ${module}. Use a PruningContainer.`);
    }
    for (const [id, h] of hooks) {
      module._forwardPreHooks.delete(id);
      oldMethod = h;
    }
    let method = new this(...args);
    method._tensorName = name;
    if (oldMethod instanceof PruningContainer) {
      oldMethod.addPruningMethod(method);
      method = oldMethod;
    } else if (oldMethod !== undefined) {
      const container = new PruningContainer(oldMethod);
      container.addPruningMethod(method);
      method = container;
    }

    const orig = attrs(module)[name] as Tensor;
    if (importanceScores !== null) {
      if (!sameShape(importanceScores.shape, orig.shape)) {
        throw new Error(`importance_scores should have the same shape as parameter ${name} of ${module}, got ${importanceScores.shape} vs ${orig.shape}`);
      }
    } else {
      importanceScores = orig;
    }
    const container = method instanceof PruningContainer;
    let defaultMask: Tensor;
    if (!container) {
      module.registerParameter(`${name}_orig`, orig as Parameter);
      delete attrs(module)[name];
      defaultMask = onesLike(orig);
    } else {
      defaultMask = (attrs(module)[`${name}_mask`] as Tensor).detach().clone({ memoryFormat: contiguousFormat });
    }
    try {
      const mask = method.computeMask(importanceScores, defaultMask);
      module.registerBuffer(`${name}_mask`, mask);
      attrs(module)[name] = keep(method.applyMask(module));
      module.registerForwardPreHook(method.hook());
    } catch (e) {
      if (!container) {
        const o = attrs(module)[`${name}_orig`] as Parameter;
        delete attrs(module)[`${name}_orig`];
        module.registerParameter(name, o);
      }
      throw e;
    }
    return method;
  }

  /** `t` pruned by this method's mask (computed from `importanceScores`, `t` by default). */
  prune(t: Tensor, defaultMask: Tensor | null = null, importanceScores: Tensor | null = null): Tensor {
    if (importanceScores !== null) {
      if (!sameShape(importanceScores.shape, t.shape)) {
        throw new Error(`importance_scores should have the same shape as tensor t, got ${importanceScores.shape} vs ${t.shape}`);
      }
    } else {
      importanceScores = t;
    }
    return t.mul(this.computeMask(importanceScores, defaultMask ?? onesLike(t)));
  }

  /** Makes the pruning permanent: `name` is a parameter again, holding the pruned values. */
  remove(module: Module): void {
    if (this._tensorName === undefined) throw new Error(`Module ${module} has to be pruned before pruning can be removed`);
    const name = this._tensorName;
    const weight = this.applyMask(module);
    if (name in module) delete attrs(module)[name];
    const orig = module._parameters.get(`${name}_orig`)!;
    orig.data = weight.data;
    delete attrs(module)[`${name}_orig`];
    delete attrs(module)[`${name}_mask`];
    attrs(module)[name] = orig;
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The pruning methods applied to one tensor, in order; the last computes its mask within the others'. */
export class PruningContainer extends BasePruningMethod {
  _pruningMethods: BasePruningMethod[] = [];

  constructor(...methods: BasePruningMethod[]) {
    super();
    if (methods.length === 1) this._tensorName = methods[0]!._tensorName;
    for (const m of methods) this.addPruningMethod(m);
  }

  addPruningMethod(method: BasePruningMethod | null): void {
    if (method !== null && !(method instanceof BasePruningMethod)) throw new TypeError(`${String(method)} is not a BasePruningMethod subclass`);
    if (method !== null && this._tensorName !== method._tensorName) {
      throw new RangeError(
        `Can only add pruning methods acting on the parameter named '${this._tensorName}' to PruningContainer ${this.constructor.name}. Found '${method._tensorName}'`,
      );
    }
    this._pruningMethods.push(method as BasePruningMethod);
  }

  get length(): number {
    return this._pruningMethods.length;
  }
  [Symbol.iterator](): Iterator<BasePruningMethod> {
    return this._pruningMethods[Symbol.iterator]();
  }

  override computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    const method = this._pruningMethods[this._pruningMethods.length - 1]!;
    // The new mask starts as the existing one (the same tensor when the dtypes agree, as in PyTorch).
    const newMask = defaultMask.to({ dtype: t.dtype });
    const type = method.PRUNING_TYPE;
    let slc: Tensor | (string | Tensor)[];
    if (type === 'unstructured') {
      slc = defaultMask.eq(1);
    } else if (type === 'structured') {
      if (!('dim' in method)) throw new Error('Pruning methods of PRUNING_TYPE "structured" need to have the attribute `dim` defined.');
      const nDims = t.ndim;
      let dim = (method as unknown as { dim: number }).dim;
      if (dim < 0) dim = nDims + dim;
      if (dim < 0) throw new RangeError(`Index is out of bounds for tensor with dimensions ${nDims}`);
      const keepChannel = defaultMask.sum(Array.from({ length: nDims }, (_, d) => d).filter((d) => d !== dim)).ne(0);
      slc = sliceAt(nDims, dim, keepChannel);
    } else if (type === 'global') {
      slc = Array.from({ length: t.ndim }, () => ':');
    } else {
      throw new RangeError(`Unrecognized PRUNING_TYPE ${String(type)}`);
    }
    const pick = (x: Tensor): Tensor => (Array.isArray(slc) ? x.get(...slc) : x.get(slc));
    const partialMask = method.computeMask(pick(t), pick(defaultMask));
    newMask.set(slc, partialMask.to({ dtype: newMask.dtype }));
    return newMask;
  }
}

const NO_ARGS = pySignature('Identity.__init__', 'self');
const AMOUNT = pySignature('__init__', 'self, amount');
const AMOUNT_DIM = pySignature('RandomStructured.__init__', 'self, amount, dim=-1');
const AMOUNT_N_DIM = pySignature('LnStructured.__init__', 'self, amount, n, dim=-1');
const MASK = pySignature('CustomFromMask.__init__', 'self, mask');

/** Keeps every entry: the mask stays as it is. */
export class Identity extends BasePruningMethod {
  static override PRUNING_TYPE: PruningType = 'unstructured';
  constructor(...args: unknown[]) {
    super();
    NO_ARGS(args);
  }
  override computeMask(_t: Tensor, defaultMask: Tensor): Tensor {
    return defaultMask;
  }
  static override apply(module: Module, name: string): Identity {
    return BasePruningMethod._apply.call(Identity, module, name, []) as Identity;
  }
}

/** Prunes `amount` entries chosen at random. */
export class RandomUnstructured extends BasePruningMethod {
  static override PRUNING_TYPE: PruningType = 'unstructured';
  declare amount: Amount;
  constructor(amount: Amount);
  constructor(options: { amount: Amount });
  constructor(...args: unknown[]) {
    super();
    const o = AMOUNT<{ amount: Amount }>(args, 'RandomUnstructured.__init__');
    validateAmountInit(o.amount);
    this.amount = o.amount;
  }
  override computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    const size = t.numel();
    const n = computeNparamsToprune(this.amount, size);
    validateAmount(this.amount, n, size);
    const mask = defaultMask.clone({ memoryFormat: contiguousFormat });
    if (n !== 0) {
      const prob = randLike(t);
      const { indices } = topk(prob.view(-1), n);
      mask.view(-1).set(indices, 0);
    }
    return mask;
  }
  static override apply(module: Module, name: string, amount: Amount): RandomUnstructured {
    return BasePruningMethod._apply.call(RandomUnstructured, module, name, [amount]) as RandomUnstructured;
  }
}

/** Prunes the `amount` entries of smallest absolute value (of `importanceScores`, if given). */
export class L1Unstructured extends BasePruningMethod {
  static override PRUNING_TYPE: PruningType = 'unstructured';
  declare amount: Amount;
  constructor(amount: Amount);
  constructor(options: { amount: Amount });
  constructor(...args: unknown[]) {
    super();
    const o = AMOUNT<{ amount: Amount }>(args, 'L1Unstructured.__init__');
    validateAmountInit(o.amount);
    this.amount = o.amount;
  }
  override computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    const size = t.numel();
    const n = computeNparamsToprune(this.amount, size);
    validateAmount(this.amount, n, size);
    const mask = defaultMask.clone({ memoryFormat: contiguousFormat });
    if (n !== 0) {
      const { indices } = topk(t.abs().view(-1), n, { largest: false });
      mask.view(-1).set(indices, 0);
    }
    return mask;
  }
  static override apply(module: Module, name: string, amount: Amount, importanceScores: Tensor | null = null): L1Unstructured {
    return BasePruningMethod._apply.call(L1Unstructured, module, name, [amount], importanceScores) as L1Unstructured;
  }
}

/** Prunes `amount` channels along `dim` chosen at random. */
export class RandomStructured extends BasePruningMethod {
  static override PRUNING_TYPE: PruningType = 'structured';
  declare amount: Amount;
  declare dim: number;
  constructor(amount: Amount, dim?: number);
  constructor(options: { amount: Amount; dim?: number });
  constructor(...args: unknown[]) {
    super();
    const o = AMOUNT_DIM<{ amount: Amount; dim: number }>(args);
    validateAmountInit(o.amount);
    this.amount = o.amount;
    this.dim = o.dim;
  }
  override computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    validateStructured(t);
    validateDim(t, this.dim);
    const size = t.size(this.dim);
    const n = computeNparamsToprune(this.amount, size);
    validateAmount(this.amount, n, size);
    if (n === 0) return defaultMask;
    const prob = rand(size);
    const threshold = kthvalue(prob, n).values;
    const mask = zerosLike(t);
    mask.set(sliceAt(t.ndim, this.dim, prob.gt(threshold)), 1);
    return mask.mul_(defaultMask.to({ dtype: mask.dtype }));
  }
  static override apply(module: Module, name: string, amount: Amount, dim = -1): RandomStructured {
    return BasePruningMethod._apply.call(RandomStructured, module, name, [amount, dim]) as RandomStructured;
  }
}

/** Prunes the `amount` channels along `dim` of smallest L`n` norm. */
export class LnStructured extends BasePruningMethod {
  static override PRUNING_TYPE: PruningType = 'structured';
  declare amount: Amount;
  declare n: number | string;
  declare dim: number;
  constructor(amount: Amount, n: number | string, dim?: number);
  constructor(options: { amount: Amount; n: number | string; dim?: number });
  constructor(...args: unknown[]) {
    super();
    const o = AMOUNT_N_DIM<{ amount: Amount; n: number | string; dim: number }>(args);
    validateAmountInit(o.amount);
    this.amount = o.amount;
    this.n = o.n;
    this.dim = o.dim;
  }
  override computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    validateStructured(t);
    validateDim(t, this.dim);
    const size = t.size(this.dim);
    const n = computeNparamsToprune(this.amount, size);
    const nKeep = size - n;
    validateAmount(this.amount, n, size);
    const dims = Array.from({ length: t.ndim }, (_, d) => d);
    const dim = this.dim < 0 ? dims[dims.length + this.dim]! : this.dim;
    const norms = norm(t, this.n as number, dims.filter((d) => d !== dim));
    const { indices } = topk(norms, nKeep, { largest: true });
    if (n === 0) return defaultMask;
    const mask = zerosLike(t);
    mask.set(sliceAt(t.ndim, this.dim, indices), 1);
    return mask.mul_(defaultMask.to({ dtype: mask.dtype }));
  }
  static override apply(module: Module, name: string, amount: Amount, n: number | string, dim: number, importanceScores: Tensor | null = null): LnStructured {
    return BasePruningMethod._apply.call(LnStructured, module, name, [amount, n, dim], importanceScores) as LnStructured;
  }
}

/** Prunes where a given mask is 0. */
export class CustomFromMask extends BasePruningMethod {
  static override PRUNING_TYPE: PruningType = 'global';
  declare mask: Tensor;
  constructor(mask: Tensor);
  constructor(options: { mask: Tensor });
  constructor(...args: unknown[]) {
    super();
    this.mask = MASK<{ mask: Tensor }>(args).mask;
  }
  override computeMask(_t: Tensor, defaultMask: Tensor): Tensor {
    if (!sameShape(defaultMask.shape, this.mask.shape)) throw new Error(`default_mask shape ${defaultMask.shape} must match self.mask shape ${this.mask.shape}`);
    return defaultMask.mul(this.mask.to({ dtype: defaultMask.dtype }));
  }
  static override apply(module: Module, name: string, mask: Tensor): CustomFromMask {
    return BasePruningMethod._apply.call(CustomFromMask, module, name, [mask]) as CustomFromMask;
  }
}

const IDENTITY = pySignature('identity', 'module, name');
const RANDOM_UNSTRUCTURED = pySignature('random_unstructured', 'module, name, amount');
const L1_UNSTRUCTURED = pySignature('l1_unstructured', 'module, name, amount, importance_scores=None');
const RANDOM_STRUCTURED = pySignature('random_structured', 'module, name, amount, dim');
const LN_STRUCTURED = pySignature('ln_structured', 'module, name, amount, n, dim, importance_scores=None');
const CUSTOM_FROM_MASK = pySignature('custom_from_mask', 'module, name, mask');
const REMOVE = pySignature('remove', 'module, name');
const IS_PRUNED = pySignature('is_pruned', 'module');

/** Adds the pruning machinery to `module[name]` with a mask of ones (torch.nn.utils.prune.identity). */
export function identity<M extends Module>(module: M, name: string): M;
export function identity(...args: unknown[]): Module {
  const o = IDENTITY<{ module: Module; name: string }>(args);
  Identity.apply(o.module, o.name);
  return o.module;
}

/** Prunes `amount` random entries of `module[name]` (torch.nn.utils.prune.random_unstructured). */
export function randomUnstructured<M extends Module>(module: M, name: string, amount: Amount): M;
export function randomUnstructured(...args: unknown[]): Module {
  const o = RANDOM_UNSTRUCTURED<{ module: Module; name: string; amount: Amount }>(args);
  RandomUnstructured.apply(o.module, o.name, o.amount);
  return o.module;
}

/** Prunes the `amount` entries of `module[name]` of smallest magnitude (torch.nn.utils.prune.l1_unstructured). */
export function l1Unstructured<M extends Module>(module: M, name: string, amount: Amount, importanceScores?: Tensor | null): M;
export function l1Unstructured<M extends Module>(module: M, name: string, amount: Amount, options: { importanceScores?: Tensor | null }): M;
export function l1Unstructured(...args: unknown[]): Module {
  const o = L1_UNSTRUCTURED<{ module: Module; name: string; amount: Amount; importanceScores: Tensor | null }>(args);
  L1Unstructured.apply(o.module, o.name, o.amount, o.importanceScores);
  return o.module;
}

/** Prunes `amount` random channels of `module[name]` along `dim` (torch.nn.utils.prune.random_structured). */
export function randomStructured<M extends Module>(module: M, name: string, amount: Amount, dim: number): M;
export function randomStructured(...args: unknown[]): Module {
  const o = RANDOM_STRUCTURED<{ module: Module; name: string; amount: Amount; dim: number }>(args);
  RandomStructured.apply(o.module, o.name, o.amount, o.dim);
  return o.module;
}

/** Prunes the `amount` channels of `module[name]` along `dim` of smallest L`n` norm (torch.nn.utils.prune.ln_structured). */
export function lnStructured<M extends Module>(module: M, name: string, amount: Amount, n: number | string, dim: number, importanceScores?: Tensor | null): M;
export function lnStructured<M extends Module>(module: M, name: string, amount: Amount, n: number | string, dim: number, options: { importanceScores?: Tensor | null }): M;
export function lnStructured(...args: unknown[]): Module {
  const o = LN_STRUCTURED<{ module: Module; name: string; amount: Amount; n: number | string; dim: number; importanceScores: Tensor | null }>(args);
  LnStructured.apply(o.module, o.name, o.amount, o.n, o.dim, o.importanceScores);
  return o.module;
}

/** Prunes `module[name]` where `mask` is 0 (torch.nn.utils.prune.custom_from_mask). */
export function customFromMask<M extends Module>(module: M, name: string, mask: Tensor): M;
export function customFromMask(...args: unknown[]): Module {
  const o = CUSTOM_FROM_MASK<{ module: Module; name: string; mask: Tensor }>(args);
  CustomFromMask.apply(o.module, o.name, o.mask);
  return o.module;
}

type PruningMethodClass = (new (...args: any[]) => BasePruningMethod) & { PRUNING_TYPE: PruningType };

/**
 * Prunes all the `(module, name)` tensors of `parameters` together, as one vector, with
 * `pruningMethod` (an unstructured method class) built from the remaining options
 * (torch.nn.utils.prune.global_unstructured):
 *   prune.globalUnstructured([[conv, 'weight'], [fc, 'weight']], prune.L1Unstructured, { amount: 0.2 })
 * `importanceScores` is a Map from `[module, name]` pairs to the tensors to rank instead.
 */
export function globalUnstructured(
  parameters: Iterable<readonly [Module, string]>,
  pruningMethod: PruningMethodClass,
  options?: { importanceScores?: Map<readonly [Module, string], Tensor> | null; [kwarg: string]: unknown },
): void;
export function globalUnstructured(...args: unknown[]): void {
  const options = args.length > 0 && isOptions(args[args.length - 1]) ? { ...(args.pop() as Record<string, unknown>) } : {};
  if (args.length > 3) throw new TypeError(`global_unstructured() takes from 2 to 3 positional arguments but ${args.length} were given`);
  const [parameters, pruningMethod] = args as [unknown, PruningMethodClass];
  let importanceScores = (args[2] ?? options.importanceScores ?? null) as unknown;
  delete options.importanceScores;
  if (parameters === null || typeof (parameters as Partial<Iterable<unknown>>)?.[Symbol.iterator] !== 'function') {
    throw new TypeError('global_unstructured(): parameters is not an Iterable');
  }
  importanceScores ??= new Map();
  if (!(importanceScores instanceof Map)) throw new TypeError('global_unstructured(): importance_scores must be of type dict');
  const pairs = [...(parameters as Iterable<readonly [Module, string]>)];
  const scores = importanceScores as Map<readonly [Module, string], Tensor>;
  const scoreOf = (m: Module, name: string): Tensor | undefined => {
    for (const [[km, kn], v] of scores) if (km === m && kn === name) return v;
    return undefined;
  };
  const relevant = parametersToVector(pairs.map(([m, name]) => scoreOf(m, name) ?? (attrs(m)[name] as Tensor)));
  const defaultMask = parametersToVector(pairs.map(([m, name]) => (`${name}_mask` in m ? (attrs(m)[`${name}_mask`] as Tensor) : onesLike(attrs(m)[name] as Tensor))));
  const container = new PruningContainer();
  container._tensorName = 'temp';
  const method = new pruningMethod(options);
  method._tensorName = 'temp';
  if (method.PRUNING_TYPE !== 'unstructured') {
    throw new TypeError(`Only "unstructured" PRUNING_TYPE supported for the \`pruning_method\`. Found method <class 'torch.nn.utils.prune.${pruningMethod.name}'> of type ${method.PRUNING_TYPE}`);
  }
  container.addPruningMethod(method);
  const finalMask = container.computeMask(relevant, defaultMask);
  let pointer = 0;
  for (const [m, name] of pairs) {
    const param = attrs(m)[name] as Tensor;
    const n = param.numel();
    customFromMask(m, name, finalMask.get(`${pointer}:${pointer + n}`).viewAs(param));
    pointer += n;
  }
}

/** Makes the pruning of `module[name]` permanent and removes its hook (torch.nn.utils.prune.remove). */
export function remove<M extends Module>(module: M, name: string): M;
export function remove(...args: unknown[]): Module {
  const o = REMOVE<{ module: Module; name: string }>(args);
  for (const [id, method] of pruningHooks(o.module)) {
    if (method._tensorName === o.name) {
      method.remove(o.module);
      o.module._forwardPreHooks.delete(id);
      return o.module;
    }
  }
  throw new RangeError(`Parameter '${o.name}' of module ${o.module} has to be pruned before pruning can be removed`);
}

/** Whether `module` or any module below it has a pruning hook (torch.nn.utils.prune.is_pruned). */
export function isPruned(module: Module): boolean;
export function isPruned(...args: unknown[]): boolean {
  const o = IS_PRUNED<{ module: Module }>(args);
  for (const [, m] of o.module.namedModules()) if (pruningHooks(m).length > 0) return true;
  return false;
}
