// torchvision: torch.vision.models (the classification models and their weights) and the
// tensor transforms those weights preprocess with.
export * as models from './models';
export * as transforms from './transforms';
