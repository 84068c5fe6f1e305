// The only module that loads the compiled addon. It finds libtorch at run time with the same
// locator the build used (scripts/libtorch.js), opens libtorch's shared libraries through the
// tiny loader addon, then loads the addon itself — from build/ or from a prebuild.
import * as fs from 'fs';
import * as path from 'path';

/** An opaque handle to one native tensor (a Node-API External). */
export type Handle = { readonly __brand: 'TensorHandle' };
/** An opaque handle to one native generator (a type-tagged External). */
export type GeneratorHandle = { readonly __brand: 'GeneratorHandle' };
/**
 * An opaque handle to one TorchScript module or class instance (a type-tagged External over
 * torch::jit::Module, which wraps any TorchScript object).
 */
export type ScriptModuleHandle = { readonly __brand: 'ScriptModuleHandle' };

/** What lib/jit hands the addon once (native/jit.cc): classes to recognise, functions that wrap. */
export interface JitHooks {
  Tensor: Function;
  DType: Function;
  Device: Function;
  Generator: Function;
  ScriptModule: Function;
  /** ScriptModule's base class: TorchScript class instances. */
  ScriptObject: Function;
  PyFloat: Function;
  Complex: Function;
  wrapTensor(h: Handle): unknown;
  wrapDtype(code: number): unknown;
  wrapDevice(device: string): unknown;
  wrapGenerator(h: GeneratorHandle): unknown;
  wrapModule(h: ScriptModuleHandle): unknown;
  /** A TorchScript class instance that is not a module. */
  wrapObject(h: ScriptModuleHandle): unknown;
  /** Python's repr of an argument, for TorchScript's type-mismatch messages. */
  repr(v: unknown): string;
  /** A plain object (an options object, or a dict). */
  isOptions(v: unknown): boolean;
  isMap(v: unknown): boolean;
  newMap(): Map<unknown, unknown>;
}

export interface Native {
  readonly torchVersion: string;
  /** Counters shared with the addon: see Stat in native/torchnode.h. */
  readonly stats: Float64Array;
  /** `spare`: the caller keeps the handle nowhere, so the addon may give it to a new tensor. */
  dispose(h: Handle, spare?: boolean): void;
  fromBytes(data: ArrayBufferView, dtype: number, shape: readonly number[]): Handle;
  toBytes(h: Handle): ArrayBuffer;
  shape(h: Handle): number[];
  strides(h: Handle): number[];
  storageOffset(h: Handle): number;
  dtype(h: Handle): number;
  device(h: Handle): string;
  requiresGrad(h: Handle): boolean;
  /** The gradient, or `known` itself when that handle already holds it. */
  grad(h: Handle, known?: Handle | null): Handle | null;
  setGrad(h: Handle, g: Handle | null): void;
  /** fn(grad) runs when h's gradient is computed; a tensor it returns replaces the gradient. */
  registerHook(h: Handle, fn: (grad: Handle) => Handle | undefined | null): number;
  removeHook(h: Handle, id: number): void;
  gradFnName(h: Handle): string | null;
  autogradGrad(outputs: Handle[], inputs: Handle[], gradOutputs: (Handle | null)[], retainGraph: boolean | null, createGraph: boolean, allowUnused: boolean): (Handle | null)[];
  isGradEnabled(): boolean;
  setGradEnabled(enabled: boolean): void;
  manualSeed(seed: bigint): void;
  cudaDeviceCount(): number;
  enterInferenceMode(): void;
  exitInferenceMode(): void;
  isInferenceModeEnabled(): boolean;
  isInference(h: Handle): boolean;
  lookupOp(name: string, overload: string): number;
  opSchema(id: number): string;
  opArgNames(id: number): string[];
  setNumThreads(n: number): void;
  getNumThreads(): number;
  setNumInteropThreads(n: number): void;
  getNumInteropThreads(): number;
  setDefaultDtype(code: number): void;
  /** [cached bytes, limit, hits, misses] of the caching CPU allocator (native/allocator.cc). */
  cpuCacheInfo(): [number, number, number, number];
  emptyCpuCache(): void;
  setCpuCacheLimit(bytes: number): void;
  getDefaultDtype(): number;
  callOp(id: number, ...args: unknown[]): unknown;
  // Storage primitives for lib/serialization/ (native/storage.cc). Byte ranges are validated by
  // the caller; the tensor arguments must be contiguous CPU tensors of exactly the right size.
  readInto(h: Handle, fd: number, position: number, length: number): void;
  copyInto(h: Handle, bytes: Uint8Array): void;
  writeFrom(h: Handle, fd: number, position: number): void;
  crc32(data: Handle | Uint8Array): number;
  /** [id shared by every tensor over the same storage, storage bytes, device] */
  storageInfo(h: Handle): [string, number, string];
  storageBytes(h: Handle): Handle;
  /** A uint8 CPU tensor over file bytes [position, position + length), mapped copy-on-write. */
  mapRegion(fd: number, position: number, length: number): Handle;
  fromStorage(h: Handle, dtype: number, storageOffset: number, sizes: readonly number[], strides: readonly number[]): Handle;
  /** Moves a CPU storage into POSIX shared memory in place (no-op when shared or not on the CPU). */
  shareMemory(h: Handle): void;
  /** Whether h's storage is in shared memory (a MapAllocator's; CUDA storages always are). */
  isShared(h: Handle): boolean;
  /** [bytes, handles]: what liveBytes counts for h's storage, once for all the handles sharing it. */
  storageCharge(h: Handle): [number, number];
  /** Throws PyTorch's error when set_(source) is given a source of another dtype. */
  checkSetSource(self: Handle, source: Handle): void;
  /**
   * Hands a tensor to another thread (worker_threads): puts one more reference of h's tensor in a
   * process-wide cell and returns its id. h stays usable but no longer counts its storage (the
   * importing thread counts it). No bytes are copied. A cell nobody takes is freed when the exporting
   * environment (thread) ends.
   */
  exportTensor(h: Handle): bigint;
  /** Takes the tensor exported under `id`, in any thread, exactly once; an unknown or taken id is an Error. */
  importTensor(id: bigint): Handle;
  /** Cells exported by any thread and not taken yet. */
  exportedTensors(): number;
  // torch.Generator (native/generator.cc): type-tagged handles over at::Generator.
  generatorNew(device: string): GeneratorHandle;
  defaultGenerator(device: string): GeneratorHandle;
  generatorManualSeed(g: GeneratorHandle, seed: bigint): void;
  generatorSeed(g: GeneratorHandle): bigint;
  generatorInitialSeed(g: GeneratorHandle): bigint;
  generatorGetState(g: GeneratorHandle): Handle;
  generatorSetState(g: GeneratorHandle, state: Handle): void;
  generatorDevice(g: GeneratorHandle): string;
  generatorCloneState(g: GeneratorHandle): GeneratorHandle;
  generatorGetOffset(g: GeneratorHandle): bigint;
  generatorSetOffset(g: GeneratorHandle, offset: bigint): void;
  generatorGraphsafeGetState(g: GeneratorHandle): GeneratorHandle;
  generatorGraphsafeSetState(g: GeneratorHandle, state: GeneratorHandle): void;
  // Autocast: libtorch's thread-local state (at::autocast), by device type ('cpu', 'cuda').
  isAutocastAvailable(deviceType: string): boolean;
  isAutocastEnabled(deviceType: string): boolean;
  setAutocastEnabled(deviceType: string, enabled: boolean): void;
  getAutocastDtype(deviceType: string): number;
  setAutocastDtype(deviceType: string, dtype: number): void;
  autocastIncrementNesting(): number;
  autocastDecrementNesting(): number;
  clearAutocastCache(): void;
  isAutocastCacheEnabled(): boolean;
  setAutocastCacheEnabled(enabled: boolean): void;
  // torch.jit (native/jit.cc). Method arguments are converted by the schema's types; results come
  // back wrapped by the hooks (tensors, dtypes, devices, modules), dicts as Maps.
  jitInit(hooks: JitHooks): void;
  jitLoad(archive: Uint8Array, mapLocation: string | null): ScriptModuleHandle;
  /** Whether libtorch's tracer is recording on this thread (torch.jit.is_tracing). */
  jitIsTracing(): boolean;
  jitLoadAsync(archive: Uint8Array, mapLocation: string | null): Promise<ScriptModuleHandle>;
  jitRun(m: ScriptModuleHandle, method: string, args: unknown[]): unknown;
  /** Runs on a libuv pool thread under the caller's thread-local state (grad mode...). */
  jitRunAsync(m: ScriptModuleHandle, method: string, args: unknown[]): Promise<unknown>;
  jitHasMethod(m: ScriptModuleHandle, name: string): boolean;
  jitHasAttr(m: ScriptModuleHandle, name: string): boolean;
  jitMethodNames(m: ScriptModuleHandle): string[];
  jitTypeName(m: ScriptModuleHandle): string;
  /** Python's default repr of a TorchScript class instance: `<__main__.Pair object at 0x...>`. */
  jitDefaultRepr(m: ScriptModuleHandle): string;
  /** The module's own parameters (or buffers): [name, handle, identity of the tensor]. */
  jitTensors(m: ScriptModuleHandle, buffers: boolean): [string, Handle, string][];
  jitChildren(m: ScriptModuleHandle): [string, ScriptModuleHandle][];
  jitSame(a: ScriptModuleHandle, b: ScriptModuleHandle): boolean;
  jitTrain(m: ScriptModuleHandle, mode: boolean): void;
  /** undefined when the module has no `training` attribute (a frozen module). */
  jitTraining(m: ScriptModuleHandle): boolean | undefined;
  jitTo(m: ScriptModuleHandle, device: string | null, dtype: number | null, nonBlocking: boolean): void;
  jitCode(m: ScriptModuleHandle, method: string): string;
  jitGraph(m: ScriptModuleHandle, method: string): string;
  jitSave(m: ScriptModuleHandle): Uint8Array;
  jitFreeze(m: ScriptModuleHandle, preservedAttrs: string[], optimizeNumerics: boolean): ScriptModuleHandle;
  jitOptimizeForInference(m: ScriptModuleHandle, otherMethods: string[]): void;
  /** [name, kind]: 0 an attribute, 1 a parameter, 2 a buffer, 3 a submodule. */
  jitAttributes(m: ScriptModuleHandle): [string, number][];
  jitGetAttr(m: ScriptModuleHandle, name: string): unknown;
  jitSetAttr(m: ScriptModuleHandle, name: string, value: unknown): void;
  /** Drops the handle's module now; using the handle afterwards is an Error. */
  jitDispose(m: ScriptModuleHandle): void;
}

// lib/ under ts-jest, dist/cjs/ once built: walk up to the folder holding package.json.
function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'scripts', 'libtorch.js'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`torchnode: cannot find the package folder above ${from}`);
  }
}
const packageRoot = findPackageRoot(__dirname);

interface Located {
  root: string;
}
interface Locator {
  locate(opts?: { log?: (m: string) => void }): Located;
  runtimeLibraries(found: Located): string[];
  describe(found: Located): string;
}

// node-gyp-build looks in build/Release and prebuilds/<platform>-<arch>/ for a named addon.
function addonPath(name: string): string {
  const built = path.join(packageRoot, 'build', 'Release', `${name}.node`);
  if (fs.existsSync(built)) return built;
  const prebuilt = path.join(packageRoot, 'prebuilds', `${process.platform}-${process.arch}`, `${name}.node`);
  if (fs.existsSync(prebuilt)) return prebuilt;
  throw new Error(
    `torchnode: the native addon ${name}.node is not built (looked in ${path.dirname(built)} and ${path.dirname(prebuilt)}). ` +
      'Run `npm run build:native`.',
  );
}

function load(): Native {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const locator = require(path.join(packageRoot, 'scripts', 'libtorch.js')) as Locator;
  const found = locator.locate();
  const loader = require(addonPath('torchnode_loader')) as { preload(p: string): void };
  for (const lib of locator.runtimeLibraries(found)) loader.preload(lib);
  try {
    return require(addonPath('torchnode')) as Native;
  } catch (err) {
    throw new Error(`torchnode: could not load the addon with ${locator.describe(found)}: ${(err as Error).message}`);
  }
}

export const native: Native = load();
