// torch.nn: Parameter, Module and its containers, layers, init and functional.
export * as functional from './functional';
export * as init from './init';
export { Parameter } from './parameter';
export { Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict, sliceIndices, type Slice } from './container';
export { Module, RemovableHandle, type StateDict, type IncompatibleKeys, type ForwardHook, type ForwardPreHook } from './module';
export { ReLU, ReLU6, Hardtanh, LeakyReLU, ELU, GELU, SiLU, Sigmoid, Tanh, Softmax, LogSoftmax } from './activation';
export { RNNBase, RNN, LSTM, GRU, type RNNOptions } from './rnn';
