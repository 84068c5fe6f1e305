// modules(), namedModules(), children(), namedChildren(), parameters(), namedParameters().
import * as torch from '../../lib';
const { nn } = torch;

class Model extends nn.Module {
  conv1 = new nn.Conv2d(3, 64, 3);
  conv2 = new nn.Conv2d(64, 64, 3);
  maxpool1 = new nn.MaxPool2d(2, 2);
  features = new nn.Sequential(new Map<string, torch.nn.Module>([
    ['conv3', new nn.Conv2d(64, 128, 3)],
    ['conv4', new nn.Conv2d(128, 128, 3)],
    ['relu1', new nn.ReLU()],
  ]));

  override forward(x: torch.Tensor): torch.Tensor {
    x = this.conv1.call(x);
    x = this.conv2.call(x);
    x = this.maxpool1.call(x);
    x = this.features.call(x);
    return x;
  }
}

let idx = 0;
for (const mod of new Model().modules()) console.log(idx++, '-', mod);

const m = new Model();
idx = 0;
for (const [name, mod] of m.namedModules()) console.log(idx++, '-', `'${name}'`, mod._getName());

idx = 0;
for (const child of m.children()) console.log(idx++, '-', child);

for (const [name, child] of m.namedChildren()) console.log(name, child._getName());

for (const p of m.features.parameters()) console.log(p.data.constructor.name, p.size());

for (const [k, v] of m.namedParameters()) console.log(k, v.size());
