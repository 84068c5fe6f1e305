// torch.jit: ScriptModules and ScriptObjects (TorchScript class instances) as type-tagged handles
// over torch::jit::Module (which wraps any ivalue::Object), binding method
// arguments by schema (values converted by the shared converter, ivalue.cc), tracing, and the
// asynchronous paths (loading, running a method) on the libuv thread pool.
#include <ATen/ThreadLocalState.h>
#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/frontend/error_report.h>
#include <torch/csrc/jit/frontend/tracer.h>
#include <torch/csrc/jit/passes/canonicalize.h>
#include <torch/csrc/jit/passes/freeze_module.h>
#include <torch/csrc/jit/passes/frozen_graph_optimizations.h>
#include <torch/csrc/jit/passes/inliner.h>
#include <torch/csrc/jit/passes/shape_analysis.h>
#include <torch/csrc/jit/serialization/import.h>
#include <torch/csrc/jit/serialization/python_print.h>

#include <sstream>

#include "torchnode.h"

namespace torchnode {

using torch::jit::Module;

static constexpr napi_type_tag kModuleTag = {0x746f7263686e6f64ULL, 0x7363726970746d6fULL};  // "torchnod" "scriptmo"

// ---- module handles ----------------------------------------------------------------------------

struct ModuleHandle {
  Module module;
  bool isModule;  // a ScriptModule's, not a ScriptObject's (kept for the message after dispose)
  bool disposed = false;
};

static Napi::Value WrapModuleHandle(Napi::Env env, Module m) {
  bool isModule = m.type()->is_module();
  auto* h = new ModuleHandle{std::move(m), isModule};
  napi_value out;
  if (napi_create_external(
          env, h, [](node_api_basic_env, void* data, void*) { delete static_cast<ModuleHandle*>(data); }, nullptr, &out) !=
      napi_ok) {
    delete h;
    throw Napi::Error::New(env, "could not create a ScriptModule handle");
  }
  napi_type_tag_object(env, out, &kModuleTag);
  return Napi::Value(env, out);
}

static bool IsModuleHandle(Napi::Env env, Napi::Value v) {
  if (v.Type() != napi_external) return false;
  bool tagged = false;
  napi_check_object_type_tag(env, v, &kModuleTag, &tagged);
  return tagged;
}

static ModuleHandle* HandleOfModule(Napi::Env env, Napi::Value v) {
  if (!IsModuleHandle(env, v)) throw Napi::TypeError::New(env, "expected a ScriptModule handle");
  void* data = nullptr;
  napi_get_value_external(env, v, &data);
  return static_cast<ModuleHandle*>(data);
}

static Module& UnwrapModule(Napi::Env env, Napi::Value v) {
  ModuleHandle* h = HandleOfModule(env, v);
  if (h->disposed) throw Napi::Error::New(env, h->isModule ? "ScriptModule has been disposed" : "ScriptObject has been disposed");
  return h->module;
}

// The class Python's messages name: a module's RecursiveScriptModule, or the scripted class.
static std::string PyClassName(const Module& m) {
  return m.type()->is_module() ? "RecursiveScriptModule" : m.type()->name()->name();
}

c10::intrusive_ptr<c10::ivalue::Object> ModuleObjectOf(napi_env env, napi_value value) {
  Napi::Value v(env, value);
  if (!IsModuleHandle(v.Env(), v)) return {};
  return UnwrapModule(v.Env(), v)._ivalue();
}

Napi::Value WrapModuleObject(Napi::Env env, c10::intrusive_ptr<c10::ivalue::Object> object) {
  return WrapModuleHandle(env, Module(std::move(object)));
}

// The tensor of lib's Tensor (its `_h`).
static at::Tensor TensorOf(Napi::Env env, const Napi::Value& v) {
  return Unwrap(env, v.As<Napi::Object>().Get("_h"));
}

static std::string StringArg(Napi::Env env, Napi::Value v, const char* what) {
  if (!v.IsString()) throw Napi::TypeError::New(env, std::string(what) + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

static std::optional<c10::Device> DeviceOrNull(Napi::Env env, Napi::Value v) {
  if (v.IsNull() || v.IsUndefined()) return std::nullopt;
  return c10::Device(StringArg(env, v, "device"));
}

// ---- binding a method's arguments (torch/csrc/jit/python/pybind_utils.h createStackForSchema) ----

static std::string SnakeCase(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') {
      out += '_';
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += c;
    }
  }
  return out;
}

static c10::IValue ArgumentToIValue(Napi::Env env, const c10::FunctionSchema& schema, size_t position, const Napi::Value& v) {
  const c10::Argument& arg = schema.arguments().at(position);
  try {
    return ToIValue(env, v, *arg.real_type());
  } catch (const ConvertError&) {  // an int that overflows too: TorchScript words it as a mismatch
    throw Napi::Error::New(env, schema.formatTypeMismatchMsg(arg, PyTypeName(env, v, false), position, PyRepr(env, v)));
  }
}

// The stack for `schema` (self first) from JS arguments: positional ones, then a trailing plain
// object of keyword arguments (camelCase or the schema's own names) unless the parameter at its
// position takes a dict.
static torch::jit::Stack BindArguments(Napi::Env env, const c10::FunctionSchema& schema, const c10::IValue& self, const Napi::Array& jsArgs) {
  const auto& params = schema.arguments();
  uint32_t n = jsArgs.Length();
  Napi::Object kwargs;
  bool hasKwargs = false;
  if (n > 0) {
    Napi::Value last = jsArgs.Get(n - 1);
    if (IsPlainObject(env, last)) {
      size_t at = n;  // the position the object would take (self is position 0)
      bool takesDict = false;
      if (at < params.size()) {
        c10::TypePtr t = params[at].real_type();
        if (t->kind() == c10::TypeKind::OptionalType) t = t->castRaw<c10::OptionalType>()->getElementType();
        takesDict = t->kind() == c10::TypeKind::DictType;
      }
      if (!takesDict) {
        kwargs = last.As<Napi::Object>();
        hasKwargs = true;
        --n;
      }
    }
  }
  std::vector<std::string> kwNames;
  if (hasKwargs) {
    Napi::Array keys = kwargs.GetPropertyNames();
    for (uint32_t i = 0; i < keys.Length(); ++i) kwNames.push_back(keys.Get(i).ToString().Utf8Value());
  }
  size_t all = 1 + n + kwNames.size();
  if (all > params.size()) {
    std::ostringstream msg;
    msg << schema.name() << "() expected at most " << params.size() << " argument(s) but received " << all
        << " argument(s). Declaration: " << schema;
    throw Napi::TypeError::New(env, msg.str());
  }
  torch::jit::Stack stack;
  stack.reserve(params.size());
  stack.push_back(self);
  for (uint32_t i = 0; i < n; ++i) {
    if (params[stack.size()].kwarg_only()) {
      std::ostringstream msg;
      msg << schema.name() << "() takes " << stack.size() << " positional argument(s) but " << 1 + n
          << " was/were given.  Declaration: " << schema;
      throw Napi::TypeError::New(env, msg.str());
    }
    stack.push_back(ArgumentToIValue(env, schema, stack.size(), jsArgs.Get(i)));
  }
  size_t consumed = 0;
  for (size_t i = stack.size(); i < params.size(); ++i) {
    const c10::Argument& arg = params[i];
    const std::string* found = nullptr;
    for (const std::string& k : kwNames)
      if (k == arg.name() || SnakeCase(k) == arg.name()) found = &k;
    if (found != nullptr) {
      stack.push_back(ArgumentToIValue(env, schema, i, kwargs.Get(*found)));
      ++consumed;
    } else if (arg.default_value()) {
      stack.push_back(*arg.default_value());
    } else {
      std::ostringstream msg;
      msg << schema.name() << "() is missing value for argument '" << arg.name() << "'. Declaration: " << schema;
      throw Napi::TypeError::New(env, msg.str());
    }
  }
  if (consumed != kwNames.size()) {
    std::vector<std::string> snake;
    for (const std::string& k : kwNames) {
      std::string s = SnakeCase(k);
      bool known = false;
      for (const c10::Argument& a : params) known = known || a.name() == k || a.name() == s;
      snake.push_back(known ? s : k);
    }
    throw Napi::TypeError::New(env, schema.findErrorInKwargs(snake));
  }
  return stack;
}

struct PreparedCall {
  torch::jit::Method method;
  torch::jit::Stack stack;  // without self: Method::run puts the owner first
  c10::TypePtr returnType;
};

static PreparedCall Prepare(Napi::Env env, const Napi::CallbackInfo& info) {
  Module& m = UnwrapModule(env, info[0]);
  std::string name = StringArg(env, info[1], "method name");
  if (!info[2].IsArray()) throw Napi::TypeError::New(env, "arguments must be an array");
  std::optional<torch::jit::Method> method = m.find_method(name);
  if (!method) {
    // Python's AttributeError for a missing attribute.
    throw Napi::Error::New(env, "'" + PyClassName(m) + "' object has no attribute '" + name + "'");
  }
  const c10::FunctionSchema& schema = method->function().getSchema();
  torch::jit::Stack stack = BindArguments(env, schema, m._ivalue(), info[2].As<Napi::Array>());
  stack.erase(stack.begin());
  c10::TypePtr ret = schema.returns().size() == 1 ? schema.returns()[0].type() : nullptr;
  return PreparedCall{std::move(*method), std::move(stack), std::move(ret)};
}

// Runs off the JS thread: converts libtorch's and the interpreter's exceptions to a message and
// the JS error class they become (Guarded's mapping).
struct Failure {
  enum Kind { None, Error, TypeError, RangeError } kind = None;
  std::string message;

  template <typename F>
  void Run(F&& body) {
    try {
      body();
    } catch (const c10::IndexError& e) {
      Set(RangeError, PythonMessage(e.what_without_backtrace()));
    } catch (const c10::ValueError& e) {
      Set(RangeError, PythonMessage(e.what_without_backtrace()));
    } catch (const c10::TypeError& e) {
      Set(TypeError, PythonMessage(e.what_without_backtrace()));
    } catch (const c10::Error& e) {
      Set(Error, PythonMessage(e.what_without_backtrace()));
    } catch (const std::exception& e) {
      Set(Error, e.what());
    }
  }
  void Set(Kind k, std::string msg) {
    kind = k;
    message = std::move(msg);
  }
  Napi::Value ToJs(Napi::Env env) const {
    switch (kind) {
      case TypeError: return Napi::TypeError::New(env, message).Value();
      case RangeError: return Napi::RangeError::New(env, message).Value();
      default: return Napi::Error::New(env, message).Value();
    }
  }
};

// The work of a promise-returning call: Execute on a pool thread under the caller's thread-local
// state (grad mode, inference mode, autocast...), with the inputs owned by the worker until it ends.
class JitWorker : public Napi::AsyncWorker {
 public:
  JitWorker(Napi::Env env, std::function<void()> work, std::function<Napi::Value(Napi::Env)> done)
      : Napi::AsyncWorker(env, "torchnode.jit"), deferred_(Napi::Promise::Deferred::New(env)), work_(std::move(work)),
        done_(std::move(done)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    at::ThreadLocalStateGuard tls(tls_);
    c10::WarningUtils::WarningHandlerGuard warningsHere(&warnings_);
    failure_.Run(work_);
  }
  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    EmitWarnings(env);
    if (failure_.kind != Failure::None) {
      deferred_.Reject(failure_.ToJs(env));
      return;
    }
    try {
      deferred_.Resolve(done_(env));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  void EmitWarnings(Napi::Env env) {
    if (warnings_.pending.empty()) return;
    EnvState& st = State(env);
    st.warnings.pending.insert(st.warnings.pending.end(), warnings_.pending.begin(), warnings_.pending.end());
    FlushWarnings(env);
  }

  Napi::Promise::Deferred deferred_;
  std::function<void()> work_;
  std::function<Napi::Value(Napi::Env)> done_;
  at::ThreadLocalState tls_;  // captured here, on the caller's thread
  WarningCollector warnings_;
  Failure failure_;
};

// A JitWorker for other files (aoti.cc): `work` on the pool, then `done` makes the promise's value.
Napi::Promise QueueWork(Napi::Env env, std::function<void()> work, std::function<Napi::Value(Napi::Env)> done) {
  auto* w = new JitWorker(env, std::move(work), std::move(done));
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

// ---- exports -----------------------------------------------------------------------------------

// jitInit({Tensor, DType, Device, Generator, ScriptModule, ScriptObject, PyFloat, wrapTensor, wrapDtype, wrapDevice,
// wrapGenerator, wrapModule, wrapObject, repr, isOptions, isMap, newMap}):
// lib's classes and wrappers for the shared converter (ivalue.cc).
static Napi::Value JitInit(const Napi::CallbackInfo& info) {
  SetLibHooks(info.Env(), info[0]);
  return info.Env().Undefined();
}

// torch::jit::ErrorReport (a compile error while importing the archive's code) computes its
// message lazily in what(), which is noexcept; with malformed debug files in the archive that
// computation throws, and the process terminates. So a compile error is read again without the
// debug files: the same error, whose message is then safe to compute.
template <typename Load>
static Module LoadChecked(Load load) {
  try {
    return load(true);
  } catch (const torch::jit::ErrorReport&) {
    return load(false);
  }
}

// The archive bytes lib/jit checked (lib/jit/validate.ts), copied: libtorch reads exactly those.
static std::shared_ptr<const std::string> ArchiveBytes(Napi::Env env, const Napi::Value& v) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw Napi::TypeError::New(env, "archive: expected a Uint8Array");
  }
  auto bytes = v.As<Napi::Uint8Array>();
  return std::make_shared<const std::string>(reinterpret_cast<const char*>(bytes.Data()), bytes.ByteLength());
}

static Module LoadBytes(const std::string& data, std::optional<c10::Device> device) {
  return LoadChecked([&](bool debug) {
    std::istringstream in(data);
    return torch::jit::load(in, device, debug);
  });
}

// jitLoad(bytes, mapLocation | null) -> handle
static Napi::Value JitLoad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::optional<c10::Device> device = DeviceOrNull(env, info[1]);
  return WrapModuleHandle(env, LoadBytes(*ArchiveBytes(env, info[0]), device));
}

// jitLoadAsync(bytes, mapLocation | null) -> Promise<handle>: deserialised on libuv's pool.
static Napi::Value JitLoadAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::optional<c10::Device> device = DeviceOrNull(env, info[1]);
  auto data = ArchiveBytes(env, info[0]);
  auto loaded = std::make_shared<Module>();
  auto* w = new JitWorker(
      env, [data, device, loaded]() { *loaded = LoadBytes(*data, device); },
      [loaded](Napi::Env e) { return WrapModuleHandle(e, std::move(*loaded)); });
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

// jitRun(handle, name, args[]) -> the method's result
static Napi::Value JitRun(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  PreparedCall call = Prepare(env, info);
  try {
    call.method.run(call.stack);
  } catch (...) {
    State(env).warnings.pending.clear();
    RecountArgument(env, info[2]);
    throw;
  }
  RecountArgument(env, info[2]);  // a script may resize_ or set_ a tensor it was given
  if (!State(env).warnings.pending.empty()) FlushWarnings(env);
  return FromIValue(env, std::move(call.stack.back()), call.returnType.get(), Output::LibObjects);
}

// jitRunAsync(handle, name, args[]) -> Promise of the method's result, computed on a pool thread.
static Napi::Value JitRunAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto call = std::make_shared<PreparedCall>(Prepare(env, info));
  auto* w = new JitWorker(
      env, [call]() { call->method.run(call->stack); },
      [call](Napi::Env e) { return FromIValue(e, std::move(call->stack.back()), call->returnType.get(), Output::LibObjects); });
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

static Napi::Value JitHasMethod(const Napi::CallbackInfo& info) {
  Module& m = UnwrapModule(info.Env(), info[0]);
  return Napi::Boolean::New(info.Env(), m.find_method(StringArg(info.Env(), info[1], "name")).has_value());
}

static Napi::Value JitHasAttr(const Napi::CallbackInfo& info) {
  Module& m = UnwrapModule(info.Env(), info[0]);
  return Napi::Boolean::New(info.Env(), m.hasattr(StringArg(info.Env(), info[1], "name")));
}

// jitMethodNames(handle) -> the names of the module's methods
static Napi::Value JitMethodNames(const Napi::CallbackInfo& info) {
  Module& m = UnwrapModule(info.Env(), info[0]);
  auto methods = m.get_methods();
  auto arr = Napi::Array::New(info.Env());
  uint32_t i = 0;
  for (const auto& method : methods) arr.Set(i++, Napi::String::New(info.Env(), method.name()));
  return arr;
}

// jitTypeName(handle) -> the class name TorchScript gave the module (Python's original_name)
static Napi::Value JitTypeName(const Napi::CallbackInfo& info) {
  Module& m = UnwrapModule(info.Env(), info[0]);
  return Napi::String::New(info.Env(), m.type()->name()->name());
}

// jitDefaultRepr(handle) -> Python's default repr of an instance of the scripted class,
// `<module.Class object at 0x...>` (TorchScript names __main__'s classes __torch__.Class).
static Napi::Value JitDefaultRepr(const Napi::CallbackInfo& info) {
  Module& m = UnwrapModule(info.Env(), info[0]);
  const c10::QualifiedName& q = *m.type()->name();
  std::string name = q.qualifiedName();
  const std::string prefix = "__torch__.";
  if (name.rfind(prefix, 0) == 0) name = name.substr(prefix.size());
  if (name.find('.') == std::string::npos) name = "__main__." + name;
  std::ostringstream out;
  out << "<" << name << " object at " << static_cast<const void*>(m._ivalue().get()) << ">";
  return Napi::String::New(info.Env(), out.str());
}

// jitTensors(handle, buffers: boolean) -> [name, tensor handle, identity][] of the module's own
// parameters (or buffers); the identity (the TensorImpl's address) lets lib/ return one object per tensor.
static Napi::Value JitTensors(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Module& m = UnwrapModule(env, info[0]);
  bool buffers = info[1].ToBoolean().Value();
  auto arr = Napi::Array::New(env);
  uint32_t i = 0;
  auto add = [&](const std::string& name, const at::Tensor& t) {
    auto row = Napi::Array::New(env, 3);
    row.Set(0u, Napi::String::New(env, name));
    row.Set(1u, Wrap(env, t));
    row.Set(2u, Napi::String::New(env, std::to_string(reinterpret_cast<uintptr_t>(t.unsafeGetTensorImpl()))));
    arr.Set(i++, row);
  };
  if (buffers) {
    for (const auto& b : m.named_buffers(/*recurse=*/false)) add(b.name, b.value);
  } else {
    for (const auto& p : m.named_parameters(/*recurse=*/false)) add(p.name, p.value);
  }
  return arr;
}

// jitChildren(handle) -> [name, handle][]
static Napi::Value JitChildren(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Module& m = UnwrapModule(env, info[0]);
  auto arr = Napi::Array::New(env);
  uint32_t i = 0;
  for (const auto& c : m.named_children()) {
    auto row = Napi::Array::New(env, 2);
    row.Set(0u, Napi::String::New(env, c.name));
    row.Set(1u, WrapModuleHandle(env, c.value));
    arr.Set(i++, row);
  }
  return arr;
}

// jitSame(a, b): whether two handles are the same module object
static Napi::Value JitSame(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), UnwrapModule(info.Env(), info[0]) == UnwrapModule(info.Env(), info[1]));
}

static Napi::Value JitTrain(const Napi::CallbackInfo& info) {
  UnwrapModule(info.Env(), info[0]).train(info[1].ToBoolean().Value());
  return info.Env().Undefined();
}

static Napi::Value JitTraining(const Napi::CallbackInfo& info) {
  Module& m = UnwrapModule(info.Env(), info[0]);
  if (!m.hasattr("training")) return info.Env().Undefined();
  return Napi::Boolean::New(info.Env(), m.is_training());
}

// jitTo(handle, device | null, dtype code | null, nonBlocking) as nn.Module._apply does it:
// parameters keep their objects (set_data), buffers are replaced; dtype applies to floating
// point and complex tensors only.
static Napi::Value JitTo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Module& root = UnwrapModule(env, info[0]);
  std::optional<c10::Device> device = DeviceOrNull(env, info[1]);
  std::optional<at::ScalarType> dtype;
  if (info[2].IsNumber()) dtype = static_cast<at::ScalarType>(info[2].As<Napi::Number>().Int32Value());
  bool nonBlocking = info[3].ToBoolean().Value();
  auto convert = [&](const at::Tensor& t) {
    bool floating = t.is_floating_point() || t.is_complex();
    return t.to(device.value_or(t.device()), dtype && floating ? *dtype : t.scalar_type(), nonBlocking);
  };
  at::NoGradGuard noGrad;
  for (Module m : root.modules()) {
    for (const auto& p : m.named_parameters(false)) {
      at::Tensor t = p.value;
      t.set_data(convert(t));
    }
    for (const auto& b : m.named_buffers(false)) m.setattr(b.name, convert(b.value));
  }
  return env.Undefined();
}

// jitCode(handle, method) -> the method's TorchScript source (Python's ScriptMethod.code)
static Napi::Value JitCode(const Napi::CallbackInfo& info) {
  Module& m = UnwrapModule(info.Env(), info[0]);
  torch::jit::Method method = m.get_method(StringArg(info.Env(), info[1], "method name"));
  std::vector<c10::IValue> constants;
  torch::jit::PrintDepsTable deps;
  torch::jit::PythonPrint pp(constants, deps);
  pp.printMethod(method.function());
  return Napi::String::New(info.Env(), pp.str());
}

// jitGraph(handle, method) -> str(method.graph)
static Napi::Value JitGraph(const Napi::CallbackInfo& info) {
  Module& m = UnwrapModule(info.Env(), info[0]);
  return Napi::String::New(info.Env(), m.get_method(StringArg(info.Env(), info[1], "method name")).graph()->toString());
}

// jitSave(handle) -> Uint8Array of the archive (lib/ writes it atomically)
static Napi::Value JitSave(const Napi::CallbackInfo& info) {
  Module& m = UnwrapModule(info.Env(), info[0]);
  std::ostringstream out;
  m.save(out);
  std::string bytes = out.str();
  return Napi::Buffer<char>::Copy(info.Env(), bytes.data(), bytes.size());
}

static std::vector<std::string> StringsArg(Napi::Env env, Napi::Value v) {
  if (!v.IsArray()) throw Napi::TypeError::New(env, "expected an array of strings");
  auto arr = v.As<Napi::Array>();
  std::vector<std::string> out;
  for (uint32_t i = 0; i < arr.Length(); ++i) out.push_back(StringArg(env, arr.Get(i), "name"));
  return out;
}

// jitFreeze(handle, preservedAttrs[], optimizeNumerics) -> handle of the frozen copy, optimised as
// torch.jit.freeze does (run_frozen_optimizations on forward and the preserved methods).
static Napi::Value JitFreeze(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Module& m = UnwrapModule(env, info[0]);
  std::vector<std::string> preserved = StringsArg(env, info[1]);
  bool optimizeNumerics = info[2].ToBoolean().Value();
  Module out = torch::jit::freeze_module(m, preserved);
  std::vector<std::string> methods;
  if (out.find_method("forward")) methods.push_back("forward");
  for (const std::string& name : preserved)
    if (m.find_method(name)) methods.push_back(name);
  for (const std::string& name : methods) {
    std::shared_ptr<torch::jit::Graph> graph = out.get_method(name).graph();
    torch::jit::OptimizeFrozenGraph(graph, optimizeNumerics);
  }
  return WrapModuleHandle(env, std::move(out));
}

// jitOptimizeForInference(handle, otherMethods[]): torch._C._jit_pass_optimize_for_inference
static Napi::Value JitOptimizeForInference(const Napi::CallbackInfo& info) {
  Module& m = UnwrapModule(info.Env(), info[0]);
  torch::jit::optimize_for_inference(m, StringsArg(info.Env(), info[1]));
  return info.Env().Undefined();
}

// jitAttributes(handle) -> [name, kind][] of the module's attributes in declaration order;
// kind: 0 an attribute, 1 a parameter, 2 a buffer, 3 a submodule.
static Napi::Value JitAttributes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Module& m = UnwrapModule(env, info[0]);
  const c10::ClassTypePtr& type = m.type();
  const bool module = type->is_module();  // only a module's attributes can be parameters or buffers
  auto arr = Napi::Array::New(env);
  for (size_t i = 0; i < type->numAttributes(); ++i) {
    const c10::TypePtr& t = type->getAttribute(i);
    int kind = module && type->is_parameter(i) ? 1
               : module && type->is_buffer(i)  ? 2
               : t->castRaw<c10::ClassType>() && t->castRaw<c10::ClassType>()->is_module() ? 3
                                                                                              : 0;
    auto row = Napi::Array::New(env, 2);
    row.Set(0u, Napi::String::New(env, type->getAttributeName(i)));
    row.Set(1u, Napi::Number::New(env, kind));
    arr.Set(static_cast<uint32_t>(i), row);
  }
  return arr;
}

// jitGetAttr(handle, name) -> the attribute's value, converted by its declared type
static Napi::Value JitGetAttr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Module& m = UnwrapModule(env, info[0]);
  std::string name = StringArg(env, info[1], "attribute name");
  c10::TypePtr type = m.type()->findAttribute(name);
  if (!type) throw Napi::Error::New(env, "'" + PyClassName(m) + "' object has no attribute '" + name + "'");
  return FromIValue(env, m.attr(name), type.get(), Output::LibObjects);
}

// jitSetAttr(handle, name, value): Python's setattr on a ScriptModule's existing attribute,
// converted by the attribute's declared type.
static Napi::Value JitSetAttr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Module& m = UnwrapModule(env, info[0]);
  std::string name = StringArg(env, info[1], "attribute name");
  c10::TypePtr type = m.type()->findAttribute(name);
  if (!type) throw Napi::Error::New(env, "'" + PyClassName(m) + "' object has no attribute '" + name + "'");
  c10::IValue value;
  try {
    value = ToIValue(env, info[2], *type);
  } catch (const ConvertError&) {
    throw Napi::TypeError::New(env, "Expected a value of type '" + type->annotation_str() + "' for attribute '" + name +
                                        "' but instead found type '" + PyTypeName(env, info[2], false) + "'.");
  }
  m.setattr(name, std::move(value));
  return env.Undefined();
}

// jitDispose(handle): drops this handle's reference to the module now (calls in flight keep
// their own). Safe to call twice.
static Napi::Value JitDispose(const Napi::CallbackInfo& info) {
  ModuleHandle* h = HandleOfModule(info.Env(), info[0]);
  if (!h->disposed) {
    h->module = Module();
    h->disposed = true;
  }
  return info.Env().Undefined();
}

// ---- torch.jit.trace (torch/csrc/jit/python/python_tracer.cpp, script_init.cpp) ----------------

// A traced function's input or output, converted by the type the tracer infers for it.
static c10::IValue Traced(Napi::Env env, const Napi::Value& v) {
  return ToIValue(env, v, *InferTracedType(env, v));
}

// The torch::jit::Module that mirrors a JS module tree, holding the same tensors. spec:
// {name, training, parameters: [name, Tensor | null][], buffers: [name, Tensor | null][], children: [name, spec][]}
// registered in that order, as Python's create_script_module registers a module's attributes.
static Module TracedModuleFrom(Napi::Env env, const Napi::Object& spec, const std::shared_ptr<torch::jit::CompilationUnit>& cu) {
  Module m(c10::QualifiedName(StringArg(env, spec.Get("name"), "type name")), cu, /*shouldMangle=*/true);
  for (bool buffers : {false, true}) {
    Napi::Array rows = spec.Get(buffers ? "buffers" : "parameters").As<Napi::Array>();
    for (uint32_t i = 0; i < rows.Length(); ++i) {
      Napi::Array row = rows.Get(i).As<Napi::Array>();
      std::string name = StringArg(env, row.Get(0u), "attribute name");
      Napi::Value t = row.Get(1u);
      if (t.IsNull())
        m.register_attribute(name, c10::NoneType::get(), c10::IValue(), !buffers, buffers);
      else if (buffers)
        m.register_buffer(name, TensorOf(env, t));
      else
        m.register_parameter(name, TensorOf(env, t), /*is_buffer=*/false);
    }
  }
  m.register_attribute("training", c10::BoolType::get(), spec.Get("training").ToBoolean().Value());
  Napi::Array children = spec.Get("children").As<Napi::Array>();
  for (uint32_t i = 0; i < children.Length(); ++i) {
    Napi::Array row = children.Get(i).As<Napi::Array>();
    m.register_module(StringArg(env, row.Get(0u), "module name"), TracedModuleFrom(env, row.Get(1u).As<Napi::Object>(), cu));
  }
  return m;
}

// The tracer's warnings (Python's TracerWarning), collected on the tracing thread and emitted
// when the trace ends.
static thread_local std::vector<std::string> tracerWarnings;

static void CollectTracerWarning(const std::string& msg) {
  tracerWarnings.push_back(msg);
}

static void EmitTracerWarnings(Napi::Env env) {
  std::vector<std::string> pending;
  pending.swap(tracerWarnings);
  Napi::Object process = env.Global().Get("process").As<Napi::Object>();
  Napi::Value emit = process.Get("emitWarning");
  if (!emit.IsFunction()) return;
  for (const std::string& msg : pending) emit.As<Napi::Function>().Call(process, {Napi::String::New(env, msg), Napi::String::New(env, "TracerWarning")});
}

// jitTraceModule(spec) -> handle of the module that traced methods are added to
static Napi::Value JitTraceModule(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) throw Napi::TypeError::New(env, "jitTraceModule(spec)");
  return WrapModuleHandle(env, TracedModuleFrom(env, info[0].As<Napi::Object>(), std::make_shared<torch::jit::CompilationUnit>()));
}

// jitTraceMethod(handle, name, inputs[], fn, strict, forceOutplace, argumentNames[]): libtorch's
// tracer records the dispatcher calls `fn(...inputs)` makes, the module's tensors read as
// attributes of `self`, and the graph becomes the module's method `name`, as Python's
// _create_method_from_trace makes it. An exception (the JS Error from fn included) abandons the trace.
static Napi::Value JitTraceMethod(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  // Checked here: a nested trace's failure would abandon the outer one under its feet.
  if (torch::jit::tracer::isTracing()) throw Napi::Error::New(env, "Tracing can't be nested");
  Module& self = UnwrapModule(env, info[0]);
  std::string name = StringArg(env, info[1], "method name");
  if (!info[2].IsArray() || !info[3].IsFunction()) throw Napi::TypeError::New(env, "jitTraceMethod(handle, name, inputs, fn, ...)");
  Napi::Array jsInputs = info[2].As<Napi::Array>();
  torch::jit::Stack inputs;
  for (uint32_t i = 0; i < jsInputs.Length(); ++i) inputs.push_back(Traced(env, jsInputs.Get(i)));
  Napi::Function fn = info[3].As<Napi::Function>();
  bool strict = info[4].ToBoolean().Value();
  bool forceOutplace = info[5].ToBoolean().Value();
  std::vector<std::string> argumentNames = StringsArg(env, info[6]);
  auto traced = [&](torch::jit::Stack in) -> torch::jit::Stack {
    std::vector<napi_value> args;
    for (c10::IValue& v : in) args.push_back(FromIValue(env, std::move(v), nullptr, Output::LibObjects));
    Napi::Value out = fn.Call(args);
    TORCH_CHECK(!out.IsNull() && !out.IsUndefined(),
                "The traced function didn't return any values! Side-effects are not captured in traces, so it would be a no-op.");
    return {Traced(env, out)};
  };
  std::shared_ptr<torch::jit::Graph> graph;
  try {
    graph = torch::jit::tracer::trace(
                std::move(inputs), traced, [](const torch::autograd::Variable&) { return std::string(); }, strict, forceOutplace, &self,
                argumentNames)
                .first->graph;
  } catch (...) {
    EmitTracerWarnings(env);
    throw;
  }
  EmitTracerWarnings(env);
  self.type()->addMethod(self._ivalue()->compilation_unit()->create_function(c10::QualifiedName(*self.type()->name(), name), graph));
  return env.Undefined();
}

// jitTracePushScope(name) / jitTracePopScope(): a submodule's forward while tracing, as Python's
// Module._slow_forward marks it (TracingState.push_scope); the scopes become the submodules' methods.
static Napi::Value JitTracePushScope(const Napi::CallbackInfo& info) {
  std::string name = StringArg(info.Env(), info[0], "scope name");
  if (const auto& state = torch::jit::tracer::getTracingState()) state->graph->push_scope(name);
  return info.Env().Undefined();
}

static Napi::Value JitTracePopScope(const Napi::CallbackInfo& info) {
  if (const auto& state = torch::jit::tracer::getTracingState()) state->graph->pop_scope();
  return info.Env().Undefined();
}

// jitCanonicalGraph(handle, method) -> [text, nodes]: the method's graph canonicalised, inlined
// and without shapes, what Python's _check_trace compares between two traces; nodes: per
// top-level node [kind, str(node), the value of a tensor constant or null].
static Napi::Value JitCanonicalGraph(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Module& m = UnwrapModule(env, info[0]);
  std::shared_ptr<torch::jit::Graph> g = torch::jit::Canonicalize(m.get_method(StringArg(env, info[1], "method name")).graph());
  torch::jit::Inline(*g);
  torch::jit::EraseShapeInformation(g);
  auto nodes = Napi::Array::New(env);
  uint32_t i = 0;
  for (torch::jit::Node* n : g->nodes()) {
    std::ostringstream text;
    text << *n;
    auto row = Napi::Array::New(env, 3);
    row.Set(0u, Napi::String::New(env, n->kind().toQualString()));
    row.Set(1u, Napi::String::New(env, text.str()));
    bool tensorConstant = n->kind() == c10::prim::Constant && !n->mustBeNone() && n->hasAttribute(c10::attr::value) &&
                          n->kindOf(c10::attr::value) == torch::jit::AttributeKind::t;
    row.Set(2u, tensorConstant ? Wrap(env, n->t(c10::attr::value)) : env.Null());
    nodes.Set(i++, row);
  }
  auto out = Napi::Array::New(env, 2);
  out.Set(0u, Napi::String::New(env, g->toString()));
  out.Set(1u, nodes);
  return out;
}

// jitNondeterministicNodes(handle, method) -> str(node) of the graph's nondeterministic nodes
// (its own, not its callees'), for _check_trace's warning.
static Napi::Value JitNondeterministicNodes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Module& m = UnwrapModule(env, info[0]);
  std::shared_ptr<torch::jit::Graph> g = m.get_method(StringArg(env, info[1], "method name")).graph();
  auto arr = Napi::Array::New(env);
  uint32_t i = 0;
  for (torch::jit::Node* n : g->nodes()) {
    if (!n->isNondeterministic()) continue;
    std::ostringstream s;
    s << *n;
    arr.Set(i++, Napi::String::New(env, s.str()));
  }
  return arr;
}

// jitIsTracing(): torch.jit.is_tracing()
static Napi::Value JitIsTracing(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), torch::jit::tracer::isTracing());
}

void InitJit(Napi::Env env, Napi::Object exports) {
  TN_EXPORT(exports, "jitDispose", JitDispose);
  TN_EXPORT(exports, "jitAttributes", JitAttributes);
  TN_EXPORT(exports, "jitGetAttr", JitGetAttr);
  TN_EXPORT(exports, "jitSetAttr", JitSetAttr);
  TN_EXPORT(exports, "jitInit", JitInit);
  TN_EXPORT(exports, "jitLoad", JitLoad);
  TN_EXPORT(exports, "jitLoadAsync", JitLoadAsync);
  TN_EXPORT(exports, "jitRun", JitRun);
  TN_EXPORT(exports, "jitRunAsync", JitRunAsync);
  TN_EXPORT(exports, "jitHasMethod", JitHasMethod);
  TN_EXPORT(exports, "jitHasAttr", JitHasAttr);
  TN_EXPORT(exports, "jitMethodNames", JitMethodNames);
  TN_EXPORT(exports, "jitTypeName", JitTypeName);
  TN_EXPORT(exports, "jitDefaultRepr", JitDefaultRepr);
  TN_EXPORT(exports, "jitTensors", JitTensors);
  TN_EXPORT(exports, "jitChildren", JitChildren);
  TN_EXPORT(exports, "jitSame", JitSame);
  TN_EXPORT(exports, "jitTrain", JitTrain);
  TN_EXPORT(exports, "jitTraining", JitTraining);
  TN_EXPORT(exports, "jitTo", JitTo);
  TN_EXPORT(exports, "jitCode", JitCode);
  TN_EXPORT(exports, "jitGraph", JitGraph);
  TN_EXPORT(exports, "jitSave", JitSave);
  TN_EXPORT(exports, "jitFreeze", JitFreeze);
  TN_EXPORT(exports, "jitOptimizeForInference", JitOptimizeForInference);
  TN_EXPORT(exports, "jitTraceModule", JitTraceModule);
  TN_EXPORT(exports, "jitTraceMethod", JitTraceMethod);
  TN_EXPORT(exports, "jitTracePushScope", JitTracePushScope);
  TN_EXPORT(exports, "jitTracePopScope", JitTracePopScope);
  TN_EXPORT(exports, "jitIsTracing", JitIsTracing);
  TN_EXPORT(exports, "jitCanonicalGraph", JitCanonicalGraph);
  TN_EXPORT(exports, "jitNondeterministicNodes", JitNondeterministicNodes);
  torch::jit::tracer::setWarn(CollectTracerWarning);
}

}  // namespace torchnode
