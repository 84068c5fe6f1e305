// torch.nn. For now its functional kernels; Module, containers and layers build on them.
export * as functional from './functional';
