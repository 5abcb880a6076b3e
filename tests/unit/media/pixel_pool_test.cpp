// The pixel pool hands a released buffer to the next picture that fits in it, without a fill, and keeps
// small buffers and overflow out.
#include <gtest/gtest.h>

#include <set>

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
  // (zero-filling the difference). The pool hands out the one already long enough, its bytes as they
  // were.
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
  std::vector<uint8_t> next = AcquirePixels(2 * kSmall + 10);
  EXPECT_EQ(next.data(), shrunk_memory);
  EXPECT_EQ(next[kSmall - 1], 0xCD);
  EXPECT_EQ(next[kSmall + 9], 0);  // grown: std::vector zero-fills the difference
  ReleasePixels(std::move(taken));
  ReleasePixels(std::move(next));
}

TEST(PixelPool, KeepsLargerBuffersForLargerPictures) {
  // A picture takes the smallest buffer that holds it, even one it must partly fill, so that the next
  // large picture finds the large buffer still there.
  constexpr size_t kMiB = 1024 * 1024;
  FreePooledPixels();
  std::vector<uint8_t> large = AcquirePixels(8 * kMiB);
  std::vector<uint8_t> small = AcquirePixels(2 * kMiB);
  small.resize(kMiB);
  const uint8_t* large_memory = large.data();
  const uint8_t* small_memory = small.data();
  ReleasePixels(std::move(large));
  ReleasePixels(std::move(small));
  std::vector<uint8_t> picture = AcquirePixels(kMiB + kMiB / 2);
  EXPECT_EQ(picture.data(), small_memory);
  std::vector<uint8_t> large_picture = AcquirePixels(7 * kMiB);
  EXPECT_EQ(large_picture.data(), large_memory);
  ReleasePixels(std::move(picture));
  ReleasePixels(std::move(large_picture));
}

TEST(PixelPool, ASmallPictureDoesNotTakeALargeBuffer) {
  FreePooledPixels();
  std::vector<uint8_t> large = AcquirePixels(8 * 1024 * 1024);
  const uint8_t* large_memory = large.data();
  ReleasePixels(std::move(large));
  std::vector<uint8_t> small = AcquirePixels(200 * 1024);  // a buffer of its own
  EXPECT_NE(small.data(), large_memory);
  std::vector<uint8_t> half = AcquirePixels(4 * 1024 * 1024);  // at least half the buffer: takes it
  EXPECT_EQ(half.data(), large_memory);
  ReleasePixels(std::move(small));
  ReleasePixels(std::move(half));
}

TEST(PixelPool, SmallBuffersAreNotPooled) {
  std::vector<uint8_t> small = AcquirePixels(1000);
  EXPECT_EQ(small.size(), 1000u);
  ReleasePixels(std::move(small));
  EXPECT_EQ(small.size(), 1000u);  // left with the caller, who frees it
}

TEST(PixelPool, HoldsABoundedAmountAndKeepsTheLatest) {
  // 100 buffers of 4 MiB would be 400 MiB: the pool keeps the ones given back last, within its bound.
  FreePooledPixels();
  std::vector<std::vector<uint8_t>> buffers;
  for (int i = 0; i < 100; ++i) buffers.push_back(AcquirePixels(4 * 1024 * 1024));
  const uint8_t* latest = buffers.back().data();
  for (auto& buffer : buffers) ReleasePixels(std::move(buffer));
  EXPECT_LE(PooledPixelBytes(), size_t{64} << 20);
  EXPECT_GE(PooledPixelBytes(), size_t{32} << 20);
  // Pictures of another size now: they find room, the oldest 4 MiB buffers making way.
  std::vector<std::vector<uint8_t>> others;
  std::set<const uint8_t*> other_memory;
  for (int i = 0; i < 100; ++i) {
    others.push_back(AcquirePixels(5 * 1024 * 1024));
    other_memory.insert(others.back().data());
  }
  for (auto& buffer : others) ReleasePixels(std::move(buffer));
  EXPECT_LE(PooledPixelBytes(), size_t{64} << 20);
  std::vector<uint8_t> again = AcquirePixels(5 * 1024 * 1024);
  EXPECT_EQ(other_memory.count(again.data()), 1u);  // a pooled one, not a new allocation
  // No 4 MiB buffer is left (the best fit would be one): a 4 MiB picture takes a 5 MiB buffer.
  std::vector<uint8_t> smaller = AcquirePixels(4 * 1024 * 1024);
  EXPECT_EQ(other_memory.count(smaller.data()), 1u);
  EXPECT_NE(smaller.data(), latest);
  ReleasePixels(std::move(again));
  ReleasePixels(std::move(smaller));
}

}  // namespace
}  // namespace quarry::media
