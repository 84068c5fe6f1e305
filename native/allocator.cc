// A caching CPU allocator, installed as libtorch's CPU allocator when the addon loads.
//
// Why: a loop that leaves tensors to the garbage collector frees them in batches, at each
// collection; with glibc every large block then goes back to the kernel (mmap'd blocks are
// unmapped) and the next allocation faults in fresh pages, which costs more than the op itself.
// Keeping freed blocks of the same size and handing them out again keeps the working set hot,
// as Python's immediate frees do through glibc's free lists. Small blocks (scalars, biases, the
// results of small ops) are kept too, in 64-byte classes of at most kSmallPerClass blocks: taking
// one from a list costs a tenth of posix_memalign and free. The cache is bounded and emptied on
// request (torch.emptyCache()).
#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>

#include <mutex>
#include <unordered_map>
#include <vector>

#include "torchnode.h"

namespace torchnode {

namespace {

constexpr size_t kHeader = 64;              // keeps c10's 64-byte alignment; holds the block size
constexpr size_t kSmallStep = 64;           // small blocks: sizes rounded up to a multiple of this
constexpr size_t kSmallMax = 1024;          // the largest small block (header included)
constexpr size_t kSmallPerClass = 512;      // at most this many free blocks of one small size
constexpr size_t kMinCached = 64 * 1024;    // blocks between small and this: the system allocator's
constexpr size_t kPage = 4096;

struct Cache {
  std::mutex mutex;
  std::unordered_map<size_t, std::vector<void*>> free;  // block size -> blocks (header first)
  std::vector<void*> small[kSmallMax / kSmallStep + 1];  // indexed by size / kSmallStep
  size_t cachedBytes = 0;
  size_t limitBytes = size_t{512} << 20;
  size_t hits = 0, misses = 0;
};

Cache& TheCache() {
  static Cache* cache = new Cache();  // never destroyed: blocks may be freed during exit
  return *cache;
}

// Large cached blocks are whole pages (so similar sizes share a bucket), small ones a multiple of
// kSmallStep; those in between are only what they need.
size_t BlockSize(size_t n) {
  size_t size = n + kHeader;
  if (size <= kSmallMax) return (size + kSmallStep - 1) / kSmallStep * kSmallStep;
  return size < kMinCached ? size : (size + kPage - 1) / kPage * kPage;
}

bool Cached(size_t size) { return size <= kSmallMax || size >= kMinCached; }

// The free list a block of this size goes to (the cache's mutex held).
std::vector<void*>& FreeList(Cache& c, size_t size) {
  return size <= kSmallMax ? c.small[size / kSmallStep] : c.free[size];
}

void Delete(void* data) {
  if (data == nullptr) return;
  void* block = static_cast<char*>(data) - kHeader;
  size_t size = *static_cast<size_t*>(block);
  Cache& c = TheCache();
  if (Cached(size)) {
    std::lock_guard<std::mutex> lock(c.mutex);
    std::vector<void*>& list = FreeList(c, size);
    if (c.cachedBytes + size <= c.limitBytes && (size > kSmallMax || list.size() < kSmallPerClass)) {
      list.push_back(block);
      c.cachedBytes += size;
      return;
    }
  }
  c10::free_cpu(block);
}

struct CachingCPUAllocator final : c10::Allocator {
  c10::DataPtr allocate(size_t n) override {
    if (n == 0) return {nullptr, nullptr, &Delete, c10::Device(c10::DeviceType::CPU)};
    size_t size = BlockSize(n);
    void* block = nullptr;
    if (Cached(size)) {
      Cache& c = TheCache();
      std::lock_guard<std::mutex> lock(c.mutex);
      std::vector<void*>& list = FreeList(c, size);
      if (!list.empty()) {
        block = list.back();
        list.pop_back();
        c.cachedBytes -= size;
        ++c.hits;
      } else {
        ++c.misses;
      }
    }
    if (block == nullptr) block = c10::alloc_cpu(size);  // throws c10::Error when out of memory
    *static_cast<size_t*>(block) = size;
    void* data = static_cast<char*>(block) + kHeader;
    return {data, data, &Delete, c10::Device(c10::DeviceType::CPU)};
  }
  c10::DeleterFnPtr raw_deleter() const override { return &Delete; }
  void copy_data(void* dest, const void* src, std::size_t count) const override { default_copy_data(dest, src, count); }
};

}  // namespace

// cpuCacheInfo() -> [cachedBytes, limitBytes, hits, misses]
static Napi::Value CpuCacheInfo(const Napi::CallbackInfo& info) {
  Cache& c = TheCache();
  std::lock_guard<std::mutex> lock(c.mutex);
  auto arr = Napi::Array::New(info.Env(), 4);
  arr.Set(0u, Napi::Number::New(info.Env(), static_cast<double>(c.cachedBytes)));
  arr.Set(1u, Napi::Number::New(info.Env(), static_cast<double>(c.limitBytes)));
  arr.Set(2u, Napi::Number::New(info.Env(), static_cast<double>(c.hits)));
  arr.Set(3u, Napi::Number::New(info.Env(), static_cast<double>(c.misses)));
  return arr;
}

// emptyCpuCache(): returns every cached block to the system.
static Napi::Value EmptyCpuCache(const Napi::CallbackInfo& info) {
  std::vector<void*> blocks;
  {
    Cache& c = TheCache();
    std::lock_guard<std::mutex> lock(c.mutex);
    for (auto& [size, list] : c.free) blocks.insert(blocks.end(), list.begin(), list.end());
    c.free.clear();
    for (auto& list : c.small) {
      blocks.insert(blocks.end(), list.begin(), list.end());
      list.clear();
    }
    c.cachedBytes = 0;
  }
  for (void* b : blocks) c10::free_cpu(b);
  return info.Env().Undefined();
}

// setCpuCacheLimit(bytes): the most freed memory the cache keeps (0 turns caching off).
static Napi::Value SetCpuCacheLimit(const Napi::CallbackInfo& info) {
  double d = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : -1;
  if (!(d >= 0 && d <= 9007199254740991.0)) throw Napi::RangeError::New(info.Env(), "setCpuCacheLimit(): bytes must be a non-negative number");
  {
    Cache& c = TheCache();
    std::lock_guard<std::mutex> lock(c.mutex);
    c.limitBytes = static_cast<size_t>(d);
  }
  if (d == 0) EmptyCpuCache(info);
  return info.Env().Undefined();
}

void InitAllocator(Napi::Env env, Napi::Object exports) {
  // Once per process (the addon may load in several worker threads); c10 owns the allocator.
  static std::once_flag installed;
  std::call_once(installed, [] {
    if (std::getenv("TORCHNODE_NO_CPU_CACHE") == nullptr) c10::SetCPUAllocator(new CachingCPUAllocator(), /*priority=*/1);
  });
  TN_EXPORT(exports, "cpuCacheInfo", CpuCacheInfo);
  TN_EXPORT(exports, "emptyCpuCache", EmptyCpuCache);
  TN_EXPORT(exports, "setCpuCacheLimit", SetCpuCacheLimit);
}

}  // namespace torchnode
