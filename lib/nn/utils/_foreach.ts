// torch/utils/_foreach_utils.py as torch.nn.utils uses it: tensors grouped by (device, dtype) in
// the order they first appear, and which devices have the fused _foreach_* kernels.
import type { Tensor } from '../../tensor';

/** `_group_tensors_by_device_and_dtype` for one list: the groups in first-appearance order. */
export function groupByDeviceAndDtype(tensors: readonly Tensor[]): Tensor[][] {
  const groups = new Map<string, Tensor[]>();
  for (const t of tensors) {
    const key = `${String(t.device)}|${t.dtype.name}`;
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = []));
    group.push(t);
  }
  return [...groups.values()];
}

/** `_device_has_foreach_support`: the CPU and CUDA have the _foreach_* kernels. */
export function deviceHasForeachSupport(t: Tensor): boolean {
  return t.device.type === 'cpu' || t.device.type === 'cuda';
}

/** Whether a group takes the _foreach_* path (`foreach` None: wherever the device supports it). */
export function useForeach(group: readonly Tensor[], foreach: boolean | null): boolean {
  const supported = deviceHasForeachSupport(group[0]!);
  if (foreach === false) return false;
  if (foreach === true && !supported) {
    throw new Error(`foreach=True was passed, but can't use the foreach API on ${group[0]!.device.type} tensors`);
  }
  return supported;
}
