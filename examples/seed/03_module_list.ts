// ModuleList built from a list, iterated (and indexed) in forward.
import * as torch from '../../lib';
const { nn } = torch;

class MyModule extends nn.Module {
  linears = new nn.ModuleList(Array.from({ length: 10 }, () => new nn.Linear(10, 10)));

  override forward(x: torch.Tensor): torch.Tensor {
    [...this.linears].forEach((l, i) => {
      x = this.linears[Math.floor(i / 2)]!.call(x).add(l.call(x));
    });
    return x;
  }
}

torch.manualSeed(0);
const model = new MyModule();
console.log(model);
console.log(model.linears.length, model.linears[-1]);
console.log(model.call(torch.randn(2, 10)));
