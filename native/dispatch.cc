// One binding for every ATen operator: look the schema up once (lookupOp), then call it boxed
// through the c10 dispatcher (callOp), converting each JS argument by its schema type with the
// shared converter (ivalue.cc) under Python's argument-parser rules.
// Autograd, type promotion and every ATen check happen inside the dispatcher as in PyTorch.
#include <regex>

#include "torchnode.h"

namespace torchnode {

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
  for (const c10::Argument& a : schema.arguments()) entry->args.push_back({a.name(), a.real_type(), a.N().value_or(0), a.default_value()});
  for (const c10::Argument& r : schema.returns())
    entry->returnAliasesInput.push_back(r.alias_info() != nullptr && r.alias_info()->isWrite());
  // add_ or t_ write their argument but keep its storage and its size in bytes.
  const std::string& op = entry->name;
  bool reshapesStorage = op.find("resize") != std::string::npos || op.rfind("set_", 0) == 0 || op.rfind("_set_", 0) == 0;
  for (size_t i = 0; i < schema.arguments().size(); ++i) {
    const c10::Argument& a = schema.arguments()[i];
    if (a.alias_info() != nullptr && a.alias_info()->isWrite() && (reshapesStorage || a.is_out())) entry->recountArgs.push_back(i);
  }
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
      stack.push_back(ToIValue(env, v, type, *spec.type, ConvertOptions{true, spec.fixedLength}));
    } catch (const Overflow& err) {
      stack.clear();
      throw Napi::RangeError::New(env, err.message);
    } catch (const Mismatch& err) {
      stack.clear();
      std::string what = op.name + "(): argument '" + spec.name + "' (position " + std::to_string(i) + ") must be " +
                         ArgParserTypeName(*spec.type);
      if (err.element >= 0)
        what += ", but found element of type " + err.elementType + " at pos " + std::to_string(err.element);
      else
        what += ", not " + PyTypeName(env, v, true);
      throw Napi::TypeError::New(env, what);
    } catch (...) {  // a disposed tensor, a bad device string: the arguments so far are let go too
      stack.clear();
      throw;
    }
  }
  // Also when the op throws: an out= argument may have been resized before the error.
  auto recount = [&] {
    for (size_t i : op.recountArgs)
      if (i < given) RecountArgument(env, info[i + 1]);
  };
  try {
    op.handle.callBoxed(stack);
  } catch (...) {
    stack.clear();
    st.warnings.pending.clear();
    recount();
    throw;
  }
  recount();
  if (!st.warnings.pending.empty()) FlushWarnings(env);
  Napi::Value result;
  size_t n = op.returnAliasesInput.size();
  if (n == 0) {
    result = env.Undefined();
  } else if (n == 1) {
    result = op.returnAliasesInput[0] ? env.Undefined() : FromIValue(env, std::move(stack[0]), nullptr, Output::Handles);
  } else {
    auto arr = Napi::Array::New(env, n);
    for (size_t i = 0; i < n; ++i) arr.Set(i, FromIValue(env, std::move(stack[i]), nullptr, Output::Handles));
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
