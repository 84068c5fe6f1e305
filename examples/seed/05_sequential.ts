// Sequential from positional modules and from a Map (Python's OrderedDict); it runs its own forward.
import * as torch from '../../lib';
const { nn } = torch;

torch.manualSeed(0);
let model = new nn.Sequential(
  new nn.Conv2d(1, 20, 5),
  new nn.ReLU(),
  new nn.Conv2d(20, 64, 5),
  new nn.ReLU(),
);
console.log(model);
const x = torch.randn(1, 1, 12, 12);
console.log(model.call(x).shape);

model = new nn.Sequential(new Map<string, torch.nn.Module>([
  ['conv1', new nn.Conv2d(1, 20, 5)],
  ['relu1', new nn.ReLU()],
  ['conv2', new nn.Conv2d(20, 64, 5)],
  ['relu2', new nn.ReLU()],
]));
console.log(model);
console.log(model.call(x).sum());
console.log(model[0], model[-1]);
console.log(model.slice(1));
delete model[0];
console.log(model);
model.append(new nn.Flatten());
model.insert(0, new nn.Identity());
console.log(model);
