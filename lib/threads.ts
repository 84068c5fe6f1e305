// torch.set_num_threads / get_num_threads and their inter-op twins: libtorch's own thread pools.
import { native } from './native';

/** Threads of the intra-op pool (what one op uses), as torch.set_num_threads. */
export function setNumThreads(n: number): void {
  native.setNumThreads(n);
}
export function getNumThreads(): number {
  return native.getNumThreads();
}
/** Threads of the inter-op pool; libtorch allows it only before any inter-op work has run. */
export function setNumInteropThreads(n: number): void {
  native.setNumInteropThreads(n);
}
export function getNumInteropThreads(): number {
  return native.getNumInteropThreads();
}
