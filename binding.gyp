# node-gyp build, used by prebuildify (scripts/prebuild.js) to make prebuilt binaries.
# The main build is CMake (CMakeLists.txt via scripts/build.js); this file builds the same two
# addons from the same sources with the same flags, minus the precompiled header.
# libtorch is found by scripts/libtorch.js (the same locator the CMake build and lib/native.ts
# use); no rpath is baked: at run time lib/native.ts opens libtorch through torchnode_loader.
{
  "targets": [
    {
      # No libtorch dependency: it opens libtorch's libraries (RTLD_GLOBAL) before torchnode loads.
      "target_name": "torchnode_loader",
      "sources": ["native/loader.c"],
      "defines": ["NAPI_EXPERIMENTAL", "NAPI_VERSION=2147483647"],
      "libraries": ["-ldl"]
    },
    {
      "target_name": "torchnode",
      # Every native/*.cc, as CMakeLists.txt's file(GLOB) does.
      "sources": [
        "<!@(node -p \"require('fs').readdirSync('native').filter((f) => f.endsWith('.cc')).sort().map((f) => 'native/' + f).join(' ')\")"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node scripts/libtorch.js --include)"
      ],
      "defines": ["NAPI_EXPERIMENTAL", "NAPI_VERSION=2147483647", "NAPI_CPP_EXCEPTIONS"],
      # node's common.gypi adds -fno-rtti -fno-exceptions -std=gnu++17: libtorch needs RTTI,
      # node-addon-api is built with C++ exceptions, and the sources are C++20.
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "cflags_cc": ["-std=c++20", "-fexceptions", "-frtti", "-Wall", "-Wno-unused-parameter"],
      # -L only: libtorch is found at run time by scripts/libtorch.js, never by a baked rpath.
      # --no-as-needed keeps all three in DT_NEEDED even where the linker defaults to
      # --as-needed, as Torch's CMake config does for the CMake build.
      "libraries": [
        "-L<!(node scripts/libtorch.js --lib)",
        "-Wl,--no-as-needed",
        "-lc10",
        "-ltorch_cpu",
        "-ltorch",
        "-Wl,--as-needed"
      ]
    }
  ]
}
