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
