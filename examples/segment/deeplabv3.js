'use strict';
// DeepLabV3 with a ResNet-50 backbone, written from torchvision/models/segmentation/deeplabv3.py,
// _utils.py (IntermediateLayerGetter, _SimpleSegmentationModel) and fcn.py (FCNHead) with the same
// module names, so torchvision's checkpoint (deeplabv3_resnet50_coco-cd0a2569.pth) loads strictly;
// and the SemanticSegmentation preset of transforms/_presets.py that its weights evaluate with.
const torch = require('../..');

const { nn } = torch;
const F = nn.functional;
const { Weights, WeightsEnum, ResNet50_Weights, resnet50 } = torch.vision.models;
const T = torch.vision.transforms;

// torchvision.models._meta._VOC_CATEGORIES
const VOC_CATEGORIES = Object.freeze([
  '__background__', 'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair', 'cow',
  'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant', 'sheep', 'sofa', 'train', 'tvmonitor',
]);

/** Resize the shorter edge (when resizeSize is not null), rescale to [0, 1], normalize. */
class SemanticSegmentation extends nn.Module {
  constructor({ resizeSize, mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225], interpolation = T.InterpolationMode.BILINEAR, antialias = true }) {
    super();
    this.resizeSize = resizeSize === null ? null : [resizeSize];
    this.mean = [...mean];
    this.std = [...std];
    this.interpolation = interpolation;
    this.antialias = antialias;
  }

  forward(img) {
    if (this.resizeSize !== null) img = T.resize(img, this.resizeSize, this.interpolation, this.antialias);
    return T.normalize(T.convertImageDtype(img, torch.float32), this.mean, this.std);
  }
}

/** The named children of `model` up to the last one in `returnLayers`; forward gives a Map of their outputs. */
class IntermediateLayerGetter extends nn.ModuleDict {
  constructor(model, returnLayers) {
    const names = [...model.namedChildren()].map(([name]) => name);
    if (!Object.keys(returnLayers).every((k) => names.includes(k))) throw new Error('return_layers are not present in model');
    const remaining = new Set(Object.keys(returnLayers));
    const layers = new Map();
    for (const [name, module] of model.namedChildren()) {
      layers.set(name, module);
      remaining.delete(name);
      if (remaining.size === 0) break;
    }
    super(layers);
    this.return_layers = { ...returnLayers };
  }

  forward(x) {
    const out = new Map();
    for (const name of this) {
      x = this.get(name).call(x);
      if (name in this.return_layers) out.set(this.return_layers[name], x);
    }
    return out;
  }
}

class ASPPConv extends nn.Sequential {
  constructor(inChannels, outChannels, dilation) {
    super(new nn.Conv2d(inChannels, outChannels, 3, { padding: dilation, dilation, bias: false }), new nn.BatchNorm2d(outChannels), new nn.ReLU());
  }
}

class ASPPPooling extends nn.Sequential {
  constructor(inChannels, outChannels) {
    super(new nn.AdaptiveAvgPool2d(1), new nn.Conv2d(inChannels, outChannels, 1, { bias: false }), new nn.BatchNorm2d(outChannels), new nn.ReLU());
  }

  forward(x) {
    const size = x.shape.slice(-2);
    for (const mod of this) x = mod.call(x);
    return F.interpolate(x, { size, mode: 'bilinear', alignCorners: false });
  }
}

class ASPP extends nn.Module {
  constructor(inChannels, atrousRates, outChannels = 256) {
    super();
    const modules = [new nn.Sequential(new nn.Conv2d(inChannels, outChannels, 1, { bias: false }), new nn.BatchNorm2d(outChannels), new nn.ReLU())];
    for (const rate of atrousRates) modules.push(new ASPPConv(inChannels, outChannels, rate));
    modules.push(new ASPPPooling(inChannels, outChannels));
    this.convs = new nn.ModuleList(modules);
    this.project = new nn.Sequential(
      new nn.Conv2d(modules.length * outChannels, outChannels, 1, { bias: false }),
      new nn.BatchNorm2d(outChannels),
      new nn.ReLU(),
      new nn.Dropout(0.5),
    );
  }

  forward(x) {
    return this.project.call(torch.cat([...this.convs].map((conv) => conv.call(x)), 1));
  }
}

class DeepLabHead extends nn.Sequential {
  constructor(inChannels, numClasses, atrousRates = [12, 24, 36]) {
    super(
      new ASPP(inChannels, atrousRates),
      new nn.Conv2d(256, 256, 3, { padding: 1, bias: false }),
      new nn.BatchNorm2d(256),
      new nn.ReLU(),
      new nn.Conv2d(256, numClasses, 1),
    );
  }
}

class FCNHead extends nn.Sequential {
  constructor(inChannels, channels) {
    const inter = Math.floor(inChannels / 4);
    super(
      new nn.Conv2d(inChannels, inter, 3, { padding: 1, bias: false }),
      new nn.BatchNorm2d(inter),
      new nn.ReLU(),
      new nn.Dropout(0.1),
      new nn.Conv2d(inter, channels, 1),
    );
  }
}

/** _SimpleSegmentationModel: forward gives a Map with 'out' (and 'aux'), upsampled to the input's size. */
class DeepLabV3 extends nn.Module {
  constructor(backbone, classifier, auxClassifier = null) {
    super();
    this.backbone = backbone;
    this.classifier = classifier;
    this.aux_classifier = auxClassifier;
  }

  forward(x) {
    const size = x.shape.slice(-2);
    const features = this.backbone.call(x);
    const result = new Map();
    result.set('out', F.interpolate(this.classifier.call(features.get('out')), { size, mode: 'bilinear', alignCorners: false }));
    if (this.aux_classifier !== null) {
      result.set('aux', F.interpolate(this.aux_classifier.call(features.get('aux')), { size, mode: 'bilinear', alignCorners: false }));
    }
    return result;
  }
}

class DeepLabV3_ResNet50_Weights extends WeightsEnum {
  static COCO_WITH_VOC_LABELS_V1 = new DeepLabV3_ResNet50_Weights(
    'COCO_WITH_VOC_LABELS_V1',
    new Weights('https://download.pytorch.org/models/deeplabv3_resnet50_coco-cd0a2569.pth', (options = {}) => new SemanticSegmentation({ resizeSize: 520, ...options }), {
      categories: VOC_CATEGORIES,
      minSize: [1, 1],
      numParams: 42004074,
      recipe: 'https://github.com/pytorch/vision/tree/main/references/segmentation#deeplabv3_resnet50',
      _metrics: { 'COCO-val2017-VOC-labels': { miou: 66.4, pixel_acc: 92.4 } },
      _ops: 178.722,
      _fileSize: 160.515,
    }),
  );
  static DEFAULT = DeepLabV3_ResNet50_Weights.COCO_WITH_VOC_LABELS_V1;
}

/** deeplabv3_resnet50({ weights, progress, numClasses, auxLoss, weightsBackbone }) as torchvision's. */
function deeplabv3Resnet50({ weights = null, progress = true, numClasses = null, auxLoss = null, weightsBackbone = ResNet50_Weights.IMAGENET1K_V1 } = {}) {
  weights = DeepLabV3_ResNet50_Weights.verify(weights);
  weightsBackbone = ResNet50_Weights.verify(weightsBackbone);
  if (weights !== null) {
    weightsBackbone = null;
    const n = weights.meta.categories.length;
    if (numClasses !== null && numClasses !== n) throw new Error(`The parameter 'num_classes' expected value ${n} but got ${numClasses} instead.`);
    if (auxLoss !== null && auxLoss !== true) throw new Error(`The parameter 'aux_loss' expected value True but got ${auxLoss ? 'True' : 'False'} instead.`);
    numClasses = n;
    auxLoss = true;
  } else if (numClasses === null) {
    numClasses = 21;
  }
  const backbone = resnet50({ weights: weightsBackbone, replaceStrideWithDilation: [false, true, true] });
  const returnLayers = auxLoss ? { layer4: 'out', layer3: 'aux' } : { layer4: 'out' };
  const model = new DeepLabV3(new IntermediateLayerGetter(backbone, returnLayers), new DeepLabHead(2048, numClasses), auxLoss ? new FCNHead(1024, numClasses) : null);
  if (weights !== null) model.loadStateDict(weights.getStateDict({ progress, checkHash: true }));
  return model;
}

module.exports = { DeepLabV3, DeepLabV3_ResNet50_Weights, deeplabv3Resnet50, SemanticSegmentation, IntermediateLayerGetter, VOC_CATEGORIES };
