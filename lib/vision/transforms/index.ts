// torchvision.transforms: the presets classification weights use, on tensors, and transforms.v2.
// The classes under torchvision.transforms (v1) are v2's classes here, and transforms.functional is
// v2's: on tensors torchvision gives both the same results and the same random draws (the printed
// reprs are v2's).
export { ImageClassification, SemanticSegmentation, InterpolationMode, resize, centerCrop, convertImageDtype, normalize, type ImageClassificationOptions, type SemanticSegmentationOptions } from './_presets';
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
} from './v2';
export { RandomErasing } from './v2/_augment';
export { FiveCrop, TenCrop, RandomPerspective, ElasticTransform } from './v2/_geometry';
