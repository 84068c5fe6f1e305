// A VGG feature stack built from a config list: 'M' is a max-pool, 'C' a ceil-mode max-pool.
import * as torch from '../../lib';
const { nn } = torch;

const vggCfg = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'C', 512, 512, 512, 'M', 512, 512, 512, 'M'] as const;

function vgg(cfg: readonly (number | 'M' | 'C')[], i: number, batchNorm = false): torch.nn.Module[] {
  const layers: torch.nn.Module[] = [];
  let inChannels = i;
  for (const v of cfg) {
    if (v === 'M') {
      layers.push(new nn.MaxPool2d(2, 2));
    } else if (v === 'C') {
      layers.push(new nn.MaxPool2d(2, 2, { ceilMode: true }));
    } else {
      const conv2d = new nn.Conv2d(inChannels, v, 3, { padding: 1 });
      if (batchNorm) layers.push(conv2d, new nn.BatchNorm2d(v), new nn.ReLU(true));
      else layers.push(conv2d, new nn.ReLU(true));
      inChannels = v;
    }
  }
  return layers;
}

class Model1 extends nn.Module {
  vgg: torch.nn.ModuleList;
  constructor(batchNorm = false) {
    super();
    this.vgg = new nn.ModuleList(vgg(vggCfg, 3, batchNorm));
  }
  override forward(x: torch.Tensor): torch.Tensor {
    for (const l of this.vgg) x = l.call(x);
    return x;
  }
}

torch.manualSeed(0);
const m1 = new Model1();
console.log(m1);
for (const [k, v] of m1.namedParameters()) console.log(k, v.size());
console.log(m1.call(torch.randn(1, 3, 40, 40)).shape);
const bn = new Model1(true);
console.log([...bn.modules()].length, [...bn.namedBuffers()].length);
console.log([...bn.stateDict().keys()].slice(0, 8).join(', '));
