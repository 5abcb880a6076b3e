// The ATen CPU allocator quarry installs when a model runtime loads. It does two things:
//
// - A cap on the size of any one tensor allocation: the backstop behind "never allocates without
//   bound". ONNX kernels check shapes they compute from data (CheckAllocation) for a clear message; the
//   cap catches the rest (a broadcast, a matrix product or a convolution of hostile constants folded at
//   load), turning it into an error instead of an out-of-memory kill.
// - Recycling of large blocks. A model's activations are the same handful of sizes every batch, each
//   larger than glibc's mmap threshold (a batch of 16 resnet50 activations is 51 MB): freed, they go
//   back to the kernel, and the next batch pays a page fault per 4 KiB touched (a third of resnet50's
//   time on two cores). Freed blocks of at least kRecycleMinBytes are kept, up to kMaxRecycledBytes in
//   all, and handed out again to requests they fit closely. The memory stays with the process while
//   models run, as PyTorch's own caching allocators keep theirs. The bound is 256 KiB, not 1 MiB: a
//   batch-1 resnet50's 800 KB activations paid ~14 ms of faults per call (a quarter of its time).
// - Small blocks (under kRecycleMinBytes) from per-thread free lists of size classes (small_blocks.hpp):
//   small models make and free thousands of small tensors per call.
#pragma once

#include <cstddef>

namespace quarry::ml {

// The default cap: 8 GiB, above any tensor a real model on this class of machine makes.
inline constexpr size_t kDefaultTensorSizeLimitBytes = size_t{8} << 30;
// Blocks at least this large are recycled (smaller ones are small blocks, small_blocks.hpp).
inline constexpr size_t kRecycleMinBytes = size_t{256} << 10;
// The most freed memory kept for reuse; a block freed beyond it goes back to the system.
inline constexpr size_t kMaxRecycledBytes = size_t{2} << 30;

// Installs quarry's allocator as ATen's CPU allocator (once per process; later calls do nothing).
void InstallTensorMemory();
// Installs it if needed and sets the cap: an allocation of more than `max_bytes` throws a c10::Error.
void SetTensorSizeLimit(size_t max_bytes);

// What the recycler holds now (for tests and diagnostics).
struct RecycledMemory {
  size_t blocks = 0;
  size_t bytes = 0;
};
RecycledMemory RecycledMemoryNow();
// Returns every recycled block to the system.
void ReleaseRecycledMemory();

}  // namespace quarry::ml
