// torchvision/models/segmentation/deeplabv3.py: DeepLabV3 (atrous spatial pyramid pooling) on a
// dilated ResNet-50/101 or MobileNetV3-Large backbone.
import { cat } from '../../../generated/torch';
import * as nn from '../../../nn';
import type { Tensor } from '../../../tensor';
import { registerModel, Weights, WeightsEnum } from '../_api';
import { _ovewriteValueParam, IntermediateLayerGetter } from '../_utils';
import { MobileNetV3, mobilenetV3Large, MobileNet_V3_Large_Weights } from '../mobilenetv3';
import { ResNet, resnet101, ResNet101_Weights, resnet50, ResNet50_Weights } from '../resnet';
import { _segmentationArgs, _SimpleSegmentationModel, type SegmentationBuilderOptions } from './_utils';
import { _COMMON_META, _resnetSegmentation, _segmentationPreset, FCNHead } from './fcn';

const PY_MODULE = 'torchvision.models.segmentation.deeplabv3';

/** "Rethinking Atrous Convolution for Semantic Image Segmentation": a backbone, a DeepLabHead and an optional auxiliary classifier. */
export class DeepLabV3 extends _SimpleSegmentationModel {
  static override pythonModule = PY_MODULE;
}

export class DeepLabHead extends nn.Sequential {
  static override pythonModule = PY_MODULE;

  constructor(inChannels: number, numClasses: number, atrousRates: readonly number[] = [12, 24, 36]) {
    super(
      new ASPP(inChannels, atrousRates),
      new nn.Conv2d(256, 256, 3, { padding: 1, bias: false }),
      new nn.BatchNorm2d(256),
      new nn.ReLU(),
      new nn.Conv2d(256, numClasses, 1),
    );
  }
}

export class ASPPConv extends nn.Sequential {
  static override pythonModule = PY_MODULE;

  constructor(inChannels: number, outChannels: number, dilation: number) {
    super(new nn.Conv2d(inChannels, outChannels, 3, { padding: dilation, dilation, bias: false }), new nn.BatchNorm2d(outChannels), new nn.ReLU());
  }
}

/** Image-level features: global average pooling, a 1x1 convolution, upsampled back to the input's size. */
export class ASPPPooling extends nn.Sequential {
  static override pythonModule = PY_MODULE;

  constructor(inChannels: number, outChannels: number) {
    super(new nn.AdaptiveAvgPool2d(1), new nn.Conv2d(inChannels, outChannels, 1, { bias: false }), new nn.BatchNorm2d(outChannels), new nn.ReLU());
  }

  override forward(x: Tensor): Tensor {
    const size = x.shape.slice(-2);
    for (const mod of this) x = mod.call(x) as Tensor;
    return nn.functional.interpolate(x, { size, mode: 'bilinear', alignCorners: false });
  }
}

/** Atrous spatial pyramid pooling: a 1x1 convolution, one 3x3 per rate, image pooling, concatenated and projected. */
export class ASPP extends nn.Module {
  static override pythonModule = PY_MODULE;
  declare convs: nn.ModuleList;
  declare project: nn.Sequential;

  constructor(inChannels: number, atrousRates: readonly number[], outChannels = 256) {
    super();
    const modules: nn.Module[] = [new nn.Sequential(new nn.Conv2d(inChannels, outChannels, 1, { bias: false }), new nn.BatchNorm2d(outChannels), new nn.ReLU())];
    for (const rate of atrousRates) modules.push(new ASPPConv(inChannels, outChannels, rate));
    modules.push(new ASPPPooling(inChannels, outChannels));
    this.convs = new nn.ModuleList(modules);
    this.project = new nn.Sequential(
      new nn.Conv2d(this.convs.length * outChannels, outChannels, 1, { bias: false }),
      new nn.BatchNorm2d(outChannels),
      new nn.ReLU(),
      new nn.Dropout(0.5),
    );
  }

  override forward(x: Tensor): Tensor {
    const res = [...this.convs].map((conv) => conv.call(x) as Tensor);
    return this.project.call(cat(res, 1)) as Tensor;
  }
}

function _deeplabv3Resnet(backbone: ResNet, numClasses: number, aux: boolean | null): DeepLabV3 {
  const returnLayers: Record<string, string> = { layer4: 'out' };
  if (aux) returnLayers.layer3 = 'aux';
  const features = new IntermediateLayerGetter(backbone, returnLayers);
  const auxClassifier = aux ? new FCNHead(1024, numClasses) : null;
  const classifier = new DeepLabHead(2048, numClasses);
  return new DeepLabV3(features, classifier, auxClassifier);
}

export class DeepLabV3_ResNet50_Weights extends WeightsEnum {
  static readonly COCO_WITH_VOC_LABELS_V1 = new DeepLabV3_ResNet50_Weights(
    'COCO_WITH_VOC_LABELS_V1',
    new Weights('https://download.pytorch.org/models/deeplabv3_resnet50_coco-cd0a2569.pth', _segmentationPreset, {
      ..._COMMON_META,
      numParams: 42004074,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/segmentation#deeplabv3_resnet50',
      _metrics: { 'COCO-val2017-VOC-labels': { miou: 66.4, pixel_acc: 92.4 } },
      _ops: 178.722,
      _fileSize: 160.515,
    }),
  );
  static readonly DEFAULT = DeepLabV3_ResNet50_Weights.COCO_WITH_VOC_LABELS_V1;
}

export class DeepLabV3_ResNet101_Weights extends WeightsEnum {
  static readonly COCO_WITH_VOC_LABELS_V1 = new DeepLabV3_ResNet101_Weights(
    'COCO_WITH_VOC_LABELS_V1',
    new Weights('https://download.pytorch.org/models/deeplabv3_resnet101_coco-586e9e4e.pth', _segmentationPreset, {
      ..._COMMON_META,
      numParams: 60996202,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/segmentation#fcn_resnet101',
      _metrics: { 'COCO-val2017-VOC-labels': { miou: 67.4, pixel_acc: 92.4 } },
      _ops: 258.743,
      _fileSize: 233.217,
    }),
  );
  static readonly DEFAULT = DeepLabV3_ResNet101_Weights.COCO_WITH_VOC_LABELS_V1;
}

export class DeepLabV3_MobileNet_V3_Large_Weights extends WeightsEnum {
  static readonly COCO_WITH_VOC_LABELS_V1 = new DeepLabV3_MobileNet_V3_Large_Weights(
    'COCO_WITH_VOC_LABELS_V1',
    new Weights('https://download.pytorch.org/models/deeplabv3_mobilenet_v3_large-fc3c493d.pth', _segmentationPreset, {
      ..._COMMON_META,
      numParams: 11029328,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/segmentation#deeplabv3_mobilenet_v3_large',
      _metrics: { 'COCO-val2017-VOC-labels': { miou: 60.3, pixel_acc: 91.2 } },
      _ops: 10.452,
      _fileSize: 42.301,
    }),
  );
  static readonly DEFAULT = DeepLabV3_MobileNet_V3_Large_Weights.COCO_WITH_VOC_LABELS_V1;
}

/**
 * The indices of the blocks of `features` that start a stage (those that stride), with the first
 * and the last block: C0 .. C5 of a MobileNetV3.
 */
export function _stageIndices(features: nn.Sequential): number[] {
  const strided = [...features].flatMap((b, i) => ('_isCn' in b && (b as nn.Module & { _isCn: boolean })._isCn ? [i] : []));
  return [0, ...strided, features.length - 1];
}

const outChannelsOf = (features: nn.Sequential, i: number): number => (features.at(i) as nn.Module & { outChannels: number }).outChannels;

function _deeplabv3Mobilenetv3(backbone: MobileNetV3, numClasses: number, aux: boolean | null): DeepLabV3 {
  const features = backbone.features;
  const stageIndices = _stageIndices(features);
  const outPos = stageIndices[stageIndices.length - 1]!; // C5, output stride 16
  const outInplanes = outChannelsOf(features, outPos);
  const auxPos = stageIndices[stageIndices.length - 4]!; // C2, output stride 8
  const auxInplanes = outChannelsOf(features, auxPos);
  const returnLayers: Record<string, string> = { [String(outPos)]: 'out' };
  if (aux) returnLayers[String(auxPos)] = 'aux';
  const getter = new IntermediateLayerGetter(features, returnLayers);
  const auxClassifier = aux ? new FCNHead(auxInplanes, numClasses) : null;
  const classifier = new DeepLabHead(outInplanes, numClasses);
  return new DeepLabV3(getter, classifier, auxClassifier);
}

/** DeepLabV3 with a ResNet-50 backbone (layer3 and layer4 dilated: output stride 8). */
export function deeplabv3Resnet50(...args: [SegmentationBuilderOptions<DeepLabV3_ResNet50_Weights, ResNet50_Weights>?]): DeepLabV3 {
  return _resnetSegmentation('deeplabv3_resnet50', DeepLabV3_ResNet50_Weights, ResNet50_Weights, resnet50, _deeplabv3Resnet, args);
}

/** DeepLabV3 with a ResNet-101 backbone. */
export function deeplabv3Resnet101(...args: [SegmentationBuilderOptions<DeepLabV3_ResNet101_Weights, ResNet101_Weights>?]): DeepLabV3 {
  return _resnetSegmentation('deeplabv3_resnet101', DeepLabV3_ResNet101_Weights, ResNet101_Weights, resnet101, _deeplabv3Resnet, args);
}

/** DeepLabV3 with a MobileNetV3-Large backbone (its last stage dilated: output stride 16). */
export function deeplabv3MobilenetV3Large(
  ...args: [SegmentationBuilderOptions<DeepLabV3_MobileNet_V3_Large_Weights, MobileNet_V3_Large_Weights>?]
): DeepLabV3 {
  let { weights, progress, numClasses, auxLoss, weightsBackbone } = _segmentationArgs(
    'deeplabv3_mobilenet_v3_large',
    DeepLabV3_MobileNet_V3_Large_Weights,
    MobileNet_V3_Large_Weights,
    args,
  );
  if (weights !== null) {
    weightsBackbone = null;
    numClasses = _ovewriteValueParam('num_classes', numClasses, weights.meta.categories!.length);
    auxLoss = _ovewriteValueParam('aux_loss', auxLoss, true);
  } else if (numClasses === null) {
    numClasses = 21;
  }
  const backbone = mobilenetV3Large({ weights: weightsBackbone, dilated: true });
  const model = _deeplabv3Mobilenetv3(backbone, numClasses, auxLoss);
  if (weights !== null) model.loadStateDict(weights.getStateDict({ progress, checkHash: true }));
  return model;
}

registerModel('deeplabv3_resnet50', deeplabv3Resnet50, DeepLabV3_ResNet50_Weights);
registerModel('deeplabv3_resnet101', deeplabv3Resnet101, DeepLabV3_ResNet101_Weights);
registerModel('deeplabv3_mobilenet_v3_large', deeplabv3MobilenetV3Large, DeepLabV3_MobileNet_V3_Large_Weights);
