// torchvision.ops: the layers the models are built from.
export { StochasticDepth, stochasticDepth } from './stochastic_depth';
export { Conv2dNormActivation, SqueezeExcitation, Permute, MLP, type MLPOptions, type ConvNormActivationOptions, type ActivationFactory } from './misc';
