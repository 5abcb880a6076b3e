// Per-thread free lists of small tensor blocks (see small_blocks.hpp).
#include "ml/small_blocks.hpp"

#include <c10/core/impl/alloc_cpu.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "ml/tensor_memory.hpp"

namespace quarry::ml {
namespace {

// Each block starts with a header of this size (keeping the data 64-byte aligned) that names its class.
constexpr size_t kHeaderBytes = 64;
constexpr size_t kSmallestClassBytes = 64;
constexpr uint32_t kHeaderMark = 0x51b10c5a;
// Classes 64 B, 128 B, ... up to the first power of two at or above kRecycleMinBytes.
// (Built as C++17 too, in the ONNX fuzz target: no std::bit_width.)
constexpr size_t BitWidth(size_t value) {
  size_t width = 0;
  for (; value != 0; value >>= 1) width++;
  return width;
}
constexpr size_t kClasses = BitWidth(kRecycleMinBytes / kSmallestClassBytes);

// Under AddressSanitizer every block is exactly its request and none is kept, so overruns and uses after
// free are still reported.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

struct Header {
  uint32_t mark;
  uint32_t size_class;
};

size_t ClassOf(size_t bytes) {
  if (bytes <= kSmallestClassBytes) return 0;
  return BitWidth((bytes - 1) / kSmallestClassBytes);
}

size_t ClassBytes(size_t size_class) {
  return kSmallestClassBytes << size_class;
}

class FreeLists {
 public:
  FreeLists() { state_ = State::kAlive; }
  ~FreeLists() {
    state_ = State::kDestroyed;
    for (auto& list : lists_) {
      for (void* base : list) c10::free_cpu(base);
    }
  }

  // False once this thread's lists are destroyed (at thread exit; tensors may still be freed after).
  static bool Usable() { return state_ != State::kDestroyed; }

  void* Take(size_t size_class) {
    auto& list = lists_[size_class];
    if (list.empty()) return nullptr;
    void* base = list.back();
    list.pop_back();
    kept_bytes_ -= ClassBytes(size_class);
    return base;
  }

  // Keeps `base` (true) when its class is kept and there is room.
  bool Keep(void* base, size_t size_class) {
    const size_t bytes = ClassBytes(size_class);
    auto& list = lists_[size_class];
    if (list.size() >= kSmallBlocksPerClass || kept_bytes_ + bytes > kSmallBlocksKeptPerThread) {
      return false;
    }
    if (list.capacity() == 0) list.reserve(kSmallBlocksPerClass);
    list.push_back(base);
    kept_bytes_ += bytes;
    return true;
  }

  size_t kept_blocks() const {
    size_t blocks = 0;
    for (const auto& list : lists_) blocks += list.size();
    return blocks;
  }

 private:
  enum class State { kNotMade, kAlive, kDestroyed };
  static thread_local State state_;
  std::array<std::vector<void*>, kClasses> lists_;
  size_t kept_bytes_ = 0;
};

thread_local FreeLists::State FreeLists::state_ = FreeLists::State::kNotMade;

FreeLists& ThisThread() {
  static thread_local FreeLists lists;
  return lists;
}

}  // namespace

void* TakeSmallBlock(size_t bytes) {
  const size_t size_class = ClassOf(bytes);
  void* base = FreeLists::Usable() ? ThisThread().Take(size_class) : nullptr;
  if (base == nullptr) {
    // Never kept under a sanitizer: a block takes exactly its request, so overruns past it are caught.
    base = c10::alloc_cpu(kHeaderBytes + (kSanitized ? bytes : ClassBytes(size_class)));
  }
  *static_cast<Header*>(base) = Header{kHeaderMark, static_cast<uint32_t>(size_class)};
  return static_cast<char*>(base) + kHeaderBytes;
}

void GiveSmallBlock(void* block) {
  if (block == nullptr) return;
  void* base = static_cast<char*>(block) - kHeaderBytes;
  const Header header = *static_cast<const Header*>(base);
  if (header.mark != kHeaderMark || header.size_class >= kClasses) {
    std::fprintf(stderr, "quarry: a tensor block freed that small_blocks did not allocate\n");
    std::abort();
  }
  if (!kSanitized && FreeLists::Usable() && ThisThread().Keep(base, header.size_class)) return;
  c10::free_cpu(base);
}

size_t SmallBlocksKeptByThisThread() {
  return ThisThread().kept_blocks();
}

bool SmallBlocksAreKept() {
  return !kSanitized;
}

}  // namespace quarry::ml
