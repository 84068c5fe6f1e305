// torchvision.models.segmentation: FCN, DeepLabV3 and LRASPP with their weights enums and builders
// (what torchvision's __all__ lists); the heads and the rest through the files' namespaces.
export { type SegmentationBuilderOptions } from './_utils';
export { FCN, FCN_ResNet50_Weights, FCN_ResNet101_Weights, fcnResnet50, fcnResnet101 } from './fcn';
export {
  DeepLabV3, DeepLabV3_ResNet50_Weights, DeepLabV3_ResNet101_Weights, DeepLabV3_MobileNet_V3_Large_Weights,
  deeplabv3Resnet50, deeplabv3Resnet101, deeplabv3MobilenetV3Large,
} from './deeplabv3';
export { LRASPP, LRASPP_MobileNet_V3_Large_Weights, lrasppMobilenetV3Large } from './lraspp';
export * as _utils from './_utils';
export * as fcn from './fcn';
export * as deeplabv3 from './deeplabv3';
export * as lraspp from './lraspp';
