// torch.nn: Parameter, Module and its containers, layers, init and functional.
export * as functional from './functional';
export * as init from './init';
export { Parameter } from './parameter';
export { Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict, sliceIndices, type Slice } from './container';
export { Module, RemovableHandle, IncompatibleKeys, type StateDict, type ForwardHook, type ForwardPreHook } from './module';
export {
  ReLU, ReLU6, Hardtanh, LeakyReLU, ELU, GELU, SiLU, Sigmoid, Tanh, Softmax, LogSoftmax,
  MultiheadAttention, type MultiheadAttentionOptions, type MultiheadAttentionForwardOptions,
} from './activation';
export { RNNBase, RNN, LSTM, GRU, type RNNOptions } from './rnn';
export { TransformerEncoderLayer, type TransformerEncoderLayerOptions, type TransformerEncoderLayerForwardOptions } from './transformer';
export { Identity, Linear, Bilinear, NonDynamicallyQuantizableLinear } from './linear';
export { _ConvNd, Conv1d, Conv2d, _ConvTransposeNd, ConvTranspose2d, type PaddingMode } from './conv';
export { MaxPool1d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d } from './pooling';
export { _NormBase, _BatchNorm, BatchNorm1d, BatchNorm2d } from './batchnorm';
export { LayerNorm, GroupNorm } from './normalization';
export { Dropout, Dropout2d } from './dropout';
export { Embedding } from './sparse';
export { Flatten, Unflatten } from './flatten';
