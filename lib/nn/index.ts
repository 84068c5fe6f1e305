// torch.nn: Parameter, Module and its containers, layers, init and functional.
export * as functional from './functional';
export * as init from './init';
export { Parameter } from './parameter';
export { Module, RemovableHandle, type StateDict, type IncompatibleKeys, type ForwardHook, type ForwardPreHook } from './module';
