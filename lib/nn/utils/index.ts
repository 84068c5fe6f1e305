// torch.nn.utils
export * as rnn from './rnn';
export * as parametrize from './parametrize';
export * as parametrizations from './parametrizations';
export * as stateless from './stateless';
export * as prune from './prune';
export { clipGradNorm, clipGradNorm_, clipGradValue_, clipGradsWithNorm_, getTotalNorm, type TensorOrTensors, type NormType, type TotalNormOptions } from './clip_grad';
export { parametersToVector, vectorToParameters } from './convert_parameters';
export { fuseConvBnEval, fuseConvBnWeights, fuseLinearBnEval, fuseLinearBnWeights } from './fusion';
export { skipInit } from './init';
export { convertConv2dWeightMemoryFormat, convertConv3dWeightMemoryFormat } from './memory_format';
export { spectralNorm, removeSpectralNorm, SpectralNorm } from './spectral_norm';
export { weightNorm, removeWeightNorm, WeightNorm } from './weight_norm';
