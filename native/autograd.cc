// Autograd state, the random generator and CUDA availability: what PyTorch keeps outside the op table.
#include "torchnode.h"

#include <torch/csrc/autograd/function.h>

namespace torchnode {

// grad(h) -> handle | null
static Napi::Value Grad(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(), Unwrap(info.Env(), info[0]).grad());
}

// setGrad(h, g | null): assigns .grad, with PyTorch's checks (shape, dtype, device).
static Napi::Value SetGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::Tensor& self = Unwrap(env, info[0]);
  if (info[1].IsNull() || info[1].IsUndefined()) {
    self.mutable_grad() = at::Tensor();
    return env.Undefined();
  }
  const at::Tensor& g = Unwrap(env, info[1], "grad");
  TORCH_CHECK(g.sizes() == self.sizes(), "assigned grad has data of a different size");
  TORCH_CHECK(g.scalar_type() == self.scalar_type(), "assigned grad has data of a different type");
  TORCH_CHECK(g.device() == self.device(), "assigned grad has data located on a different device");
  self.mutable_grad() = g;
  return env.Undefined();
}

// gradFnName(h) -> the name of the node that made this tensor ("AddBackward0"), or null.
static Napi::Value GradFnName(const Napi::CallbackInfo& info) {
  const auto& fn = Unwrap(info.Env(), info[0]).grad_fn();
  if (!fn) return info.Env().Null();
  return Napi::String::New(info.Env(), fn->name());
}

// Grad mode is libtorch's own thread-local flag, so JS and the kernels always agree.
static Napi::Value IsGradEnabled(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), c10::GradMode::is_enabled());
}
static Napi::Value SetGradEnabled(const Napi::CallbackInfo& info) {
  if (!info[0].IsBoolean()) throw Napi::TypeError::New(info.Env(), "setGradEnabled() expects a boolean");
  c10::GradMode::set_enabled(info[0].As<Napi::Boolean>().Value());
  return info.Env().Undefined();
}

// manualSeed(seed: bigint): seeds the default CPU generator, as torch.manual_seed does.
static Napi::Value ManualSeed(const Napi::CallbackInfo& info) {
  if (!info[0].IsBigInt()) throw Napi::TypeError::New(info.Env(), "manualSeed() expects a bigint");
  bool lossless = false;
  uint64_t seed = info[0].As<Napi::BigInt>().Uint64Value(&lossless);
  if (!lossless) throw Napi::RangeError::New(info.Env(), "Overflow when unpacking long");
  at::manual_seed(seed);
  return info.Env().Undefined();
}

// cudaDeviceCount() -> -1 when this libtorch has no CUDA, else the number of visible GPUs.
static Napi::Value CudaDeviceCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), at::hasCUDA() ? static_cast<double>(at::getNumGPUs()) : -1);
}

void InitAutograd(Napi::Env env, Napi::Object exports) {
  TN_EXPORT(exports, "cudaDeviceCount", CudaDeviceCount);
  TN_EXPORT(exports, "grad", Grad);
  TN_EXPORT(exports, "setGrad", SetGrad);
  TN_EXPORT(exports, "gradFnName", GradFnName);
  TN_EXPORT(exports, "isGradEnabled", IsGradEnabled);
  TN_EXPORT(exports, "setGradEnabled", SetGradEnabled);
  TN_EXPORT(exports, "manualSeed", ManualSeed);
}

}  // namespace torchnode
