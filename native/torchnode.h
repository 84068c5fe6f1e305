// Shared declarations of the native layer. The layer is mechanical: it converts arguments,
// calls ATen, wraps results and turns C++ exceptions into JS errors. Policy lives in lib/.
#pragma once
#include "pch.h"

#include <c10/util/flat_hash_map.h>

namespace torchnode {

// Counters shared with JS through a Float64Array (lib/memory.ts reads them without a call).
// Per-device slots: kDevHandles/kDevBytes + kDeviceStride * slot (slot 0 = CPU, 1 = CUDA, 2 = any other).
// kGrowthSinceGc: storage bytes charged minus bytes released since lib's last paced collection.
enum Stat : int {
  kGrowthSinceGc = 0, kLiveHandles = 1, kLiveBytes = 2, kPeakBytes = 3,
  kDevHandles = 4, kDevBytes = 5, kDeviceStride = 2, kDeviceSlots = 3,
  kStatCount = kDevHandles + kDeviceStride * kDeviceSlots  // 10
};
enum DeviceSlot : int8_t { kSlotCpu = 0, kSlotCuda = 1, kSlotOther = 2 };

// One callOp argument, compiled from the schema once (dispatch.cc).
struct ArgSpec {
  std::string name;
  c10::TypePtr type;      // the schema's real type (Optional[...] accepts null)
  int64_t fixedLength;    // int[2]: a single int is repeated this many times (0 = any)
  std::optional<c10::IValue> fallback;  // the schema's default value
};

struct OpEntry {
  c10::OperatorHandle handle;
  std::string name;  // for messages: "add"
  std::vector<ArgSpec> args;
  std::vector<bool> returnAliasesInput;  // Tensor(a!) returns: JS keeps its own object
  // Written arguments that may get another storage or size (resize_, set_, set_data, out=): the
  // handles passed for them are recounted after the call (tensor.cc accounting).
  std::vector<size_t> recountArgs;
};


// Collects libtorch's warnings (TORCH_WARN) raised on this thread during a call, so that the
// call can hand them to process.emitWarning, as PyTorch hands them to Python's warnings.
struct WarningCollector : c10::WarningHandler {
  std::vector<std::string> pending;
  std::unordered_set<std::string> shown;  // each distinct message once, like Python's default filter
  void process(const c10::Warning& w) override { pending.push_back(w.msg()); }
};

// A storage reachable from this environment's tensor handles: counted once in the stats, however
// many handles (views) share it.
struct StorageCharge {
  int64_t bytes = 0;    // charged now: the storage's nbytes when it was last looked at
  int64_t handles = 0;  // live handles counted under this storage
  int8_t slot = 0;      // device slot the bytes are in (DeviceSlot)
  // Keeps the StorageImpl's memory (not its data) while it is counted, so that no new storage can
  // take its address, and so its key, after a handle's tensor was given another storage unseen.
  c10::weak_intrusive_ptr<c10::StorageImpl> pin{c10::weak_intrusive_ptr<c10::StorageImpl>::reclaim(nullptr)};
};

// State of one Node environment (main thread or a worker): the addon is context-aware.
struct EnvState {
  double* stats = nullptr;          // points into the ArrayBuffer behind `statsRef`
  Napi::Reference<Napi::ArrayBuffer> statsRef;
  std::vector<std::unique_ptr<OpEntry>> ops;  // registered by lib/ops.ts, addressed by index
  torch::jit::Stack stack;                    // reused by the outermost boxed call
  int callDepth = 0;                          // callOp calls in progress (a JS hook nests them)
  std::vector<napi_ref> deadRefs;             // references to delete outside GC (see autograd.cc)
  std::vector<Napi::Reference<Napi::Value>> spareHandles;  // disposed handles JS let go of (tensor.cc Wrap)
  WarningCollector warnings;
  int64_t pendingExternal = 0;
  // Keyed by address, used only as an identity: a handle uncounts the key it was counted under.
  ska::flat_hash_map<const c10::StorageImpl*, StorageCharge> charges;
  std::vector<std::unique_ptr<c10::InferenceMode>> inferenceGuards;  // torch.inference_mode scopes, LIFO
  // Wrapped-number tensors made for numbers given as Tensor arguments (`x.mul(2)`), reused while
  // nothing else holds or has written them (dispatch.cc WrappedNumber).
  struct WrappedNumber {
    bool isDouble = false;
    uint64_t bits = 0;
    at::Tensor tensor;
  };
  std::array<WrappedNumber, 16> wrappedNumbers;
  std::shared_ptr<struct LibHooks> hooks;  // lib's classes and wrappers (ivalue.cc), set by jitInit
};

// What a JS tensor handle (an External) points at.
constexpr int64_t kExternalBatch = 1 << 20;

struct TensorHandle {
  static constexpr uint64_t kMagic = 0x746f7263686e6f64ULL;  // "torchnod"
  uint64_t magic = kMagic;
  at::Tensor tensor;
  const c10::StorageImpl* storage = nullptr;  // the key in state->charges this handle is counted under
  bool disposed = false;
  bool exported = false;   // handed to another environment (exportTensor): counts no storage here
  int8_t slot = kSlotCpu;  // device slot of the stats this handle is counted in (DeviceSlot)
  EnvState* state = nullptr;
};

EnvState& State(napi_env env);

// Wraps a tensor in a handle (a new one or a spare one JS let go of); undefined tensors become `null`.
Napi::Value Wrap(Napi::Env env, at::Tensor tensor);
// The tensor behind a handle; throws a TypeError for anything else and an Error once disposed.
at::Tensor& Unwrap(Napi::Env env, Napi::Value value, const char* what = "tensor");
bool IsHandle(Napi::Env env, Napi::Value value);
// Looks at h's storage again after a call that may have changed it (set_, set_data, resize_, an
// out= argument): counts h under the storage it has now, with that storage's current size.
void Recount(napi_env env, TensorHandle* h);
// The handle of a tensor handle or of lib's Tensor (ivalue.cc), else nullptr.
TensorHandle* TensorHandleOf(napi_env env, napi_value v, napi_valuetype vt);
// Recounts what a JS argument holds: a handle, lib's Tensor, or an array of them (Tensor[] out=).
void RecountArgument(napi_env env, napi_value v);
// The handle behind a JS value, or nullptr when it is not a tensor handle (disposed ones included).
TensorHandle* HandleOf(napi_env env, napi_value value);

// torch.Generator handles (generator.cc): type-tagged Externals over an at::Generator.
bool IsGenerator(Napi::Env env, Napi::Value value);
Napi::Value WrapGenerator(Napi::Env env, at::Generator gen);
at::Generator& UnwrapGenerator(Napi::Env env, Napi::Value value);

// ScriptModule and ScriptObject handles (jit.cc, one kind over torch::jit::Module, which wraps
// any ivalue::Object): the object behind a handle (nullptr for anything else; an Error once
// disposed), and a new handle over one.
c10::intrusive_ptr<c10::ivalue::Object> ModuleObjectOf(napi_env env, napi_value value);
Napi::Value WrapModuleObject(Napi::Env env, c10::intrusive_ptr<c10::ivalue::Object> object);

// ---- the one JS <-> IValue converter (ivalue.cc; its top comment says what a JS value means) ----

// What the converter throws when a value cannot be converted; callers word the message.
struct ConvertError : std::exception {};
// The value does not fit the type; for a list, the first offending element.
struct Mismatch : ConvertError {
  int64_t element = -1;
  std::string elementType;
  const char* what() const noexcept override { return "the value does not match the expected type"; }
};
// A Python int that does not fit: Python's OverflowError/ValueError text (a RangeError in JS).
struct Overflow : ConvertError {
  std::string message;
  explicit Overflow(std::string m) : message(std::move(m)) {}
  const char* what() const noexcept override { return message.c_str(); }
};

struct ConvertOptions {
  bool argParser = false;   // callOp: Python's argument parser's rules (wrapped numbers, int[N], names)
  int64_t fixedLength = 0;  // int[N] / float[N] under argParser: one number stands for N
};

c10::IValue ToIValue(napi_env env, napi_value v, const c10::Type& type, const ConvertOptions& options = {});
// With v's napi_typeof, which the caller has already asked for.
c10::IValue ToIValue(napi_env env, napi_value v, napi_valuetype vt, const c10::Type& type, const ConvertOptions& options);

// Handles, dtype codes and device strings (callOp, AOTI), or lib's objects (TorchScript).
enum class Output : uint8_t { Handles, LibObjects };
// `type` is the declared type where known, else nullptr: whether an int is a dtype, a tuple's names.
Napi::Value FromIValue(Napi::Env env, c10::IValue v, const c10::Type* type, Output out);

// Python's name of a JS value's type: the argument parser's (callOp) or TorchScript's.
std::string PyTypeName(napi_env env, napi_value v, bool argParser);
// How Python's argument parser names a schema type: "tuple of ints".
std::string ArgParserTypeName(const c10::Type& type);
// The type Python's tracer infers for a traced function's input or output.
c10::TypePtr InferTracedType(napi_env env, napi_value v);
// lib's hooks (jitInit): whether a value is a plain object (keyword arguments), Python's repr of one.
void SetLibHooks(Napi::Env env, Napi::Value hooks);
bool IsPlainObject(napi_env env, napi_value v);
std::string PyRepr(napi_env env, napi_value v);

// PyTorch's message as Python shows it: torch/csrc/Exceptions.cpp names tensor types the Python
// way (CPUFloatType -> torch.FloatTensor, CUDALongType -> torch.cuda.LongTensor).
std::string PythonMessage(const char* what);

// Runs `body` and converts c10::Error / std::exception into a JS Error carrying PyTorch's
// message without the C++ backtrace.
template <Napi::Value (*Body)(const Napi::CallbackInfo&)>
Napi::Value Guarded(const Napi::CallbackInfo& info) {
  try {
    return Body(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::IndexError& e) {
    throw Napi::RangeError::New(info.Env(), PythonMessage(e.what_without_backtrace()));
  } catch (const c10::ValueError& e) {  // Python's ValueError; JS has RangeError for bad values
    throw Napi::RangeError::New(info.Env(), PythonMessage(e.what_without_backtrace()));
  } catch (const c10::TypeError& e) {
    throw Napi::TypeError::New(info.Env(), PythonMessage(e.what_without_backtrace()));
  } catch (const c10::Error& e) {
    throw Napi::Error::New(info.Env(), PythonMessage(e.what_without_backtrace()));
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
}

#define TN_EXPORT(exports, name, fn) \
  exports.Set(name, Napi::Function::New<::torchnode::Guarded<fn>>(exports.Env(), name))

// Emits the warnings collected during the current call through process.emitWarning.
void FlushWarnings(Napi::Env env);

void InitTensor(Napi::Env env, Napi::Object exports);
void InitDispatch(Napi::Env env, Napi::Object exports);
void InitAutograd(Napi::Env env, Napi::Object exports);
void InitStorage(Napi::Env env, Napi::Object exports);
void InitRuntime(Napi::Env env, Napi::Object exports);
void InitAllocator(Napi::Env env, Napi::Object exports);
void InitGenerator(Napi::Env env, Napi::Object exports);

}  // namespace torchnode
