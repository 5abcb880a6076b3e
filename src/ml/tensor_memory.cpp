// quarry's ATen CPU allocator: a per-tensor cap, recycling of large blocks and per-thread free lists of small
// ones (small_blocks.cpp; see tensor_memory.hpp).
#include "ml/tensor_memory.hpp"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>
#include <c10/util/Exception.h>

#include <atomic>
#include <map>
#include <mutex>
#include <unordered_map>

#include "ml/small_blocks.hpp"

namespace quarry::ml {
namespace {

// Large blocks are allocated in multiples of this, so requests a little apart share blocks.
constexpr size_t kLargeBlockGranule = size_t{64} << 10;

size_t RoundUpToGranule(size_t bytes) {
  return (bytes + kLargeBlockGranule - 1) / kLargeBlockGranule * kLargeBlockGranule;
}

// The free list of large blocks and the capacities of the live ones.
class BlockRecycler {
 public:
  // A block of at least `bytes` (kRecycleMinBytes or more): a recycled one when one fits closely (at most
  // an eighth larger), else a new one.
  void* Take(size_t bytes) {
    const size_t capacity = RoundUpToGranule(bytes);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto fit = free_.lower_bound(capacity);
      if (fit != free_.end() && fit->first <= capacity + capacity / 8) {
        void* block = fit->second;
        live_.emplace(block, fit->first);
        free_bytes_ -= fit->first;
        free_.erase(fit);
        return block;
      }
    }
    void* block = c10::alloc_cpu(capacity);
    std::lock_guard<std::mutex> lock(mutex_);
    live_.emplace(block, capacity);
    return block;
  }

  // Takes back a block from Take (true), keeping it for reuse while the free list has room; false when
  // `block` is not one of ours.
  bool Give(void* block) {
    size_t capacity = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto live = live_.find(block);
      if (live == live_.end()) return false;
      capacity = live->second;
      live_.erase(live);
      if (free_bytes_ + capacity <= kMaxRecycledBytes) {
        free_.emplace(capacity, block);
        free_bytes_ += capacity;
        return true;
      }
    }
    c10::free_cpu(block);
    return true;
  }

  RecycledMemory Now() {
    std::lock_guard<std::mutex> lock(mutex_);
    return RecycledMemory{free_.size(), free_bytes_};
  }

  void ReleaseAll() {
    std::multimap<size_t, void*> released;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      released.swap(free_);
      free_bytes_ = 0;
    }
    for (const auto& [capacity, block] : released) c10::free_cpu(block);
  }

 private:
  std::mutex mutex_;
  std::multimap<size_t, void*> free_;       // capacity → block, kept for reuse
  std::unordered_map<void*, size_t> live_;  // block → capacity, handed out
  size_t free_bytes_ = 0;
};

BlockRecycler& Recycler() {
  static auto* recycler = new BlockRecycler();  // lives for the process: tensors freed at exit use it
  return *recycler;
}

// Frees a block of either kind: recycled when it is a large one, else to the small blocks' free lists.
void Free(void* block) {
  if (!Recycler().Give(block)) GiveSmallBlock(block);
}

class TensorAllocator final : public c10::Allocator {
 public:
  c10::DataPtr allocate(size_t bytes) const override {
    const size_t limit = limit_.load(std::memory_order_relaxed);
    TORCH_CHECK(bytes <= limit, "a tensor of ", bytes, " bytes is larger than the ", limit,
                " bytes quarry allows one tensor");
    const c10::Device cpu(c10::DeviceType::CPU);
    if (bytes < kRecycleMinBytes) {
      void* block = TakeSmallBlock(bytes);
      return {block, block, &GiveSmallBlock, cpu};
    }
    void* block = Recycler().Take(bytes);
    return {block, block, &Free, cpu};
  }
  c10::DeleterFnPtr raw_deleter() const override { return &Free; }

  void set_limit(size_t bytes) { limit_.store(bytes, std::memory_order_relaxed); }

 private:
  std::atomic<size_t> limit_{kDefaultTensorSizeLimitBytes};
};

TensorAllocator& Installed() {
  static TensorAllocator* allocator = [] {
    auto* installed = new TensorAllocator();  // lives for the process, like the tensors it allocated
    c10::SetAllocator(c10::DeviceType::CPU, installed, /*priority=*/1);
    return installed;
  }();
  return *allocator;
}

}  // namespace

void InstallTensorMemory() {
  Installed();
}

void SetTensorSizeLimit(size_t max_bytes) {
  Installed().set_limit(max_bytes);
}

RecycledMemory RecycledMemoryNow() {
  return Recycler().Now();
}

void ReleaseRecycledMemory() {
  Recycler().ReleaseAll();
}

}  // namespace quarry::ml
