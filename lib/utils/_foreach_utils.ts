// torch/utils/_foreach_utils.py: the devices with foreach and fused kernels, and the split of
// tensor lists into (device, dtype) groups that the foreach paths of torch.optim and
// torch.nn.utils run on.
import type { Device } from '../device';
import type { Tensor } from '../tensor';

/** `_get_foreach_kernels_supported_devices`. */
export function _getForeachKernelsSupportedDevices(): string[] {
  return ['cuda', 'xpu', 'mtia', 'privateuseone'];
}

/** `_get_fused_kernels_supported_devices`: the devices with fused optimizer kernels. */
export function _getFusedKernelsSupportedDevices(): string[] {
  return ['mps', 'cuda', 'xpu', 'hpu', 'cpu', 'mtia', 'privateuseone'];
}

/**
 * `_group_tensors_by_device_and_dtype`: the tensor lists split by the (device, dtype) of the
 * first list's tensors, groups in first-appearance order; `indices` are each group's positions
 * in the input. An empty list stays empty in every group; a missing entry becomes null.
 */
export function _groupTensorsByDeviceAndDtype<L extends (Tensor | null)[][]>(tensorlistlist: L): { lists: L; indices: number[] }[] {
  const groups = new Map<string, { lists: L; indices: number[] }>();
  tensorlistlist[0]!.forEach((t, i) => {
    const key = `${t!.device}|${t!.dtype.name}`;
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { lists: tensorlistlist.map(() => []) as unknown as L, indices: [] }));
    tensorlistlist.forEach((l, j) => {
      if (l.length > 0) g!.lists[j]!.push(l[i] ?? null);
    });
    g.indices.push(i);
  });
  return [...groups.values()];
}

/** `_device_has_foreach_support`: the CPU and the foreach-kernel devices. */
export function _deviceHasForeachSupport(device: Device): boolean {
  return device.type === 'cpu' || _getForeachKernelsSupportedDevices().includes(device.type);
}
