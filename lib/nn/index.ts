// torch.nn: Parameter, Module and its containers, layers, init and functional.
export * as functional from './functional';
export { Parameter } from './parameter';
