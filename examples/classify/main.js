'use strict';
// Top-5 ImageNet categories of an image with a pretrained ResNet-50, as torchvision's docs example:
//   node examples/classify/main.js <image.jpg|png> [--weights resnet50.pth] [--offline]
// The weights are ResNet50_Weights.DEFAULT (IMAGENET1K_V2), read from the torch hub cache
// ($TORCH_HOME/hub/checkpoints/resnet50-11ad3fa6.pth) or downloaded there; --weights loads a
// state_dict file instead; --offline never downloads.
const torch = require('../..');
const { pretrained, parseArgs } = require('./hub');

const { ResNet50_Weights, resnet50 } = torch.vision.models;

async function main(argv) {
  const args = parseArgs(argv, { weights: 'string', offline: 'boolean' });
  if (args.positional.length !== 1) throw new Error('usage: node examples/classify/main.js <image> [--weights file] [--offline]');
  const weights = ResNet50_Weights.DEFAULT;
  const model = pretrained(resnet50, weights, { file: args.weights ?? null, offline: args.offline ?? false });
  model.eval();
  const preprocess = weights.transforms();
  const img = await torch.vision.io.readImage(args.positional[0], { mode: 'RGB' });
  torch.inferenceMode(() => {
    const batch = preprocess.call(img).unsqueeze(0);
    const prediction = model.call(batch).squeeze(0).softmax(0);
    const { values, indices } = prediction.topk(5);
    const scores = values.tolist();
    indices.tolist().forEach((classId, i) => {
      console.log(`${weights.meta.categories[classId]}: ${(100 * scores[i]).toFixed(1)}%`);
    });
  });
}

main(process.argv.slice(2)).catch((err) => {
  console.error(err.message);
  process.exit(1);
});
