// Small tensor blocks (under kRecycleMinBytes) for quarry's ATen allocator (tensor_memory.cpp), kept in
// per-thread free lists of power-of-two size classes. A model's small tensors (shape plumbing, a VAD's
// states, a batch-1 activation) are made and freed by the thousand per call; glibc's aligned allocation
// with its bin consolidation cost ~10% of a small model's time (Silero VAD). A freed block goes to the
// free list of the thread that frees it, up to kSmallBlocksKeptPerThread bytes and kSmallBlocksPerClass
// blocks of one class; the rest go back to malloc. A thread's list is freed when the thread ends. Under
// AddressSanitizer nothing is kept, and a block takes exactly its request.
#pragma once

#include <cstddef>

namespace quarry::ml {

// At most this many bytes of free blocks per thread, and this many blocks of one class.
inline constexpr size_t kSmallBlocksKeptPerThread = size_t{4} << 20;
inline constexpr size_t kSmallBlocksPerClass = 16;

// A block of at least `bytes` (< kRecycleMinBytes), 64-byte aligned: one this thread freed before when
// one of its class is kept, else a new one.
void* TakeSmallBlock(size_t bytes);
// Takes back a block from TakeSmallBlock (on any thread).
void GiveSmallBlock(void* block);

// The free blocks this thread keeps, and whether any are ever kept (not under AddressSanitizer); for tests.
size_t SmallBlocksKeptByThisThread();
bool SmallBlocksAreKept();

}  // namespace quarry::ml
