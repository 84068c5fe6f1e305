'use strict';
// The runner the server calls: a TorchScript module (torch.jit.load of a file Python's torch.jit.save
// wrote) in eval mode, its forward run off the event loop (forwardAsync) without autograd.

/** Loads `file`; resolves with { module, forwardAsync(batch) -> Promise<Tensor> }. */
async function loadRunner(torch, file) {
  const module = await torch.jit.loadAsync(file);
  module.eval();
  return {
    module,
    // forwardAsync takes the caller's grad mode with it to the worker thread.
    forwardAsync: (batch) => torch.noGrad(() => module.forwardAsync(batch)),
  };
}

module.exports = { loadRunner };
