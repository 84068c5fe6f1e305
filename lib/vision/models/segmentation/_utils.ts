// torchvision/models/segmentation/_utils.py: _SimpleSegmentationModel, what FCN and DeepLabV3 share;
// and how the segmentation builders bind their keyword-only arguments.
import * as nn from '../../../nn';
import { isOptions } from '../../../nn/modules_utils';
import { pySignature } from '../../../python_signature';
import type { Tensor } from '../../../tensor';
import type { WeightsEnum, WeightsEnumClass } from '../_api';

/**
 * A backbone giving a Map of features ('out', and 'aux' with an auxiliary classifier), a classifier
 * on 'out' (and an optional one on 'aux'); forward gives a Map with 'out' (and 'aux'), each
 * upsampled bilinearly to the input's height and width (Python's OrderedDict).
 */
export class _SimpleSegmentationModel extends nn.Module {
  static override pythonModule = 'torchvision.models.segmentation._utils';
  declare backbone: nn.Module;
  declare classifier: nn.Module;
  declare aux_classifier: nn.Module | null;

  constructor(backbone: nn.Module, classifier: nn.Module, auxClassifier: nn.Module | null = null) {
    super();
    this.backbone = backbone;
    this.classifier = classifier;
    this.aux_classifier = auxClassifier;
  }

  override forward(x: Tensor): Map<string, Tensor> {
    const size = x.shape.slice(-2);
    const features = this.backbone.call(x) as Map<string, Tensor>;
    const result = new Map<string, Tensor>();
    const up = (t: Tensor): Tensor => nn.functional.interpolate(t, { size, mode: 'bilinear', alignCorners: false });
    result.set('out', up(this.classifier.call(features.get('out')!) as Tensor));
    if (this.aux_classifier !== null) result.set('aux', up(this.aux_classifier.call(features.get('aux')!) as Tensor));
    return result;
  }
}

// weights_backbone's default is a member's name: verify() makes it the backbone enum's member.
const SIGNATURE = pySignature('builder', "*, weights=None, progress=True, num_classes=None, aux_loss=None, weights_backbone='IMAGENET1K_V1'");
const SIGNATURE_NO_AUX = pySignature('builder', "*, weights=None, progress=True, num_classes=None, weights_backbone='IMAGENET1K_V1'");

export interface SegmentationBuilderOptions<W extends WeightsEnum, B extends WeightsEnum> {
  weights?: W | string | null;
  progress?: boolean;
  numClasses?: number | null;
  auxLoss?: boolean | null;
  weightsBackbone?: B | string | null;
}

interface Bound<W, B> {
  weights: W | null;
  progress: boolean;
  numClasses: number | null;
  auxLoss: boolean | null;
  weightsBackbone: B | null;
}

/**
 * A segmentation builder's keyword-only arguments, its weights verified; the options it does not
 * name are ignored, as by torchvision's `**kwargs`.
 */
export function _segmentationArgs<W extends WeightsEnum, B extends WeightsEnum>(
  name: string,
  weightsEnum: WeightsEnumClass<W>,
  backboneEnum: WeightsEnumClass<B>,
  args: readonly unknown[],
  withAux = true,
): Bound<W, B> & { kwargs: Record<string, unknown> } {
  const params = ['weights', 'progress', 'numClasses', ...(withAux ? ['auxLoss'] : []), 'weightsBackbone'];
  const last = args[args.length - 1];
  const given = isOptions(last) ? last : {};
  const kwargs = Object.fromEntries(Object.entries(given).filter(([k]) => !params.includes(k)));
  const known = Object.fromEntries(Object.entries(given).filter(([k]) => params.includes(k)));
  const sig = withAux ? SIGNATURE : SIGNATURE_NO_AUX;
  const o = sig<Bound<unknown, unknown>>(isOptions(last) ? [...args.slice(0, -1), known] : args, name);
  return {
    weights: weightsEnum.verify(o.weights),
    progress: o.progress,
    numClasses: o.numClasses,
    auxLoss: withAux ? o.auxLoss : null,
    weightsBackbone: backboneEnum.verify(o.weightsBackbone),
    kwargs,
  };
}
