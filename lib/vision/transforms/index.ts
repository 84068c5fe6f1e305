// torchvision.transforms: the presets classification weights use, on tensors.
export { ImageClassification, InterpolationMode, resize, centerCrop, convertImageDtype, normalize, type ImageClassificationOptions } from './_presets';
