// torchvision.models: the classification models (one file per torchvision/models/*.py), their
// weights enums and the registry (getModel, getModelWeights, getWeight, listModels).
export {
  Weights, WeightsEnum, getModel, getModelBuilder, getModelWeights, getWeight, listModels, getDir, loadStateDictFromUrl, downloadUrlToFile,
  type WeightsMeta, type WeightsEnumClass, type ModelBuilder, type GetStateDictOptions, type ListModelsOptions,
} from './_api';
export { _IMAGENET_CATEGORIES } from './_meta';
export { type BuilderOptions, type LayerFactory } from './_utils';
export * from './alexnet';
export * from './vgg';
export * from './resnet';
export * from './squeezenet';
export * from './densenet';
// The files as namespaces, for what torchvision.models does not re-export (densenet._load_state_dict, resnet.conv3x3, ...).
export * as resnet from './resnet';
export * as vgg from './vgg';
export * as squeezenet from './squeezenet';
export * as densenet from './densenet';
