// torch.nn: Parameter, Module and its containers, layers, init and functional.
export * as functional from './functional';
export * as init from './init';
export { Parameter, Buffer } from './parameter';
export { Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict, sliceIndices, type Slice } from './container';
export { Module, RemovableHandle, IncompatibleKeys, modules, type StateDict, type ForwardHook, type ForwardPreHook, type BackwardHook, type BackwardPreHook } from './module';
export {
  ReLU, ReLU6, Hardtanh, LeakyReLU, ELU, GELU, SiLU, Sigmoid, Tanh, Softmax, LogSoftmax,
  Threshold, RReLU, Hardsigmoid, Mish, Hardswish, CELU, SELU, GLU, Hardshrink, LogSigmoid, Softplus, Softshrink, PReLU,
  Softsign, Tanhshrink, Softmin, Softmax2d,
  MultiheadAttention, type MultiheadAttentionOptions, type MultiheadAttentionForwardOptions,
} from './activation';
export {
  _Loss, _WeightedLoss, L1Loss, NLLLoss, NLLLoss2d, PoissonNLLLoss, GaussianNLLLoss, KLDivLoss, MSELoss, BCELoss, BCEWithLogitsLoss,
  HingeEmbeddingLoss, MultiLabelMarginLoss, SmoothL1Loss, HuberLoss, SoftMarginLoss, CrossEntropyLoss, LinearCrossEntropyLoss,
  MultiLabelSoftMarginLoss, CosineEmbeddingLoss, MarginRankingLoss, MultiMarginLoss, TripletMarginLoss, TripletMarginWithDistanceLoss, CTCLoss,
} from './loss';
export { RNNBase, RNN, LSTM, GRU, RNNCellBase, RNNCell, LSTMCell, GRUCell, type RNNOptions, type CellOptions } from './rnn';
export {
  TransformerEncoderLayer, type TransformerEncoderLayerOptions, type TransformerEncoderLayerForwardOptions,
  TransformerEncoder, TransformerDecoderLayer, TransformerDecoder, Transformer, type TransformerEncoderOptions, type TransformerEncoderForwardOptions,
  type TransformerDecoderLayerOptions, type TransformerDecoderLayerForwardOptions, type TransformerDecoderForwardOptions, type TransformerOptions,
  type TransformerForwardOptions,
} from './transformer';
export { Identity, Linear, Bilinear, NonDynamicallyQuantizableLinear } from './linear';
export { _ConvNd, Conv1d, Conv2d, Conv3d, _ConvTransposeNd, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d, type PaddingMode } from './conv';
export {
  MaxPool1d, MaxPool2d, MaxPool3d, MaxUnpool1d, MaxUnpool2d, MaxUnpool3d, AvgPool1d, AvgPool2d, AvgPool3d,
  FractionalMaxPool2d, FractionalMaxPool3d, LPPool1d, LPPool2d, LPPool3d,
  AdaptiveMaxPool1d, AdaptiveMaxPool2d, AdaptiveMaxPool3d, AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveAvgPool3d,
} from './pooling';
export {
  ConstantPad1d, ConstantPad2d, ConstantPad3d, ZeroPad1d, ZeroPad2d, ZeroPad3d, ReflectionPad1d, ReflectionPad2d, ReflectionPad3d,
  ReplicationPad1d, ReplicationPad2d, ReplicationPad3d, CircularPad1d, CircularPad2d, CircularPad3d,
} from './padding';
export { PixelShuffle, PixelUnshuffle } from './pixelshuffle';
export { Fold, Unfold } from './fold';
export { Upsample, UpsamplingNearest2d, UpsamplingBilinear2d } from './upsampling';
export { ChannelShuffle } from './channelshuffle';
export { CosineSimilarity, PairwiseDistance } from './distance';
export { _NormBase, _BatchNorm, BatchNorm1d, BatchNorm2d, BatchNorm3d, SyncBatchNorm } from './batchnorm';
export { _InstanceNorm, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d } from './instancenorm';
export { LayerNorm, GroupNorm, LocalResponseNorm, CrossMapLRN2d, RMSNorm } from './normalization';
export { Dropout, Dropout1d, Dropout2d, Dropout3d, AlphaDropout, FeatureAlphaDropout } from './dropout';
export { Embedding, EmbeddingBag, type EmbeddingBagMode } from './sparse';
export { AdaptiveLogSoftmaxWithLoss, type _ASMoutput } from './adaptive';
export { Flatten, Unflatten } from './flatten';
export { UninitializedParameter, UninitializedBuffer, isLazy } from './parameter';
export {
  LazyModuleMixin, LazyLinear, LazyConv1d, LazyConv2d, LazyConv3d, LazyConvTranspose1d, LazyConvTranspose2d, LazyConvTranspose3d,
  LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d, LazyInstanceNorm1d, LazyInstanceNorm2d, LazyInstanceNorm3d,
} from './lazy';
export * as utils from './utils';
