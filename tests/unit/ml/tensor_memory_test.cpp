// quarry's ATen CPU allocator (ml/tensor_memory.hpp): large blocks freed are handed out again to
// requests they fit, small ones are kept per thread (small_blocks.hpp), the cap on one tensor is an error rather than
// an allocation, and recycled memory can be given back.
#include "ml/tensor_memory.hpp"

#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <thread>
#include <vector>

#include "ml/small_blocks.hpp"

namespace quarry::ml {
namespace {

TEST(TensorMemoryTest, LargeBlocksAreReusedAcrossTensors) {
  InstallTensorMemory();
  ReleaseRecycledMemory();
  void* first_block = nullptr;
  {
    at::Tensor first = at::empty({4, 1024, 1024}, at::kFloat);  // 16 MiB
    first_block = first.data_ptr();
  }
  EXPECT_EQ(RecycledMemoryNow().blocks, 1U);
  EXPECT_GE(RecycledMemoryNow().bytes, size_t{16} << 20);
  // The same size again, and a little smaller (within an eighth), get the freed block.
  {
    at::Tensor again = at::empty({4, 1024, 1024}, at::kFloat);
    EXPECT_EQ(again.data_ptr(), first_block);
    EXPECT_EQ(RecycledMemoryNow().blocks, 0U);
  }
  {
    at::Tensor smaller = at::empty({4, 1000, 1024}, at::kFloat);
    EXPECT_EQ(smaller.data_ptr(), first_block);
  }
  // Much smaller does not take a block four times its size.
  {
    at::Tensor quarter = at::empty({1, 1024, 1024}, at::kFloat);
    EXPECT_NE(quarter.data_ptr(), first_block);
  }
  ReleaseRecycledMemory();
  EXPECT_EQ(RecycledMemoryNow().blocks, 0U);
  EXPECT_EQ(RecycledMemoryNow().bytes, 0U);
}

TEST(TensorMemoryTest, SmallBlocksAreNotKept) {
  InstallTensorMemory();
  ReleaseRecycledMemory();
  { at::Tensor small = at::ones({1000}, at::kFloat); }
  EXPECT_EQ(RecycledMemoryNow().blocks, 0U);
}

TEST(TensorMemoryTest, SmallBlocksAreReusedByTheThreadThatFreesThem) {
  InstallTensorMemory();
  void* first_block = nullptr;
  {
    at::Tensor first = at::empty({3000}, at::kFloat);  // 12,000 bytes: the 16 KiB class
    first_block = first.data_ptr();
  }
  if (SmallBlocksAreKept()) {  // not under AddressSanitizer
    EXPECT_GE(SmallBlocksKeptByThisThread(), 1U);
    at::Tensor same_class = at::empty({4000}, at::kFloat);  // 16,000 bytes
    EXPECT_EQ(same_class.data_ptr(), first_block);
    at::Tensor other_class = at::empty({5000}, at::kFloat);  // 20,000 bytes: the 32 KiB class
    EXPECT_NE(other_class.data_ptr(), first_block);
  }
  // Blocks are 64-byte aligned and their whole requested size is usable (ASan checks the writes).
  for (int64_t elements : {1, 15, 16, 17, 1000, 65536, 262143}) {
    at::Tensor tensor = at::full({elements}, 2.0, at::kFloat);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(tensor.data_ptr()) % 64, 0U);
    EXPECT_EQ(tensor.sum().item<double>(), 2.0 * static_cast<double>(elements));
  }
}

TEST(TensorMemoryTest, SmallBlocksFreedOnAnotherThreadOrAfterItEnded) {
  InstallTensorMemory();
  at::Tensor made_here = at::ones({100}, at::kFloat);
  at::Tensor made_there;
  std::thread([&] {
    made_here = at::Tensor();                  // freed on the other thread: kept by its free lists
    made_there = at::ones({200}, at::kFloat);  // outlives the thread that made it
    for (int i = 0; i < 100; i++) at::Tensor scratch = at::ones({i + 1}, at::kFloat);
  }).join();
  EXPECT_EQ(made_there.sum().item<double>(), 200.0);
  made_there = at::Tensor();  // freed here, into this thread's lists
  // A thread's lists keep a bounded number of blocks per class (a new thread: its lists start empty).
  size_t kept = 0;
  std::thread([&] {
    std::vector<at::Tensor> many;
    for (size_t i = 0; i < 3 * kSmallBlocksPerClass; i++) many.push_back(at::empty({1000}, at::kFloat));
    many.clear();
    kept = SmallBlocksKeptByThisThread();
  }).join();
  EXPECT_EQ(kept, SmallBlocksAreKept() ? kSmallBlocksPerClass : 0U);
}

TEST(TensorMemoryTest, RecycledDataIsUsableAndComputesCorrectly) {
  InstallTensorMemory();
  for (int round = 0; round < 3; round++) {
    at::Tensor a = at::full({512, 1024}, static_cast<double>(round), at::kFloat);
    at::Tensor b = at::ones({512, 1024}, at::kFloat);
    EXPECT_EQ((a + b).sum().item<double>(), 512.0 * 1024 * (round + 1));
  }
}

TEST(TensorMemoryTest, TheCapIsAnErrorNotAnAllocation) {
  SetTensorSizeLimit(size_t{64} << 20);
  EXPECT_THROW(at::empty({1024, 1024, 32}, at::kFloat), c10::Error);  // 128 MiB
  EXPECT_NO_THROW(at::empty({1024, 1024, 8}, at::kFloat));            // 32 MiB
  SetTensorSizeLimit(kDefaultTensorSizeLimitBytes);
  EXPECT_NO_THROW(at::empty({1024, 1024, 32}, at::kFloat));
}

}  // namespace
}  // namespace quarry::ml
