// torchvision.models: the classification models (one file per torchvision/models/*.py), their
// weights enums and the registry (getModel, getModelWeights, getWeight, listModels).
export {
  Weights, WeightsEnum, getModel, getModelBuilder, getModelWeights, getWeight, listModels, getDir, loadStateDictFromUrl, downloadUrlToFile,
  type WeightsMeta, type WeightsEnumClass, type ModelBuilder, type GetStateDictOptions, type ListModelsOptions,
} from './_api';
export { _IMAGENET_CATEGORIES, _VOC_CATEGORIES } from './_meta';
export { type BuilderOptions, type LayerFactory } from './_utils';
export * from './alexnet';
export * from './vgg';
export * from './resnet';
export * from './squeezenet';
export * from './densenet';
export { GoogLeNet, GoogLeNet_Weights, googlenet, type GoogLeNetOutputs, type GoogLeNetOptions } from './googlenet';
export { Inception3, Inception_V3_Weights, inceptionV3, type InceptionOutputs, type Inception3Options } from './inception';
export { MobileNetV2, MobileNet_V2_Weights, mobilenetV2, type MobileNetV2Options } from './mobilenetv2';
export { MobileNetV3, MobileNet_V3_Large_Weights, MobileNet_V3_Small_Weights, mobilenetV3Large, mobilenetV3Small, type MobileNetV3Options } from './mobilenetv3';
export * from './mnasnet';
export { ShuffleNetV2, ShuffleNet_V2_X0_5_Weights, ShuffleNet_V2_X1_0_Weights, ShuffleNet_V2_X1_5_Weights, ShuffleNet_V2_X2_0_Weights, shufflenetV2X0_5, shufflenetV2X1_0, shufflenetV2X1_5, shufflenetV2X2_0, type ShuffleNetV2Options } from './shufflenetv2';
export {
  EfficientNet, MBConvConfig, FusedMBConvConfig, efficientnetB0, efficientnetB1, efficientnetB2, efficientnetB3, efficientnetB4, efficientnetB5, efficientnetB6, efficientnetB7,
  efficientnetV2S, efficientnetV2M, efficientnetV2L, EfficientNet_B0_Weights, EfficientNet_B1_Weights, EfficientNet_B2_Weights, EfficientNet_B3_Weights,
  EfficientNet_B4_Weights, EfficientNet_B5_Weights, EfficientNet_B6_Weights, EfficientNet_B7_Weights, EfficientNet_V2_S_Weights, EfficientNet_V2_M_Weights,
  EfficientNet_V2_L_Weights, type EfficientNetOptions,
} from './efficientnet';
export * from './regnet';
export * from './convnext';
export * from './vision_transformer';
export { MaxVit, MaxVit_T_Weights, maxvitT, type MaxVitOptions, type MaxVitBuilderOptions } from './maxvit';
export {
  SwinTransformer, Swin_T_Weights, Swin_S_Weights, Swin_B_Weights, Swin_V2_T_Weights, Swin_V2_S_Weights, Swin_V2_B_Weights,
  swinT, swinS, swinB, swinV2T, swinV2S, swinV2B, type SwinTransformerOptions, type SwinBuilderOptions,
} from './swin_transformer';
// The files as namespaces, for what torchvision.models does not re-export (densenet._load_state_dict, resnet.conv3x3, ...).
export * as resnet from './resnet';
export * as vgg from './vgg';
export * as squeezenet from './squeezenet';
export * as densenet from './densenet';
export * as inception from './inception';
export * as mobilenetv2 from './mobilenetv2';
export * as mobilenetv3 from './mobilenetv3';
export * as shufflenetv2 from './shufflenetv2';
export * as mnasnet from './mnasnet';
export * as efficientnet from './efficientnet';
export * as maxvit from './maxvit';
export * as swin_transformer from './swin_transformer';
// torchvision.models.segmentation (FCN, DeepLabV3, LRASPP), a subpackage as in torchvision.
export * as segmentation from './segmentation';
// torchvision.models._utils (IntermediateLayerGetter, ...).
export * as _utils from './_utils';
