// AOTInductor packages (torch._inductor.aoti_load_package): .pt2 files that Python compiled with
// torch._inductor.aoti_compile_and_package, run by libtorch's AOTIModelPackageLoader. A package is
// a type-tagged handle; runs take and return flat lists of tensor handles (lib/inductor.ts
// flattens and rebuilds the call spec's trees), on the JS thread or on libuv's pool.
#include <ATen/EmptyTensor.h>
#include <torch/csrc/inductor/aoti_package/model_package_loader.h>

#include <mutex>
#include <shared_mutex>

#include "torchnode.h"

namespace torchnode {

Napi::Promise QueueWork(Napi::Env env, std::function<void()> work, std::function<Napi::Value(Napi::Env)> done);  // jit.cc

static constexpr napi_type_tag kAotiTag = {0x746f7263686e6f64ULL, 0x616f74697061636bULL};  // "torchnod" "aotipack"

// Concurrent runs: the model container hands each run one of its `num_runners` model instances
// and makes the others wait for a free one, so runs share `lock`; a single-threaded container has
// no such locking, so there each run holds `lock` alone. Loading constants replaces the buffers
// runs read (unguarded by the container), so it waits for the runs in flight and holds `lock` alone.
struct AotiPackage {
  torch::inductor::AOTIModelPackageLoader loader;
  bool singleThreaded;
  std::shared_mutex lock;
  std::unordered_map<std::string, at::Tensor> userManaged;  // constants the container points into

  AotiPackage(const std::string& path, const std::string& model, bool singleThreaded, size_t runners, c10::DeviceIndex device)
      : loader(path, model, singleThreaded, runners, device), singleThreaded(singleThreaded) {}

  std::vector<at::Tensor> Run(std::vector<at::Tensor> inputs) {
    if (singleThreaded) {
      std::unique_lock<std::shared_mutex> alone(lock);
      return loader.boxed_run(std::move(inputs));
    }
    std::shared_lock<std::shared_mutex> shared(lock);
    return loader.boxed_run(std::move(inputs));
  }

  // The container copies a constant's whole storage into its own buffer (or, user-managed, reads
  // the tensor in place) at the layout it was compiled for, so each tensor must match the current
  // constant: same shape and dtype, and (copied) a compact storage of that layout, made here if not.
  void LoadConstants(std::unordered_map<std::string, at::Tensor> constants, bool checkFullUpdate, bool managed, bool allowH2dCopy) {
    std::unique_lock<std::shared_mutex> alone(lock);
    at::NoGradGuard noGrad;  // copies of parameters are plain tensors
    const auto current = loader.get_runner()->extract_constants_map(/*use_inactive=*/false);
    if (checkFullUpdate) {
      for (const std::string& fqn : loader.get_constant_fqns()) {
        TORCH_CHECK(!current.count(fqn) || constants.count(fqn), "load_constants(): check_full_update is set, but no tensor was given for the constant '", fqn,
                    "'");
      }
    }
    for (auto& kv : constants) {
      auto it = current.find(kv.first);
      if (it == current.end()) continue;  // not a constant of the model: ignored, as AOTInductor does
      const at::Tensor& want = it->second;
      at::Tensor& t = kv.second;
      TORCH_CHECK_TYPE(t.scalar_type() == want.scalar_type(), "load_constants(): the constant '", kv.first, "' has dtype ", want.scalar_type(),
                       ", but the tensor given has dtype ", t.scalar_type());
      TORCH_CHECK_VALUE(t.sizes() == want.sizes(), "load_constants(): the constant '", kv.first, "' has shape ", want.sizes(),
                        ", but the tensor given has shape ", t.sizes());
      const bool compact = t.strides() == want.strides() && t.storage_offset() == 0 &&
                           t.storage().nbytes() == at::detail::computeStorageNbytes(want.sizes(), want.strides(), want.itemsize());
      if (compact) continue;
      TORCH_CHECK_VALUE(!managed, "load_constants(): with user_managed, the constant '", kv.first, "' must have strides ", want.strides(),
                        " in a storage of its own, but the tensor given has strides ", t.strides());
      at::Tensor copy = at::empty_strided(want.sizes(), want.strides(), t.options());
      copy.copy_(t);
      t = std::move(copy);
    }
    loader.load_constants(constants, /*use_inactive=*/false, checkFullUpdate, managed, allowH2dCopy);
    if (managed) {
      for (auto& kv : constants) userManaged.insert_or_assign(kv.first, kv.second);
    }
  }
};

// Runs in flight hold their own reference, so disposing a package never frees it under them.
struct AotiHandle {
  std::shared_ptr<AotiPackage> package;
};

static bool IsAotiHandle(Napi::Env env, Napi::Value v) {
  if (v.Type() != napi_external) return false;
  bool tagged = false;
  napi_check_object_type_tag(env, v, &kAotiTag, &tagged);
  return tagged;
}

static AotiHandle* HandleOf(Napi::Env env, Napi::Value v) {
  if (!IsAotiHandle(env, v)) throw Napi::TypeError::New(env, "expected an AOTInductor package handle");
  void* data = nullptr;
  napi_get_value_external(env, v, &data);
  return static_cast<AotiHandle*>(data);
}

static std::shared_ptr<AotiPackage> PackageOf(Napi::Env env, Napi::Value v) {
  AotiHandle* h = HandleOf(env, v);
  if (!h->package) throw Napi::Error::New(env, "the AOTInductor package has been disposed");
  return h->package;
}

static Napi::Array Strings(Napi::Env env, const std::vector<std::string>& items) {
  auto arr = Napi::Array::New(env, items.size());
  for (size_t i = 0; i < items.size(); ++i) arr.Set(static_cast<uint32_t>(i), Napi::String::New(env, items[i]));
  return arr;
}

// A list of tensors (handles or lib's Tensors) by the shared converter.
static std::vector<at::Tensor> TensorsArg(Napi::Env env, Napi::Value v) {
  static const c10::TypePtr tensors = c10::ListType::ofTensors();
  std::vector<at::Tensor> out;
  try {
    out = ToIValue(env, v, *tensors).toTensorVector();
  } catch (const Mismatch& m) {
    if (m.element < 0) throw Napi::TypeError::New(env, "inputs must be an array of tensor handles");
    throw Napi::TypeError::New(env, "input " + std::to_string(m.element) + " must be a Tensor, not " + m.elementType);
  }
  return out;
}

static Napi::Value WrapAll(Napi::Env env, std::vector<at::Tensor> tensors) {
  return FromIValue(env, c10::IValue(std::move(tensors)), nullptr, Output::Handles);
}

// aotiLoad(path, modelName, runSingleThreaded, numRunners, deviceIndex) -> handle
static Napi::Value AotiLoad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString() || !info[1].IsString()) throw Napi::TypeError::New(env, "aotiLoad(path, modelName, ...): path and modelName must be strings");
  int64_t runners = info[3].As<Napi::Number>().Int64Value();
  if (runners < 1) throw Napi::RangeError::New(env, "num_runners must be at least 1");
  auto package = std::make_shared<AotiPackage>(info[0].As<Napi::String>().Utf8Value(), info[1].As<Napi::String>().Utf8Value(),
                                               info[2].ToBoolean().Value(), static_cast<size_t>(runners),
                                               static_cast<c10::DeviceIndex>(info[4].As<Napi::Number>().Int32Value()));
  auto* h = new AotiHandle{std::move(package)};
  napi_value out;
  if (napi_create_external(
          env, h, [](node_api_basic_env, void* data, void*) { delete static_cast<AotiHandle*>(data); }, nullptr, &out) != napi_ok) {
    delete h;
    throw Napi::Error::New(env, "could not create an AOTInductor package handle");
  }
  napi_type_tag_object(env, out, &kAotiTag);
  return Napi::Value(env, out);
}

// aotiRun(handle, inputs[]) -> output handles[]
static Napi::Value AotiRun(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<AotiPackage> package = PackageOf(env, info[0]);
  std::vector<at::Tensor> outputs;
  try {
    outputs = package->Run(TensorsArg(env, info[1]));
  } catch (...) {
    State(env).warnings.pending.clear();
    throw;
  }
  if (!State(env).warnings.pending.empty()) FlushWarnings(env);
  return WrapAll(env, std::move(outputs));
}

// aotiRunAsync(handle, inputs[]) -> Promise of output handles[], run on a pool thread under the
// caller's thread-local state; the inputs and the package live until the run ends.
static Napi::Value AotiRunAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<AotiPackage> package = PackageOf(env, info[0]);
  auto inputs = std::make_shared<std::vector<at::Tensor>>(TensorsArg(env, info[1]));
  auto outputs = std::make_shared<std::vector<at::Tensor>>();
  return QueueWork(
      env, [package, inputs, outputs]() { *outputs = package->Run(std::move(*inputs)); },
      [outputs](Napi::Env e) { return WrapAll(e, std::move(*outputs)); });
}

// aotiMetadata(handle) -> {key: value} of the package's metadata (AOTI_DEVICE_KEY, ...)
static Napi::Value AotiMetadata(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto metadata = PackageOf(env, info[0])->loader.get_metadata();
  std::vector<std::string> keys;
  for (const auto& kv : metadata) keys.push_back(kv.first);
  std::sort(keys.begin(), keys.end());
  auto out = Napi::Object::New(env);
  for (const std::string& k : keys) out.Set(k, Napi::String::New(env, metadata.at(k)));
  return out;
}

// aotiCallSpec(handle) -> [in_spec, out_spec], the pytree specs as treespec_dumps wrote them
static Napi::Value AotiCallSpec(const Napi::CallbackInfo& info) {
  return Strings(info.Env(), PackageOf(info.Env(), info[0])->loader.get_call_spec());
}

static Napi::Value AotiConstantFqns(const Napi::CallbackInfo& info) {
  return Strings(info.Env(), PackageOf(info.Env(), info[0])->loader.get_constant_fqns());
}

// aotiLoadConstants(handle, fqns[], tensors[], checkFullUpdate, userManaged, allowH2dCopy):
// Python's AOTICompiledModel.load_constants into the active constant buffer.
static Napi::Value AotiLoadConstants(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<AotiPackage> package = PackageOf(env, info[0]);
  if (!info[1].IsArray()) throw Napi::TypeError::New(env, "constant names must be an array");
  auto names = info[1].As<Napi::Array>();
  std::vector<at::Tensor> tensors = TensorsArg(env, info[2]);
  if (names.Length() != tensors.size()) throw Napi::TypeError::New(env, "one tensor per constant name");
  std::unordered_map<std::string, at::Tensor> constants;
  for (uint32_t i = 0; i < names.Length(); ++i) constants.insert_or_assign(names.Get(i).ToString().Utf8Value(), tensors[i]);
  package->LoadConstants(std::move(constants), info[3].ToBoolean().Value(), info[4].ToBoolean().Value(), info[5].ToBoolean().Value());
  return env.Undefined();
}

// aotiDispose(handle): drops this handle's reference now (runs in flight keep theirs). Safe twice.
static Napi::Value AotiDispose(const Napi::CallbackInfo& info) {
  HandleOf(info.Env(), info[0])->package.reset();
  return info.Env().Undefined();
}

void InitAoti(Napi::Env env, Napi::Object exports) {
  TN_EXPORT(exports, "aotiLoad", AotiLoad);
  TN_EXPORT(exports, "aotiRun", AotiRun);
  TN_EXPORT(exports, "aotiRunAsync", AotiRunAsync);
  TN_EXPORT(exports, "aotiMetadata", AotiMetadata);
  TN_EXPORT(exports, "aotiCallSpec", AotiCallSpec);
  TN_EXPORT(exports, "aotiConstantFqns", AotiConstantFqns);
  TN_EXPORT(exports, "aotiLoadConstants", AotiLoadConstants);
  TN_EXPORT(exports, "aotiDispose", AotiDispose);
}

}  // namespace torchnode
