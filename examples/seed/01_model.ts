// The seed's first model: sub-modules registered by assigning properties.
import * as torch from '../../lib';
const { nn } = torch;

class Model extends nn.Module {
  conv1 = new nn.Conv2d(3, 64, 3);
  conv2 = new nn.Conv2d(64, 64, 3);

  override forward(x: torch.Tensor): torch.Tensor {
    x = this.conv1.call(x);
    x = this.conv2.call(x);
    return x;
  }
}

torch.manualSeed(0);
const model = new Model();
console.log(model);
const y = model.call(torch.randn(1, 3, 8, 8));
console.log(y.shape);
console.log(y.select(0, 0).slice(0, 0, 2).select(1, 0));
