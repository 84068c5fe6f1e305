// torch/nn/utils/parametrize.py: a parameter or buffer recomputed from its "original" by a chain
// of modules each time it is read. As in PyTorch, registering the first parametrization gives the
// module a class of its own, `Parametrized<Class>`, whose prototype carries a property per
// parametrized tensor: reading `m.weight` runs `m.parametrizations.weight` and assigning it runs
// the chain's right inverses. The originals live in `m.parametrizations.<name>.original` (or
// `original0`, `original1`, ... when a right inverse returns several tensors), so state_dict keys
// are PyTorch's.
import { noGrad } from '../../autograd';
import { native } from '../../native';
import { op } from '../../ops';
import { Tensor } from '../../tensor';
import { pySignature } from '../../python_signature';
import { ModuleDict, ModuleList } from '../container';
import { Module, typename } from '../module';
import { Parameter } from '../parameter';

const ops = { set_: op('aten::set_.source_Tensor') };

const PARAMETRIZATION_LIST = pySignature('ParametrizationList.__init__', 'self, modules, original, unsafe=False');
const REGISTER = pySignature('register_parametrization', 'module, tensor_name, parametrization, *, unsafe=False');
const IS_PARAMETRIZED = pySignature('is_parametrized', 'module, tensor_name=None');
const REMOVE = pySignature('remove_parametrizations', 'module, tensor_name, leave_parametrized=True');
const TYPE_BEFORE = pySignature('type_before_parametrizations', 'module');
const TRANSFER = pySignature('transfer_parametrizations_and_params', 'from_module, to_module, tensor_name=None');

/**
 * Python's NotImplementedError: a parametrization's `rightInverse` throws it to say it has none
 * for this input; registering then keeps the original as it is.
 */
export class NotImplementedError extends Error {
  override name = 'NotImplementedError';
}

/** A parametrization: a module whose forward maps the original tensor(s) to the parametrized one, optionally with `rightInverse`. */
export type Parametrization = Module & { rightInverse?: (value: Tensor) => Tensor | Tensor[] };

let cacheEnabled = 0;
let cache = new Map<Module, Map<string, Tensor>>();

/**
 * Runs `fn` with the parametrized tensors cached: each is computed once, at its first read, until
 * the outermost `cached` returns (PyTorch's `with parametrize.cached():`).
 */
export function cached<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError('cached(fn): fn must be a function');
  cacheEnabled++;
  try {
    return fn();
  } finally {
    cacheEnabled--;
    if (cacheEnabled === 0) cache = new Map();
  }
}

function registerParameterOrBuffer(module: Module, name: string, x: Tensor): void {
  if (x instanceof Parameter) module.registerParameter(name, x);
  else module.registerBuffer(name, x);
}

/** `dest.set_(src)`: dest now views src's storage, keeping its identity (a Parameter stays the same object). */
function maybeSet(dest: Tensor, src: Tensor): void {
  native.callOp(ops.set_, dest._h, src._h);
}

const hasRightInverse = (m: Module): m is Parametrization & { rightInverse: (value: Tensor) => Tensor | Tensor[] } =>
  'rightInverse' in m && typeof (m as { rightInverse?: unknown }).rightInverse === 'function';

/** Python's `type(x).__name__` for the messages. */
const typeName = (x: unknown): string => (x instanceof Parameter ? 'Parameter' : x instanceof Tensor ? 'Tensor' : typename(x));

/** The chain of parametrizations of one tensor, holding its original(s). */
export class ParametrizationList extends ModuleList {
  static override pythonModule = 'torch.nn.utils.parametrize';
  declare unsafe: boolean;
  declare isTensor: boolean;
  declare ntensors: number;
  declare original: Tensor;

  constructor(modules: Iterable<Module>, original: Tensor, unsafe?: boolean);
  constructor(modules: Iterable<Module>, original: Tensor, options: { unsafe?: boolean });
  constructor(...args: unknown[]) {
    const o = PARAMETRIZATION_LIST<{ modules: Iterable<Module>; original: Tensor; unsafe: boolean }>(args);
    const modules = [...o.modules];
    if (modules.length === 0) throw new RangeError('ParametrizationList requires one or more modules.');
    super(modules);
    this.unsafe = o.unsafe;
    const original = o.original;
    const originalShape = original.shape;
    const originalDtype = original.dtype;
    const newValue = noGrad(() => {
      let value: unknown = original;
      for (const module of [...this._modules.values()].reverse()) {
        if (module === null || !hasRightInverse(module)) continue;
        try {
          value = module.rightInverse(value as Tensor);
        } catch (e) {
          if (!(e instanceof NotImplementedError)) throw e;
        }
      }
      return value;
    });
    if (!(newValue instanceof Tensor) && !Array.isArray(newValue)) {
      throw new RangeError(`'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). Got ${typeName(newValue)}`);
    }
    this.isTensor = newValue instanceof Tensor;
    this.ntensors = newValue instanceof Tensor ? 1 : newValue.length;
    if (newValue instanceof Tensor) {
      if (original.dtype !== newValue.dtype) {
        throw new RangeError(
          'When `right_inverse` outputs one tensor, it may not change the dtype.\n' +
            `original.dtype: ${original.dtype}\nright_inverse(original).dtype: ${newValue.dtype}`,
        );
      }
      if (String(original.device) !== String(newValue.device)) {
        throw new RangeError(
          'When `right_inverse` outputs one tensor, it may not change the device.\n' +
            `original.device: ${original.device}\nright_inverse(original).device: ${newValue.device}`,
        );
      }
      noGrad(() => maybeSet(original, newValue));
      registerParameterOrBuffer(this, 'original', original);
    } else {
      newValue.forEach((value: unknown, i: number) => {
        if (!(value instanceof Tensor)) {
          throw new RangeError(
            `'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). Got element ${i} of the sequence with type ${typeName(value)}.`,
          );
        }
        const originali = original instanceof Parameter ? new Parameter(value, original.requiresGrad) : value;
        originali.requiresGrad_(original.requiresGrad);
        registerParameterOrBuffer(this, `original${i}`, originali);
      });
    }
    if (!this.unsafe) {
      const z = (this as ParametrizationList).call() as unknown;
      if (!(z instanceof Tensor)) throw new RangeError(`A parametrization must return a tensor. Got ${typeName(z)}.`);
      if (z.dtype !== originalDtype) {
        throw new RangeError(
          'Registering a parametrization may not change the dtype of the tensor, unless `unsafe` flag is enabled.\n' +
            `unparametrized dtype: ${originalDtype}\nparametrized dtype: ${z.dtype}`,
        );
      }
      if (!sameShape(z.shape, originalShape)) {
        throw new RangeError(
          'Registering a parametrization may not change the shape of the tensor, unless `unsafe` flag is enabled.\n' +
            `unparametrized shape: ${originalShape}\nparametrized shape: ${z.shape}`,
        );
      }
    }
  }

  /** Sets the original(s) so that the chain gives `value`: each module's `rightInverse`, last to first. */
  rightInverse(value: Tensor): void {
    noGrad(() => {
      let v: unknown = value;
      for (const module of [...this._modules.values()].reverse()) {
        if (module === null) continue;
        if (!hasRightInverse(module)) throw new Error(`parametrization ${module._getName()} does not implement right_inverse.`);
        v = module.rightInverse(v as Tensor);
      }
      if (this.isTensor) {
        if (!(v instanceof Tensor)) throw new RangeError(`\`right_inverse\` should return a tensor. Got ${typeName(v)}`);
        if (v.dtype !== this.original.dtype) {
          throw new RangeError(`The tensor returned by \`right_inverse\` has dtype ${v.dtype} while \`original\` has dtype ${this.original.dtype}`);
        }
        maybeSet(this.original, v);
      } else {
        if (!Array.isArray(v)) throw new RangeError(`'right_inverse' must return a sequence of tensors. Got ${typeName(v)}.`);
        if (v.length !== this.ntensors) {
          throw new RangeError(`'right_inverse' must return a sequence of tensors of length ${this.ntensors}. Got a sequence of length ${v.length}.`);
        }
        v.forEach((t: unknown, i: number) => {
          const originali = (this as unknown as Record<string, Tensor>)[`original${i}`]!;
          if (!(t instanceof Tensor)) {
            throw new RangeError(`'right_inverse' must return a sequence of tensors or reference-type opaques. Got element ${i} of type ${typeName(t)}.`);
          }
          if (originali.dtype !== t.dtype) {
            throw new RangeError(`Tensor ${i} returned by \`right_inverse\` has dtype ${t.dtype} while \`original${i}\` has dtype ${originali.dtype}`);
          }
          maybeSet(originali, t);
        });
      }
    });
  }

  override forward(): Tensor {
    const modules = this._modules;
    const first = modules.get('0')!;
    let x: Tensor = this.isTensor
      ? first.call(this.original)
      : first.call(...Array.from({ length: this.ntensors }, (_, i) => (this as unknown as Record<string, Tensor>)[`original${i}`]));
    for (let i = 1; modules.has(String(i)); i++) x = modules.get(String(i))!.call(x);
    return x;
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Gives `module` a class of its own, `Parametrized<Class>`, to carry the properties (PyTorch's _inject_new_class). */
function injectNewClass(module: Module): void {
  const target = module._target;
  const cls = target.constructor as new () => Module;
  const name = `Parametrized${cls.name}`;
  const paramCls = {
    [name]: class extends cls {
      /** Python's `__getstate__` of a parametrized class: whole-module pickling is refused. */
      _refusePickling(): never {
        throw new Error(
          'Serialization of parametrized modules is only supported through state_dict(). See:\n' +
            'https://pytorch.org/tutorials/beginner/saving_loading_models.html' +
            '#saving-loading-a-general-checkpoint-for-inference-and-or-resuming-training',
        );
      }
    },
  }[name]!;
  Object.setPrototypeOf(target, paramCls.prototype);
}

/** The property that computes `tensorName` from its parametrizations (PyTorch's _inject_property). */
function injectProperty(module: Module, tensorName: string): void {
  if (tensorName in module) throw new Error(`Module already has an attribute named '${tensorName}'`);
  const owner = module._target;
  const chain = (self: Module): ParametrizationList =>
    (self._modules.get('parametrizations') as ModuleDict)._modules.get(tensorName) as ParametrizationList;
  Object.defineProperty(Object.getPrototypeOf(owner), tensorName, {
    get(this: Module): Tensor {
      const parametrization = chain(this);
      if (cacheEnabled === 0) return parametrization.call();
      let entries = cache.get(owner);
      if (entries === undefined) cache.set(owner, (entries = new Map()));
      let t = entries.get(tensorName);
      if (t === undefined) entries.set(tensorName, (t = parametrization.call()));
      return t;
    },
    set(this: Module, value: Tensor) {
      chain(this).rightInverse(value);
    },
    enumerable: false,
    configurable: true,
  });
}

export interface RegisterParametrizationOptions {
  unsafe?: boolean;
}

/**
 * Makes `module[tensorName]` the output of `parametrization` applied to the original tensor
 * (torch.nn.utils.parametrize.register_parametrization); a second registration on the same
 * tensor chains after the first. `unsafe` skips the checks that the parametrization keeps the
 * shape and dtype.
 */
export function registerParametrization<M extends Module>(module: M, tensorName: string, parametrization: Module, options?: RegisterParametrizationOptions): M;
export function registerParametrization(...args: unknown[]): Module {
  const o = REGISTER<{ module: Module; tensorName: string; parametrization: Module; unsafe: boolean }>(args);
  const { module, tensorName, parametrization, unsafe } = o;
  parametrization.train(module.training);
  if (isParametrized(module, tensorName)) {
    if (!unsafe) {
      const y = (module as unknown as Record<string, Tensor>)[tensorName]!;
      const x = parametrization.call(y) as unknown;
      if (!(x instanceof Tensor)) throw new RangeError(`A parametrization must return a tensor. Got ${typeName(x)}.`);
      if (x.dtype !== y.dtype) {
        throw new RangeError(
          'Registering a parametrization may not change the dtype of the tensor, unless the `unsafe` flag is enabled.\n' +
            `module.${tensorName}.dtype: ${y.dtype}\nparametrization(module.${tensorName}).dtype: ${x.dtype}`,
        );
      }
      if (!sameShape(x.shape, y.shape)) {
        throw new RangeError(
          'Registering a parametrization may not change the shape of the tensor, unless the `unsafe` flag is enabled.\n' +
            `module.${tensorName}.shape: ${y.shape}\nparametrization(module.${tensorName}).shape: ${x.shape}`,
        );
      }
      if (hasRightInverse(parametrization)) {
        let z: unknown;
        let implemented = true;
        try {
          z = parametrization.rightInverse(x);
        } catch (e) {
          if (!(e instanceof NotImplementedError)) throw e;
          implemented = false;
        }
        if (implemented) {
          if (!(z instanceof Tensor)) throw new RangeError(`parametrization.right_inverse must return a tensor. Got: ${typeName(z)}`);
          if (z.dtype !== y.dtype) {
            throw new RangeError(
              `The tensor returned by parametrization.right_inverse must have the same dtype as module.${tensorName}, unless the \`unsafe\` flag is enabled.\n` +
                `module.${tensorName}.dtype: ${y.dtype}\nreturned dtype: ${z.dtype}`,
            );
          }
          if (!sameShape(z.shape, y.shape)) {
            throw new RangeError(
              `The tensor returned by parametrization.right_inverse must have the same shape as module.${tensorName}, unless the \`unsafe\` flag is enabled.\n` +
                `module.${tensorName}.shape: ${y.shape}\nreturned shape: ${z.shape}`,
            );
          }
        }
      }
    }
    const list = parametrizationsOf(module).get(tensorName) as ParametrizationList;
    list.append(parametrization);
    list.unsafe = list.unsafe || unsafe;
  } else if (module._buffers.has(tensorName) || module._parameters.has(tensorName)) {
    const original = (module as unknown as Record<string, Tensor>)[tensorName]!;
    const parametrizations = new ParametrizationList([parametrization], original, { unsafe });
    delete (module as unknown as Record<string, unknown>)[tensorName];
    if (!isParametrized(module)) {
      injectNewClass(module);
      (module as unknown as { parametrizations: ModuleDict }).parametrizations = new ModuleDict();
    }
    injectProperty(module, tensorName);
    parametrizationsOf(module).set(tensorName, parametrizations);
  } else {
    throw new RangeError(`Module '${module}' does not have a parameter, a buffer, or a parametrized element with name '${tensorName}'`);
  }
  return module;
}

function parametrizationsOf(module: Module): ModuleDict {
  return module._modules.get('parametrizations') as ModuleDict;
}

/** Whether `module` has a parametrization (on `tensorName`, if given). */
export function isParametrized(module: Module, tensorName?: string | null): boolean;
export function isParametrized(...args: unknown[]): boolean {
  const o = IS_PARAMETRIZED<{ module: Module; tensorName: string | null }>(args);
  const parametrizations = 'parametrizations' in o.module ? (o.module as unknown as { parametrizations: unknown }).parametrizations : null;
  if (!(parametrizations instanceof ModuleDict)) return false;
  return o.tensorName === null ? parametrizations._modules.size > 0 : parametrizations._modules.has(o.tensorName);
}

/**
 * Removes the parametrizations of `tensorName` (torch.nn.utils.parametrize.remove_parametrizations):
 * it becomes a plain parameter or buffer again, holding its parametrized value
 * (`leaveParametrized`, the default) or its original. Once none is left the module gets its
 * class back.
 */
export function removeParametrizations<M extends Module>(module: M, tensorName: string, leaveParametrized?: boolean): M;
export function removeParametrizations<M extends Module>(module: M, tensorName: string, options: { leaveParametrized?: boolean }): M;
export function removeParametrizations(...args: unknown[]): Module {
  const o = REMOVE<{ module: Module; tensorName: string; leaveParametrized: boolean }>(args);
  const { module, tensorName, leaveParametrized } = o;
  if (!isParametrized(module, tensorName)) throw new RangeError(`Module ${module} does not have a parametrization on ${tensorName}`);
  const parametrizations = parametrizationsOf(module).get(tensorName) as ParametrizationList;
  const read = (): Tensor => (module as unknown as Record<string, Tensor>)[tensorName]!;
  let original: Tensor;
  if (parametrizations.isTensor) {
    original = parametrizations.original;
    if (leaveParametrized) {
      const t = noGrad(read);
      noGrad(() => maybeSet(original, t));
    }
  } else {
    if (!leaveParametrized) {
      throw new RangeError('Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is parametrized in terms of a sequence of tensors.');
    }
    const t = read();
    original = t.requiresGrad ? new Parameter(t) : t;
  }
  delete (Object.getPrototypeOf(module._target) as Record<string, unknown>)[tensorName];
  parametrizationsOf(module).delete(tensorName);
  registerParameterOrBuffer(module, tensorName, original);
  if (!isParametrized(module)) {
    delete (module as unknown as Record<string, unknown>).parametrizations;
    const proto = Object.getPrototypeOf(module._target) as object;
    Object.setPrototypeOf(module._target, Object.getPrototypeOf(proto));
  }
  return module;
}

/** The class of `module` before it was parametrized (its own class otherwise). */
export function typeBeforeParametrizations(module: Module): Function;
export function typeBeforeParametrizations(...args: unknown[]): Function {
  const o = TYPE_BEFORE<{ module: Module }>(args);
  // `Parametrized<Class>`'s base (Python's `module.__class__.__bases__[0]`).
  if (isParametrized(o.module)) return (Object.getPrototypeOf(Object.getPrototypeOf(o.module._target)) as { constructor: Function }).constructor;
  return o.module.constructor;
}

/**
 * Registers on `toModule` the parametrizations of `fromModule` (all, or those of `tensorName`)
 * and makes it share their originals (torch.nn.utils.parametrize.transfer_parametrizations_and_params).
 */
export function transferParametrizationsAndParams<M extends Module>(fromModule: Module, toModule: M, tensorName?: string | null): M;
export function transferParametrizationsAndParams(...args: unknown[]): Module {
  const o = TRANSFER<{ fromModule: Module; toModule: Module; tensorName: string | null }>(args);
  const { fromModule, toModule } = o;
  if (!isParametrized(fromModule)) return toModule;
  const from = parametrizationsOf(fromModule);
  const names = o.tensorName === null ? [...from._modules.keys()] : [o.tensorName];
  const attrs = (m: Module): Record<string, unknown> => m as unknown as Record<string, unknown>;
  for (const name of names) {
    if (!(name in toModule)) attrs(toModule)[name] = new Parameter(attrs(fromModule)[name] as Tensor);
    const list = from.get(name) as ParametrizationList;
    for (const fn of list._modules.values()) registerParametrization(toModule, name, fn!);
    const to = parametrizationsOf(toModule).get(name);
    if (list._parameters.has('original') || list._buffers.has('original')) {
      attrs(to).original = list.original;
    } else {
      for (let i = 0; `original${i}` in list; i++) attrs(to)[`original${i}`] = attrs(list)[`original${i}`];
    }
  }
  return toModule;
}
