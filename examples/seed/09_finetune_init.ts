// Fine-tuning: copy pretrained tensors by name where they exist; initialise the new layers with
// xavierNormal_ (weights) and constant_(..., 0) (biases).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../../lib';
const { nn } = torch;

function vgg(cfg: (number | 'M')[], i: number): torch.nn.Module[] {
  const layers: torch.nn.Module[] = [];
  let inChannels = i;
  for (const v of cfg) {
    if (v === 'M') {
      layers.push(new nn.MaxPool2d(2, 2));
    } else {
      layers.push(new nn.Conv2d(inChannels, v, 3, { padding: 1 }), new nn.ReLU(true));
      inChannels = v;
    }
  }
  return layers;
}

class Pretrained extends nn.Module {
  features = new nn.Sequential(...vgg([8, 'M', 16, 'M'], 3));
}

class Model1 extends nn.Module {
  // the pretrained stack plus two new convolutions
  vgg = new nn.ModuleList(vgg([8, 'M', 16, 'M', 32, 32], 3));
}

torch.manualSeed(0);
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-'));
const file = path.join(folder, 'vgg.pth');
torch.save(new Pretrained().stateDict(), file);

const m1 = new Model1();
const pretrained = torch.load(file) as Map<string, torch.Tensor>;
for (const [name, v] of m1.vgg.namedParameters()) {
  const k = `features.${name}`;
  let how: string;
  if (pretrained.has(k)) {
    v.data = pretrained.get(k)!.data;
    how = 'pretrained';
  } else if (k.includes('weight')) {
    nn.init.xavierNormal_(v.data);
    how = 'xavier_normal_';
  } else {
    nn.init.constant_(v.data, 0);
    how = 'constant_ 0';
  }
  console.log(k, how, (v.sum().item() as number).toFixed(4), (v.numel() > 1 ? (v.std().item() as number) : 0).toFixed(4));
}
fs.rmSync(folder, { recursive: true });
