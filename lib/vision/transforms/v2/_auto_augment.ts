// torchvision/transforms/v2/_auto_augment.py on tensors: AugMix (the other policies are in ./index.ts).
import { tensor as makeTensor } from '../../../creation';
import { float32 } from '../../../dtype';
import * as T from '../../../generated/torch';
import { native } from '../../../native';
import { pyFloat } from '../../../nn/repr';
import { op } from '../../../ops';
import { pySignature } from '../../../python_signature';
import { type Tensor, wrap } from '../../../tensor';
import * as F from './functional';
import { InterpolationMode, type Fill } from './functional';
import { AutoAugmentBase, type AugmentationSpace } from './index';

const SAMPLE_DIRICHLET = op('aten::_sample_dirichlet');
const sampleDirichlet = (concentration: Tensor): Tensor => wrap(native.callOp(SAMPLE_DIRICHLET, concentration._h, undefined));

const linspace = (end: number) => (bins: number) => T.linspace(0.0, end, bins);

const PARTIAL_AUGMENTATION_SPACE: AugmentationSpace = [
  ['ShearX', linspace(0.3), true],
  ['ShearY', linspace(0.3), true],
  ['TranslateX', (bins, _h, w) => T.linspace(0.0, w / 3.0, bins), true],
  ['TranslateY', (bins, h) => T.linspace(0.0, h / 3.0, bins), true],
  ['Rotate', linspace(30.0), true],
  ['Posterize', (bins) => T.rsub(T.arange(bins).div((bins - 1) / 4), 4).round().int(), false],
  ['Solarize', (bins) => T.linspace(1.0, 0.0, bins), false],
  ['AutoContrast', null, false],
  ['Equalize', null, false],
];

const AUGMENTATION_SPACE: AugmentationSpace = [
  ...PARTIAL_AUGMENTATION_SPACE,
  ['Brightness', linspace(0.9), true],
  ['Color', linspace(0.9), true],
  ['Contrast', linspace(0.9), true],
  ['Sharpness', linspace(0.9), true],
];

const PARAMETER_MAX = 10;

const AUG_MIX = pySignature('AugMix.__init__', "self, severity=3, mixture_width=3, chain_depth=-1, alpha=1.0, all_ops=True, interpolation='bilinear', fill=None");

export interface AugMixOptions {
  /** The strength of the operations, 1 to 10. */
  severity?: number;
  /** How many chains of operations are mixed. */
  mixtureWidth?: number;
  /** The operations in a chain; -1: 1 to 3 at random. */
  chainDepth?: number;
  /** The Dirichlet and Beta distributions' parameter. */
  alpha?: number;
  /** All the operations, or only those that keep the image statistics of the ImageNet-C corruptions apart. */
  allOps?: boolean;
  interpolation?: InterpolationMode | string | number;
  fill?: Fill;
}

/**
 * AugMix ("AugMix: A Simple Data Processing Method to Improve Robustness and Uncertainty"): random
 * chains of operations, mixed with Dirichlet weights, then mixed with the image by a Beta weight.
 */
export class AugMix extends AutoAugmentBase {
  static override floatAttributes: readonly string[] = ['alpha'];
  declare severity: number;
  declare mixtureWidth: number;
  declare chainDepth: number;
  declare alpha: number;
  declare allOps: boolean;

  constructor(...args: [AugMixOptions?] | unknown[]) {
    const o = AUG_MIX<Required<AugMixOptions>>(args);
    super(o.interpolation, o.fill);
    if (!(o.severity >= 1 && o.severity <= PARAMETER_MAX)) throw new Error(`The severity must be between [1, ${PARAMETER_MAX}]. Got ${o.severity} instead.`);
    this.severity = o.severity;
    this.mixtureWidth = o.mixtureWidth;
    this.chainDepth = o.chainDepth;
    this.alpha = o.alpha;
    this.allOps = o.allOps;
  }

  protected augment(image: Tensor): Tensor {
    const [height, width] = F.getSize(image) as [number, number];
    const space = this.allOps ? AUGMENTATION_SPACE : PARTIAL_AUGMENTATION_SPACE;
    const origDims = [...image.shape];
    const batch = image.reshape([...Array<number>(Math.max(4 - image.ndim, 0)).fill(1), ...origDims]);
    const n = batch.shape[0]!;
    const batchDims = [n, ...Array<number>(batch.ndim - 1).fill(1)];
    // Beta weights of the image (column 0) and of the augmented mix (column 1), as a 2-parameter Dirichlet
    const m = sampleDirichlet(makeTensor([this.alpha, this.alpha], { dtype: float32 }).expand(n, -1));
    const combinedWeights = sampleDirichlet(makeTensor(Array<number>(this.mixtureWidth).fill(this.alpha), { dtype: float32 }).expand(n, -1)).mul(
      m.get(':', 1).reshape(n, -1),
    );
    const mix = m.get(':', 0).reshape(batchDims).mul(batch);
    for (let i = 0; i < this.mixtureWidth; i++) {
      let aug = batch;
      const depth = this.chainDepth > 0 ? this.chainDepth : (T.randint(1, 4, [1]).item() as number);
      for (let d = 0; d < depth; d++) {
        const [id, magnitudes, signed] = this.randomItem(space);
        let magnitude = 0.0;
        if (magnitudes !== null) {
          magnitude = magnitudes(PARAMETER_MAX, height, width).get(T.randint(this.severity, []).item() as number).item() as number;
          if (signed && (T.rand([]).item() as number) <= 0.5) magnitude *= -1;
        }
        aug = this.applyOp(aug, id, magnitude);
      }
      mix.add_(combinedWeights.get(':', i).reshape(batchDims).mul(aug));
    }
    return mix.reshape(origDims).to(image.dtype);
  }

  protected override reprItems(): [string, string | null][] {
    return [
      ...super.reprItems(),
      ['severity', String(this.severity)],
      ['mixture_width', String(this.mixtureWidth)],
      ['chain_depth', String(this.chainDepth)],
      ['alpha', pyFloat(this.alpha)],
      ['all_ops', this.allOps ? 'True' : 'False'],
    ];
  }
}
