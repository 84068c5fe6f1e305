'use strict';
// A DeepLabV3 (ResNet-50, torch.vision.models.segmentation) segmentation of an image into the 21
// Pascal VOC classes:
//   node examples/segment/main.js <image.jpg|png> [--out dir] [--resize 520] [--weights file] [--offline]
// writes <out>/mask.png (each pixel's class index, 0 = background, as a grayscale PNG) and
// <out>/overlay.png (each class found drawn over the image with torchvision's
// draw_segmentation_masks), and prints the classes found with their share of the pixels.
// The weights are DeepLabV3_ResNet50_Weights.DEFAULT from the torch hub cache
// ($TORCH_HOME/hub/checkpoints/deeplabv3_resnet50_coco-cd0a2569.pth) or downloaded there;
// --resize changes the preset's 520 (the shorter edge; smaller is faster and coarser).
const fs = require('fs');
const path = require('path');
const torch = require('../..');
const { pretrained, parseArgs } = require('../classify/hub');

const { DeepLabV3_ResNet50_Weights, deeplabv3Resnet50 } = torch.vision.models.segmentation;

const T = torch.vision.transforms;

async function main(argv) {
  const args = parseArgs(argv, { out: 'string', resize: 'string', weights: 'string', offline: 'boolean' });
  if (args.positional.length !== 1) throw new Error('usage: node examples/segment/main.js <image> [--out dir] [--resize n] [--weights file] [--offline]');
  const resizeSize = args.resize === undefined ? 520 : Number(args.resize);
  if (!Number.isInteger(resizeSize) || resizeSize < 1) throw new Error(`--resize must be a positive integer, got ${args.resize}`);
  const outDir = args.out ?? '.';
  const weights = DeepLabV3_ResNet50_Weights.DEFAULT;
  const model = pretrained(deeplabv3Resnet50, weights, { file: args.weights ?? null, offline: args.offline ?? false, options: { weightsBackbone: null, auxLoss: true } });
  model.eval();
  const preprocess = weights.transforms({ resizeSize });
  const img = await torch.vision.io.readImage(args.positional[0], { mode: 'RGB' });
  const categories = weights.meta.categories;
  fs.mkdirSync(outDir, { recursive: true });
  torch.inferenceMode(() => {
    const mask = model.call(preprocess.call(img).unsqueeze(0)).get('out').get(0).argmax(0).to(torch.uint8);
    torch.vision.io.writePng(mask.unsqueeze(0), path.join(outDir, 'mask.png'));
    // The overlay at the mask's size: the image resized with the preset's interpolation and antialias.
    const shown = T.functional.resize(img, [resizeSize], { interpolation: preprocess.interpolation, antialias: preprocess.antialias });
    const found = torch.unique(mask).tolist();
    const objects = found.filter((c) => c !== 0);
    const overlay = objects.length > 0 ? torch.vision.utils.drawSegmentationMasks(shown, torch.stack(objects.map((c) => mask.eq(c))), { alpha: 0.6 }) : shown;
    torch.vision.io.writePng(overlay, path.join(outDir, 'overlay.png'));
    const total = mask.numel();
    console.log(`${mask.shape[0]}x${mask.shape[1]} mask: ${path.join(outDir, 'mask.png')}, overlay: ${path.join(outDir, 'overlay.png')}`);
    for (const c of found) console.log(`${categories[c]}: ${((100 * mask.eq(c).sum().item()) / total).toFixed(1)}% of the pixels`);
  });
}

main(process.argv.slice(2)).catch((err) => {
  console.error(err.message);
  process.exit(1);
});
