// Autograd state, the random generator and CUDA availability: what PyTorch keeps outside the op table.
#include <thread>

#include "torchnode.h"

#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/function.h>

namespace torchnode {

// grad(h) -> handle | null
// grad(h, known | null): the gradient, or `known` itself when that handle already holds it, so
// that JS returns the same Tensor object for as long as the gradient lives (p.grad === p.grad).
static Napi::Value Grad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const at::Tensor& g = Unwrap(env, info[0]).grad();
  if (!g.defined()) return env.Null();
  if (info.Length() > 1 && IsHandle(env, info[1])) {
    const at::Tensor& known = Unwrap(env, info[1]);
    if (known.unsafeGetTensorImpl() == g.unsafeGetTensorImpl()) return info[1];
  }
  return Wrap(env, g);
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

static std::vector<at::Tensor> TensorsOf(Napi::Env env, Napi::Value v, const char* what) {
  if (!v.IsArray()) throw Napi::TypeError::New(env, std::string(what) + " must be an array of Tensors");
  auto arr = v.As<Napi::Array>();
  std::vector<at::Tensor> out;
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    Napi::Value e = arr.Get(i);
    out.push_back(e.IsNull() ? at::Tensor() : Unwrap(env, e, what));
  }
  return out;
}

// autogradGrad(outputs, inputs, gradOutputs, retainGraph | null, createGraph, allowUnused)
//   -> the gradients of outputs with respect to inputs (null where unused), as torch.autograd.grad.
static Napi::Value AutogradGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto outputs = TensorsOf(env, info[0], "outputs");
  auto inputs = TensorsOf(env, info[1], "inputs");
  auto gradOutputs = TensorsOf(env, info[2], "grad_outputs");
  std::optional<bool> retain;
  if (info[3].IsBoolean()) retain = info[3].As<Napi::Boolean>().Value();
  auto grads = torch::autograd::grad(outputs, inputs, gradOutputs, retain, info[4].ToBoolean().Value(),
                                     info[5].ToBoolean().Value());
  auto arr = Napi::Array::New(env, grads.size());
  for (size_t i = 0; i < grads.size(); ++i) arr.Set(i, Wrap(env, grads[i]));
  return arr;
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

// enterInferenceMode() / exitInferenceMode(): libtorch's InferenceMode guard, held across one
// synchronous JS call (lib/autograd.ts pairs them with try/finally).
static Napi::Value EnterInferenceMode(const Napi::CallbackInfo& info) {
  State(info.Env()).inferenceGuards.push_back(std::make_unique<c10::InferenceMode>(true));
  return info.Env().Undefined();
}
static Napi::Value ExitInferenceMode(const Napi::CallbackInfo& info) {
  auto& guards = State(info.Env()).inferenceGuards;
  if (guards.empty()) throw Napi::Error::New(info.Env(), "exitInferenceMode() without enterInferenceMode()");
  guards.pop_back();
  return info.Env().Undefined();
}
static Napi::Value IsInferenceModeEnabled(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), c10::InferenceMode::is_enabled());
}
static Napi::Value IsInference(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), Unwrap(info.Env(), info[0]).is_inference());
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

// A JS function registered as a tensor hook (Tensor.register_hook). The autograd engine runs
// CPU backward on the thread that called backward(), inside that call, so the hook can call
// into JS there; anywhere else it refuses with an error instead of touching V8 from a foreign
// thread. The function's reference dies with the tensor's hook list, which may happen inside
// a GC finalizer, where Node-API must not be called: it is then deleted by the next hook call.
struct JsHook {
  napi_env env;
  napi_ref fn = nullptr;
  std::thread::id thread;
  JsHook(napi_env e, napi_value f) : env(e), thread(std::this_thread::get_id()) { napi_create_reference(e, f, 1, &fn); }
  ~JsHook() { State(env).deadRefs.push_back(fn); }
};

static void DeleteDeadRefs(Napi::Env env) {
  auto& dead = State(env).deadRefs;
  for (napi_ref r : dead) napi_delete_reference(env, r);
  dead.clear();
}

// registerHook(h, fn) -> id: fn(grad) runs when the gradient of h is computed; what it returns
// (a tensor) replaces the gradient, undefined keeps it.
static Napi::Value RegisterHook(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DeleteDeadRefs(env);
  at::Tensor& t = Unwrap(env, info[0]);
  if (!info[1].IsFunction()) throw Napi::TypeError::New(env, "register_hook(): the hook must be a function");
  auto hook = std::make_shared<JsHook>(env, info[1]);
  unsigned id = t.register_hook([hook](const at::Tensor& grad) -> at::Tensor {
    TORCH_CHECK(std::this_thread::get_id() == hook->thread,
                "a JavaScript hook cannot run outside the JavaScript thread (this backward ran on another thread)");
    Napi::Env env(hook->env);
    Napi::HandleScope scope(env);
    napi_value fn;
    napi_get_reference_value(env, hook->fn, &fn);
    Napi::Value out = Napi::Function(env, fn).Call({Wrap(env, grad)});  // a JS exception propagates
    if (out.IsUndefined() || out.IsNull()) return at::Tensor();
    return Unwrap(env, out, "the hook's return value");
  });
  return Napi::Number::New(env, id);
}

// removeHook(h, id)
static Napi::Value RemoveHook(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  double id = info[1].IsNumber() ? info[1].As<Napi::Number>().DoubleValue() : -1;
  if (!(id >= 0)) throw Napi::TypeError::New(env, "removeHook(): bad hook id");
  Unwrap(env, info[0]).remove_hook(static_cast<unsigned>(id));
  DeleteDeadRefs(env);
  return env.Undefined();
}

void InitAutograd(Napi::Env env, Napi::Object exports) {
  TN_EXPORT(exports, "registerHook", RegisterHook);
  TN_EXPORT(exports, "removeHook", RemoveHook);
  TN_EXPORT(exports, "cudaDeviceCount", CudaDeviceCount);
  TN_EXPORT(exports, "grad", Grad);
  TN_EXPORT(exports, "setGrad", SetGrad);
  TN_EXPORT(exports, "gradFnName", GradFnName);
  TN_EXPORT(exports, "autogradGrad", AutogradGrad);
  TN_EXPORT(exports, "isGradEnabled", IsGradEnabled);
  TN_EXPORT(exports, "setGradEnabled", SetGradEnabled);
  TN_EXPORT(exports, "manualSeed", ManualSeed);
  TN_EXPORT(exports, "enterInferenceMode", EnterInferenceMode);
  TN_EXPORT(exports, "exitInferenceMode", ExitInferenceMode);
  TN_EXPORT(exports, "isInferenceModeEnabled", IsInferenceModeEnabled);
  TN_EXPORT(exports, "isInference", IsInference);
}

}  // namespace torchnode
