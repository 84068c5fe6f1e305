// torch.save / torch.load of a state dict, and loadStateDict into a freshly built model; then the
// whole model, whose class is saved by its Python name (__main__.Net) and registered for loading.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../../lib';
const { nn } = torch;

class Net extends nn.Module {
  conv = new nn.Conv2d(3, 8, 3);
  bn = new nn.BatchNorm2d(8);
  fc = new nn.Linear(8, 2);

  override forward(x: torch.Tensor): torch.Tensor {
    x = this.bn.call(this.conv.call(x)).relu();
    return this.fc.call(x.mean([2, 3]));
  }
}

torch.manualSeed(0);
const model = new Net();
model.call(torch.randn(4, 3, 6, 6)); // updates the BatchNorm running statistics
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-'));
const file = path.join(folder, 'model.pth');
torch.save(model.stateDict(), file);

const params = torch.load(file) as Map<string, torch.Tensor>;
for (const [k, v] of params) console.log(k, v.shape, v.dtype);

const model2 = new Net();
console.log('before:', torch.equal(model2.fc.weight, model.fc.weight) ? 'same' : 'different');
console.log(model2.loadStateDict(params));
console.log('after:', torch.equal(model2.fc.weight, model.fc.weight) ? 'same' : 'different');
console.log(model2.bn.running_mean);
console.log(model2.bn.num_batches_tracked);

params.delete('fc.bias');
params.set('fc.extra', torch.zeros(1));
console.log(model2.loadStateDict(params, { strict: false }));

// The whole model: torch.load rebuilds torch.nn classes by itself and user classes once registered.
torch.serialization.registerModule('__main__.Net', Net);
torch.save(model, file);
const model3 = torch.load(file) as Net;
console.log(model3);
model3.eval();
torch.noGrad(() => console.log(model3.call(torch.ones(1, 3, 6, 6))));
fs.rmSync(folder, { recursive: true });
