// torch.utils: data loading and TensorBoard logging.
export * as data from './data';
export * as tensorboard from './tensorboard';
export { swapTensors } from './swap_tensors';
