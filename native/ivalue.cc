// The one JS <-> IValue converter of the native layer, driven by c10::Type as
// torch/csrc/jit/python/pybind_utils.h's toIValue/toPyObject are: callOp's arguments and results,
// TorchScript methods' arguments and results and attributes, the tracer's inputs and outputs, AOTI.
//
// What a JS value means, for every caller (lib/ lowers values for callOp, TorchScript gets lib's
// objects; both forms are accepted everywhere):
//   Tensor       a tensor handle (External), or lib's Tensor (its `_h`)
//   int          an integral number with |x| <= 2^53 - 1, or a bigint (README "Numbers")
//   float        any other number, lib's PyFloat, or a 1-element Float64Array (a lowered PyFloat)
//   complex      lib's Complex, or a 2-element Float64Array (a lowered complex)
//   bool, str    a boolean, a string;  None: null or undefined
//   dtype        lib's DType, or its code (a number)
//   layout, memory_format  PyTorch's enum value (a number)
//   Device       lib's Device or a device string
//   Generator    a generator handle, or lib's Generator (its `_h`)
//   List, Tuple  an array (a tuple's of its length);  Dict: a Map, or a plain object (str or int keys)
//   class        lib's ScriptModule or ScriptObject (a TorchScript class instance) of the class
//                type, or its handle (`_h`)
// Results: Output::Handles gives handles, dtype codes and device strings (callOp and AOTI, whose
// lib/ callers wrap them); Output::LibObjects gives lib's objects through the hooks lib/jit registers
// (jitInit): Tensor, DType, Device, Generator, ScriptModule, ScriptObject. Both give dicts as
// Maps, named tuples as arrays whose elements also have names, complex Scalars as [re, im].
// callOp's policy is Python's argument parser's, switched on by ConvertOptions::argParser: a
// number where a Tensor goes becomes a wrapped-number tensor, int[N]/float[N] take one number, and
// PyTypeName names types as the parser's messages do (dispatch.cc words them).
#include <ATen/core/class_type.h>

#include "torchnode.h"

namespace torchnode {

// lib's classes (to recognise its objects) and the functions that make them, in lib's realm (jest
// runs tests in another).
struct LibHooks {
  Napi::FunctionReference Tensor, DType, Device, Generator, ScriptModule, ScriptObject, PyFloat, Complex;
  Napi::FunctionReference wrapTensor, wrapDtype, wrapDevice, wrapGenerator, wrapModule, wrapObject, repr, isOptions, isMap, newMap;
};

void SetLibHooks(Napi::Env env, Napi::Value hooks) {
  if (!hooks.IsObject()) throw Napi::TypeError::New(env, "jitInit(hooks) expects an object");
  Napi::Object o = hooks.As<Napi::Object>();
  auto fn = [&](const char* key) {
    Napi::Value v = o.Get(key);
    if (!v.IsFunction()) throw Napi::TypeError::New(env, std::string("jitInit(): '") + key + "' must be a function");
    return Napi::Persistent(v.As<Napi::Function>());
  };
  auto hk = std::make_shared<LibHooks>();
  hk->Tensor = fn("Tensor");
  hk->DType = fn("DType");
  hk->Device = fn("Device");
  hk->Generator = fn("Generator");
  hk->ScriptModule = fn("ScriptModule");
  hk->ScriptObject = fn("ScriptObject");
  hk->PyFloat = fn("PyFloat");
  hk->Complex = fn("Complex");
  hk->wrapTensor = fn("wrapTensor");
  hk->wrapDtype = fn("wrapDtype");
  hk->wrapDevice = fn("wrapDevice");
  hk->wrapGenerator = fn("wrapGenerator");
  hk->wrapModule = fn("wrapModule");
  hk->wrapObject = fn("wrapObject");
  hk->repr = fn("repr");
  hk->isOptions = fn("isOptions");
  hk->isMap = fn("isMap");
  hk->newMap = fn("newMap");
  State(env).hooks = std::move(hk);
}

static LibHooks& Hooks(napi_env env) {
  LibHooks* hk = State(env).hooks.get();
  if (hk == nullptr) throw Napi::Error::New(env, "torch.jit is not initialised (lib/jit calls jitInit)");
  return *hk;
}

// Without hooks (lib/jit not loaded yet) no object is one of lib's.
static bool InstanceOf(napi_env env, napi_value v, Napi::FunctionReference LibHooks::*cls) {
  LibHooks* hk = State(env).hooks.get();
  if (hk == nullptr) return false;
  bool is = false;
  if (napi_instanceof(env, v, (hk->*cls).Value(), &is) != napi_ok) throw Napi::Error::New(env);  // a throwing Symbol.hasInstance
  return is;
}

static bool HookSays(napi_env env, napi_value v, Napi::FunctionReference LibHooks::*fn) {
  napi_valuetype vt;
  napi_typeof(env, v, &vt);
  LibHooks* hk = State(env).hooks.get();
  return vt == napi_object && hk != nullptr && (hk->*fn).Call({v}).ToBoolean().Value();
}

bool IsPlainObject(napi_env env, napi_value v) { return HookSays(env, v, &LibHooks::isOptions); }
static bool IsMap(napi_env env, napi_value v) { return HookSays(env, v, &LibHooks::isMap); }

std::string PyRepr(napi_env env, napi_value v) { return Hooks(env).repr.Call({v}).ToString().Utf8Value(); }

// A failed N-API call (a getter threw, say) leaves a JS exception pending: rethrow it as is.
static inline void Check(napi_env env, napi_status status) {
  if (status != napi_ok) throw Napi::Error::New(env);
}

static napi_value Property(napi_env env, napi_value obj, const char* name) {
  napi_value out = nullptr;
  Check(env, napi_get_named_property(env, obj, name, &out));
  return out;
}

static double DoubleOf(napi_env env, napi_value v) {
  double d = 0;
  napi_get_value_double(env, v, &d);
  return d;
}

static constexpr double kMaxSafeInteger = 9007199254740991.0;
static bool IsPyInt(double d) { return std::trunc(d) == d && std::fabs(d) <= kMaxSafeInteger; }

// A Float64Array of `n` elements (a lowered Python float, n = 1, or complex, n = 2).
static bool Float64Box(napi_env env, napi_value v, size_t n, double* out) {
  bool typed = false;
  napi_is_typedarray(env, v, &typed);
  if (!typed) return false;
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr);
  if (type != napi_float64_array || length != n) return false;
  std::memcpy(out, data, n * sizeof(double));
  return true;
}

// Python's name of a JS value's type.
std::string PyTypeName(napi_env env, napi_value v, bool argParser) {
  napi_valuetype vt;
  napi_typeof(env, v, &vt);
  switch (vt) {
    case napi_undefined: return argParser ? "undefined" : "NoneType";
    case napi_null: return "NoneType";
    case napi_boolean: return "bool";
    case napi_number: return IsPyInt(DoubleOf(env, v)) ? "int" : "float";
    case napi_bigint: return "int";
    case napi_string: return "str";
    case napi_function: return "function";
    case napi_external:
      if (HandleOf(env, v) != nullptr) return "Tensor";
      return IsGenerator(Napi::Env(env), Napi::Value(env, v)) ? "torch._C.Generator" : "external";
    default: break;
  }
  if (InstanceOf(env, v, &LibHooks::Tensor)) return "Tensor";
  if (InstanceOf(env, v, &LibHooks::DType)) return argParser ? "torch.dtype" : "dtype";
  if (InstanceOf(env, v, &LibHooks::Device)) return argParser ? "torch.device" : "device";
  if (InstanceOf(env, v, &LibHooks::Generator)) return argParser ? "torch._C.Generator" : "Generator";
  if (InstanceOf(env, v, &LibHooks::ScriptModule)) return "RecursiveScriptModule";
  if (InstanceOf(env, v, &LibHooks::ScriptObject)) {  // Python's instance of the scripted class
    c10::intrusive_ptr<c10::ivalue::Object> obj = ModuleObjectOf(env, Property(env, v, "_h"));
    return obj->type()->name()->name();
  }
  bool array = false;
  napi_is_array(env, v, &array);
  if (array) return "list";
  double box[2];
  if (InstanceOf(env, v, &LibHooks::PyFloat) || Float64Box(env, v, 1, box)) return "float";
  if (Float64Box(env, v, 2, box)) return "complex";
  if (IsMap(env, v) || IsPlainObject(env, v)) return "dict";
  return "object";
}

std::string ArgParserTypeName(const c10::Type& type) {
  const c10::Type* t = &type;
  if (t->kind() == c10::TypeKind::OptionalType) t = t->castRaw<c10::OptionalType>()->getElementType().get();
  switch (t->kind()) {
    case c10::TypeKind::TensorType: return "Tensor";
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType: return "int";
    case c10::TypeKind::FloatType:
    case c10::TypeKind::SymFloatType: return "float";
    case c10::TypeKind::BoolType:
    case c10::TypeKind::SymBoolType: return "bool";
    case c10::TypeKind::NumberType: return "Number";
    case c10::TypeKind::ScalarTypeType: return "torch.dtype";
    case c10::TypeKind::LayoutType: return "torch.layout";
    case c10::TypeKind::MemoryFormatType: return "torch.memory_format";
    case c10::TypeKind::DeviceObjType: return "torch.device";
    case c10::TypeKind::StringType: return "str";
    case c10::TypeKind::GeneratorType: return "torch.Generator";
    case c10::TypeKind::ListType: {
      const c10::Type& e = *t->castRaw<c10::ListType>()->getElementType();
      if (e.kind() == c10::TypeKind::OptionalType && e.castRaw<c10::OptionalType>()->getElementType()->kind() == c10::TypeKind::TensorType)
        return "tuple of Tensors or None";
      std::string name = ArgParserTypeName(e);
      if (name == "Number") return "tuple of Scalars";
      return "tuple of " + name + "s";
    }
    default: return t->annotation_str();
  }
}

// ---- JS -> IValue ------------------------------------------------------------------------------

TensorHandle* TensorHandleOf(napi_env env, napi_value v, napi_valuetype vt) {
  if (vt == napi_external) return HandleOf(env, v);
  if (vt == napi_object && InstanceOf(env, v, &LibHooks::Tensor)) return HandleOf(env, Property(env, v, "_h"));
  return nullptr;
}

// The tensor of a handle or of lib's Tensor; Mismatch for anything else.
static const at::Tensor& TensorOf(napi_env env, napi_value v, napi_valuetype vt) {
  TensorHandle* h = TensorHandleOf(env, v, vt);
  if (h == nullptr) throw Mismatch();
  if (h->disposed) throw Napi::Error::New(env, "Tensor has been disposed");
  return h->tensor;
}

static int64_t IntOf(napi_env env, napi_value v, napi_valuetype vt) {
  if (vt == napi_number) {
    double d = DoubleOf(env, v);
    if (!IsPyInt(d)) throw Mismatch();
    return static_cast<int64_t>(d);
  }
  if (vt == napi_bigint) {
    bool lossless = false;
    int64_t i = 0;
    napi_get_value_bigint_int64(env, v, &i, &lossless);
    if (!lossless) throw Overflow{"Overflow when unpacking long long"};
    return i;
  }
  throw Mismatch();
}

// An int argument: TorchScript compiles a torch.dtype annotation to int, and Python passes dtypes
// to it; the argument parser takes only ints ("must be int, not torch.dtype").
static int64_t IntArgOf(napi_env env, napi_value v, napi_valuetype vt, const ConvertOptions& o) {
  if (!o.argParser && vt == napi_object && InstanceOf(env, v, &LibHooks::DType)) return IntOf(env, Property(env, v, "code"), napi_number);
  return IntOf(env, v, vt);
}

static double FloatOf(napi_env env, napi_value v, napi_valuetype vt) {
  if (vt == napi_number) return DoubleOf(env, v);
  if (vt == napi_bigint) return static_cast<double>(IntOf(env, v, vt));
  if (vt == napi_object) {
    double boxed;
    if (Float64Box(env, v, 1, &boxed)) return boxed;
    if (InstanceOf(env, v, &LibHooks::PyFloat)) return DoubleOf(env, Property(env, v, "value"));
  }
  throw Mismatch();
}

// Python numbers: bool, int, float or complex. An int beyond int64 becomes a uint64 Scalar up to
// 2^64-1, as PyTorch's does.
static c10::Scalar ScalarOf(napi_env env, napi_value v, napi_valuetype vt) {
  if (vt == napi_number) {
    double d = DoubleOf(env, v);
    return IsPyInt(d) ? c10::Scalar(static_cast<int64_t>(d)) : c10::Scalar(d);
  }
  if (vt == napi_boolean) {
    bool b = false;
    napi_get_value_bool(env, v, &b);
    return c10::Scalar(b);
  }
  if (vt == napi_bigint) {
    bool lossless = false;
    int64_t i = 0;
    napi_get_value_bigint_int64(env, v, &i, &lossless);
    if (lossless) return c10::Scalar(i);
    uint64_t u = 0;
    napi_get_value_bigint_uint64(env, v, &u, &lossless);
    if (lossless) return c10::Scalar(u);
    int sign = 0;
    uint64_t low = 0;
    size_t words = 1;  // the sign is only reported when words are read
    napi_get_value_bigint_words(env, v, &sign, &words, &low);
    throw Overflow{sign ? "can't convert negative int to unsigned" : "int too big to convert"};
  }
  if (vt == napi_object) {
    double box[2];
    if (Float64Box(env, v, 1, box)) return c10::Scalar(box[0]);
    if (Float64Box(env, v, 2, box)) return c10::Scalar(c10::complex<double>(box[0], box[1]));
    if (InstanceOf(env, v, &LibHooks::PyFloat)) return c10::Scalar(DoubleOf(env, Property(env, v, "value")));
    if (InstanceOf(env, v, &LibHooks::Complex))
      return c10::Scalar(c10::complex<double>(DoubleOf(env, Property(env, v, "real")), DoubleOf(env, Property(env, v, "imag"))));
  }
  throw Mismatch();
}

static bool BoolOf(napi_env env, napi_value v, napi_valuetype vt) {
  if (vt != napi_boolean) throw Mismatch();
  bool b = false;
  napi_get_value_bool(env, v, &b);
  return b;
}

static std::string StringOf(napi_env env, napi_value v, napi_valuetype vt) {
  if (vt != napi_string) throw Mismatch();
  return Napi::Value(env, v).As<Napi::String>().Utf8Value();
}

// A Python number where a Tensor is expected becomes a wrapped-number tensor, which takes part
// in type promotion as a scalar (as torch's argument parser does). Ints and floats reuse one made
// earlier for the same value when only this cache holds it and nothing has written it.
static at::Tensor WrappedNumber(EnvState& st, const c10::Scalar& s) {
  auto make = [&] {
    at::Tensor t = c10::scalar_to_tensor(s);
    t.unsafeGetTensorImpl()->set_wrapped_number(true);
    return t;
  };
  // Only int64 and double values are cached (bools, uint64 beyond int64 and complex are made anew).
  if (s.type() != c10::ScalarType::Long && s.type() != c10::ScalarType::Double) return make();
  bool isDouble = s.type() == c10::ScalarType::Double;
  uint64_t bits;
  if (isDouble) {
    double d = s.toDouble();
    std::memcpy(&bits, &d, sizeof bits);
  } else {
    bits = static_cast<uint64_t>(s.toLong());
  }
  EnvState::WrappedNumber& slot = st.wrappedNumbers[(bits ^ (bits >> 29) ^ (bits >> 52) ^ isDouble) & 15];
  const at::Tensor& t = slot.tensor;
  if (t.defined() && slot.isDouble == isDouble && slot.bits == bits && t.use_count() == 1 && t.storage().use_count() == 1 &&
      t._version() == 0 && !t.requires_grad())
    return t;
  slot = {isDouble, bits, make()};
  return slot.tensor;
}

// Each element by `convert(element, its typeof)`; a Mismatch names the first offending element.
template <typename T, typename F>
static c10::List<T> ListOf(napi_env env, napi_value v, napi_valuetype vt, const ConvertOptions& o, c10::List<T> out, F convert) {
  bool array = false;
  if (vt == napi_object) napi_is_array(env, v, &array);
  if (!array) throw Mismatch();
  uint32_t n = 0;
  Check(env, napi_get_array_length(env, v, &n));
  out.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    napi_value e;
    Check(env, napi_get_element(env, v, i, &e));
    napi_valuetype et;
    napi_typeof(env, e, &et);
    try {
      out.push_back(convert(e, et));
    } catch (Mismatch& m) {
      if (m.element < 0) {
        m.element = i;
        m.elementType = PyTypeName(env, e, o.argParser);
      }
      throw;
    }
  }
  return out;
}

static c10::IValue ListToIValue(napi_env env, napi_value v, napi_valuetype vt, const c10::ListType& type, const ConvertOptions& o) {
  const c10::TypePtr& elem = type.getElementType();
  ConvertOptions inner{o.argParser, 0};
  switch (elem->kind()) {
    case c10::TypeKind::TensorType:  // elements are tensors: numbers are not wrapped here
      return ListOf(env, v, vt, o, c10::List<at::Tensor>(), [&](napi_value e, napi_valuetype et) { return TensorOf(env, e, et); });
    case c10::TypeKind::OptionalType:
      if (elem->castRaw<c10::OptionalType>()->getElementType()->kind() != c10::TypeKind::TensorType) break;
      return ListOf(env, v, vt, o, c10::List<std::optional<at::Tensor>>(), [&](napi_value e, napi_valuetype et) -> std::optional<at::Tensor> {
        if (et == napi_null || et == napi_undefined) return std::nullopt;
        return TensorOf(env, e, et);
      });
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType:
      if (o.fixedLength > 0 && (vt == napi_number || vt == napi_bigint))
        return c10::List<int64_t>(std::vector<int64_t>(o.fixedLength, IntOf(env, v, vt)));
      return ListOf(env, v, vt, o, c10::List<int64_t>(), [&](napi_value e, napi_valuetype et) { return IntArgOf(env, e, et, o); });
    case c10::TypeKind::FloatType:
      if (o.fixedLength > 0 && vt == napi_number) return c10::List<double>(std::vector<double>(o.fixedLength, DoubleOf(env, v)));
      return ListOf(env, v, vt, o, c10::List<double>(), [&](napi_value e, napi_valuetype et) { return FloatOf(env, e, et); });
    case c10::TypeKind::BoolType:
      return ListOf(env, v, vt, o, c10::List<bool>(), [&](napi_value e, napi_valuetype et) { return BoolOf(env, e, et); });
    default: break;
  }
  return ListOf(env, v, vt, o, c10::impl::GenericList(elem), [&](napi_value e, napi_valuetype et) { return ToIValue(env, e, et, *elem, inner); });
}

// A dict key: Python's dict keys are converted by the key type; plain-object keys are strings.
static c10::IValue KeyToIValue(napi_env env, napi_value key, const c10::Type& type, bool fromObjectKey, const ConvertOptions& o) {
  if (fromObjectKey && type.kind() == c10::TypeKind::IntType) {
    std::string s = StringOf(env, key, napi_string);
    size_t used = 0;
    int64_t i = 0;
    try {
      i = std::stoll(s, &used);
    } catch (const std::exception&) {
      throw Mismatch();
    }
    if (used != s.size()) throw Mismatch();
    return i;
  }
  napi_valuetype kt;
  napi_typeof(env, key, &kt);
  return ToIValue(env, key, kt, type, o);
}

static c10::IValue DictToIValue(napi_env env, napi_value v, const c10::DictType& type, const ConvertOptions& o) {
  const c10::TypePtr& keyType = type.getKeyType();
  const c10::TypePtr& valueType = type.getValueType();
  c10::impl::GenericDict out(keyType, valueType);
  Napi::Env e(env);
  auto put = [&](napi_value key, napi_value value, bool fromObjectKey) {
    napi_valuetype valueT;
    napi_typeof(env, value, &valueT);
    out.insert_or_assign(KeyToIValue(env, key, *keyType, fromObjectKey, o), ToIValue(env, value, valueT, *valueType, o));
  };
  if (IsMap(env, v)) {
    Napi::Array entries = e.Global().Get("Array").As<Napi::Object>().Get("from").As<Napi::Function>().Call({v}).As<Napi::Array>();
    for (uint32_t i = 0; i < entries.Length(); ++i) {
      Napi::Array kv = entries.Get(i).As<Napi::Array>();
      put(kv.Get(0u), kv.Get(1u), false);
    }
    return out;
  }
  if (!IsPlainObject(env, v)) throw Mismatch();
  c10::TypeKind keyKind = keyType->kind();
  if (keyKind != c10::TypeKind::StringType && keyKind != c10::TypeKind::IntType) throw Mismatch();
  Napi::Object obj(env, v);
  Napi::Array keys = obj.GetPropertyNames();
  for (uint32_t i = 0; i < keys.Length(); ++i) {
    Napi::Value k = keys.Get(i);
    put(k.ToString(), obj.Get(k), true);
  }
  return out;
}

c10::IValue ToIValue(napi_env env, napi_value v, const c10::Type& type, const ConvertOptions& o) {
  napi_valuetype vt;
  napi_typeof(env, v, &vt);
  return ToIValue(env, v, vt, type, o);
}

c10::IValue ToIValue(napi_env env, napi_value v, napi_valuetype vt, const c10::Type& type, const ConvertOptions& o) {
  switch (type.kind()) {
    case c10::TypeKind::TensorType: {
      if (vt == napi_external || !o.argParser) return TensorOf(env, v, vt);
      if (vt == napi_object && InstanceOf(env, v, &LibHooks::Tensor)) return TensorOf(env, v, vt);
      if (vt != napi_number && vt != napi_boolean && vt != napi_bigint && vt != napi_object) throw Mismatch();
      return WrappedNumber(State(env), ScalarOf(env, v, vt));
    }
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType:
    case c10::TypeKind::LayoutType:
    case c10::TypeKind::MemoryFormatType: return IntArgOf(env, v, vt, o);
    case c10::TypeKind::FloatType:
    case c10::TypeKind::SymFloatType: return FloatOf(env, v, vt);
    case c10::TypeKind::BoolType:
    case c10::TypeKind::SymBoolType: return BoolOf(env, v, vt);
    case c10::TypeKind::NumberType: return ScalarOf(env, v, vt);
    case c10::TypeKind::ComplexType: return ScalarOf(env, v, vt).toComplexDouble();  // any Python number
    case c10::TypeKind::StringType: return StringOf(env, v, vt);
    case c10::TypeKind::NoneType:
      if (vt != napi_null && vt != napi_undefined) throw Mismatch();
      return c10::IValue();
    case c10::TypeKind::OptionalType:
      if (vt == napi_null || vt == napi_undefined) return c10::IValue();
      return ToIValue(env, v, vt, *type.castRaw<c10::OptionalType>()->getElementType(), o);
    case c10::TypeKind::UnionType:
      for (const c10::TypePtr& t : type.castRaw<c10::UnionType>()->containedTypes()) {
        try {
          return ToIValue(env, v, vt, *t, o);
        } catch (const Mismatch&) {
        }
      }
      throw Mismatch();
    case c10::TypeKind::AnyType:
      switch (vt) {
        case napi_null:
        case napi_undefined: return c10::IValue();
        case napi_boolean: return BoolOf(env, v, vt);
        case napi_string: return StringOf(env, v, vt);
        case napi_number: {
          double d = DoubleOf(env, v);
          return IsPyInt(d) ? c10::IValue(static_cast<int64_t>(d)) : c10::IValue(d);
        }
        case napi_bigint: return IntOf(env, v, vt);
        case napi_external: return TensorOf(env, v, vt);
        default:
          if (InstanceOf(env, v, &LibHooks::Tensor)) return TensorOf(env, v, vt);
          return FloatOf(env, v, vt);
      }
    case c10::TypeKind::ScalarTypeType: {
      int64_t code = vt == napi_object && InstanceOf(env, v, &LibHooks::DType) ? IntOf(env, Property(env, v, "code"), napi_number) : IntOf(env, v, vt);
      if (code < 0 || code >= static_cast<int64_t>(at::ScalarType::NumOptions)) throw Mismatch();
      return static_cast<at::ScalarType>(code);
    }
    case c10::TypeKind::DeviceObjType:
      if (vt == napi_string) return c10::Device(StringOf(env, v, vt));  // c10 rejects malformed strings
      if (vt == napi_object && InstanceOf(env, v, &LibHooks::Device)) return c10::Device(Napi::Value(env, v).ToString().Utf8Value());
      throw Mismatch();
    case c10::TypeKind::GeneratorType: {
      Napi::Value g(env, v);
      if (vt == napi_object && InstanceOf(env, v, &LibHooks::Generator)) g = Napi::Value(env, Property(env, v, "_h"));
      if (!IsGenerator(g.Env(), g)) throw Mismatch();
      return c10::IValue(UnwrapGenerator(g.Env(), g));
    }
    case c10::TypeKind::ListType: return ListToIValue(env, v, vt, *type.castRaw<c10::ListType>(), o);
    case c10::TypeKind::TupleType: {
      const auto& tt = *type.castRaw<c10::TupleType>();
      const auto& elems = tt.elements();
      bool array = false;
      if (vt == napi_object) napi_is_array(env, v, &array);
      uint32_t n = 0;
      if (array) Check(env, napi_get_array_length(env, v, &n));
      if (!array || n != elems.size()) throw Mismatch();
      std::vector<c10::IValue> out;
      out.reserve(n);
      for (uint32_t i = 0; i < n; ++i) {
        napi_value e;
        Check(env, napi_get_element(env, v, i, &e));
        out.push_back(ToIValue(env, e, *elems[i], o));
      }
      if (tt.schema()) {
        std::shared_ptr<c10::Type> named = std::const_pointer_cast<c10::SharedType>(tt.shared_from_this());
        return c10::ivalue::Tuple::createNamed(std::move(out), c10::TypePtr(std::move(named)));
      }
      return c10::ivalue::Tuple::create(std::move(out));
    }
    case c10::TypeKind::DictType: return DictToIValue(env, v, *type.castRaw<c10::DictType>(), o);
    case c10::TypeKind::ClassType: {
      napi_value h = v;
      if (vt == napi_object && InstanceOf(env, v, &LibHooks::ScriptObject)) h = Property(env, v, "_h");  // ScriptModule's base
      c10::intrusive_ptr<c10::ivalue::Object> obj = ModuleObjectOf(env, h);
      if (!obj || !obj->type()->isSubtypeOf(type)) throw Mismatch();
      return obj;
    }
    default: throw Mismatch();
  }
}

// The type Python's tracer gives an input or output (toTypeInferredIValue): tensors, tuples
// (arrays), Dict[str, Tensor] (a Map or a plain object), numbers, strings, None; the tracer
// rejects what it cannot trace with its own messages.
c10::TypePtr InferTracedType(napi_env env, napi_value v) {
  napi_valuetype vt;
  napi_typeof(env, v, &vt);
  switch (vt) {
    case napi_null:
    case napi_undefined: return c10::NoneType::get();
    case napi_boolean: return c10::BoolType::get();
    case napi_string: return c10::StringType::get();
    case napi_bigint: return c10::IntType::get();
    case napi_number: return IsPyInt(DoubleOf(env, v)) ? c10::TypePtr(c10::IntType::get()) : c10::TypePtr(c10::FloatType::get());
    case napi_external:
      if (HandleOf(env, v) != nullptr) return c10::TensorType::get();
      break;
    case napi_object: {
      if (InstanceOf(env, v, &LibHooks::Tensor)) return c10::TensorType::get();
      bool array = false;
      napi_is_array(env, v, &array);
      if (array) {
        Napi::Array arr(env, v);
        std::vector<c10::TypePtr> elems;
        for (uint32_t i = 0; i < arr.Length(); ++i) elems.push_back(InferTracedType(env, arr.Get(i)));
        return c10::TupleType::create(std::move(elems));
      }
      double boxed;
      if (InstanceOf(env, v, &LibHooks::PyFloat) || Float64Box(env, v, 1, &boxed)) return c10::FloatType::get();
      bool map = IsMap(env, v);
      if (map || IsPlainObject(env, v)) {
        Napi::Env e(env);
        Napi::Value entriesOf = map ? Napi::Value(env, v)
                                    : e.Global().Get("Object").As<Napi::Object>().Get("entries").As<Napi::Function>().Call({v});
        Napi::Array entries = e.Global().Get("Array").As<Napi::Object>().Get("from").As<Napi::Function>().Call({entriesOf}).As<Napi::Array>();
        for (uint32_t i = 0; i < entries.Length(); ++i) {
          Napi::Array kv = entries.Get(i).As<Napi::Array>();
          Napi::Value key = kv.Get(0u), value = kv.Get(1u);
          if (!key.IsString() || InferTracedType(env, value)->kind() != c10::TypeKind::TensorType)
            throw Napi::TypeError::New(e, "torch.jit.trace: only Dict[str, Tensor] can be traced, got a " + PyTypeName(env, key, false) + " key with a " +
                                              PyTypeName(env, value, false) + " value");
        }
        return c10::DictType::create(c10::StringType::get(), c10::TensorType::get());
      }
      break;
    }
    default: break;
  }
  throw Napi::TypeError::New(Napi::Env(env), "torch.jit.trace: cannot trace a value of type " + PyTypeName(env, v, false));
}

// ---- IValue -> JS ------------------------------------------------------------------------------

// A Python int comes back as a Number while it is exact (|v| <= 2^53 - 1), else as a bigint.
static Napi::Value FromInt(Napi::Env env, int64_t i) {
  if (static_cast<double>(i) <= kMaxSafeInteger && static_cast<double>(i) >= -kMaxSafeInteger)
    return Napi::Number::New(env, static_cast<double>(i));
  return Napi::BigInt::New(env, i);
}

static Napi::Value FromTensor(Napi::Env env, at::Tensor t, Output out) {
  Napi::Value h = Wrap(env, std::move(t));  // null for an undefined tensor
  if (out == Output::Handles || h.IsNull()) return h;
  return Hooks(env).wrapTensor.Call({h});
}

Napi::Value FromIValue(Napi::Env env, c10::IValue v, const c10::Type* type, Output out) {
  if (type && type->kind() == c10::TypeKind::OptionalType) type = type->castRaw<c10::OptionalType>()->getElementType().get();
  if (v.isTensor()) return FromTensor(env, std::move(v).toTensor(), out);
  if (v.isNone()) return env.Null();
  if (v.isBool()) return Napi::Boolean::New(env, v.toBool());
  if (v.isUnsigned() && !v.isInt()) return Napi::BigInt::New(env, v.toUInt());  // uint64 beyond int64
  if (v.isInt()) {
    if (out == Output::LibObjects && type && type->kind() == c10::TypeKind::ScalarTypeType)
      return Hooks(env).wrapDtype.Call({Napi::Number::New(env, static_cast<double>(v.toInt()))});
    return FromInt(env, v.toInt());
  }
  if (v.isDouble()) return Napi::Number::New(env, v.toDouble());
  if (v.isSymInt()) return FromInt(env, v.toSymInt().guard_int(__FILE__, __LINE__));
  if (v.isString()) return Napi::String::New(env, v.toStringRef());
  if (v.isDevice()) {
    Napi::String d = Napi::String::New(env, v.toDevice().str());
    return out == Output::LibObjects ? Hooks(env).wrapDevice.Call({d}) : d;
  }
  if (v.isComplexDouble()) {
    c10::complex<double> c = v.toComplexDouble();
    auto pair = Napi::Array::New(env, 2);
    pair.Set(0u, Napi::Number::New(env, c.real()));
    pair.Set(1u, Napi::Number::New(env, c.imag()));
    return pair;
  }
  if (v.isTensorList()) {
    auto list = v.toTensorList();
    auto arr = Napi::Array::New(env, list.size());
    for (size_t i = 0; i < list.size(); ++i) arr.Set(i, FromTensor(env, list.get(i), out));
    return arr;
  }
  if (v.isIntList()) {
    if (!(out == Output::LibObjects && type && type->kind() == c10::TypeKind::ListType &&
          type->castRaw<c10::ListType>()->getElementType()->kind() == c10::TypeKind::ScalarTypeType)) {
      auto list = v.toIntList();
      auto arr = Napi::Array::New(env, list.size());
      for (size_t i = 0; i < list.size(); ++i) arr.Set(i, FromInt(env, list.get(i)));
      return arr;
    }
  }
  if (v.isList()) {
    const c10::Type* elem = type && type->kind() == c10::TypeKind::ListType ? type->castRaw<c10::ListType>()->getElementType().get() : nullptr;
    auto list = v.toListRef();
    auto arr = Napi::Array::New(env, list.size());
    for (size_t i = 0; i < list.size(); ++i) arr.Set(i, FromIValue(env, list[i], elem, out));
    return arr;
  }
  if (v.isTuple()) {
    const auto& tuple = v.toTupleRef();
    const c10::TupleType* tt = type && type->kind() == c10::TypeKind::TupleType ? type->castRaw<c10::TupleType>() : tuple.type().get();
    const auto& elems = tuple.elements();
    auto arr = Napi::Array::New(env, elems.size());
    const bool typed = tt && tt->elements().size() == elems.size();
    for (size_t i = 0; i < elems.size(); ++i) arr.Set(i, FromIValue(env, elems[i], typed ? tt->elements()[i].get() : nullptr, out));
    // A named tuple is an array whose elements also have names, as the generated ops return them.
    if (typed && tt->schema()) {
      const auto names = tt->names();
      for (size_t i = 0; names && i < names->size(); ++i)
        arr.DefineProperty(Napi::PropertyDescriptor::Value(std::string((*names)[i]), arr.Get(i), napi_default));
    }
    return arr;
  }
  if (v.isGenericDict()) {
    const c10::Type *keyType = nullptr, *valueType = nullptr;
    if (type && type->kind() == c10::TypeKind::DictType) {
      keyType = type->castRaw<c10::DictType>()->getKeyType().get();
      valueType = type->castRaw<c10::DictType>()->getValueType().get();
    }
    LibHooks* hk = State(env).hooks.get();
    Napi::Object map = hk ? hk->newMap.Call({}).As<Napi::Object>() : env.Global().Get("Map").As<Napi::Function>().New({});
    Napi::Function set = map.Get("set").As<Napi::Function>();
    for (const auto& e : v.toGenericDict()) set.Call(map, {FromIValue(env, e.key(), keyType, out), FromIValue(env, e.value(), valueType, out)});
    return map;
  }
  if (v.isObject()) {
    bool module = v.isModule();
    Napi::Value h = WrapModuleObject(env, std::move(v).toObject());
    if (out == Output::Handles) return h;
    return (module ? Hooks(env).wrapModule : Hooks(env).wrapObject).Call({h});
  }
  if (v.isGenerator()) {
    Napi::Value h = WrapGenerator(env, std::move(v).toGenerator());
    return out == Output::LibObjects ? Hooks(env).wrapGenerator.Call({h}) : h;
  }
  throw Napi::TypeError::New(env, "torchnode cannot return a value of type " + v.type()->repr_str() + " to JavaScript");
}

}  // namespace torchnode
