// addModule(name, layer); the seed registers "covn3" but its forward uses this.conv3 — which
// fails as in PyTorch, with an Error naming conv3.
import * as torch from '../../lib';
const { nn } = torch;

class Model extends nn.Module {
  conv1 = new nn.Conv2d(3, 64, 3);
  conv2 = new nn.Conv2d(64, 64, 3);
  declare maxpool1: torch.nn.MaxPool2d;
  declare conv3: torch.nn.Conv2d;
  declare conv4: torch.nn.Conv2d;

  constructor() {
    super();
    this.addModule('maxpool1', new nn.MaxPool2d(2, 2));
    this.addModule('covn3', new nn.Conv2d(64, 128, 3));
    this.addModule('conv4', new nn.Conv2d(128, 128, 3));
  }

  override forward(x: torch.Tensor): torch.Tensor {
    x = this.conv1.call(x);
    x = this.conv2.call(x);
    x = this.maxpool1.call(x);
    x = this.conv3.call(x);
    x = this.conv4.call(x);
    return x;
  }
}

torch.manualSeed(0);
const model = new Model();
console.log(model);
try {
  model.call(torch.randn(1, 3, 16, 16));
} catch (e) {
  console.log('forward failed:', (e as Error).message);
}
