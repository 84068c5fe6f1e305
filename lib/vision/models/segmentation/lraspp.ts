// torchvision/models/segmentation/lraspp.py: Lite R-ASPP on a dilated MobileNetV3-Large.
import { NotImplementedError } from '../../../nn/utils/parametrize';
import * as nn from '../../../nn';
import type { Tensor } from '../../../tensor';
import { registerModel, Weights, WeightsEnum } from '../_api';
import { _VOC_CATEGORIES } from '../_meta';
import { _ovewriteValueParam, IntermediateLayerGetter } from '../_utils';
import { MobileNetV3, mobilenetV3Large, MobileNet_V3_Large_Weights } from '../mobilenetv3';
import { _segmentationArgs, type SegmentationBuilderOptions } from './_utils';
import { _stageIndices } from './deeplabv3';
import { _segmentationPreset } from './fcn';

const PY_MODULE = 'torchvision.models.segmentation.lraspp';

/**
 * Lite R-ASPP from "Searching for MobileNetV3": the backbone gives a Map with 'low' and 'high'
 * features; forward gives a Map with 'out', upsampled to the input's size.
 */
export class LRASPP extends nn.Module {
  static override pythonModule = PY_MODULE;
  declare backbone: nn.Module;
  declare classifier: LRASPPHead;

  constructor(backbone: nn.Module, lowChannels: number, highChannels: number, numClasses: number, interChannels = 128) {
    super();
    this.backbone = backbone;
    this.classifier = new LRASPPHead(lowChannels, highChannels, numClasses, interChannels);
  }

  override forward(input: Tensor): Map<string, Tensor> {
    const features = this.backbone.call(input) as Map<string, Tensor>;
    const out = nn.functional.interpolate(this.classifier.call(features), { size: input.shape.slice(-2), mode: 'bilinear', alignCorners: false });
    return new Map([['out', out]]);
  }
}

export class LRASPPHead extends nn.Module {
  static override pythonModule = PY_MODULE;
  declare cbr: nn.Sequential;
  declare scale: nn.Sequential;
  declare low_classifier: nn.Conv2d;
  declare high_classifier: nn.Conv2d;

  constructor(lowChannels: number, highChannels: number, numClasses: number, interChannels: number) {
    super();
    this.cbr = new nn.Sequential(new nn.Conv2d(highChannels, interChannels, 1, { bias: false }), new nn.BatchNorm2d(interChannels), new nn.ReLU(true));
    this.scale = new nn.Sequential(new nn.AdaptiveAvgPool2d(1), new nn.Conv2d(highChannels, interChannels, 1, { bias: false }), new nn.Sigmoid());
    this.low_classifier = new nn.Conv2d(lowChannels, numClasses, 1);
    this.high_classifier = new nn.Conv2d(interChannels, numClasses, 1);
  }

  override forward(input: Map<string, Tensor>): Tensor {
    const low = input.get('low')!;
    const high = input.get('high')!;
    let x = this.cbr.call(high) as Tensor;
    const s = this.scale.call(high) as Tensor;
    x = x.mul(s);
    x = nn.functional.interpolate(x, { size: low.shape.slice(-2), mode: 'bilinear', alignCorners: false });
    return this.low_classifier.call(low).add(this.high_classifier.call(x));
  }
}

function _lrasppMobilenetv3(backbone: MobileNetV3, numClasses: number): LRASPP {
  const features = backbone.features;
  const stageIndices = _stageIndices(features);
  const lowPos = stageIndices[stageIndices.length - 4]!; // C2, output stride 8
  const highPos = stageIndices[stageIndices.length - 1]!; // C5, output stride 16
  const channels = (i: number): number => (features.at(i) as nn.Module & { outChannels: number }).outChannels;
  const getter = new IntermediateLayerGetter(features, { [String(lowPos)]: 'low', [String(highPos)]: 'high' });
  return new LRASPP(getter, channels(lowPos), channels(highPos), numClasses);
}

export class LRASPP_MobileNet_V3_Large_Weights extends WeightsEnum {
  static readonly COCO_WITH_VOC_LABELS_V1 = new LRASPP_MobileNet_V3_Large_Weights(
    'COCO_WITH_VOC_LABELS_V1',
    new Weights('https://download.pytorch.org/models/lraspp_mobilenet_v3_large-d234d4ea.pth', _segmentationPreset, {
      numParams: 3221538,
      categories: _VOC_CATEGORIES,
      minSize: [1, 1],
      recipe: 'https://github.com/pytorch/vision/tree/main/references/segmentation#lraspp_mobilenet_v3_large',
      _metrics: { 'COCO-val2017-VOC-labels': { miou: 57.9, pixel_acc: 91.2 } },
      _ops: 2.086,
      _fileSize: 12.49,
      _docs: '\n                These weights were trained on a subset of COCO, using only the 20 categories that are present in the\n                Pascal VOC dataset.\n            ',
    }),
  );
  static readonly DEFAULT = LRASPP_MobileNet_V3_Large_Weights.COCO_WITH_VOC_LABELS_V1;
}

/** Lite R-ASPP with a MobileNetV3-Large backbone; it has no auxiliary classifier (`auxLoss: true` is an error). */
export function lrasppMobilenetV3Large(
  ...args: [(Omit<SegmentationBuilderOptions<LRASPP_MobileNet_V3_Large_Weights, MobileNet_V3_Large_Weights>, 'auxLoss'> & { auxLoss?: boolean })?]
): LRASPP {
  let { weights, progress, numClasses, weightsBackbone, kwargs } = _segmentationArgs(
    'lraspp_mobilenet_v3_large',
    LRASPP_MobileNet_V3_Large_Weights,
    MobileNet_V3_Large_Weights,
    args,
    false,
  );
  if (kwargs.auxLoss) throw new NotImplementedError('This model does not use auxiliary loss');
  if (weights !== null) {
    weightsBackbone = null;
    numClasses = _ovewriteValueParam('num_classes', numClasses, weights.meta.categories!.length);
  } else if (numClasses === null) {
    numClasses = 21;
  }
  const backbone = mobilenetV3Large({ weights: weightsBackbone, dilated: true });
  const model = _lrasppMobilenetv3(backbone, numClasses);
  if (weights !== null) model.loadStateDict(weights.getStateDict({ progress, checkHash: true }));
  return model;
}

registerModel('lraspp_mobilenet_v3_large', lrasppMobilenetV3Large, LRASPP_MobileNet_V3_Large_Weights);
