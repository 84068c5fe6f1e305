// One binding for every ATen operator: look the schema up once (lookupOp), then call it boxed
// through the c10 dispatcher (callOp), converting each JS argument by its schema type.
// Autograd, type promotion and every ATen check happen inside the dispatcher as in PyTorch.
#include <regex>

#include "torchnode.h"

namespace torchnode {

static ArgKind KindOf(const c10::TypePtr& type, bool* optional) {
  c10::TypePtr t = type;
  *optional = false;
  if (t->kind() == c10::TypeKind::OptionalType) {
    *optional = true;
    t = t->castRaw<c10::OptionalType>()->getElementType();
  }
  switch (t->kind()) {
    case c10::TypeKind::TensorType: return ArgKind::Tensor;
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType: return ArgKind::Int;
    case c10::TypeKind::FloatType:
    case c10::TypeKind::SymFloatType: return ArgKind::Float;
    case c10::TypeKind::BoolType:
    case c10::TypeKind::SymBoolType: return ArgKind::Bool;
    case c10::TypeKind::NumberType: return ArgKind::Scalar;
    case c10::TypeKind::ScalarTypeType: return ArgKind::Dtype;
    case c10::TypeKind::LayoutType: return ArgKind::Layout;
    case c10::TypeKind::MemoryFormatType: return ArgKind::MemoryFormat;
    case c10::TypeKind::DeviceObjType: return ArgKind::Device;
    case c10::TypeKind::StringType: return ArgKind::String;
    case c10::TypeKind::GeneratorType: return ArgKind::Generator;
    case c10::TypeKind::ListType: {
      const c10::TypePtr& elem = t->castRaw<c10::ListType>()->getElementType();
      bool elemOptional = false;
      ArgKind e = KindOf(elem, &elemOptional);
      if (e == ArgKind::Tensor) return elemOptional ? ArgKind::OptTensorList : ArgKind::TensorList;
      if (elemOptional) return ArgKind::Unsupported;
      if (e == ArgKind::Int) return ArgKind::IntList;
      if (e == ArgKind::Float) return ArgKind::FloatList;
      if (e == ArgKind::Bool) return ArgKind::BoolList;
      if (e == ArgKind::Scalar) return ArgKind::ScalarList;
      return ArgKind::Unsupported;
    }
    default: return ArgKind::Unsupported;
  }
}

static const char* KindName(ArgKind k) {
  switch (k) {
    case ArgKind::Tensor: return "Tensor";
    case ArgKind::TensorList: return "tuple of Tensors";
    case ArgKind::OptTensorList: return "tuple of Tensors or None";
    case ArgKind::Int: return "int";
    case ArgKind::IntList: return "tuple of ints";
    case ArgKind::Float: return "float";
    case ArgKind::FloatList: return "tuple of floats";
    case ArgKind::Bool: return "bool";
    case ArgKind::BoolList: return "tuple of bools";
    case ArgKind::Scalar: return "Number";
    case ArgKind::ScalarList: return "tuple of Scalars";
    case ArgKind::Dtype: return "torch.dtype";
    case ArgKind::Layout: return "torch.layout";
    case ArgKind::MemoryFormat: return "torch.memory_format";
    case ArgKind::Device: return "torch.device";
    case ArgKind::String: return "str";
    case ArgKind::Generator: return "torch.Generator";
    default: return "an unsupported type";
  }
}

// The JS value's type in Python's words, for PyTorch-style messages.
static std::string JsTypeName(Napi::Env env, const Napi::Value& v) {
  switch (v.Type()) {
    case napi_undefined: return "undefined";
    case napi_null: return "NoneType";
    case napi_boolean: return "bool";
    case napi_number: {
      double d = v.As<Napi::Number>().DoubleValue();
      return std::isfinite(d) && std::trunc(d) == d ? "int" : "float";
    }
    case napi_bigint: return "int";
    case napi_string: return "str";
    case napi_external: return IsHandle(env, v) ? "Tensor" : IsGenerator(env, v) ? "torch._C.Generator" : "external";
    default: return v.IsArray() ? "list" : v.IsFunction() ? "function" : "object";
  }
}

// Thrown by converters; the caller builds the message. For a list, the offending element.
struct ArgError {
  int64_t element = -1;
  std::string elementType;
};

// A Python int that does not fit the C++ argument: Python's ValueError/OverflowError texts,
// which reach JS as RangeErrors.
struct ArgOverflow {
  std::string message;
};

// JS numbers follow one rule (README "Numbers"): an integral number within the safe-integer
// range is a Python int; every other number is a Python float; a bigint is a Python int of any
// size. lib/ passes a Python float whose value is integral (torch.pyFloat) as a 1-element
// Float64Array, and a Python complex as a 2-element one.
static constexpr double kMaxSafeInteger = 9007199254740991.0;
static bool IsPyInt(double d) { return std::trunc(d) == d && std::fabs(d) <= kMaxSafeInteger; }

static bool IsPyFloatBox(const Napi::Value& v, double* out) {
  if (!v.IsTypedArray()) return false;
  auto ta = v.As<Napi::TypedArray>();
  if (ta.TypedArrayType() != napi_float64_array || ta.ElementLength() != 1) return false;
  *out = v.As<Napi::Float64Array>()[0];
  return true;
}

static bool IsPyComplexBox(const Napi::Value& v, c10::complex<double>* out) {
  if (!v.IsTypedArray()) return false;
  auto ta = v.As<Napi::TypedArray>();
  if (ta.TypedArrayType() != napi_float64_array || ta.ElementLength() != 2) return false;
  auto f = v.As<Napi::Float64Array>();
  *out = c10::complex<double>(f[0], f[1]);
  return true;
}

static int64_t ToInt(const Napi::Value& v) {
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (!IsPyInt(d)) throw ArgError();
    return static_cast<int64_t>(d);
  }
  if (v.IsBigInt()) {
    bool lossless = false;
    int64_t i = v.As<Napi::BigInt>().Int64Value(&lossless);
    if (!lossless) throw ArgOverflow{"Overflow when unpacking long long"};
    return i;
  }
  throw ArgError();
}

static double ToFloat(const Napi::Value& v) {
  if (v.IsNumber()) return v.As<Napi::Number>().DoubleValue();
  double boxed;
  if (IsPyFloatBox(v, &boxed)) return boxed;
  if (v.IsBigInt()) {
    bool lossless = false;
    double d = static_cast<double>(v.As<Napi::BigInt>().Int64Value(&lossless));
    if (!lossless) throw ArgOverflow{"Overflow when unpacking long long"};
    return d;
  }
  throw ArgError();
}

static bool ToBool(const Napi::Value& v) {
  if (!v.IsBoolean()) throw ArgError();
  return v.As<Napi::Boolean>().Value();
}

// Python numbers: bool, int or float. An int beyond int64 becomes a uint64 Scalar up to 2^64-1,
// as PyTorch's does.
static c10::Scalar ToScalar(const Napi::Value& v) {
  napi_valuetype type = v.Type();
  if (type == napi_number) {
    double d = v.As<Napi::Number>().DoubleValue();
    return IsPyInt(d) ? c10::Scalar(static_cast<int64_t>(d)) : c10::Scalar(d);
  }
  if (type == napi_boolean) return c10::Scalar(v.As<Napi::Boolean>().Value());
  if (type == napi_bigint) {
    bool lossless = false;
    int64_t i = v.As<Napi::BigInt>().Int64Value(&lossless);
    if (lossless) return c10::Scalar(i);
    uint64_t u = v.As<Napi::BigInt>().Uint64Value(&lossless);
    if (lossless) return c10::Scalar(u);
    int sign = 0;
    uint64_t low = 0;
    size_t words = 1;  // the sign is only reported when words are read
    napi_get_value_bigint_words(v.Env(), v, &sign, &words, &low);
    throw ArgOverflow{sign ? "can't convert negative int to unsigned" : "int too big to convert"};
  }
  double boxed;
  if (IsPyFloatBox(v, &boxed)) return c10::Scalar(boxed);
  c10::complex<double> z;
  if (IsPyComplexBox(v, &z)) return c10::Scalar(z);
  throw ArgError();
}

template <typename T, typename F>
static c10::List<T> ToList(const Napi::Value& v, F convert) {
  if (!v.IsArray()) throw ArgError();
  auto arr = v.As<Napi::Array>();
  c10::List<T> out;
  uint32_t n = arr.Length();
  out.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    Napi::Value e = arr.Get(i);
    try {
      out.push_back(convert(e));
    } catch (ArgError& err) {
      err.element = i;
      err.elementType = JsTypeName(e.Env(), e);
      throw;
    }
  }
  return out;
}

// The tensor behind a handle argument; ArgError for anything else.
static const at::Tensor& TensorArg(Napi::Env env, napi_value v) {
  TensorHandle* h = HandleOf(env, v);
  if (h == nullptr) throw ArgError();
  if (h->disposed) throw Napi::Error::New(env, "Tensor has been disposed");
  return h->tensor;
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

// `type`: v's napi_typeof, which the caller has already asked for.
static c10::IValue ToIValue(Napi::Env env, const Napi::Value& v, napi_valuetype type, const ArgSpec& spec) {
  if (type == napi_null && spec.optional) return c10::IValue();
  switch (spec.kind) {
    case ArgKind::Tensor: {
      if (type == napi_external) return TensorArg(env, v);
      if (type != napi_number && type != napi_boolean && type != napi_bigint && !v.IsTypedArray()) throw ArgError();
      return WrappedNumber(State(env), ToScalar(v));
    }
    case ArgKind::TensorList:
      return ToList<at::Tensor>(v, [&](const Napi::Value& e) -> at::Tensor { return TensorArg(env, e); });
    case ArgKind::OptTensorList:
      return ToList<std::optional<at::Tensor>>(v, [&](const Napi::Value& e) -> std::optional<at::Tensor> {
        if (HandleOf(env, e) == nullptr && (e.IsNull() || e.IsUndefined())) return std::nullopt;
        return TensorArg(env, e);
      });
    case ArgKind::Int: return ToInt(v);
    case ArgKind::IntList:
      if (spec.fixedLength > 0 && (v.IsNumber() || v.IsBigInt()))
        return c10::List<int64_t>(std::vector<int64_t>(spec.fixedLength, ToInt(v)));
      return ToList<int64_t>(v, ToInt);
    case ArgKind::Float: return ToFloat(v);
    case ArgKind::FloatList:
      if (spec.fixedLength > 0 && v.IsNumber())
        return c10::List<double>(std::vector<double>(spec.fixedLength, ToFloat(v)));
      return ToList<double>(v, ToFloat);
    case ArgKind::Bool: return ToBool(v);
    case ArgKind::BoolList: return ToList<bool>(v, ToBool);
    case ArgKind::Scalar: return ToScalar(v);
    case ArgKind::ScalarList: {  // a list of Python numbers: a generic list of Number IValues
      if (!v.IsArray()) throw ArgError();
      auto arr = v.As<Napi::Array>();
      c10::impl::GenericList out(c10::NumberType::get());
      for (uint32_t i = 0; i < arr.Length(); ++i) {
        Napi::Value e = arr.Get(i);
        try {
          out.push_back(c10::IValue(ToScalar(e)));
        } catch (ArgError& err) {
          err.element = i;
          err.elementType = JsTypeName(env, e);
          throw;
        }
      }
      return out;
    }
    case ArgKind::Dtype: {
      int64_t code = ToInt(v);
      if (code < 0 || code >= static_cast<int64_t>(at::ScalarType::NumOptions)) throw ArgError();
      return static_cast<at::ScalarType>(code);
    }
    case ArgKind::Layout:
    case ArgKind::MemoryFormat: return ToInt(v);  // PyTorch's enum values, from lib/
    case ArgKind::Device:
      if (!v.IsString()) throw ArgError();
      return c10::Device(v.As<Napi::String>().Utf8Value());  // c10 rejects malformed strings
    case ArgKind::String:
      if (!v.IsString()) throw ArgError();
      return v.As<Napi::String>().Utf8Value();
    case ArgKind::Generator:
      if (!IsGenerator(env, v)) throw ArgError();
      return c10::IValue(UnwrapGenerator(env, v));
    case ArgKind::Unsupported:
      break;
  }
  throw ArgError();
}

// A Python int comes back as a Number while it is exact (|v| <= 2^53 - 1), else as a bigint.
static Napi::Value FromInt(Napi::Env env, int64_t i) {
  if (static_cast<double>(i) <= kMaxSafeInteger && static_cast<double>(i) >= -kMaxSafeInteger)
    return Napi::Number::New(env, static_cast<double>(i));
  return Napi::BigInt::New(env, i);
}

static Napi::Value FromIValue(Napi::Env env, c10::IValue& v) {
  if (v.isTensor()) return Wrap(env, std::move(v).toTensor());
  if (v.isNone()) return env.Null();
  if (v.isBool()) return Napi::Boolean::New(env, v.toBool());
  if (v.isUnsigned() && !v.isInt()) return Napi::BigInt::New(env, v.toUInt());  // uint64 beyond int64
  if (v.isInt()) return FromInt(env, v.toInt());
  if (v.isDouble()) return Napi::Number::New(env, v.toDouble());
  if (v.isSymInt()) return FromInt(env, v.toSymInt().guard_int(__FILE__, __LINE__));
  if (v.isTensorList()) {
    auto list = v.toTensorList();
    auto arr = Napi::Array::New(env, list.size());
    for (size_t i = 0; i < list.size(); ++i) arr.Set(i, Wrap(env, list.get(i)));
    return arr;
  }
  if (v.isIntList()) {
    auto list = v.toIntList();
    auto arr = Napi::Array::New(env, list.size());
    for (size_t i = 0; i < list.size(); ++i) arr.Set(i, FromInt(env, list.get(i)));
    return arr;
  }
  if (v.isString()) return Napi::String::New(env, v.toStringRef());
  if (v.isScalar()) {
    c10::Scalar s = v.toScalar();
    if (s.isBoolean()) return Napi::Boolean::New(env, s.toBool());
    if (s.type() == at::kUInt64) return Napi::BigInt::New(env, s.toUInt64());
    if (s.isIntegral(false)) return FromInt(env, s.toLong());
    if (s.isComplex()) {
      c10::complex<double> c = s.toComplexDouble();
      auto pair = Napi::Array::New(env, 2);
      pair.Set(0u, Napi::Number::New(env, c.real()));
      pair.Set(1u, Napi::Number::New(env, c.imag()));
      return pair;
    }
    return Napi::Number::New(env, s.toDouble());
  }
  if (v.isList()) {  // lists of other element types (bool[], float[], Tensor?[]...)
    auto list = v.toListRef();
    auto arr = Napi::Array::New(env, list.size());
    for (size_t i = 0; i < list.size(); ++i) {
      c10::IValue e = list[i];
      arr.Set(i, FromIValue(env, e));
    }
    return arr;
  }
  if (v.isTuple()) {
    const auto& elems = v.toTupleRef().elements();
    auto arr = Napi::Array::New(env, elems.size());
    for (size_t i = 0; i < elems.size(); ++i) {
      c10::IValue e = elems[i];
      arr.Set(i, FromIValue(env, e));
    }
    return arr;
  }
  throw Napi::Error::New(env, "torchnode cannot return a value of type " + v.tagKind());
}

// lookupOp(name: string, overload: string) -> id
static Napi::Value LookupOp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString() || !info[1].IsString()) throw Napi::TypeError::New(env, "lookupOp(name, overload) expects strings");
  std::string name = info[0].As<Napi::String>();
  std::string overload = info[1].As<Napi::String>();
  auto handle = c10::Dispatcher::singleton().findSchema({name, overload});
  if (!handle) throw Napi::Error::New(env, "unknown operator " + name + (overload.empty() ? "" : "." + overload));
  auto entry = std::make_unique<OpEntry>(OpEntry{*handle, name.substr(name.find("::") + 2), {}, {}});
  const c10::FunctionSchema& schema = handle->schema();
  for (const c10::Argument& a : schema.arguments()) {
    bool optional = false;
    ArgKind kind = KindOf(a.real_type(), &optional);
    entry->args.push_back({a.name(), kind, optional, a.N().value_or(0), a.default_value()});
  }
  for (const c10::Argument& r : schema.returns())
    entry->returnAliasesInput.push_back(r.alias_info() != nullptr && r.alias_info()->isWrite());
  EnvState& st = State(env);
  st.ops.push_back(std::move(entry));
  return Napi::Number::New(env, static_cast<double>(st.ops.size() - 1));
}

// opArgNames(id) -> the names of the operator's arguments, in schema order.
static Napi::Value OpArgNames(const Napi::CallbackInfo& info) {
  EnvState& st = State(info.Env());
  uint32_t id = info[0].IsNumber() ? info[0].As<Napi::Number>().Uint32Value() : UINT32_MAX;
  if (id >= st.ops.size()) throw Napi::RangeError::New(info.Env(), "no such operator id");
  const auto& args = st.ops[id]->args;
  auto arr = Napi::Array::New(info.Env(), args.size());
  for (size_t i = 0; i < args.size(); ++i) arr.Set(i, Napi::String::New(info.Env(), args[i].name));
  return arr;
}

// opSchema(id) -> the operator's schema string, as PyTorch prints it.
static Napi::Value OpSchema(const Napi::CallbackInfo& info) {
  EnvState& st = State(info.Env());
  uint32_t id = info[0].IsNumber() ? info[0].As<Napi::Number>().Uint32Value() : UINT32_MAX;
  if (id >= st.ops.size()) throw Napi::RangeError::New(info.Env(), "no such operator id");
  std::ostringstream out;
  out << st.ops[id]->handle.schema();
  return Napi::String::New(info.Env(), out.str());
}

// callOp(id, ...args): arguments in schema order; `undefined` (or a missing argument) takes the
// schema's default. Returns one value, an array for several returns, or undefined when the only
// return is the argument written in place (the JS caller returns its own object).
static Napi::Value CallOp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  EnvState& st = State(env);
  double rawId = -1;
  napi_get_value_double(env, info[0], &rawId);  // leaves -1 for anything not a number
  if (!(rawId >= 0 && rawId < static_cast<double>(st.ops.size())))
    throw Napi::RangeError::New(env, "callOp(): no such operator id");
  const OpEntry& op = *st.ops[static_cast<size_t>(rawId)];
  size_t given = info.Length() - 1;
  if (given > op.args.size())
    throw Napi::TypeError::New(env, op.name + "() takes " + std::to_string(op.args.size()) + " arguments but " +
                                        std::to_string(given) + " were given");
  // The shared stack serves the outermost call; a call made from inside an op (a JS autograd
  // hook during backward) gets its own.
  torch::jit::Stack nested;
  struct Depth {
    int& d;
    ~Depth() { --d; }
  } depth{++st.callDepth};
  torch::jit::Stack& stack = st.callDepth == 1 ? st.stack : nested;
  stack.clear();
  for (size_t i = 0; i < op.args.size(); ++i) {
    const ArgSpec& spec = op.args[i];
    Napi::Value v = i < given ? info[i + 1] : env.Undefined();
    napi_valuetype type = napi_undefined;
    napi_typeof(env, v, &type);
    if (type == napi_undefined) {
      if (!spec.fallback) {
        stack.clear();
        throw Napi::TypeError::New(env, op.name + "() missing required argument '" + spec.name + "' (position " +
                                            std::to_string(i) + ")");
      }
      stack.push_back(*spec.fallback);
      continue;
    }
    try {
      stack.push_back(ToIValue(env, v, type, spec));
    } catch (const ArgOverflow& err) {
      stack.clear();
      throw Napi::RangeError::New(env, err.message);
    } catch (const ArgError& err) {
      stack.clear();
      std::string what = op.name + "(): argument '" + spec.name + "' (position " + std::to_string(i) + ") must be " +
                         KindName(spec.kind);
      if (err.element >= 0)
        what += ", but found element of type " + err.elementType + " at pos " + std::to_string(err.element);
      else
        what += ", not " + JsTypeName(env, v);
      throw Napi::TypeError::New(env, what);
    }
  }
  try {
    op.handle.callBoxed(stack);
  } catch (...) {
    stack.clear();
    st.warnings.pending.clear();
    throw;
  }
  if (!st.warnings.pending.empty()) FlushWarnings(env);
  Napi::Value result;
  size_t n = op.returnAliasesInput.size();
  if (n == 0) {
    result = env.Undefined();
  } else if (n == 1) {
    result = op.returnAliasesInput[0] ? env.Undefined() : FromIValue(env, stack[0]);
  } else {
    auto arr = Napi::Array::New(env, n);
    for (size_t i = 0; i < n; ++i) arr.Set(i, FromIValue(env, stack[i]));
    result = arr;
  }
  stack.clear();
  return result;
}

std::string PythonMessage(const char* what) {
  std::string msg(what);
  if (msg.find("Type") == std::string::npos) return msg;
  static const std::regex type(R"(\b(CPU|CUDA)([A-Z][A-Za-z0-9]*?)Type\b)");
  std::string out;
  auto last = msg.cbegin();
  for (std::sregex_iterator it(msg.begin(), msg.end(), type), end; it != end; ++it) {
    const std::smatch& m = *it;
    out.append(last, m[0].first);
    out += (m[1] == "CUDA" ? "torch.cuda." : "torch.") + m[2].str() + "Tensor";
    last = m[0].second;
  }
  out.append(last, msg.cend());
  return out;
}

void FlushWarnings(Napi::Env env) {
  EnvState& st = State(env);
  std::vector<std::string> pending;
  pending.swap(st.warnings.pending);
  Napi::Object process = env.Global().Get("process").As<Napi::Object>();
  Napi::Value emit = process.Get("emitWarning");
  if (!emit.IsFunction()) return;
  for (const std::string& msg : pending) {
    if (!st.warnings.shown.insert(msg).second) continue;
    emit.As<Napi::Function>().Call(process, {Napi::String::New(env, msg), Napi::String::New(env, "UserWarning")});
  }
}

void InitDispatch(Napi::Env env, Napi::Object exports) {
  // Warnings raised by ops on this thread go to the collector; each call flushes them.
  c10::WarningUtils::set_warning_handler(&State(env).warnings);
  TN_EXPORT(exports, "lookupOp", LookupOp);
  TN_EXPORT(exports, "opSchema", OpSchema);
  TN_EXPORT(exports, "opArgNames", OpArgNames);
  TN_EXPORT(exports, "callOp", CallOp);
}

}  // namespace torchnode
