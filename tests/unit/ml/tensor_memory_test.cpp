// quarry's ATen CPU allocator (ml/tensor_memory.hpp): large blocks freed are handed out again to
// requests they fit, small ones are not kept, the cap on one tensor is an error rather than an
// allocation, and recycled memory can be given back.
#include "ml/tensor_memory.hpp"

#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include <gtest/gtest.h>

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
