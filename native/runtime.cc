// Process-wide settings of libtorch: intra-op and inter-op thread pools and the default dtype
// (torch.set_num_threads, torch.set_default_dtype). Checks of the values are libtorch's own.
#include <ATen/Parallel.h>
#include "torchnode.h"

namespace torchnode {

static int ToThreads(const Napi::CallbackInfo& info, const char* fn) {
  double d = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : NAN;
  if (!(std::trunc(d) == d && std::fabs(d) < 1e9)) throw Napi::TypeError::New(info.Env(), std::string(fn) + "(): argument 'int' must be int");
  return static_cast<int>(d);
}

static Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  int n = ToThreads(info, "set_num_threads");
  TORCH_CHECK(n > 0, "set_num_threads expects a positive integer");
  at::set_num_threads(n);
  return info.Env().Undefined();
}
static Napi::Value GetNumThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), at::get_num_threads()); }
static Napi::Value SetNumInteropThreads(const Napi::CallbackInfo& info) {
  int n = ToThreads(info, "set_num_interop_threads");
  TORCH_CHECK(n > 0, "set_num_interop_threads expects a positive integer");
  at::set_num_interop_threads(n);  // throws once inter-op work has started, with PyTorch's message
  return info.Env().Undefined();
}
static Napi::Value GetNumInteropThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), at::get_num_interop_threads());
}

// setDefaultDtype(code) / getDefaultDtype() -> code: the dtype factories use for floats.
static Napi::Value SetDefaultDtype(const Napi::CallbackInfo& info) {
  int32_t code = info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : -1;
  if (code < 0 || code >= static_cast<int32_t>(at::ScalarType::NumOptions)) throw Napi::TypeError::New(info.Env(), "invalid dtype");
  c10::set_default_dtype(c10::scalarTypeToTypeMeta(static_cast<at::ScalarType>(code)));
  return info.Env().Undefined();
}
static Napi::Value GetDefaultDtype(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<int>(c10::typeMetaToScalarType(c10::get_default_dtype())));
}

void InitRuntime(Napi::Env env, Napi::Object exports) {
  TN_EXPORT(exports, "setNumThreads", SetNumThreads);
  TN_EXPORT(exports, "getNumThreads", GetNumThreads);
  TN_EXPORT(exports, "setNumInteropThreads", SetNumInteropThreads);
  TN_EXPORT(exports, "getNumInteropThreads", GetNumInteropThreads);
  TN_EXPORT(exports, "setDefaultDtype", SetDefaultDtype);
  TN_EXPORT(exports, "getDefaultDtype", GetDefaultDtype);
}

}  // namespace torchnode
