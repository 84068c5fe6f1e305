// A tiny addon with no libtorch dependency. lib/native.ts uses it to open libtorch's shared
// libraries (found at run time by scripts/libtorch.js) with RTLD_GLOBAL before it loads the real
// addon, whose dependencies then resolve to the already-loaded libraries: no path is baked into
// the binary and no LD_LIBRARY_PATH is needed.
#include <dlfcn.h>
#include <node_api.h>
#include <stdio.h>

// preload(path: string): opens one shared library for good.
static napi_value Preload(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char path[4096];
  size_t len = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], path, sizeof path, &len) != napi_ok ||
      len + 1 >= sizeof path) {
    napi_throw_type_error(env, NULL, "preload(path) expects a path string");
    return NULL;
  }
  if (dlopen(path, RTLD_NOW | RTLD_GLOBAL) == NULL) {
    char msg[4608];
    snprintf(msg, sizeof msg, "could not load %s: %s", path, dlerror());
    napi_throw_error(env, NULL, msg);
  }
  return NULL;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_value fn;
  napi_create_function(env, "preload", NAPI_AUTO_LENGTH, Preload, NULL, &fn);
  napi_set_named_property(env, exports, "preload", fn);
  return exports;
}
