// Storage-level primitives for lib/serialization/: moving already-validated byte ranges between
// files, JS memory and tensor storage without passing through JS one element at a time.
// Mechanical on purpose: every offset and size is checked by lib/serialization/ before it gets
// here; the checks below only guard this layer's own memory safety.
#include <cerrno>
#include <climits>
#include <cstring>
#include <mutex>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ATen/MapAllocator.h>
#include <ATen/StorageUtils.h>

#include "torchnode.h"

namespace torchnode {

static int64_t IntArg(Napi::Env env, Napi::Value v, const char* what) {
  double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : NAN;
  if (!std::isfinite(d) || std::trunc(d) != d || d < 0 || d > 9007199254740991.0)
    throw Napi::TypeError::New(env, std::string(what) + " must be a non-negative integer");
  return static_cast<int64_t>(d);
}

static int FdArg(Napi::Env env, Napi::Value v) {
  int64_t fd = IntArg(env, v, "fd");
  if (fd > INT_MAX) throw Napi::RangeError::New(env, "fd is out of range");
  return static_cast<int>(fd);
}

static std::vector<int64_t> IntList(Napi::Env env, Napi::Value v, const char* what) {
  if (!v.IsArray()) throw Napi::TypeError::New(env, std::string(what) + " must be an array of integers");
  auto arr = v.As<Napi::Array>();
  std::vector<int64_t> out(arr.Length());
  for (uint32_t i = 0; i < arr.Length(); ++i) out[i] = IntArg(env, arr.Get(i), what);
  return out;
}

// The bytes of a CPU tensor whose elements are one dense block (what the byte movers accept).
static uint8_t* DenseBytes(Napi::Env env, const at::Tensor& t, const char* fn) {
  if (!t.device().is_cpu()) throw Napi::Error::New(env, std::string(fn) + "(): the tensor must be on the CPU");
  if (!t.is_contiguous()) throw Napi::Error::New(env, std::string(fn) + "(): the tensor must be contiguous");
  if (t.nbytes() == 0) return nullptr;
  if (t._is_zerotensor() || t.data_ptr() == nullptr) throw Napi::Error::New(env, std::string(fn) + "(): the tensor has no memory");
  return static_cast<uint8_t*>(t.data_ptr());
}

// readInto(h, fd, position, length): reads `length` bytes of the file at `position` straight
// into the tensor's memory (which must hold exactly `length` bytes).
static Napi::Value ReadInto(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::Tensor& t = Unwrap(env, info[0]);
  int fd = FdArg(env, info[1]);
  int64_t position = IntArg(env, info[2], "position");
  int64_t length = IntArg(env, info[3], "length");
  uint8_t* dst = DenseBytes(env, t, "readInto");
  if (static_cast<int64_t>(t.nbytes()) != length) throw Napi::RangeError::New(env, "readInto(): length does not match the tensor's size");
  int64_t done = 0;
  while (done < length) {
    size_t want = static_cast<size_t>(std::min<int64_t>(length - done, int64_t{1} << 30));
    ssize_t n = ::pread(fd, dst + done, want, static_cast<off_t>(position + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Napi::Error::New(env, std::string("read failed: ") + std::strerror(errno));
    }
    if (n == 0) throw Napi::Error::New(env, "unexpected end of file while reading tensor data");
    done += n;
  }
  return env.Undefined();
}

// mapRegion(fd, position, length): a uint8 CPU tensor over bytes [position, position + length)
// of the file, mapped copy-on-write (MAP_PRIVATE): pages load when first read, and writes to the
// tensor never reach the file. The mapping lives as long as the storage (munmap in its deleter,
// which needs no JS and so may run from GC). As with PyTorch's torch.load(mmap=True), a file
// truncated by someone else while mapped makes reads fault; callers opt in.
static Napi::Value MapRegion(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = FdArg(env, info[0]);
  int64_t position = IntArg(env, info[1], "position");
  int64_t length = IntArg(env, info[2], "length");
  struct stat st;
  if (::fstat(fd, &st) != 0) throw Napi::Error::New(env, std::string("mapRegion(): ") + std::strerror(errno));
  if (position > st.st_size || length > st.st_size - position) throw Napi::RangeError::New(env, "mapRegion(): the region lies outside the file");
  auto options = at::TensorOptions().dtype(at::kByte);
  if (length == 0) return Wrap(env, at::empty({0}, options));
  const int64_t page = ::sysconf(_SC_PAGESIZE);
  const int64_t start = position - position % page;
  const size_t span = static_cast<size_t>(length + (position - start));
  void* base = ::mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, static_cast<off_t>(start));
  if (base == MAP_FAILED) throw Napi::Error::New(env, std::string("mmap failed: ") + std::strerror(errno));
  auto unmap = [base, span](void*) { ::munmap(base, span); };
  return Wrap(env, at::from_blob(static_cast<uint8_t*>(base) + (position - start), {length}, unmap, options));
}

// copyInto(h, view): copies the view's bytes into the tensor's memory (sizes must be equal).
static Napi::Value CopyInto(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::Tensor& t = Unwrap(env, info[0]);
  if (!info[1].IsTypedArray()) throw Napi::TypeError::New(env, "copyInto() expects a Uint8Array or Buffer");
  auto ta = info[1].As<Napi::TypedArray>();
  uint8_t* dst = DenseBytes(env, t, "copyInto");
  if (t.nbytes() != ta.ByteLength()) throw Napi::RangeError::New(env, "copyInto(): byte counts differ");
  if (ta.ByteLength() != 0) std::memcpy(dst, static_cast<uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset(), ta.ByteLength());
  return env.Undefined();
}

// writeFrom(h, fd, position): writes the tensor's bytes to the file at `position`.
static Napi::Value WriteFrom(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::Tensor& t = Unwrap(env, info[0]);
  int fd = FdArg(env, info[1]);
  int64_t position = IntArg(env, info[2], "position");
  const uint8_t* src = DenseBytes(env, t, "writeFrom");
  int64_t length = static_cast<int64_t>(t.nbytes());
  int64_t done = 0;
  while (done < length) {
    size_t want = static_cast<size_t>(std::min<int64_t>(length - done, int64_t{1} << 30));
    ssize_t n = ::pwrite(fd, src + done, want, static_cast<off_t>(position + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Napi::Error::New(env, std::string("write failed: ") + std::strerror(errno));
    }
    if (n == 0) throw Napi::Error::New(env, "write failed: no bytes written");
    done += n;
  }
  return env.Undefined();
}

// CRC-32 (the zip / IEEE polynomial), slicing by eight.
static const uint32_t (&CrcTables())[8][256] {
  static uint32_t tables[8][256];
  static bool ready = [] {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      tables[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; ++i)
      for (int s = 1; s < 8; ++s) tables[s][i] = (tables[s - 1][i] >> 8) ^ tables[0][tables[s - 1][i] & 0xff];
    return true;
  }();
  (void)ready;
  return tables;
}

static uint32_t Crc32(uint32_t crc, const uint8_t* p, size_t n) {
  const auto& T = CrcTables();
  crc = ~crc;
  while (n >= 8) {
    uint32_t a = (static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
                  static_cast<uint32_t>(p[3]) << 24) ^ crc;
    crc = T[7][a & 0xff] ^ T[6][(a >> 8) & 0xff] ^ T[5][(a >> 16) & 0xff] ^ T[4][a >> 24] ^ T[3][p[4]] ^ T[2][p[5]] ^
          T[1][p[6]] ^ T[0][p[7]];
    p += 8;
    n -= 8;
  }
  while (n--) crc = T[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return ~crc;
}

// crc32(h | view) -> the CRC-32 of the tensor's (or the view's) bytes.
static Napi::Value Crc32Of(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info[0].IsTypedArray()) {
    auto ta = info[0].As<Napi::TypedArray>();
    const uint8_t* p = static_cast<uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
    return Napi::Number::New(env, Crc32(0, p, ta.ByteLength()));
  }
  at::Tensor& t = Unwrap(env, info[0]);
  const uint8_t* p = DenseBytes(env, t, "crc32");
  return Napi::Number::New(env, Crc32(0, p, t.nbytes()));
}

// storageInfo(h) -> [id, nbytes, device]: id is the same string for every tensor that shares
// one storage while they are alive.
static Napi::Value StorageInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::Tensor& t = Unwrap(env, info[0]);
  if (!t.has_storage()) throw Napi::Error::New(env, "this tensor has no storage");
  const c10::Storage& s = t.storage();
  char id[32];
  std::snprintf(id, sizeof(id), "%p", static_cast<const void*>(s.unsafeGetStorageImpl()));
  auto out = Napi::Array::New(env, 3);
  out.Set(0u, Napi::String::New(env, id));
  out.Set(1u, Napi::Number::New(env, static_cast<double>(s.nbytes())));
  out.Set(2u, Napi::String::New(env, t.device().str()));
  return out;
}

// storageBytes(h) -> a 1-D uint8 tensor over the whole storage of h (sharing it).
static Napi::Value StorageBytes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::Tensor& t = Unwrap(env, info[0]);
  if (!t.has_storage()) throw Napi::Error::New(env, "this tensor has no storage");
  c10::Storage s = t.storage();
  int64_t nbytes = static_cast<int64_t>(s.nbytes());
  at::Tensor bytes = at::empty({0}, at::TensorOptions().dtype(at::kByte).device(t.device()));
  bytes.set_(s, 0, {nbytes}, {1});
  return Wrap(env, std::move(bytes));
}

// Whether every element a view can reach lies in a storage of `elements` elements (an empty view
// only needs its offset inside). Checked here because set_ grows a resizable storage to fit the
// view instead of refusing it.
static bool ViewFits(int64_t offset, const std::vector<int64_t>& sizes, const std::vector<int64_t>& strides, int64_t elements) {
  int64_t last = offset;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == 0) return offset <= elements;
    int64_t step = 0;
    if (__builtin_mul_overflow(sizes[i] - 1, strides[i], &step) || __builtin_add_overflow(last, step, &last)) return false;
  }
  return last < elements;
}

// fromStorage(h, dtype, storageOffset, sizes, strides) -> a tensor of `dtype` over the storage
// of h (as PyTorch's _rebuild_tensor does with set_).
static Napi::Value FromStorage(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::Tensor& base = Unwrap(env, info[0]);
  int32_t code = info[1].IsNumber() ? info[1].As<Napi::Number>().Int32Value() : -1;
  if (code < 0 || code >= static_cast<int32_t>(at::ScalarType::NumOptions)) throw Napi::TypeError::New(env, "invalid dtype");
  int64_t offset = IntArg(env, info[2], "storage offset");
  std::vector<int64_t> sizes = IntList(env, info[3], "sizes");
  std::vector<int64_t> strides = IntList(env, info[4], "strides");
  if (sizes.size() != strides.size()) throw Napi::RangeError::New(env, "fromStorage(): sizes and strides differ in length");
  if (!base.has_storage()) throw Napi::Error::New(env, "this tensor has no storage");
  at::Tensor t = at::empty({0}, at::TensorOptions().dtype(static_cast<at::ScalarType>(code)).device(base.device()));
  int64_t elements = static_cast<int64_t>(base.storage().nbytes() / t.dtype().itemsize());
  if (!ViewFits(offset, sizes, strides, elements)) throw Napi::RangeError::New(env, "fromStorage(): the view reaches outside the storage");
  t.set_(base.storage(), offset, sizes, strides);
  return Wrap(env, std::move(t));
}

// shareMemory(h): torch.UntypedStorage.share_memory_() on the CPU with the file_descriptor
// strategy (StorageSharing.cpp's _share_fd_cpu_): the bytes move to a new POSIX shared-memory
// block (MapAllocator, SHAREDMEM | EXCLUSIVE | KEEPFD | UNLINK) and the storage takes its data
// pointer in place, so every view and handle sees it and the storage keeps its size (and so the
// bytes charged to handles). Already shared, or on an accelerator: nothing to do (a meta storage
// is refused, as storage.py sends it to _share_fd_cpu_). PyTorch leaves the storage resizable with
// a null allocator, and growing it crashes; here it is made non-resizable, so resizing fails with
// ATen's own error instead. t.storage() raises ATen's error for tensors without one (sparse).
static Napi::Value ShareMemory(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::Tensor& t = Unwrap(env, info[0]);
  c10::Storage storage = t.storage();
  if (storage.device_type() == c10::DeviceType::Meta) throw Napi::Error::New(env, "_share_fd_: only available on CPU");
  if (storage.device_type() != c10::DeviceType::CPU) return env.Undefined();
  // Worker threads may hold the same storage (exportTensor): one swap at a time, as storage.py's
  // _share_memory_lock_protected makes Python threads wait.
  static std::mutex sharing;
  std::lock_guard<std::mutex> lock(sharing);
  if (at::MapAllocator::fromDataPtr(storage.data_ptr()) != nullptr) return env.Undefined();
  c10::Storage fresh(at::new_shm_fd_storage(storage.nbytes()));
  at::storage_copy(fresh, storage);
  c10::StorageImpl* impl = storage.unsafeGetStorageImpl();
  impl->set_data_ptr_noswap(std::move(fresh.mutable_data_ptr()));
  impl->set_resizable(false);
  return env.Undefined();
}

// isShared(h): THPStorage__isShared: CUDA storages always are; CPU ones when a MapAllocator owns them.
static Napi::Value IsShared(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::Tensor& t = Unwrap(env, info[0]);
  const c10::Storage& s = t.storage();
  if (s.device_type() == c10::DeviceType::CUDA) return Napi::Boolean::New(env, true);
  return Napi::Boolean::New(env, at::MapAllocator::fromDataPtr(s.data_ptr()) != nullptr);
}

void InitStorage(Napi::Env env, Napi::Object exports) {
  TN_EXPORT(exports, "readInto", ReadInto);
  TN_EXPORT(exports, "copyInto", CopyInto);
  TN_EXPORT(exports, "mapRegion", MapRegion);
  TN_EXPORT(exports, "writeFrom", WriteFrom);
  TN_EXPORT(exports, "crc32", Crc32Of);
  TN_EXPORT(exports, "storageInfo", StorageInfo);
  TN_EXPORT(exports, "storageBytes", StorageBytes);
  TN_EXPORT(exports, "fromStorage", FromStorage);
  TN_EXPORT(exports, "shareMemory", ShareMemory);
  TN_EXPORT(exports, "isShared", IsShared);
}

}  // namespace torchnode
