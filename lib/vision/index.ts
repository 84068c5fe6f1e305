// torchvision: torch.vision.models (the classification models and their weights), the tensor
// transforms those weights preprocess with, and the torchvision.ops layers the models are built from.
export * as models from './models';
export * as transforms from './transforms';
export * as ops from './ops';
export * as io from './io';
export * as utils from './utils';
