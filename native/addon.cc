// Entry point of the addon. lib/native.ts is the only JS file that loads it.
#include "torchnode.h"

namespace torchnode {

void InitJit(Napi::Env env, Napi::Object exports);  // jit.cc
void InitAoti(Napi::Env env, Napi::Object exports);  // aoti.cc

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData<EnvState>(new EnvState());
  InitAllocator(env, exports);
  InitTensor(env, exports);
  InitDispatch(env, exports);
  InitAutograd(env, exports);
  InitStorage(env, exports);
  InitRuntime(env, exports);
  InitGenerator(env, exports);
  InitJit(env, exports);
  InitAoti(env, exports);
  exports.Set("torchVersion", Napi::String::New(env, TORCH_VERSION));
  return exports;
}

}  // namespace torchnode

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return torchnode::Init(env, exports); }
NODE_API_MODULE(torchnode, InitAddon)
