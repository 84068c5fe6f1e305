// torch/nn/utils/init.py: building a module without initializing its parameters.
import type { DeviceLike } from '../../device';
import { isOptions } from '../modules_utils';
import { Module } from '../module';

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
  return module.toEmpty({ device: finalDevice });
}
