// torchvision/models/alexnet.py
import { flatten } from '../../generated/torch';
import * as nn from '../../nn';
import { pySignature } from '../../python_signature';
import type { Tensor } from '../../tensor';
import { ImageClassification } from '../transforms/_presets';
import { registerModel, Weights, WeightsEnum } from './_api';
import { _builderArgs, _ovewriteNamedParam, type BuilderOptions } from './_utils';
import { _IMAGENET_CATEGORIES } from './_meta';

const ALEXNET = pySignature('AlexNet.__init__', 'self, num_classes=1000, dropout=0.5');

export interface AlexNetOptions {
  numClasses?: number;
  dropout?: number;
}

export class AlexNet extends nn.Module {
  static override pythonModule = 'torchvision.models.alexnet';
  declare features: nn.Sequential;
  declare avgpool: nn.AdaptiveAvgPool2d;
  declare classifier: nn.Sequential;

  constructor(...args: [numClasses?: number, dropout?: number, options?: AlexNetOptions] | [AlexNetOptions?]) {
    super();
    const { numClasses, dropout } = ALEXNET<Required<AlexNetOptions>>(args);
    this.features = new nn.Sequential(
      new nn.Conv2d(3, 64, 11, { stride: 4, padding: 2 }),
      new nn.ReLU(true),
      new nn.MaxPool2d(3, 2),
      new nn.Conv2d(64, 192, 5, { padding: 2 }),
      new nn.ReLU(true),
      new nn.MaxPool2d(3, 2),
      new nn.Conv2d(192, 384, 3, { padding: 1 }),
      new nn.ReLU(true),
      new nn.Conv2d(384, 256, 3, { padding: 1 }),
      new nn.ReLU(true),
      new nn.Conv2d(256, 256, 3, { padding: 1 }),
      new nn.ReLU(true),
      new nn.MaxPool2d(3, 2),
    );
    this.avgpool = new nn.AdaptiveAvgPool2d([6, 6]);
    this.classifier = new nn.Sequential(
      new nn.Dropout(dropout),
      new nn.Linear(256 * 6 * 6, 4096),
      new nn.ReLU(true),
      new nn.Dropout(dropout),
      new nn.Linear(4096, 4096),
      new nn.ReLU(true),
      new nn.Linear(4096, numClasses),
    );
  }

  override forward(x: Tensor): Tensor {
    x = this.features.call(x);
    x = this.avgpool.call(x);
    x = flatten(x, 1);
    return this.classifier.call(x);
  }
}

export class AlexNet_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new AlexNet_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/alexnet-owt-7be5be79.pth', () => new ImageClassification({ cropSize: 224 }), {
      numParams: 61100840,
      minSize: [63, 63],
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg',
      _metrics: { 'ImageNet-1K': { 'acc@1': 56.522, 'acc@5': 79.066 } },
      _ops: 0.714,
      _fileSize: 233.087,
      _docs: '\n                These weights reproduce closely the results of the paper using a simplified training recipe.\n            ',
    }),
  );
  static readonly DEFAULT = AlexNet_Weights.IMAGENET1K_V1;
}

/** AlexNet from "One weird trick for parallelizing convolutional neural networks". */
export function alexnet(...args: [(BuilderOptions<AlexNet_Weights> & AlexNetOptions)?]): AlexNet {
  const { weights, progress, kwargs } = _builderArgs('alexnet', AlexNet_Weights, args);
  if (weights !== null) _ovewriteNamedParam(kwargs, 'num_classes', weights.meta.categories!.length);
  const model = new AlexNet(kwargs);
  if (weights !== null) model.loadStateDict(weights.getStateDict({ progress, checkHash: true }));
  return model;
}

registerModel('alexnet', alexnet, AlexNet_Weights);
