'use strict';
// The main demo: tensors from libtorch with PyTorch's semantics, from Node.
//   npm install && npm run demo
const torch = require('..');

console.log(`torchnode ${torch.__version__} on libtorch ${torch.__libtorchVersion}`);

const a = torch.tensor([[1.5, -2, 3], [4, 5.5, -6]]);
const b = torch.tensor([10, 20, 30], { dtype: torch.float32 });
console.log('a =', a, a.dtype, String(a.size()));
console.log('a + b (broadcast) =', a.add(b));
console.log('a @ a.T-like =', a.matmul(a.reshape(3, 2)));
console.log('sum over dim 1 =', a.sum(1), ' mean =', a.mean().item());
console.log('int64 + 2.5 promotes:', torch.tensor([1, 2, 3]).add(2.5));

try {
  torch.ones(2, 3).add(torch.ones(4, 5));
} catch (err) {
  console.log('PyTorch error as a JS Error:', err.message);
}

// Scopes free every intermediate; the returned tensor survives.
const y = torch.ones(1000, 1000);
let x = torch.zeros(1000, 1000);
for (let i = 0; i < 100; i++) {
  const prev = x;
  x = torch.tidy(() => prev.add(y).mul(2).sub(prev.add(y)));
  prev.dispose();
}
console.log('100 scoped steps: x[0,0] =', x.sum(null, { dtype: torch.float64 }).item() / 1e6, 'live tensors:', torch.memory().liveTensors);

// torch.nn: PyTorch's modules, printed as PyTorch prints them; state dicts as real .pth files.
const { nn } = torch;
torch.manualSeed(0);
const model = new nn.Sequential(new nn.Conv2d(3, 8, 3, { padding: 1 }), new nn.BatchNorm2d(8), new nn.ReLU(true),
  new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(8, 2));
console.log(model);
const logits = model.call(torch.randn(4, 3, 16, 16));
console.log('logits:', logits);
const file = require('path').join(require('os').tmpdir(), 'torchnode-demo.pth');
torch.save(model.stateDict(), file); // Python's torch.load(file) reads it
const copy = new nn.Sequential(new nn.Conv2d(3, 8, 3, { padding: 1 }), new nn.BatchNorm2d(8), new nn.ReLU(true),
  new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(8, 2));
console.log('loadStateDict:', String(copy.loadStateDict(torch.load(file))), '-', [...copy.stateDict().keys()].length, 'tensors');
