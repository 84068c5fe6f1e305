// torch.cuda: availability, and the check every device argument goes through so that asking for
// CUDA where there is none gives PyTorch's own clear message instead of a dispatcher dump.
import { Device, type DeviceLike } from './device';
import { native } from './native';

/** Whether this libtorch has CUDA and at least one GPU is visible. */
export function isAvailable(): boolean {
  return native.cudaDeviceCount() > 0;
}
/** The number of visible GPUs (0 on a CPU-only build). */
export function deviceCount(): number {
  return Math.max(0, native.cudaDeviceCount());
}

/** The device's string form for the addon, after checking that it can exist here. */
export function checkedDevice(device: DeviceLike): string {
  const d = new Device(device);
  if (d.type === 'cuda') {
    const count = native.cudaDeviceCount();
    if (count < 0) throw new Error('Torch not compiled with CUDA enabled');
    if (count === 0) throw new Error('No CUDA GPUs are available');
    if (d.index !== null && d.index >= count) throw new Error(`CUDA error: invalid device ordinal (device ${d.index} of ${count})`);
  } else if (d.type !== 'cpu' && d.type !== 'meta') {
    throw new Error(`torchnode supports the cpu, cuda and meta devices, not '${d.type}'`);
  }
  return String(d);
}
