// torchvision.transforms: the presets the weights use, on tensors, and transforms.v2. The names
// torchvision.transforms (v1) shares with v2 are v2's classes here, and transforms.functional is
// v2's functional: the same random draws as v1, but v2's kernels and reprs (a uint8 resize can
// differ by 1 from v1's, which resizes in float; v1's repr prints `interpolation=bilinear`).
export { ImageClassification, SemanticSegmentation, InterpolationMode, type ImageClassificationOptions, type SemanticSegmentationOptions } from './_presets';
export * as v2 from './v2';
export { functional } from './v2';
export {
  Transform,
  Compose,
  RandomApply,
  RandomChoice,
  RandomOrder,
  Resize,
  CenterCrop,
  RandomResizedCrop,
  RandomCrop,
  RandomHorizontalFlip,
  RandomVerticalFlip,
  ColorJitter,
  Normalize,
  ConvertImageDtype,
  Pad,
  RandomRotation,
  RandomAffine,
  RandomGrayscale,
  RandomInvert,
  RandomEqualize,
  RandomAutocontrast,
  RandomPosterize,
  RandomSolarize,
  RandomAdjustSharpness,
  GaussianBlur,
  Grayscale,
  AutoAugment,
  AutoAugmentPolicy,
  RandAugment,
  TrivialAugmentWide,
  AugMix,
} from './v2';
export { RandomErasing } from './v2/_augment';
export { FiveCrop, TenCrop, RandomPerspective, ElasticTransform } from './v2/_geometry';
