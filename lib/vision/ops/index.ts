// torchvision.ops: the layers the models are built from.
export { Conv2dNormActivation, SqueezeExcitation, type ConvNormActivationOptions, type ActivationFactory } from './misc';
