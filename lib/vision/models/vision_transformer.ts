// torchvision/models/vision_transformer.py: ViT-B/16, B/32, L/16, L/32, H/14.
import { cat, empty, zeros } from '../../generated/torch';
import * as nn from '../../nn';
import type { StateDictCopy } from '../../nn/module';
import { pySignature } from '../../python_signature';
import type { Tensor } from '../../tensor';
import { Conv2dNormActivation, MLP } from '../ops/misc';
import { ImageClassification, InterpolationMode } from '../transforms/_presets';
import { registerModel, Weights, WeightsEnum, type WeightsEnumClass } from './_api';
import { _IMAGENET_CATEGORIES } from './_meta';
import { _builderArgs, _ovewriteNamedParam, makeLayer, type BuilderOptions, type LayerFactory } from './_utils';

/** One convolution of a convolutional stem (instead of the patchifying convolution). */
export interface ConvStemConfig {
  outChannels: number;
  kernelSize: number;
  stride: number;
  normLayer?: LayerFactory;
  activationLayer?: LayerFactory<[{ inplace?: boolean }]>;
}

const layerNorm6 = (d: number): nn.Module => new nn.LayerNorm(d, { eps: 1e-6 });

/** The transformer MLP block: Linear, GELU, Dropout, Linear, Dropout. */
export class MLPBlock extends MLP {
  static override pythonModule = 'torchvision.models.vision_transformer';
  static override _version = 2;

  constructor(inDim: number, mlpDim: number, dropout: number) {
    super(inDim, [mlpDim, inDim], { activationLayer: nn.GELU, inplace: null, dropout });
    for (const m of this.modules()) {
      if (m instanceof nn.Linear) {
        nn.init.xavierUniform_(m.weight);
        if (m.bias !== null) nn.init.normal_(m.bias, { std: 1e-6 });
      }
    }
  }

  /** Checkpoints before version 2 name the linears linear_1 and linear_2. */
  override _loadFromStateDict(
    stateDict: Map<string, unknown>,
    prefix: string,
    localMetadata: Map<string, unknown>,
    strict: boolean,
    missingKeys: string[],
    unexpectedKeys: string[],
    errorMsgs: string[],
    copies: StateDictCopy[],
  ): void {
    const version = localMetadata.get('version') as number | undefined;
    if (version === undefined || version < 2) {
      for (let i = 0; i < 2; i++) {
        for (const type of ['weight', 'bias']) {
          const oldKey = `${prefix}linear_${i + 1}.${type}`;
          if (stateDict.has(oldKey)) {
            stateDict.set(`${prefix}${3 * i}.${type}`, stateDict.get(oldKey));
            stateDict.delete(oldKey);
          }
        }
      }
    }
    super._loadFromStateDict(stateDict, prefix, localMetadata, strict, missingKeys, unexpectedKeys, errorMsgs, copies);
  }
}

export class EncoderBlock extends nn.Module {
  static override pythonModule = 'torchvision.models.vision_transformer';
  declare numHeads: number;
  declare ln_1: nn.Module;
  declare self_attention: nn.MultiheadAttention;
  declare dropout: nn.Dropout;
  declare ln_2: nn.Module;
  declare mlp: MLPBlock;

  constructor(numHeads: number, hiddenDim: number, mlpDim: number, dropout: number, attentionDropout: number, normLayer: LayerFactory = layerNorm6) {
    super();
    this.numHeads = numHeads;
    this.ln_1 = makeLayer(normLayer, hiddenDim);
    this.self_attention = new nn.MultiheadAttention(hiddenDim, numHeads, { dropout: attentionDropout, batchFirst: true });
    this.dropout = new nn.Dropout(dropout);
    this.ln_2 = makeLayer(normLayer, hiddenDim);
    this.mlp = new MLPBlock(hiddenDim, mlpDim, dropout);
  }

  override forward(input: Tensor): Tensor {
    if (input.ndim !== 3) throw new Error(`Expected (batch_size, seq_length, hidden_dim) got ${input.shape}`);
    let x = this.ln_1.call(input) as Tensor;
    [x] = this.self_attention.call(x, x, x, { needWeights: false });
    x = this.dropout.call(x).add(input);
    const y = this.mlp.call(this.ln_2.call(x) as Tensor) as Tensor;
    return x.add(y);
  }
}

export class Encoder extends nn.Module {
  static override pythonModule = 'torchvision.models.vision_transformer';
  declare pos_embedding: nn.Parameter;
  declare dropout: nn.Dropout;
  declare layers: nn.Sequential;
  declare ln: nn.Module;

  constructor(
    seqLength: number,
    numLayers: number,
    numHeads: number,
    hiddenDim: number,
    mlpDim: number,
    dropout: number,
    attentionDropout: number,
    normLayer: LayerFactory = layerNorm6,
  ) {
    super();
    this.pos_embedding = new nn.Parameter(empty(1, seqLength, hiddenDim).normal_({ std: 0.02 })); // from BERT
    this.dropout = new nn.Dropout(dropout);
    const layers = new Map<string, nn.Module>();
    for (let i = 0; i < numLayers; i++) layers.set(`encoder_layer_${i}`, new EncoderBlock(numHeads, hiddenDim, mlpDim, dropout, attentionDropout, normLayer));
    this.layers = new nn.Sequential(layers);
    this.ln = makeLayer(normLayer, hiddenDim);
  }

  override forward(input: Tensor): Tensor {
    if (input.ndim !== 3) throw new Error(`Expected (batch_size, seq_length, hidden_dim) got ${input.shape}`);
    input = input.add(this.pos_embedding);
    return this.ln.call(this.layers.call(this.dropout.call(input)) as Tensor) as Tensor;
  }
}

const VISION_TRANSFORMER = pySignature(
  'VisionTransformer.__init__',
  'self, image_size, patch_size, num_layers, num_heads, hidden_dim, mlp_dim, dropout=0.0, attention_dropout=0.0, num_classes=1000, representation_size=None, norm_layer=None, conv_stem_configs=None',
);

export interface VisionTransformerOptions {
  imageSize?: number;
  patchSize?: number;
  numLayers?: number;
  numHeads?: number;
  hiddenDim?: number;
  mlpDim?: number;
  dropout?: number;
  attentionDropout?: number;
  numClasses?: number;
  representationSize?: number | null;
  normLayer?: LayerFactory | null;
  convStemConfigs?: readonly ConvStemConfig[] | null;
}

/** Vision Transformer from "An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale". */
export class VisionTransformer extends nn.Module {
  static override pythonModule = 'torchvision.models.vision_transformer';
  static override floatAttributes: readonly string[] = ['attention_dropout', 'dropout'];
  declare imageSize: number;
  declare patchSize: number;
  declare hiddenDim: number;
  declare mlpDim: number;
  declare attentionDropout: number;
  declare dropout: number;
  declare numClasses: number;
  declare representationSize: number | null;
  declare normLayer: LayerFactory;
  declare conv_proj: nn.Module;
  declare class_token: nn.Parameter;
  declare encoder: Encoder;
  declare seqLength: number;
  declare heads: nn.Sequential;

  constructor(options: VisionTransformerOptions) {
    super();
    const o = VISION_TRANSFORMER<Required<VisionTransformerOptions>>([options]);
    if (o.imageSize % o.patchSize !== 0) throw new Error('Input shape indivisible by patch size!');
    const normLayer = o.normLayer ?? layerNorm6;
    this.imageSize = o.imageSize;
    this.patchSize = o.patchSize;
    this.hiddenDim = o.hiddenDim;
    this.mlpDim = o.mlpDim;
    this.attentionDropout = o.attentionDropout;
    this.dropout = o.dropout;
    this.numClasses = o.numClasses;
    this.representationSize = o.representationSize;
    this.normLayer = normLayer;
    if (o.convStemConfigs !== null) {
      const seqProj = new nn.Sequential();
      let prevChannels = 3;
      o.convStemConfigs.forEach((c, i) => {
        seqProj.addModule(
          `conv_bn_relu_${i}`,
          new Conv2dNormActivation(prevChannels, c.outChannels, {
            kernelSize: c.kernelSize,
            stride: c.stride,
            normLayer: c.normLayer ?? nn.BatchNorm2d,
            activationLayer: c.activationLayer ?? nn.ReLU,
          }),
        );
        prevChannels = c.outChannels;
      });
      seqProj.addModule('conv_last', new nn.Conv2d(prevChannels, o.hiddenDim, 1));
      this.conv_proj = seqProj;
    } else {
      this.conv_proj = new nn.Conv2d(3, o.hiddenDim, o.patchSize, { stride: o.patchSize });
    }
    let seqLength = Math.floor(o.imageSize / o.patchSize) ** 2;
    this.class_token = new nn.Parameter(zeros(1, 1, o.hiddenDim));
    seqLength += 1;
    this.encoder = new Encoder(seqLength, o.numLayers, o.numHeads, o.hiddenDim, o.mlpDim, o.dropout, o.attentionDropout, normLayer);
    this.seqLength = seqLength;
    const headsLayers = new Map<string, nn.Module>();
    if (o.representationSize === null) {
      headsLayers.set('head', new nn.Linear(o.hiddenDim, o.numClasses));
    } else {
      headsLayers.set('pre_logits', new nn.Linear(o.hiddenDim, o.representationSize));
      headsLayers.set('act', new nn.Tanh());
      headsLayers.set('head', new nn.Linear(o.representationSize, o.numClasses));
    }
    this.heads = new nn.Sequential(headsLayers);

    const proj = this.conv_proj;
    if (proj instanceof nn.Conv2d) {
      const fanIn = proj.inChannels * proj.kernelSize[0]! * proj.kernelSize[1]!;
      nn.init.truncNormal_(proj.weight, { std: Math.sqrt(1 / fanIn) });
      if (proj.bias !== null) nn.init.zeros_(proj.bias);
    } else {
      const last = (proj as nn.Sequential)._modules.get('conv_last');
      if (last instanceof nn.Conv2d) {
        nn.init.normal_(last.weight, { mean: 0.0, std: Math.sqrt(2.0 / last.outChannels) });
        if (last.bias !== null) nn.init.zeros_(last.bias);
      }
    }
    const preLogits = this.heads._modules.get('pre_logits');
    if (preLogits instanceof nn.Linear) {
      nn.init.truncNormal_(preLogits.weight, { std: Math.sqrt(1 / preLogits.inFeatures) });
      nn.init.zeros_(preLogits.bias!);
    }
    const head = this.heads._modules.get('head');
    if (head instanceof nn.Linear) {
      nn.init.zeros_(head.weight);
      nn.init.zeros_(head.bias!);
    }
  }

  _processInput(x: Tensor): Tensor {
    const [n, , h, w] = [...x.shape] as [number, number, number, number];
    const p = this.patchSize;
    if (h !== this.imageSize) throw new Error(`Wrong image height! Expected ${this.imageSize} but got ${h}!`);
    if (w !== this.imageSize) throw new Error(`Wrong image width! Expected ${this.imageSize} but got ${w}!`);
    const nH = Math.floor(h / p);
    const nW = Math.floor(w / p);
    x = this.conv_proj.call(x) as Tensor;
    x = x.reshape(n, this.hiddenDim, nH * nW);
    return x.permute(0, 2, 1);
  }

  override forward(x: Tensor): Tensor {
    x = this._processInput(x);
    const n = x.shape[0]!;
    const batchClassToken = this.class_token.expand(n, -1, -1);
    x = cat([batchClassToken, x], { dim: 1 });
    x = this.encoder.call(x);
    x = x.get(':', 0);
    return this.heads.call(x) as Tensor;
  }
}

export type ViTBuilderOptions<W extends WeightsEnum> = BuilderOptions<W> & Omit<VisionTransformerOptions, 'patchSize' | 'numLayers' | 'numHeads' | 'hiddenDim' | 'mlpDim'>;

function _visionTransformer<W extends WeightsEnum>(
  name: string,
  arch: { patchSize: number; numLayers: number; numHeads: number; hiddenDim: number; mlpDim: number },
  weightsEnum: WeightsEnumClass<W>,
  args: readonly unknown[],
): VisionTransformer {
  const { weights, progress, kwargs } = _builderArgs(name, weightsEnum, args);
  if (weights !== null) {
    _ovewriteNamedParam(kwargs, 'num_classes', weights.meta.categories!.length);
    _ovewriteNamedParam(kwargs, 'image_size', weights.meta.minSize![0]);
  }
  const { imageSize, ...rest } = kwargs;
  const model = new VisionTransformer({ imageSize: (imageSize as number | undefined) ?? 224, ...arch, ...rest });
  if (weights !== null) model.loadStateDict(weights.getStateDict({ progress, checkHash: true }));
  return model;
}

export class ViT_B_16_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new ViT_B_16_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/vit_b_16-c867db91.pth', () => new ImageClassification({ cropSize: 224 }), {
      categories: _IMAGENET_CATEGORIES,
      numParams: 86567656,
      minSize: [224, 224],
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#vit_b_16',
      _metrics: { 'ImageNet-1K': { 'acc@1': 81.072, 'acc@5': 95.318 } },
      _ops: 17.564,
      _fileSize: 330.285,
      _docs: '\n                These weights were trained from scratch by using a modified version of `DeIT\n                <https://arxiv.org/abs/2012.12877>`_\'s training recipe.\n            ',
    }),
  );
  static readonly IMAGENET1K_SWAG_E2E_V1 = new ViT_B_16_Weights(
    'IMAGENET1K_SWAG_E2E_V1',
    new Weights('https://download.pytorch.org/models/vit_b_16_swag-9ac1b537.pth', () => new ImageClassification({ cropSize: 384, resizeSize: 384, interpolation: InterpolationMode.BICUBIC }), {
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/facebookresearch/SWAG',
      license: 'https://github.com/facebookresearch/SWAG/blob/main/LICENSE',
      numParams: 86859496,
      minSize: [384, 384],
      _metrics: { 'ImageNet-1K': { 'acc@1': 85.304, 'acc@5': 97.65 } },
      _ops: 55.484,
      _fileSize: 331.398,
      _docs: '\n                These weights are learnt via transfer learning by end-to-end fine-tuning the original\n                `SWAG <https://arxiv.org/abs/2201.08371>`_ weights on ImageNet-1K data.\n            ',
    }),
  );
  static readonly IMAGENET1K_SWAG_LINEAR_V1 = new ViT_B_16_Weights(
    'IMAGENET1K_SWAG_LINEAR_V1',
    new Weights('https://download.pytorch.org/models/vit_b_16_lc_swag-4e70ced5.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 224, interpolation: InterpolationMode.BICUBIC }), {
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/pull/5793',
      license: 'https://github.com/facebookresearch/SWAG/blob/main/LICENSE',
      numParams: 86567656,
      minSize: [224, 224],
      _metrics: { 'ImageNet-1K': { 'acc@1': 81.886, 'acc@5': 96.18 } },
      _ops: 17.564,
      _fileSize: 330.285,
      _docs: '\n                These weights are composed of the original frozen `SWAG <https://arxiv.org/abs/2201.08371>`_ trunk\n                weights and a linear classifier learnt on top of them trained on ImageNet-1K data.\n            ',
    }),
  );
  static readonly DEFAULT = ViT_B_16_Weights.IMAGENET1K_V1;
}

export class ViT_B_32_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new ViT_B_32_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/vit_b_32-d86f8d99.pth', () => new ImageClassification({ cropSize: 224 }), {
      categories: _IMAGENET_CATEGORIES,
      numParams: 88224232,
      minSize: [224, 224],
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#vit_b_32',
      _metrics: { 'ImageNet-1K': { 'acc@1': 75.912, 'acc@5': 92.466 } },
      _ops: 4.409,
      _fileSize: 336.604,
      _docs: '\n                These weights were trained from scratch by using a modified version of `DeIT\n                <https://arxiv.org/abs/2012.12877>`_\'s training recipe.\n            ',
    }),
  );
  static readonly DEFAULT = ViT_B_32_Weights.IMAGENET1K_V1;
}

export class ViT_L_16_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new ViT_L_16_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/vit_l_16-852ce7e3.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 242 }), {
      categories: _IMAGENET_CATEGORIES,
      numParams: 304326632,
      minSize: [224, 224],
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#vit_l_16',
      _metrics: { 'ImageNet-1K': { 'acc@1': 79.662, 'acc@5': 94.638 } },
      _ops: 61.555,
      _fileSize: 1161.023,
      _docs: '\n                These weights were trained from scratch by using a modified version of TorchVision\'s\n                `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ',
    }),
  );
  static readonly IMAGENET1K_SWAG_E2E_V1 = new ViT_L_16_Weights(
    'IMAGENET1K_SWAG_E2E_V1',
    new Weights('https://download.pytorch.org/models/vit_l_16_swag-4f3808c9.pth', () => new ImageClassification({ cropSize: 512, resizeSize: 512, interpolation: InterpolationMode.BICUBIC }), {
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/facebookresearch/SWAG',
      license: 'https://github.com/facebookresearch/SWAG/blob/main/LICENSE',
      numParams: 305174504,
      minSize: [512, 512],
      _metrics: { 'ImageNet-1K': { 'acc@1': 88.064, 'acc@5': 98.512 } },
      _ops: 361.986,
      _fileSize: 1164.258,
      _docs: '\n                These weights are learnt via transfer learning by end-to-end fine-tuning the original\n                `SWAG <https://arxiv.org/abs/2201.08371>`_ weights on ImageNet-1K data.\n            ',
    }),
  );
  static readonly IMAGENET1K_SWAG_LINEAR_V1 = new ViT_L_16_Weights(
    'IMAGENET1K_SWAG_LINEAR_V1',
    new Weights('https://download.pytorch.org/models/vit_l_16_lc_swag-4d563306.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 224, interpolation: InterpolationMode.BICUBIC }), {
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/pull/5793',
      license: 'https://github.com/facebookresearch/SWAG/blob/main/LICENSE',
      numParams: 304326632,
      minSize: [224, 224],
      _metrics: { 'ImageNet-1K': { 'acc@1': 85.146, 'acc@5': 97.422 } },
      _ops: 61.555,
      _fileSize: 1161.023,
      _docs: '\n                These weights are composed of the original frozen `SWAG <https://arxiv.org/abs/2201.08371>`_ trunk\n                weights and a linear classifier learnt on top of them trained on ImageNet-1K data.\n            ',
    }),
  );
  static readonly DEFAULT = ViT_L_16_Weights.IMAGENET1K_V1;
}

export class ViT_L_32_Weights extends WeightsEnum {
  static readonly IMAGENET1K_V1 = new ViT_L_32_Weights(
    'IMAGENET1K_V1',
    new Weights('https://download.pytorch.org/models/vit_l_32-c7638314.pth', () => new ImageClassification({ cropSize: 224 }), {
      categories: _IMAGENET_CATEGORIES,
      numParams: 306535400,
      minSize: [224, 224],
      recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#vit_l_32',
      _metrics: { 'ImageNet-1K': { 'acc@1': 76.972, 'acc@5': 93.07 } },
      _ops: 15.378,
      _fileSize: 1169.449,
      _docs: '\n                These weights were trained from scratch by using a modified version of `DeIT\n                <https://arxiv.org/abs/2012.12877>`_\'s training recipe.\n            ',
    }),
  );
  static readonly DEFAULT = ViT_L_32_Weights.IMAGENET1K_V1;
}

export class ViT_H_14_Weights extends WeightsEnum {
  static readonly IMAGENET1K_SWAG_E2E_V1 = new ViT_H_14_Weights(
    'IMAGENET1K_SWAG_E2E_V1',
    new Weights('https://download.pytorch.org/models/vit_h_14_swag-80465313.pth', () => new ImageClassification({ cropSize: 518, resizeSize: 518, interpolation: InterpolationMode.BICUBIC }), {
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/facebookresearch/SWAG',
      license: 'https://github.com/facebookresearch/SWAG/blob/main/LICENSE',
      numParams: 633470440,
      minSize: [518, 518],
      _metrics: { 'ImageNet-1K': { 'acc@1': 88.552, 'acc@5': 98.694 } },
      _ops: 1016.717,
      _fileSize: 2416.643,
      _docs: '\n                These weights are learnt via transfer learning by end-to-end fine-tuning the original\n                `SWAG <https://arxiv.org/abs/2201.08371>`_ weights on ImageNet-1K data.\n            ',
    }),
  );
  static readonly IMAGENET1K_SWAG_LINEAR_V1 = new ViT_H_14_Weights(
    'IMAGENET1K_SWAG_LINEAR_V1',
    new Weights('https://download.pytorch.org/models/vit_h_14_lc_swag-c1eb923e.pth', () => new ImageClassification({ cropSize: 224, resizeSize: 224, interpolation: InterpolationMode.BICUBIC }), {
      categories: _IMAGENET_CATEGORIES,
      recipe: 'https://github.com/pytorch/vision/pull/5793',
      license: 'https://github.com/facebookresearch/SWAG/blob/main/LICENSE',
      numParams: 632045800,
      minSize: [224, 224],
      _metrics: { 'ImageNet-1K': { 'acc@1': 85.708, 'acc@5': 97.73 } },
      _ops: 167.295,
      _fileSize: 2411.209,
      _docs: '\n                These weights are composed of the original frozen `SWAG <https://arxiv.org/abs/2201.08371>`_ trunk\n                weights and a linear classifier learnt on top of them trained on ImageNet-1K data.\n            ',
    }),
  );
  static readonly DEFAULT = ViT_H_14_Weights.IMAGENET1K_SWAG_E2E_V1;
}

/** ViT-B/16. */
export function vitB16(...args: [ViTBuilderOptions<ViT_B_16_Weights>?]): VisionTransformer {
  return _visionTransformer('vit_b_16', { patchSize: 16, numLayers: 12, numHeads: 12, hiddenDim: 768, mlpDim: 3072 }, ViT_B_16_Weights, args);
}
/** ViT-B/32. */
export function vitB32(...args: [ViTBuilderOptions<ViT_B_32_Weights>?]): VisionTransformer {
  return _visionTransformer('vit_b_32', { patchSize: 32, numLayers: 12, numHeads: 12, hiddenDim: 768, mlpDim: 3072 }, ViT_B_32_Weights, args);
}
/** ViT-L/16. */
export function vitL16(...args: [ViTBuilderOptions<ViT_L_16_Weights>?]): VisionTransformer {
  return _visionTransformer('vit_l_16', { patchSize: 16, numLayers: 24, numHeads: 16, hiddenDim: 1024, mlpDim: 4096 }, ViT_L_16_Weights, args);
}
/** ViT-L/32. */
export function vitL32(...args: [ViTBuilderOptions<ViT_L_32_Weights>?]): VisionTransformer {
  return _visionTransformer('vit_l_32', { patchSize: 32, numLayers: 24, numHeads: 16, hiddenDim: 1024, mlpDim: 4096 }, ViT_L_32_Weights, args);
}
/** ViT-H/14. */
export function vitH14(...args: [ViTBuilderOptions<ViT_H_14_Weights>?]): VisionTransformer {
  return _visionTransformer('vit_h_14', { patchSize: 14, numLayers: 32, numHeads: 16, hiddenDim: 1280, mlpDim: 5120 }, ViT_H_14_Weights, args);
}

registerModel('vit_b_16', vitB16, ViT_B_16_Weights);
registerModel('vit_b_32', vitB32, ViT_B_32_Weights);
registerModel('vit_l_16', vitL16, ViT_L_16_Weights);
registerModel('vit_l_32', vitL32, ViT_L_32_Weights);
registerModel('vit_h_14', vitH14, ViT_H_14_Weights);
