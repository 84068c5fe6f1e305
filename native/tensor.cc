// Tensor handles: ownership, external-memory accounting, creation from and export to JS memory.
// Accounting is per storage: each storage reachable from this environment's handles is charged
// once (its nbytes, in its device's slot) while any handle on it lives, whatever views share it.
// Wrap counts a handle under its storage; calls that may change a handle's storage or its size
// (dispatch.cc after in-place ops and set_data) recount it; the last handle's release uncharges.
#include <ATen/TracerMode.h>

#include <mutex>

#include "torchnode.h"

namespace torchnode {

EnvState& State(napi_env env) {
  void* data = nullptr;
  napi_get_instance_data(env, &data);
  return *static_cast<EnvState*>(data);
}

// Reports a change of native memory to V8, batched: small tensors come and go by the million,
// and V8 only needs the total to within a megabyte. (napi_adjust_external_memory needs its
// out-parameter or it does nothing.)
static void AdjustExternal(node_api_basic_env env, EnvState* st, int64_t bytes) {
  st->pendingExternal += bytes;
  if (st->pendingExternal > kExternalBatch || st->pendingExternal < -kExternalBatch) {
    int64_t total = 0;
    napi_adjust_external_memory(env, st->pendingExternal, &total);
    st->pendingExternal = 0;
  }
}

static DeviceSlot SlotOfType(c10::DeviceType type) {
  switch (type) {
    case c10::DeviceType::CPU: return kSlotCpu;
    case c10::DeviceType::CUDA: return kSlotCuda;
    default: return kSlotOther;
  }
}

static inline double& DevStat(EnvState* st, int slot, Stat which) {
  return st->stats[which + kDeviceStride * slot];
}

// Charges (bytes > 0) or releases (bytes < 0) storage bytes in a device slot. CUDA bytes are
// counted but are not V8 external memory: the CUDA caching allocator manages them, and reporting
// them would make V8 collect for memory the host does not hold.
static void Charge(node_api_basic_env env, EnvState* st, int slot, int64_t bytes, bool fromGc = false) {
  if (bytes == 0) return;
  if (slot != kSlotCuda) {
    if (fromGc) {
      st->pendingExternal += bytes;
    } else {
      AdjustExternal(env, st, bytes);
    }
  }
  double& live = st->stats[kLiveBytes];
  live += static_cast<double>(bytes);
  DevStat(st, slot, kDevBytes) += static_cast<double>(bytes);
  if (live > st->stats[kPeakBytes]) st->stats[kPeakBytes] = live;
  // Net growth: a storage released before the next collection takes its bytes back, so a loop
  // that disposes what it makes never pays for a paced collection.
  double& growth = st->stats[kGrowthSinceGc];
  growth = std::max(0.0, growth + static_cast<double>(bytes));
}

// The storage a tensor's bytes live in, or nullptr (sparse tensors have none). unsafe_storage:
// no check that throws for tensors whose storage may not be accessed.
static inline const c10::StorageImpl* StorageKey(const at::Tensor& t) {
  return t.unsafeGetTensorImpl()->unsafe_storage().unsafeGetStorageImpl();
}

// The map is updated before each report to V8: a report may run a GC whose finalizers change the
// map, so no reference into it is held across Charge.

// Brings a storage's charge to its current size (it grows or shrinks in place: resize_, set_) and
// returns the change to report.
static inline int64_t Resize(StorageCharge& c, const c10::StorageImpl* s) {
  int64_t now = static_cast<int64_t>(s->nbytes());
  int64_t delta = now - c.bytes;
  c.bytes = now;
  return delta;
}

// Counts h under the storage of its tensor (live: h holds it); the first handle of a storage charges it.
static void Link(node_api_basic_env env, EnvState* st, TensorHandle* h) {
  const c10::Storage& storage = h->tensor.unsafeGetTensorImpl()->unsafe_storage();
  const c10::StorageImpl* s = storage.unsafeGetStorageImpl();
  h->storage = s;
  if (s == nullptr) return;
  auto [it, fresh] = st->charges.emplace(s, StorageCharge{});
  StorageCharge& c = it->second;
  c.handles += 1;
  if (fresh) {
    c.slot = SlotOfType(s->device_type());
    c.pin = storage.getWeakStorageImpl();
  }
  int slot = c.slot;
  int64_t delta = Resize(c, s);
  Charge(env, st, slot, delta);
}

// Uncounts h; the last handle of a storage releases its bytes. Never dereferences the key: the
// storage may be gone when h's tensor was given another one where nothing recounted it.
// `fromGc`: called by a finalizer while V8 collects. V8 must not be told about external memory
// from inside a collection (napi_adjust_external_memory there corrupts its incremental-marking
// state: "Check failed: marking_done_"), so the change waits for the next report from JS.
static void Unlink(node_api_basic_env env, EnvState* st, TensorHandle* h, bool fromGc = false) {
  if (h->storage == nullptr) return;
  auto it = st->charges.find(h->storage);
  h->storage = nullptr;
  if (it == st->charges.end() || --it->second.handles > 0) return;
  int slot = it->second.slot;
  int64_t bytes = it->second.bytes;
  st->charges.erase(it);
  Charge(env, st, slot, -bytes, fromGc);
}

void Recount(napi_env env, TensorHandle* h) {
  if (h->disposed || h->exported) return;
  const c10::StorageImpl* s = StorageKey(h->tensor);
  if (s != h->storage) {
    Unlink(env, h->state, h);
    Link(env, h->state, h);
  } else if (s != nullptr) {
    auto it = h->state->charges.find(s);
    if (it == h->state->charges.end()) return;
    int slot = it->second.slot;
    int64_t delta = Resize(it->second, s);
    Charge(env, h->state, slot, delta);
  }
}

void RecountArgument(napi_env env, napi_value v) {
  napi_valuetype type;
  napi_typeof(env, v, &type);
  bool array = false;
  if (type == napi_object) napi_is_array(env, v, &array);
  if (array) {
    uint32_t n = 0;
    napi_get_array_length(env, v, &n);
    for (uint32_t i = 0; i < n; ++i) {
      napi_value e;
      if (napi_get_element(env, v, i, &e) == napi_ok) RecountArgument(env, e);
    }
    return;
  }
  if (TensorHandle* h = TensorHandleOf(env, v, type)) Recount(env, h);
}

static void Release(node_api_basic_env env, TensorHandle* h, bool fromGc = false) {
  Unlink(env, h->state, h, fromGc);
  h->tensor = at::Tensor();
}

static void Uncount(TensorHandle* h) {
  h->state->stats[kLiveHandles] -= 1;
  DevStat(h->state, h->slot, kDevHandles) -= 1;
}

// A basic finalizer: it only frees C++ memory, so Node may run it from inside GC, which keeps
// a synchronous loop that never disposes in bounded memory.
static void FinalizeHandle(node_api_basic_env env, void* data, void* /*hint*/) {
  auto* h = static_cast<TensorHandle*>(data);
  if (!h->disposed) {
    Release(env, h, /*fromGc=*/true);
    Uncount(h);
  }
  delete h;
}

// Handles that Tensor.dispose() let go of are kept (strongly referenced) for the next results:
// reusing one saves creating an External with its finalizer and the GC's work on two weak
// references when it dies, about a fifth of a one-element op. Only small tensors get one: a
// spare External has lived through collections into V8's old generation, so a tensor on it that
// nobody disposes is freed by a major GC, not by the paced minor ones, which large storage needs.
constexpr size_t kSpareHandles = 1024;
constexpr size_t kSpareMaxBytes = 64 * 1024;

Napi::Value Wrap(Napi::Env env, at::Tensor tensor) {
  if (!tensor.defined()) return env.Null();
  EnvState& st = State(env);
  const c10::StorageImpl* s = StorageKey(tensor);
  // The storage's device where there is one (that is where the bytes are), else the tensor's.
  auto slot = SlotOfType(s != nullptr ? s->device_type() : tensor.device().type());
  napi_value out;
  TensorHandle* h;
  if (!st.spareHandles.empty() && (s == nullptr || s->nbytes() < kSpareMaxBytes)) {
    out = st.spareHandles.back().Value();
    st.spareHandles.pop_back();
    h = HandleOf(env, out);
    h->disposed = false;
    h->exported = false;
  } else {
    h = new TensorHandle();
    h->state = &st;
    if (napi_create_external(env, h, FinalizeHandle, nullptr, &out) != napi_ok) {
      delete h;
      throw Napi::Error::New(env, "could not create a tensor handle");
    }
  }
  h->slot = slot;
  h->tensor = std::move(tensor);
  Link(env, &st, h);
  st.stats[kLiveHandles] += 1;
  DevStat(&st, h->slot, kDevHandles) += 1;
  return Napi::Value(env, out);
}

// One N-API call: napi_get_value_external fails (without throwing) on anything not an External.
TensorHandle* HandleOf(napi_env env, napi_value value) {
  void* data = nullptr;
  if (napi_get_value_external(env, value, &data) != napi_ok) return nullptr;
  auto* h = static_cast<TensorHandle*>(data);
  return h != nullptr && h->magic == TensorHandle::kMagic ? h : nullptr;
}

bool IsHandle(Napi::Env env, Napi::Value value) { return HandleOf(env, value) != nullptr; }

at::Tensor& Unwrap(Napi::Env env, Napi::Value value, const char* what) {
  TensorHandle* h = HandleOf(env, value);
  if (h == nullptr) throw Napi::TypeError::New(env, std::string("expected a Tensor for ") + what);
  if (h->disposed) throw Napi::Error::New(env, "Tensor has been disposed");
  return h->tensor;
}

// dispose(handle, spare = false): frees the tensor now. Safe to call twice. `spare`: the caller
// holds the handle nowhere any more (Tensor.dispose), so Wrap may give it to a new tensor.
static Napi::Value Dispose(const Napi::CallbackInfo& info) {
  TensorHandle* h = HandleOf(info.Env(), info[0]);
  if (h == nullptr) throw Napi::TypeError::New(info.Env(), "dispose() expects a tensor handle");
  if (!h->disposed) {
    Release(info.Env(), h);
    h->disposed = true;
    Uncount(h);
    std::vector<Napi::Reference<Napi::Value>>& spares = h->state->spareHandles;
    if (info[1].IsBoolean() && info[1].As<Napi::Boolean>().Value() && spares.size() < kSpareHandles)
      spares.push_back(Napi::Persistent(info[0]));
  }
  return info.Env().Undefined();
}

static std::vector<int64_t> IntsOf(Napi::Env env, Napi::Value v, const char* what) {
  if (!v.IsArray()) throw Napi::TypeError::New(env, std::string(what) + " must be an array of integers");
  auto arr = v.As<Napi::Array>();
  std::vector<int64_t> out(arr.Length());
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    Napi::Value e = arr.Get(i);
    double d = e.IsNumber() ? e.As<Napi::Number>().DoubleValue() : NAN;
    if (!std::isfinite(d) || std::trunc(d) != d)
      throw Napi::TypeError::New(env, std::string(what) + " must be an array of integers");
    out[i] = static_cast<int64_t>(d);
  }
  return out;
}

static at::ScalarType DtypeOf(Napi::Env env, Napi::Value v) {
  int32_t code = v.IsNumber() ? v.As<Napi::Number>().Int32Value() : -1;
  if (code < 0 || code >= static_cast<int32_t>(at::ScalarType::NumOptions))
    throw Napi::TypeError::New(env, "invalid dtype");
  return static_cast<at::ScalarType>(code);
}

// fromBytes(view: ArrayBufferView, dtype: number, shape: number[]) -> handle. Copies the bytes.
static Napi::Value FromBytes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsTypedArray() && !info[0].IsDataView() && !info[0].IsBuffer())
    throw Napi::TypeError::New(env, "fromBytes() expects an ArrayBufferView");
  napi_value view = info[0];
  void* data = nullptr;
  size_t byteLength = 0;
  if (info[0].IsTypedArray()) {
    auto ta = info[0].As<Napi::TypedArray>();
    data = static_cast<uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
    byteLength = ta.ByteLength();
  } else {
    napi_get_dataview_info(env, view, &byteLength, &data, nullptr, nullptr);
  }
  at::ScalarType dtype = DtypeOf(env, info[1]);
  std::vector<int64_t> shape = IntsOf(env, info[2], "shape");
  // Not recorded by torch.jit.trace: a tensor made from JS data is a constant of the trace, as
  // Python's torch.tensor (tensor_new.cpp) is.
  at::tracer::impl::NoTracerDispatchMode noTrace;
  at::Tensor t = at::empty(shape, at::TensorOptions().dtype(dtype));  // checks negative sizes
  if (t.nbytes() != byteLength)
    throw Napi::RangeError::New(env, "fromBytes(): " + std::to_string(byteLength) + " bytes given for a tensor of " +
                                         std::to_string(t.nbytes()) + " bytes");
  if (byteLength != 0) std::memcpy(t.data_ptr(), data, byteLength);
  return Wrap(env, std::move(t));
}

// toBytes(handle) -> ArrayBuffer holding a contiguous CPU copy of the elements.
static Napi::Value ToBytes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  // A lazily conjugated or negated view (x.conj(), x.conj().imag) holds the values before it.
  at::Tensor t = Unwrap(env, info[0]).detach().resolve_conj().resolve_neg().to(at::kCPU).contiguous();
  // Autograd's zero tensors (e.g. the gradient of sgn) have no storage to copy from.
  if (t._is_zerotensor()) t = at::zeros(t.sizes(), t.options());
  auto buf = Napi::ArrayBuffer::New(env, t.nbytes());
  if (t.nbytes() != 0) std::memcpy(buf.Data(), t.data_ptr(), t.nbytes());
  return buf;
}

// storageCharge(handle) -> [bytes, handles]: the bytes counted in liveBytes for the storage of
// this handle, and how many live handles share that count ([0, 0] for none).
static Napi::Value StorageChargeOf(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  TensorHandle* h = HandleOf(env, info[0]);
  if (h == nullptr) throw Napi::TypeError::New(env, "storageCharge() expects a tensor handle");
  StorageCharge c;
  if (h->storage != nullptr) {
    auto it = h->state->charges.find(h->storage);
    if (it != h->state->charges.end()) c = it->second;
  }
  auto out = Napi::Array::New(env, 2);
  out.Set(0u, Napi::Number::New(env, static_cast<double>(c.bytes)));
  out.Set(1u, Napi::Number::New(env, static_cast<double>(c.handles)));
  return out;
}

// checkSetSource(self, source): the check python_variable_methods.cpp makes before
// set_(source) (ATen itself would take a source of another dtype).
static Napi::Value CheckSetSource(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const at::Tensor& self = Unwrap(env, info[0], "self");
  const at::Tensor& source = Unwrap(env, info[1], "source");
  TORCH_CHECK(source.dtype() == self.dtype(), "Could not set tensor of type ", source.dtype(), " to a tensor of type ",
              self.dtype());
  return env.Undefined();
}

// Tensor hand-off between Node environments (worker_threads). exportTensor(h) puts one more
// reference of h's tensor in a process-wide cell and returns the cell's id; h stays usable but
// no longer counts its storage (which leaves this environment's stats with its last handle).
// importTensor(id), in any environment, takes the tensor out exactly once as a new handle, counted
// there. No bytes are copied. A cell nobody takes dies with the environment that exported it.
struct ExportedTensor {
  at::Tensor tensor;
  EnvState* owner;  // compared only: cells are dropped before their environment's state is freed
};
static std::mutex exportMutex;
static std::unordered_map<uint64_t, ExportedTensor>& Exported() {
  // Never destroyed: tensors must not be freed by static destructors after libtorch's own.
  static auto* cells = new std::unordered_map<uint64_t, ExportedTensor>();
  return *cells;
}
static uint64_t nextExportId = 1;  // guarded by exportMutex; ids are never reused

static Napi::Value ExportTensor(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  TensorHandle* h = HandleOf(env, info[0]);
  if (h == nullptr) throw Napi::TypeError::New(env, "exportTensor() expects a tensor handle");
  if (h->disposed) throw Napi::Error::New(env, "Tensor has been disposed");
  uint64_t id;
  {
    std::lock_guard<std::mutex> lock(exportMutex);
    id = nextExportId++;
    Exported().emplace(id, ExportedTensor{h->tensor, h->state});
  }
  Unlink(env, h->state, h);
  h->exported = true;
  return Napi::BigInt::New(env, id);
}

static Napi::Value ImportTensor(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsBigInt()) throw Napi::TypeError::New(env, "importTensor() expects the bigint id exportTensor() returned");
  bool lossless = false;
  uint64_t id = info[0].As<Napi::BigInt>().Uint64Value(&lossless);
  ExportedTensor cell;
  {
    std::lock_guard<std::mutex> lock(exportMutex);
    auto it = lossless ? Exported().find(id) : Exported().end();
    if (it == Exported().end())
      throw Napi::Error::New(env, "importTensor(): no tensor is exported under id " + info[0].ToString().Utf8Value() +
                                      " (an id is taken once, and dies with the environment that exported it)");
    cell = std::move(it->second);
    Exported().erase(it);
  }
  return Wrap(env, std::move(cell.tensor));
}

// exportedTensors() -> cells exported by any environment and not taken yet.
static Napi::Value ExportedTensors(const Napi::CallbackInfo& info) {
  std::lock_guard<std::mutex> lock(exportMutex);
  return Napi::Number::New(info.Env(), static_cast<double>(Exported().size()));
}

static void DropExports(void* state) {
  std::vector<at::Tensor> dropped;  // freed after the lock is released
  std::lock_guard<std::mutex> lock(exportMutex);
  for (auto it = Exported().begin(); it != Exported().end();) {
    if (it->second.owner == state) {
      dropped.push_back(std::move(it->second.tensor));
      it = Exported().erase(it);
    } else {
      ++it;
    }
  }
}

static Napi::Array IntArray(Napi::Env env, c10::IntArrayRef values) {
  auto arr = Napi::Array::New(env, values.size());
  for (size_t i = 0; i < values.size(); ++i) arr.Set(i, Napi::Number::New(env, static_cast<double>(values[i])));
  return arr;
}

static Napi::Value Shape(const Napi::CallbackInfo& info) { return IntArray(info.Env(), Unwrap(info.Env(), info[0]).sizes()); }
static Napi::Value Strides(const Napi::CallbackInfo& info) { return IntArray(info.Env(), Unwrap(info.Env(), info[0]).strides()); }
static Napi::Value StorageOffset(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(Unwrap(info.Env(), info[0]).storage_offset()));
}
static Napi::Value Dtype(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<int>(Unwrap(info.Env(), info[0]).scalar_type()));
}
static Napi::Value Device(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), Unwrap(info.Env(), info[0]).device().str());
}
static Napi::Value RequiresGrad(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), Unwrap(info.Env(), info[0]).requires_grad());
}

void InitTensor(Napi::Env env, Napi::Object exports) {
  // Counters shared with lib/memory.ts: an off-heap ArrayBuffer, so the pointer stays valid.
  EnvState& st = State(env);
  auto buf = Napi::ArrayBuffer::New(env, kStatCount * sizeof(double));
  std::memset(buf.Data(), 0, buf.ByteLength());
  st.stats = static_cast<double*>(buf.Data());
  st.statsRef = Napi::Persistent(buf);
  exports.Set("stats", Napi::Float64Array::New(env, kStatCount, buf, 0));
  TN_EXPORT(exports, "dispose", Dispose);
  TN_EXPORT(exports, "fromBytes", FromBytes);
  TN_EXPORT(exports, "toBytes", ToBytes);
  TN_EXPORT(exports, "storageCharge", StorageChargeOf);
  TN_EXPORT(exports, "checkSetSource", CheckSetSource);
  TN_EXPORT(exports, "exportTensor", ExportTensor);
  TN_EXPORT(exports, "importTensor", ImportTensor);
  TN_EXPORT(exports, "exportedTensors", ExportedTensors);
  napi_add_env_cleanup_hook(env, DropExports, &st);
  TN_EXPORT(exports, "shape", Shape);
  TN_EXPORT(exports, "strides", Strides);
  TN_EXPORT(exports, "storageOffset", StorageOffset);
  TN_EXPORT(exports, "dtype", Dtype);
  TN_EXPORT(exports, "device", Device);
  TN_EXPORT(exports, "requiresGrad", RequiresGrad);
}

}  // namespace torchnode
