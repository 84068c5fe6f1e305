// torch.Generator: a type-tagged handle over an at::Generator (torch/csrc/Generator.cpp), and
// autocast's thread-local state (torch/csrc/autograd/init.cpp's set_autocast_* functions).
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/autocast_mode.h>

#include "torchnode.h"

namespace torchnode {

static constexpr napi_type_tag kGeneratorTag = {0x746f7263686e6f64ULL, 0x67656e657261746fULL};  // "torchnod" "generato"

struct GeneratorHandle {
  at::Generator gen;
};

Napi::Value WrapGenerator(Napi::Env env, at::Generator gen) {
  auto* h = new GeneratorHandle{std::move(gen)};
  napi_value out;
  if (napi_create_external(
          env, h, [](node_api_basic_env, void* data, void*) { delete static_cast<GeneratorHandle*>(data); }, nullptr, &out) !=
      napi_ok) {
    delete h;
    throw Napi::Error::New(env, "could not create a generator handle");
  }
  napi_type_tag_object(env, out, &kGeneratorTag);
  return Napi::Value(env, out);
}

bool IsGenerator(Napi::Env env, Napi::Value value) {
  if (value.Type() != napi_external) return false;
  bool tagged = false;
  napi_check_object_type_tag(env, value, &kGeneratorTag, &tagged);
  return tagged;
}

at::Generator& UnwrapGenerator(Napi::Env env, Napi::Value value) {
  if (!IsGenerator(env, value)) throw Napi::TypeError::New(env, "expected a torch.Generator");
  void* data = nullptr;
  napi_get_value_external(env, value, &data);
  return static_cast<GeneratorHandle*>(data)->gen;
}

static c10::Device DeviceArg(Napi::Env env, Napi::Value v) {
  if (!v.IsString()) throw Napi::TypeError::New(env, "expected a device string");
  return c10::Device(v.As<Napi::String>().Utf8Value());
}

// generatorNew(device) -> handle: a new generator, as torch.Generator(device) makes it.
static Napi::Value GeneratorNew(const Napi::CallbackInfo& info) {
  c10::Device device = DeviceArg(info.Env(), info[0]);
  if (device.type() == c10::DeviceType::CPU) return WrapGenerator(info.Env(), at::make_generator<at::CPUGeneratorImpl>());
  // CUDA (and other accelerators) through their hooks: a build without them says so.
  return WrapGenerator(info.Env(),
                       at::globalContext().getAcceleratorHooksInterface(device.type()).getNewGenerator(device.index()));
}

// defaultGenerator(device) -> handle sharing the default generator of that device.
static Napi::Value DefaultGenerator(const Napi::CallbackInfo& info) {
  return WrapGenerator(info.Env(), at::globalContext().defaultGenerator(DeviceArg(info.Env(), info[0])));
}

// generatorManualSeed(g, seed: bigint in [0, 2^64))
static Napi::Value GeneratorManualSeed(const Napi::CallbackInfo& info) {
  at::Generator& gen = UnwrapGenerator(info.Env(), info[0]);
  if (!info[1].IsBigInt()) throw Napi::TypeError::New(info.Env(), "generatorManualSeed() expects a bigint");
  bool lossless = false;
  uint64_t seed = info[1].As<Napi::BigInt>().Uint64Value(&lossless);
  if (!lossless) throw Napi::RangeError::New(info.Env(), "Overflow when unpacking long long");
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_current_seed(seed);
  return info.Env().Undefined();
}

// generatorSeed(g) -> bigint: seeds g from a non-deterministic source and returns the seed.
static Napi::Value GeneratorSeed(const Napi::CallbackInfo& info) {
  at::Generator& gen = UnwrapGenerator(info.Env(), info[0]);
  std::lock_guard<std::mutex> lock(gen.mutex());
  return Napi::BigInt::New(info.Env(), gen.seed());
}

static Napi::Value GeneratorInitialSeed(const Napi::CallbackInfo& info) {
  return Napi::BigInt::New(info.Env(), UnwrapGenerator(info.Env(), info[0]).current_seed());
}

// generatorGetState(g) -> uint8 tensor in PyTorch's layout (CPU: 5056 bytes).
static Napi::Value GeneratorGetState(const Napi::CallbackInfo& info) {
  at::Generator& gen = UnwrapGenerator(info.Env(), info[0]);
  at::Tensor state;
  {
    std::lock_guard<std::mutex> lock(gen.mutex());
    state = gen.get_state();
  }
  return Wrap(info.Env(), std::move(state));
}

// generatorSetState(g, state): the generator's checks (dtype, size) are libtorch's.
static Napi::Value GeneratorSetState(const Napi::CallbackInfo& info) {
  at::Generator& gen = UnwrapGenerator(info.Env(), info[0]);
  const at::Tensor& state = Unwrap(info.Env(), info[1], "new_state");
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(state);
  return info.Env().Undefined();
}

static Napi::Value GeneratorDevice(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), UnwrapGenerator(info.Env(), info[0]).device().str());
}

// generatorCloneState(g) -> a new generator handle over a copy of g's state.
static Napi::Value GeneratorCloneState(const Napi::CallbackInfo& info) {
  at::Generator& gen = UnwrapGenerator(info.Env(), info[0]);
  at::Generator copy;
  {
    std::lock_guard<std::mutex> lock(gen.mutex());
    copy = gen.clone();
  }
  return WrapGenerator(info.Env(), std::move(copy));
}

// generatorGetOffset(g) -> bigint / generatorSetOffset(g, offset: bigint): Philox offsets (CPU generators refuse).
static Napi::Value GeneratorGetOffset(const Napi::CallbackInfo& info) {
  at::Generator& gen = UnwrapGenerator(info.Env(), info[0]);
  std::lock_guard<std::mutex> lock(gen.mutex());
  return Napi::BigInt::New(info.Env(), gen.get_offset());
}
static Napi::Value GeneratorSetOffset(const Napi::CallbackInfo& info) {
  at::Generator& gen = UnwrapGenerator(info.Env(), info[0]);
  if (!info[1].IsBigInt()) throw Napi::TypeError::New(info.Env(), "generatorSetOffset() expects a bigint");
  bool lossless = false;
  uint64_t offset = info[1].As<Napi::BigInt>().Uint64Value(&lossless);
  if (!lossless) throw Napi::RangeError::New(info.Env(), "Overflow when unpacking long long");
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_offset(offset);
  return info.Env().Undefined();
}

// generatorGraphsafeGetState(g) -> handle / generatorGraphsafeSetState(g, state): CUDA-graph-safe
// states, which are generators themselves.
static Napi::Value GeneratorGraphsafeGetState(const Napi::CallbackInfo& info) {
  at::Generator& gen = UnwrapGenerator(info.Env(), info[0]);
  at::Generator state;
  {
    std::lock_guard<std::mutex> lock(gen.mutex());
    state = gen.graphsafe_get_state();
  }
  return WrapGenerator(info.Env(), std::move(state));
}
static Napi::Value GeneratorGraphsafeSetState(const Napi::CallbackInfo& info) {
  at::Generator& gen = UnwrapGenerator(info.Env(), info[0]);
  const at::Generator& state = UnwrapGenerator(info.Env(), info[1]);
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.graphsafe_set_state(state);
  return info.Env().Undefined();
}

// ---- autocast ----------------------------------------------------------------------------------
// The state is libtorch's own and per thread (it travels with at::ThreadLocalState).

static c10::DeviceType DeviceTypeArg(Napi::Env env, Napi::Value v) {
  if (!v.IsString()) throw Napi::TypeError::New(env, "expected a device type string");
  return c10::Device(v.As<Napi::String>().Utf8Value()).type();
}

static Napi::Value IsAutocastEnabled(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), at::autocast::is_autocast_enabled(DeviceTypeArg(info.Env(), info[0])));
}
static Napi::Value SetAutocastEnabled(const Napi::CallbackInfo& info) {
  at::autocast::set_autocast_enabled(DeviceTypeArg(info.Env(), info[0]), info[1].ToBoolean().Value());
  return info.Env().Undefined();
}
static Napi::Value GetAutocastDtype(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<int>(at::autocast::get_autocast_dtype(DeviceTypeArg(info.Env(), info[0]))));
}
static Napi::Value SetAutocastDtype(const Napi::CallbackInfo& info) {
  int32_t code = info[1].IsNumber() ? info[1].As<Napi::Number>().Int32Value() : -1;
  if (code < 0 || code >= static_cast<int32_t>(at::ScalarType::NumOptions)) throw Napi::TypeError::New(info.Env(), "invalid dtype");
  at::autocast::set_autocast_dtype(DeviceTypeArg(info.Env(), info[0]), static_cast<at::ScalarType>(code));
  return info.Env().Undefined();
}
static Napi::Value AutocastIncrementNesting(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), at::autocast::increment_nesting());
}
static Napi::Value AutocastDecrementNesting(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), at::autocast::decrement_nesting());
}
static Napi::Value ClearAutocastCache(const Napi::CallbackInfo& info) {
  at::autocast::clear_cache();
  return info.Env().Undefined();
}
static Napi::Value IsAutocastCacheEnabled(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), at::autocast::is_autocast_cache_enabled());
}
static Napi::Value SetAutocastCacheEnabled(const Napi::CallbackInfo& info) {
  at::autocast::set_autocast_cache_enabled(info[0].ToBoolean().Value());
  return info.Env().Undefined();
}
static Napi::Value IsAutocastAvailable(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), at::autocast::is_autocast_available(DeviceTypeArg(info.Env(), info[0])));
}

void InitGenerator(Napi::Env env, Napi::Object exports) {
  TN_EXPORT(exports, "generatorNew", GeneratorNew);
  TN_EXPORT(exports, "defaultGenerator", DefaultGenerator);
  TN_EXPORT(exports, "generatorManualSeed", GeneratorManualSeed);
  TN_EXPORT(exports, "generatorSeed", GeneratorSeed);
  TN_EXPORT(exports, "generatorInitialSeed", GeneratorInitialSeed);
  TN_EXPORT(exports, "generatorGetState", GeneratorGetState);
  TN_EXPORT(exports, "generatorSetState", GeneratorSetState);
  TN_EXPORT(exports, "generatorDevice", GeneratorDevice);
  TN_EXPORT(exports, "generatorCloneState", GeneratorCloneState);
  TN_EXPORT(exports, "generatorGetOffset", GeneratorGetOffset);
  TN_EXPORT(exports, "generatorSetOffset", GeneratorSetOffset);
  TN_EXPORT(exports, "generatorGraphsafeGetState", GeneratorGraphsafeGetState);
  TN_EXPORT(exports, "generatorGraphsafeSetState", GeneratorGraphsafeSetState);
  TN_EXPORT(exports, "isAutocastEnabled", IsAutocastEnabled);
  TN_EXPORT(exports, "setAutocastEnabled", SetAutocastEnabled);
  TN_EXPORT(exports, "getAutocastDtype", GetAutocastDtype);
  TN_EXPORT(exports, "setAutocastDtype", SetAutocastDtype);
  TN_EXPORT(exports, "autocastIncrementNesting", AutocastIncrementNesting);
  TN_EXPORT(exports, "autocastDecrementNesting", AutocastDecrementNesting);
  TN_EXPORT(exports, "clearAutocastCache", ClearAutocastCache);
  TN_EXPORT(exports, "isAutocastCacheEnabled", IsAutocastCacheEnabled);
  TN_EXPORT(exports, "setAutocastCacheEnabled", SetAutocastCacheEnabled);
  TN_EXPORT(exports, "isAutocastAvailable", IsAutocastAvailable);
}

}  // namespace torchnode
