// torchvision/models/segmentation/fcn.py: FCN with a dilated ResNet-50/101 backbone.
import * as nn from '../../../nn';
import { SemanticSegmentation, type SemanticSegmentationOptions } from '../../transforms/_presets';
import { registerModel, Weights, WeightsEnum, type WeightsEnumClass, type WeightsMeta } from '../_api';
import { _VOC_CATEGORIES } from '../_meta';
import { _ovewriteValueParam, IntermediateLayerGetter } from '../_utils';
import { ResNet, resnet101, ResNet101_Weights, resnet50, ResNet50_Weights } from '../resnet';
import { _segmentationArgs, _SimpleSegmentationModel, type SegmentationBuilderOptions } from './_utils';

/** "Fully Convolutional Networks for Semantic Segmentation": a backbone, a classifier and an optional auxiliary one. */
export class FCN extends _SimpleSegmentationModel {
  static override pythonModule = 'torchvision.models.segmentation.fcn';
}

export class FCNHead extends nn.Sequential {
  static override pythonModule = 'torchvision.models.segmentation.fcn';

  constructor(inChannels: number, channels: number) {
    const interChannels = Math.floor(inChannels / 4);
    super(
      new nn.Conv2d(inChannels, interChannels, 3, { padding: 1, bias: false }),
      new nn.BatchNorm2d(interChannels),
      new nn.ReLU(),
      new nn.Dropout(0.1),
      new nn.Conv2d(interChannels, channels, 1),
    );
  }
}

/** The meta every COCO-with-VOC-labels segmentation checkpoint shares. */
export const _COMMON_META: WeightsMeta = {
  categories: _VOC_CATEGORIES,
  minSize: [1, 1],
  _docs: '\n        These weights were trained on a subset of COCO, using only the 20 categories that are present in the Pascal VOC\n        dataset.\n    ',
};

/** Python's `partial(SemanticSegmentation, resize_size=520)`: options given override. */
export const _segmentationPreset = (options: Partial<SemanticSegmentationOptions> = {}): SemanticSegmentation =>
  new SemanticSegmentation({ resizeSize: 520, ...options });

export class FCN_ResNet50_Weights extends WeightsEnum {
  static readonly COCO_WITH_VOC_LABELS_V1 = new FCN_ResNet50_Weights(
    'COCO_WITH_VOC_LABELS_V1',
    new Weights('https://download.pytorch.org/models/fcn_resnet50_coco-1167a1af.pth', _segmentationPreset, {
      ..._COMMON_META,
      numParams: 35322218,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/segmentation#fcn_resnet50',
      _metrics: { 'COCO-val2017-VOC-labels': { miou: 60.5, pixel_acc: 91.4 } },
      _ops: 152.717,
      _fileSize: 135.009,
    }),
  );
  static readonly DEFAULT = FCN_ResNet50_Weights.COCO_WITH_VOC_LABELS_V1;
}

export class FCN_ResNet101_Weights extends WeightsEnum {
  static readonly COCO_WITH_VOC_LABELS_V1 = new FCN_ResNet101_Weights(
    'COCO_WITH_VOC_LABELS_V1',
    new Weights('https://download.pytorch.org/models/fcn_resnet101_coco-7ecb50ca.pth', _segmentationPreset, {
      ..._COMMON_META,
      numParams: 54314346,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/segmentation#deeplabv3_resnet101',
      _metrics: { 'COCO-val2017-VOC-labels': { miou: 63.7, pixel_acc: 91.9 } },
      _ops: 232.738,
      _fileSize: 207.711,
    }),
  );
  static readonly DEFAULT = FCN_ResNet101_Weights.COCO_WITH_VOC_LABELS_V1;
}

function _fcnResnet(backbone: ResNet, numClasses: number, aux: boolean | null): FCN {
  const returnLayers: Record<string, string> = { layer4: 'out' };
  if (aux) returnLayers.layer3 = 'aux';
  const features = new IntermediateLayerGetter(backbone, returnLayers);
  const auxClassifier = aux ? new FCNHead(1024, numClasses) : null;
  const classifier = new FCNHead(2048, numClasses);
  return new FCN(features, classifier, auxClassifier);
}

/** What the four ResNet-backed builders share: weights impose num_classes and aux_loss and drop the backbone's. */
export function _resnetSegmentation<W extends WeightsEnum, B extends WeightsEnum, M extends nn.Module>(
  name: string,
  weightsEnum: WeightsEnumClass<W>,
  backboneEnum: WeightsEnumClass<B>,
  resnet: (options: { weights: B | null; replaceStrideWithDilation: boolean[] }) => ResNet,
  make: (backbone: ResNet, numClasses: number, aux: boolean | null) => M,
  args: readonly unknown[],
): M {
  let { weights, progress, numClasses, auxLoss, weightsBackbone } = _segmentationArgs(name, weightsEnum, backboneEnum, args);
  if (weights !== null) {
    weightsBackbone = null;
    numClasses = _ovewriteValueParam('num_classes', numClasses, weights.meta.categories!.length);
    auxLoss = _ovewriteValueParam('aux_loss', auxLoss, true);
  } else if (numClasses === null) {
    numClasses = 21;
  }
  const backbone = resnet({ weights: weightsBackbone, replaceStrideWithDilation: [false, true, true] });
  const model = make(backbone, numClasses, auxLoss);
  if (weights !== null) model.loadStateDict(weights.getStateDict({ progress, checkHash: true }));
  return model;
}

/** FCN with a ResNet-50 backbone (layer3 and layer4 dilated: output stride 8). */
export function fcnResnet50(...args: [SegmentationBuilderOptions<FCN_ResNet50_Weights, ResNet50_Weights>?]): FCN {
  return _resnetSegmentation('fcn_resnet50', FCN_ResNet50_Weights, ResNet50_Weights, resnet50, _fcnResnet, args);
}

/** FCN with a ResNet-101 backbone. */
export function fcnResnet101(...args: [SegmentationBuilderOptions<FCN_ResNet101_Weights, ResNet101_Weights>?]): FCN {
  return _resnetSegmentation('fcn_resnet101', FCN_ResNet101_Weights, ResNet101_Weights, resnet101, _fcnResnet, args);
}

registerModel('fcn_resnet50', fcnResnet50, FCN_ResNet50_Weights);
registerModel('fcn_resnet101', fcnResnet101, FCN_ResNet101_Weights);
