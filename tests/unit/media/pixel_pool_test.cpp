// The pixel pool hands a released buffer to the next picture that fits in it, without a fill, and keeps
// small buffers and overflow out.
#include <gtest/gtest.h>

#include "media/pixel_pool.hpp"

namespace quarry::media {
namespace {

TEST(PixelPool, AReleasedBufferIsReusedAsItIs) {
  std::vector<uint8_t> first = AcquirePixels(3 * 1024 * 1024 + 7);
  ASSERT_EQ(first.size(), 3u * 1024 * 1024 + 7);
  first.assign(first.size(), 0xAB);
  const uint8_t* memory = first.data();
  ReleasePixels(std::move(first));
  std::vector<uint8_t> second = AcquirePixels(3 * 1024 * 1024 + 7);
  EXPECT_EQ(second.data(), memory);
  EXPECT_EQ(second.size(), 3u * 1024 * 1024 + 7);
  EXPECT_EQ(second[12345], 0xAB);  // not refilled: the decoder overwrites every byte
  ReleasePixels(std::move(second));
}

TEST(PixelPool, PrefersABufferThatNeedsNoFill) {
  // Two buffers of the same memory; one last held a smaller picture, so a larger one would grow it
  // (zero-filling the difference). The pool hands out the one already long enough, its bytes as they were.
  constexpr size_t kLarge = 4 * 1024 * 1024, kSmall = 1024 * 1024, kWanted = 3 * 1024 * 1024;
  FreePooledPixels();  // other tests' buffers would fit too
  std::vector<uint8_t> shrunk = AcquirePixels(kLarge);
  std::vector<uint8_t> whole = AcquirePixels(kLarge);
  shrunk.assign(kLarge, 0xCD);
  whole.assign(kLarge, 0xAB);
  shrunk.resize(kSmall);  // as after holding a smaller picture: the capacity stays
  const uint8_t* whole_memory = whole.data();
  const uint8_t* shrunk_memory = shrunk.data();
  ReleasePixels(std::move(shrunk));
  ReleasePixels(std::move(whole));
  std::vector<uint8_t> taken = AcquirePixels(kWanted);
  EXPECT_EQ(taken.data(), whole_memory);
  ASSERT_EQ(taken.size(), kWanted);
  EXPECT_EQ(taken[kWanted - 1], 0xAB);
  // The other is still there for a picture its size, and grows for a larger one within its memory.
  std::vector<uint8_t> next = AcquirePixels(kSmall + 10);
  EXPECT_EQ(next.data(), shrunk_memory);
  EXPECT_EQ(next[kSmall - 1], 0xCD);
  EXPECT_EQ(next[kSmall + 9], 0);  // grown: std::vector zero-fills the difference
  ReleasePixels(std::move(taken));
  ReleasePixels(std::move(next));
}

TEST(PixelPool, SmallBuffersAreNotPooled) {
  std::vector<uint8_t> small = AcquirePixels(1000);
  EXPECT_EQ(small.size(), 1000u);
  ReleasePixels(std::move(small));
  EXPECT_EQ(small.size(), 1000u);  // left with the caller, who frees it
}

TEST(PixelPool, HoldsABoundedAmount) {
  // 100 buffers of 4 MiB would be 400 MiB: most go back to the allocator.
  std::vector<std::vector<uint8_t>> buffers;
  for (int i = 0; i < 100; ++i) buffers.push_back(AcquirePixels(4 * 1024 * 1024));
  size_t kept = 0;
  for (auto& buffer : buffers) {
    ReleasePixels(std::move(buffer));
    if (buffer.empty()) ++kept;  // moved into the pool
  }
  EXPECT_LE(kept, 16u);
  EXPECT_GT(kept, 0u);
}

}  // namespace
}  // namespace quarry::media
