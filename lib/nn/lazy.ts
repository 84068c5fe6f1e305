// torch/nn/modules/lazy.py's LazyModuleMixin and the lazy layers of torch/nn/modules/{linear,conv,
// batchnorm,instancenorm}.py. A lazy module holds UninitializedParameter/UninitializedBuffer
// placeholders until its first call: a forward pre-hook infers their shapes from the input
// (`initializeParameters`), materialises and initialises them, removes itself and turns the module
// into its `clsToBecome` (PyTorch assigns `__class__`; here the prototype of the object behind the
// module's Proxy is swapped, so `constructor`, `instanceof`, the repr and torch.save see e.g. Linear).
import { noGrad } from '../autograd';
import { tensor } from '../creation';
import type { DeviceLike } from '../device';
import { int64, type DType } from '../dtype';
import { Tensor } from '../tensor';
import { pySignature } from '../python_signature';
import type { LoadFromStateDictArgs } from './batchnorm';
import { BatchNorm1d, BatchNorm2d, BatchNorm3d, _NormBase, type NormOptions } from './batchnorm';
import { Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d, _ConvNd, type ConvOptions, type ConvTransposeOptions, type PaddingMode } from './conv';
import { InstanceNorm1d, InstanceNorm2d, InstanceNorm3d } from './instancenorm';
import { Linear, type LinearOptions } from './linear';
import { Module, RemovableHandle, type StateDict } from './module';
import { UninitializedBuffer, UninitializedParameter, isLazy } from './parameter';
import { _pair, _single, _triple, type Args, type IntOrTuple } from './modules_utils';
import { PY_REDUCE, PyGlobal, Tuple, setPyClass, type Reduced } from '../serialization/pickle';


/**
 * LazyModuleMixin: `LazyModuleMixin(Base)` is `Base` whose parameters are inferred at the first
 * call. Subclasses implement `initializeParameters(...input)` and set `static clsToBecome`.
 */
export function LazyModuleMixin<TBase extends ModuleClass>(Base: TBase): Mixed<TBase, LazyModuleMembers> {
  abstract class LazyModule extends Base {
    /** The class the module becomes once initialised (PyTorch's `cls_to_become`); null keeps it. */
    static clsToBecome: ModuleClass | null = null;
    /** @internal The forward pre-hook that initialises the module (PyTorch's `_initialize_hook`). */
    declare _initializeHook: RemovableHandle;
    /** @internal The load_state_dict pre-hook that materialises placeholders (PyTorch's `_load_hook`). */
    declare _loadHook: RemovableHandle;

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    constructor(...args: any[]) {
      super(...args);
      this._registerLazyHooks();
    }

    /** @internal Registers `_load_hook` and `_initialize_hook`, in PyTorch's order. */
    _registerLazyHooks(): void {
      const load = this.registerLoadStateDictPreHook((module, stateDict, prefix) => (module as LazyModule)._lazyLoadHook(stateDict, prefix));
      Object.defineProperty(this._target, '_loadHook', { value: load, writable: true, enumerable: false, configurable: true });
      const init = this.registerForwardPreHook((module, input) => (module as LazyModule)._inferParameters(module, input));
      Object.defineProperty(this._target, '_initializeHook', { value: init, writable: true, enumerable: false, configurable: true });
    }

    /** Infers the shapes of the uninitialized parameters from the first input and initialises them. */
    abstract initializeParameters(...input: unknown[]): void;

    /** Whether a parameter or buffer of this module (not its children) is still uninitialized. */
    hasUninitializedParams(): boolean {
      for (const t of [...this._parameters.values(), ...this._buffers.values()]) if (isLazy(t)) return true;
      return false;
    }

    /** @internal PyTorch's `_infer_parameters`: the forward pre-hook run at the first call. */
    _inferParameters(module: Module, input: unknown[]): void {
      const lazy = module as LazyModule;
      lazy.initializeParameters(...input);
      if (lazy.hasUninitializedParams()) throw new Error(`module ${this._getName()} has not been fully initialized`);
      lazy._initializeHook.remove();
      lazy._loadHook.remove();
      delete (module._target as unknown as Record<string, unknown>)._initializeHook;
      delete (module._target as unknown as Record<string, unknown>)._loadHook;
      const become = (module.constructor as unknown as { clsToBecome?: ModuleClass | null }).clsToBecome;
      if (become) Object.setPrototypeOf(module._target, become.prototype);
    }

    /**
     * @internal PyTorch's `_lazy_load_hook`: an uninitialized parameter or buffer given an
     * initialized one is materialised to its shape before the copy.
     */
    _lazyLoadHook(stateDict: Map<string, unknown>, prefix: string): void {
      for (const [name, param] of [...this._parameters, ...this._buffers]) {
        const input = stateDict.get(prefix + name);
        if (param !== null && isLazy(param) && input instanceof Tensor && !isLazy(input)) noGrad(() => param.materialize(input.shape));
      }
    }

    /** An uninitialized placeholder given an uninitialized one: PyTorch copies empty into empty, here nothing is copied. */
    override _loadFromStateDict(...args: LoadFromStateDictArgs): void {
      const [stateDict, prefix] = args;
      const missingKeys = args[4];
      const skipped = new Set<string>();
      const local = new Map(stateDict);
      for (const [name, param] of [...this._parameters, ...this._buffers]) {
        const key = prefix + name;
        if (param !== null && isLazy(param) && isLazy(local.get(key))) {
          local.delete(key);
          skipped.add(key);
        }
      }
      const before = missingKeys.length;
      super._loadFromStateDict(local, ...(args.slice(1) as [string, ...unknown[]] as never as Parameters<Module['_loadFromStateDict']> extends [unknown, ...infer R] ? R : never));
      for (let i = missingKeys.length - 1; i >= before; i--) if (skipped.has(missingKeys[i]!)) missingKeys.splice(i, 1);
    }
  }
  // PyTorch's `_save_to_state_dict`: uninitialized parameters and buffers are saved as they are
  // (not detached). Set on the prototype: Module declares it protected, which a mixin cannot override.
  Object.defineProperty(LazyModule.prototype, '_saveToStateDict', {
    value: function (this: Module, destination: StateDict, prefix: string, keepVars: boolean): void {
      for (const [name, param] of this._parameters) {
        if (param !== null) destination.set(prefix + name, isLazy(param) || keepVars ? param : param.detach());
      }
      for (const [name, buf] of this._buffers) {
        if (buf !== null && !this._nonPersistentBuffersSet.has(name)) destination.set(prefix + name, isLazy(buf) || keepVars ? buf : buf.detach());
      }
    },
    writable: true,
    configurable: true,
  });
  return LazyModule as unknown as Mixed<TBase, LazyModuleMembers>;
}

// ---- whole-model files (torch.save(model) / torch.load) --------------------------------------------

/** Whether `m` is a lazy module not called yet (it still holds its initialising hooks). */
function uncalledLazy(m: Module): m is Module & LazyModuleMembers {
  return Object.prototype.hasOwnProperty.call(m._target, '_initializeHook');
}
const pyObject = (reduce: () => Reduced): object => ({ [PY_REDUCE]: reduce });
const orderedDict = (entries: [unknown, unknown][]): Map<unknown, unknown> => {
  const d = new Map(entries);
  setPyClass(d, 'collections.OrderedDict');
  return d;
};
const NEWOBJ = { args: new Tuple(), newobj: true };

/**
 * @internal What Python's pickle of a lazy module not called yet holds besides Module's dict: the
 * bound methods registered as hooks (`getattr(module, '_infer_parameters')` as a forward pre-hook
 * with kwargs, `_WrappedHook(module._lazy_load_hook)` as a load_state_dict pre-hook) and their
 * RemovableHandles `_load_hook` and `_initialize_hook`. Other hooks are JavaScript functions and are
 * not saved, as for every module.
 */
export function pickleLazyHooks(m: Module, state: Map<unknown, unknown>): void {
  if (!uncalledLazy(m)) return;
  const method = (name: string) => pyObject(() => ({ func: new PyGlobal('builtins', 'getattr'), args: new Tuple<unknown>(m, name) }));
  const handle = (hooks: Map<unknown, unknown>, id: number, extra: Map<unknown, unknown>[]) =>
    pyObject(() => ({ func: new PyGlobal('torch.utils.hooks', 'RemovableHandle'), ...NEWOBJ, state: new Tuple<unknown>(hooks, id, new Tuple(...extra)) }));
  const loadId = m._loadHook.id;
  const initId = m._initializeHook.id;
  const wrapped = pyObject(() => ({
    func: new PyGlobal('torch.nn.modules.module', '_WrappedHook'),
    ...NEWOBJ,
    state: new Map<unknown, unknown>([['hook', method('_lazy_load_hook')], ['with_module', false]]),
  }));
  const forwardPre = orderedDict([[initId, method('_infer_parameters')]]);
  const withKwargs = orderedDict([[initId, true]]);
  const loadPre = orderedDict([[loadId, wrapped]]);
  state.set('_forward_pre_hooks', forwardPre);
  state.set('_forward_pre_hooks_with_kwargs', withKwargs);
  state.set('_load_state_dict_pre_hooks', loadPre);
  state.set('_load_hook', handle(loadPre, loadId, []));
  state.set('_initialize_hook', handle(forwardPre, initId, [withKwargs]));
}

/**
 * @internal torch.load of a lazy module's `_load_hook` / `_initialize_hook` (the module was made
 * without its constructor): registers its own hooks again, so it materialises at its first call.
 * Returns whether `key` was one of them.
 */
export function unpickleLazyAttr(m: Module, key: string): boolean {
  if (key !== '_load_hook' && key !== '_initialize_hook') return false;
  const lazy = m as Module & Partial<LazyModuleMembers>;
  if (typeof lazy._registerLazyHooks !== 'function') return false;
  if (key === '_initialize_hook' && !uncalledLazy(m)) lazy._registerLazyHooks();
  return true;
}

/** What LazyModuleMixin adds to a module. */
export interface LazyModuleMembers {
  /** @internal */
  _initializeHook: RemovableHandle;
  /** @internal */
  _loadHook: RemovableHandle;
  /** @internal */
  _registerLazyHooks(): void;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  initializeParameters(...input: any[]): void;
  hasUninitializedParams(): boolean;
  /** @internal */
  _inferParameters(module: Module, input: unknown[]): void;
}
/** `Base` with the members `M` of a mixin and its `clsToBecome`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Mixed<TBase, M> = TBase & (abstract new (...args: any[]) => M) & { clsToBecome: ModuleClass | null };
/** A module class (abstract ones too). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ModuleClass<M extends Module = Module> = abstract new (...args: any[]) => M;

// ---- LazyLinear -------------------------------------------------------------------------------

const LAZY_LINEAR = pySignature('LazyLinear.__init__', 'self, out_features, bias=True, device=None, dtype=None');
type Factory = { device: DeviceLike | null | undefined; dtype: DType | null | undefined };
const uninitParam = (o: Factory): UninitializedParameter => new UninitializedParameter(true, o.device ?? null, o.dtype ?? null);
const uninitBuffer = (o: Factory): UninitializedBuffer => new UninitializedBuffer(false, o.device ?? null, o.dtype ?? null);

/** A Linear whose in_features is inferred from the first input (`input.shape[-1]`). */
export class LazyLinear extends LazyModuleMixin(Linear) {
  static override pythonModule = 'torch.nn.modules.linear';
  static override clsToBecome: ModuleClass = Linear;

  constructor(...args: Args<[outFeatures: number], [bias: boolean, device: DeviceLike, dtype: DType], LinearOptions>) {
    const o = LAZY_LINEAR<Factory & { outFeatures: number; bias: boolean }>(args);
    super(0, 0, false);
    this.weight = uninitParam(o);
    this.outFeatures = o.outFeatures;
    if (o.bias) this.bias = uninitParam(o);
  }

  override resetParameters(): void {
    if (!this.hasUninitializedParams() && this.inFeatures !== 0) super.resetParameters();
  }

  override initializeParameters(input: Tensor): void {
    if (this.hasUninitializedParams()) {
      noGrad(() => {
        this.inFeatures = input.size(-1);
        (this.weight as UninitializedParameter).materialize([this.outFeatures, this.inFeatures]);
        if (this.bias !== null) (this.bias as UninitializedParameter).materialize([this.outFeatures]);
        this.resetParameters();
      });
    }
    if (this.inFeatures === 0) {
      if (input.size(-1) !== this.weight.size(-1)) {
        throw new Error(`The in_features inferred from input: ${input.size(-1)} is not equal to in_features from self.weight: ${this.weight.size(-1)}`);
      }
      this.inFeatures = input.size(-1);
    }
  }
}

// ---- LazyConv*, LazyConvTranspose* ------------------------------------------------------------

/** PyTorch's `_LazyConvXdMixin`: in_channels from the input's channel dimension. */
function LazyConvMixin<TBase extends ModuleClass<_ConvNd>>(Base: TBase): Mixed<TBase, LazyModuleMembers & LazyConvMembers> {
  abstract class LazyConv extends LazyModuleMixin(Base) {
    abstract _getNumSpatialDims(): number;

    override resetParameters(): void {
      if (!this.hasUninitializedParams() && this.inChannels !== 0) super.resetParameters();
    }

    override initializeParameters(input: Tensor, ..._rest: unknown[]): void {
      if (!this.hasUninitializedParams()) return;
      this.inChannels = this._getInChannels(input);
      if (this.inChannels % this.groups !== 0) throw new RangeError('in_channels must be divisible by groups');
      const weight = this.weight as UninitializedParameter;
      if (this.transposed) weight.materialize([this.inChannels, this.outChannels / this.groups, ...this.kernelSize]);
      else weight.materialize([this.outChannels, this.inChannels / this.groups, ...this.kernelSize]);
      if (this.bias !== null) (this.bias as UninitializedParameter).materialize([this.outChannels]);
      this.resetParameters();
    }

    _getInChannels(input: Tensor): number {
      const numDimsNoBatch = this._getNumSpatialDims() + 1;
      const numDimsBatch = numDimsNoBatch + 1;
      const dim = input.dim();
      if (dim !== numDimsNoBatch && dim !== numDimsBatch) {
        throw new Error(
          `Expected ${numDimsNoBatch}D (unbatched) or ${numDimsBatch}D (batched) input to ${this.constructor.name}, but ` +
            `got input of size: ${input.shape}`,
        );
      }
      return input.size(dim === numDimsBatch ? 1 : 0);
    }
  }
  return LazyConv as unknown as Mixed<TBase, LazyModuleMembers & LazyConvMembers>;
}
/** What PyTorch's `_LazyConvXdMixin` adds. */
export interface LazyConvMembers {
  _getNumSpatialDims(): number;
  _getInChannels(input: Tensor): number;
}

type ConvBound = Factory & {
  outChannels: number;
  kernelSize: IntOrTuple;
  stride: IntOrTuple;
  padding: IntOrTuple | 'same' | 'valid';
  outputPadding: IntOrTuple;
  dilation: IntOrTuple;
  groups: number;
  bias: boolean;
  paddingMode: PaddingMode;
};
const LAZY_CONV = pySignature(
  'LazyConv2d.__init__',
  "self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros', device=None, dtype=None",
);
const LAZY_CONV_TRANSPOSE = pySignature(
  'LazyConvTranspose2d.__init__',
  "self, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1, padding_mode='zeros', device=None, dtype=None",
);
type LazyConvArgs = Args<
  [outChannels: number, kernelSize: IntOrTuple],
  [stride: IntOrTuple, padding: IntOrTuple | 'same' | 'valid', dilation: IntOrTuple, groups: number, bias: boolean, paddingMode: PaddingMode, device: DeviceLike, dtype: DType],
  ConvOptions
>;
type LazyConvTransposeArgs = Args<
  [outChannels: number, kernelSize: IntOrTuple],
  [stride: IntOrTuple, padding: IntOrTuple, outputPadding: IntOrTuple, groups: number, bias: boolean, dilation: IntOrTuple, paddingMode: PaddingMode, device: DeviceLike, dtype: DType],
  ConvTransposeOptions
>;
const factoryOf = (o: Factory) => ({ device: o.device ?? undefined, dtype: o.dtype ?? undefined });
/** The base Conv's arguments: in_channels = out_channels = 0, no bias. */
const convBaseArgs = (o: ConvBound) => [0, 0, o.kernelSize, o.stride, o.padding, o.dilation, o.groups, false, o.paddingMode, factoryOf(o)] as const;
const convTransposeBaseArgs = (o: ConvBound) =>
  [0, 0, o.kernelSize, o.stride, o.padding as IntOrTuple, o.outputPadding, o.groups, false, o.dilation, o.paddingMode, factoryOf(o)] as const;
function lazyConvInit(m: _ConvNd, o: ConvBound): void {
  m.weight = uninitParam(o);
  m.outChannels = o.outChannels;
  if (o.bias) m.bias = uninitParam(o);
}

/** A Conv1d whose in_channels is inferred from the first input. */
export class LazyConv1d extends LazyConvMixin(Conv1d) {
  static override pythonModule = 'torch.nn.modules.conv';
  static override clsToBecome: ModuleClass = Conv1d;
  constructor(...args: LazyConvArgs) {
    const o = LAZY_CONV<ConvBound>(args, 'LazyConv1d.__init__');
    super(...convBaseArgs(o));
    lazyConvInit(this, o);
  }
  override _getNumSpatialDims(): number {
    return 1;
  }
}
/** A Conv2d whose in_channels is inferred from the first input. */
export class LazyConv2d extends LazyConvMixin(Conv2d) {
  static override pythonModule = 'torch.nn.modules.conv';
  static override clsToBecome: ModuleClass = Conv2d;
  constructor(...args: LazyConvArgs) {
    const o = LAZY_CONV<ConvBound>(args, 'LazyConv2d.__init__');
    super(...convBaseArgs(o));
    lazyConvInit(this, o);
  }
  override _getNumSpatialDims(): number {
    return 2;
  }
}
/** A Conv3d whose in_channels is inferred from the first input. */
export class LazyConv3d extends LazyConvMixin(Conv3d) {
  static override pythonModule = 'torch.nn.modules.conv';
  static override clsToBecome: ModuleClass = Conv3d;
  constructor(...args: LazyConvArgs) {
    const o = LAZY_CONV<ConvBound>(args, 'LazyConv3d.__init__');
    super(...convBaseArgs(o));
    lazyConvInit(this, o);
  }
  override _getNumSpatialDims(): number {
    return 3;
  }
}
/** A ConvTranspose1d whose in_channels is inferred from the first input. */
export class LazyConvTranspose1d extends LazyConvMixin(ConvTranspose1d) {
  static override pythonModule = 'torch.nn.modules.conv';
  static override clsToBecome: ModuleClass = ConvTranspose1d;
  constructor(...args: LazyConvTransposeArgs) {
    const o = LAZY_CONV_TRANSPOSE<ConvBound>(args, 'LazyConvTranspose1d.__init__');
    super(...convTransposeBaseArgs(o));
    lazyConvInit(this, o);
  }
  override _getNumSpatialDims(): number {
    return 1;
  }
}
/** A ConvTranspose2d whose in_channels is inferred from the first input. */
export class LazyConvTranspose2d extends LazyConvMixin(ConvTranspose2d) {
  static override pythonModule = 'torch.nn.modules.conv';
  static override clsToBecome: ModuleClass = ConvTranspose2d;
  constructor(...args: LazyConvTransposeArgs) {
    const o = LAZY_CONV_TRANSPOSE<ConvBound>(args, 'LazyConvTranspose2d.__init__');
    super(...convTransposeBaseArgs(o));
    lazyConvInit(this, o);
  }
  override _getNumSpatialDims(): number {
    return 2;
  }
}
/** A ConvTranspose3d whose in_channels is inferred from the first input. */
export class LazyConvTranspose3d extends LazyConvMixin(ConvTranspose3d) {
  static override pythonModule = 'torch.nn.modules.conv';
  static override clsToBecome: ModuleClass = ConvTranspose3d;
  constructor(...args: LazyConvTransposeArgs) {
    const o = LAZY_CONV_TRANSPOSE<ConvBound>(args, 'LazyConvTranspose3d.__init__');
    super(...convTransposeBaseArgs(o));
    lazyConvInit(this, o);
  }
  override _getNumSpatialDims(): number {
    return 3;
  }
}

// ---- LazyBatchNorm*, LazyInstanceNorm* --------------------------------------------------------

/** PyTorch's `_LazyNormBase`: num_features from the input's dimension 1. */
function LazyNormMixin<TBase extends ModuleClass<_NormBase>>(Base: TBase): Mixed<TBase, LazyModuleMembers> {
  abstract class LazyNorm extends LazyModuleMixin(Base) {
    override resetParameters(): void {
      if (!this.hasUninitializedParams() && this.numFeatures !== 0) super.resetParameters();
    }
    override initializeParameters(input: Tensor): void {
      if (!this.hasUninitializedParams()) return;
      this.numFeatures = input.size(1);
      if (this.affine) {
        (this.weight as unknown as UninitializedParameter).materialize([this.numFeatures]);
        if (this.bias !== null) (this.bias as UninitializedParameter).materialize([this.numFeatures]);
      }
      if (this.trackRunningStats) {
        (this.running_mean as UninitializedBuffer).materialize([this.numFeatures]);
        (this.running_var as UninitializedBuffer).materialize([this.numFeatures]);
      }
      this.resetParameters();
    }
  }
  return LazyNorm as unknown as Mixed<TBase, LazyModuleMembers>;
}

// `_LazyNormBase.__init__` (LazyInstanceNorm* too: affine and track_running_stats default to True).
const LAZY_NORM = pySignature('_LazyNormBase.__init__', 'self, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None, *, bias=True');
type NormBound = Factory & { eps: number; momentum: number | null; affine: boolean; trackRunningStats: boolean; bias: boolean };
type LazyNormArgs = Args<[], [eps: number, momentum: number | null, affine: boolean, trackRunningStats: boolean, device: DeviceLike, dtype: DType], NormOptions>;
const normBaseArgs = (o: NormBound) =>
  [0, { eps: o.eps, momentum: o.momentum, affine: false, trackRunningStats: false, ...factoryOf(o), bias: false }] as const;
function lazyNormInit(m: _NormBase, o: NormBound): void {
  m.affine = o.affine;
  m.trackRunningStats = o.trackRunningStats;
  if (m.affine) {
    m.weight = uninitParam(o);
    if (o.bias) m.bias = uninitParam(o);
  }
  if (m.trackRunningStats) {
    m.running_mean = uninitBuffer(o);
    m.running_var = uninitBuffer(o);
    m.num_batches_tracked = tensor(0, { dtype: int64, device: o.device ?? undefined });
  }
}

/** A BatchNorm1d whose num_features is inferred from the first input. */
export class LazyBatchNorm1d extends LazyNormMixin(BatchNorm1d) {
  static override pythonModule = 'torch.nn.modules.batchnorm';
  static override clsToBecome: ModuleClass = BatchNorm1d;
  constructor(...args: LazyNormArgs) {
    const o = LAZY_NORM<NormBound>(args, 'LazyBatchNorm1d.__init__');
    super(...normBaseArgs(o));
    lazyNormInit(this, o);
  }
}
/** A BatchNorm2d whose num_features is inferred from the first input. */
export class LazyBatchNorm2d extends LazyNormMixin(BatchNorm2d) {
  static override pythonModule = 'torch.nn.modules.batchnorm';
  static override clsToBecome: ModuleClass = BatchNorm2d;
  constructor(...args: LazyNormArgs) {
    const o = LAZY_NORM<NormBound>(args, 'LazyBatchNorm2d.__init__');
    super(...normBaseArgs(o));
    lazyNormInit(this, o);
  }
}
/** A BatchNorm3d whose num_features is inferred from the first input. */
export class LazyBatchNorm3d extends LazyNormMixin(BatchNorm3d) {
  static override pythonModule = 'torch.nn.modules.batchnorm';
  static override clsToBecome: ModuleClass = BatchNorm3d;
  constructor(...args: LazyNormArgs) {
    const o = LAZY_NORM<NormBound>(args, 'LazyBatchNorm3d.__init__');
    super(...normBaseArgs(o));
    lazyNormInit(this, o);
  }
}
/** An InstanceNorm1d whose num_features is inferred from the first input. */
export class LazyInstanceNorm1d extends LazyNormMixin(InstanceNorm1d) {
  static override pythonModule = 'torch.nn.modules.instancenorm';
  static override clsToBecome: ModuleClass = InstanceNorm1d;
  constructor(...args: LazyNormArgs) {
    const o = LAZY_NORM<NormBound>(args, 'LazyInstanceNorm1d.__init__');
    super(...normBaseArgs(o));
    lazyNormInit(this, o);
  }
}
/** An InstanceNorm2d whose num_features is inferred from the first input. */
export class LazyInstanceNorm2d extends LazyNormMixin(InstanceNorm2d) {
  static override pythonModule = 'torch.nn.modules.instancenorm';
  static override clsToBecome: ModuleClass = InstanceNorm2d;
  constructor(...args: LazyNormArgs) {
    const o = LAZY_NORM<NormBound>(args, 'LazyInstanceNorm2d.__init__');
    super(...normBaseArgs(o));
    lazyNormInit(this, o);
  }
}
/** An InstanceNorm3d whose num_features is inferred from the first input. */
export class LazyInstanceNorm3d extends LazyNormMixin(InstanceNorm3d) {
  static override pythonModule = 'torch.nn.modules.instancenorm';
  static override clsToBecome: ModuleClass = InstanceNorm3d;
  constructor(...args: LazyNormArgs) {
    const o = LAZY_NORM<NormBound>(args, 'LazyInstanceNorm3d.__init__');
    super(...normBaseArgs(o));
    lazyNormInit(this, o);
  }
}
