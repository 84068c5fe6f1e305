// Loading part of a pretrained state dict: keep the keys the model also has, update, load.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../../lib';
const { nn } = torch;

const features = (): torch.nn.Sequential =>
  new nn.Sequential(new nn.Conv2d(3, 16, 3, { padding: 1 }), new nn.BatchNorm2d(16), new nn.ReLU(true), new nn.MaxPool2d(2, 2));

class Pretrained extends nn.Module {
  features = features();
  classifier = new nn.Linear(16, 1000);
}

class Model extends nn.Module {
  features = features();
  head = new nn.Linear(16, 10);
}

torch.manualSeed(0);
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-'));
const file = path.join(folder, 'pretrained.pth');
torch.save(new Pretrained().stateDict(), file);

const model = new Model();
let pretrainedDict = torch.load(file) as Map<string, torch.Tensor>;
const modelDict = model.stateDict();
// drop the pretrained keys the model does not have
pretrainedDict = new Map([...pretrainedDict].filter(([k]) => modelDict.has(k)));
console.log([...pretrainedDict.keys()].join(', '));
for (const [k, v] of pretrainedDict) modelDict.set(k, v);
console.log(model.loadStateDict(modelDict));
console.log('features:', torch.equal((model.features[0] as torch.nn.Conv2d).weight, pretrainedDict.get('features.0.weight')!) ? 'same' : 'different');
console.log(model.head.weight.shape);
fs.rmSync(folder, { recursive: true });
