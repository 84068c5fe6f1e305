// torch.signal: PyTorch's signal-processing namespace (torch/signal), so far its windows.
export * as windows from './windows';
