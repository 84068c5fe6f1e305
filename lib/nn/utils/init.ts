// torch/nn/utils/init.py: building a module without initializing its parameters.
import { emptyLike } from '../../generated/torch';
import type { DeviceLike } from '../../device';
import { isOptions } from '../modules_utils';
import { Module } from '../module';
import { Parameter } from '../parameter';
import type { Tensor } from '../../tensor';

/**
 * `new moduleCls(...args)` with parameters and buffers left uninitialized (torch.nn.utils.skip_init):
 * the module is built on the meta device, then given empty storage on `device` (the options'
 * `device`, the CPU by default). The class must take a `device` option.
 */
export function skipInit<C extends new (...args: any[]) => Module>(moduleCls: C, ...args: ConstructorParameters<C>): InstanceType<C>;
export function skipInit(moduleCls: new (...args: unknown[]) => Module, ...args: unknown[]): Module {
  if (typeof moduleCls !== 'function' || !(moduleCls.prototype instanceof Module)) {
    throw new Error(`Expected a Module; got ${typeof moduleCls === 'function' ? `<class '${moduleCls.name}'>` : String(moduleCls)}`);
  }
  const last = args.length > 0 && isOptions(args[args.length - 1]) ? { ...(args.pop() as Record<string, unknown>) } : {};
  const finalDevice = (last.device ?? 'cpu') as DeviceLike;
  let module: Module;
  try {
    module = new moduleCls(...args, { ...last, device: 'meta' });
  } catch (e) {
    if (e instanceof TypeError && /unexpected keyword argument 'device'/.test(e.message)) {
      throw new Error("Module must support a 'device' arg to skip initialization");
    }
    throw e;
  }
  // Module.to_empty: every parameter and buffer replaced by uninitialized storage on the device
  // (new Parameter objects, as PyTorch makes when a meta tensor cannot take CPU data in place).
  for (const m of module.modules()) {
    for (const [name, p] of m._parameters) if (p !== null) m.registerParameter(name, new Parameter(emptyLike(p, { device: finalDevice }), p.requiresGrad));
    for (const [name, b] of m._buffers) if (b !== null) (m as unknown as Record<string, Tensor>)[name] = emptyLike(b, { device: finalDevice });
  }
  return module;
}
