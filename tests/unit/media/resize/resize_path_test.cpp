// Tests of the resize paths (src/media/resize/): every vector path this CPU runs (SSE2, AVX2, AVX-512)
// against the scalar twin on random images — many sizes, 1/3/4 channels, shrinking and enlarging, every
// filter, center-crop windows, opaque and translucent alpha — byte for byte. The source pixels end at a
// page boundary followed by an inaccessible page, so a vector load past the image crashes the test.
// (Pillow-exactness of the scalar path itself: image_transform_test.cpp.)
#include <gtest/gtest.h>

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "media/resize/coefficients.hpp"
#include "media/resize/resize_path.hpp"

namespace quarry::media::resize {
namespace {

// `size` bytes whose last one is followed by an inaccessible page. Unmapped when destroyed.
class GuardedBytes {
 public:
  explicit GuardedBytes(size_t size) : page_(static_cast<size_t>(sysconf(_SC_PAGESIZE))) {
    const size_t data_pages = (size + page_ - 1) / page_;
    mapped_bytes_ = (data_pages + 1) * page_;
    mapped_ = mmap(nullptr, mapped_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapped_ == MAP_FAILED) std::abort();
    auto* base = static_cast<uint8_t*>(mapped_);
    mprotect(base + data_pages * page_, page_, PROT_NONE);
    bytes_ = std::span<uint8_t>(base + data_pages * page_ - size, size);
  }
  ~GuardedBytes() { munmap(mapped_, mapped_bytes_); }
  GuardedBytes(const GuardedBytes&) = delete;
  GuardedBytes& operator=(const GuardedBytes&) = delete;

  std::span<uint8_t> bytes() const { return bytes_; }

 private:
  size_t page_;
  size_t mapped_bytes_ = 0;
  void* mapped_ = nullptr;
  std::span<uint8_t> bytes_;
};

// A random image in guarded memory; with 4 channels, `opaque` sets every alpha to 255, otherwise
// alphas are random with some 0 and 255.
struct RandomImage {
  RandomImage(int32_t width, int32_t height, int32_t channels, bool opaque, std::mt19937& random)
      : memory(static_cast<size_t>(width) * height * channels) {
    for (auto& sample : memory.bytes()) sample = static_cast<uint8_t>(random());
    if (channels == 4) {
      for (size_t i = 3; i < memory.bytes().size(); i += 4) {
        const uint32_t choice = random() % 8;
        if (opaque || choice == 0) memory.bytes()[i] = 255;
        if (!opaque && choice == 1) memory.bytes()[i] = 0;
      }
    }
    view = ImageView{width, height, channels, memory.bytes()};
  }
  GuardedBytes memory;
  ImageView view;
};

std::string Describe(const ImageView& image, int32_t width, int32_t height, ResizeFilter filter) {
  return std::to_string(image.width) + "x" + std::to_string(image.height) + "x" + std::to_string(image.channels) +
         " -> " + std::to_string(width) + "x" + std::to_string(height) + " filter " +
         std::to_string(static_cast<int>(filter));
}

std::vector<ResizePath> VectorPaths() {
  std::vector<ResizePath> paths = AvailableResizePaths();
  paths.erase(paths.begin());  // the scalar twin itself
  return paths;
}

TEST(ResizePathTest, ScalarIsAlwaysAvailableAndTheFastestIsTheLastAvailable) {
  const std::vector<ResizePath> paths = AvailableResizePaths();
  ASSERT_FALSE(paths.empty());
  EXPECT_EQ(paths.front(), ResizePath::kScalar);
  EXPECT_EQ(FastestResizePath(), paths.back());
  std::string names;
  for (ResizePath path : paths) names += std::string(" ") + ResizePathName(path);
  std::printf("resize paths on this CPU:%s (fastest %s)\n", names.c_str(), ResizePathName(FastestResizePath()));
#if defined(QUARRY_RESIZE_X86)
  EXPECT_TRUE(ResizePathAvailable(ResizePath::kSse2));
  EXPECT_EQ(ResizePathAvailable(ResizePath::kAvx2), static_cast<bool>(__builtin_cpu_supports("avx2")));
#endif
}

TEST(ResizePathTest, EveryVectorPathEqualsTheScalarTwinOnRandomImages) {
  const ResizeFilter filters[] = {ResizeFilter::kBilinear, ResizeFilter::kBicubic, ResizeFilter::kBox,
                                  ResizeFilter::kNearest};
  std::mt19937 random(20261202);
  const std::vector<ResizePath> paths = VectorPaths();
  int cases = 0;
  for (int trial = 0; trial < 160; ++trial) {
    // Mostly small sizes (edges, odd tap counts, rows shorter than a vector), some larger ones.
    const bool large = trial % 8 == 0;
    const auto side = [&](int small) { return 1 + static_cast<int32_t>(random() % (large ? 400 : small)); };
    const int32_t channels = std::vector<int32_t>{1, 3, 4}[trial % 3];
    const RandomImage image(side(70), side(70), channels, trial % 6 == 2, random);
    const int32_t width = side(90), height = trial % 10 == 5 ? image.view.height : side(90);
    for (ResizeFilter filter : filters) {
      SCOPED_TRACE(Describe(image.view, width, height, filter));
      auto expected = ResizeOnPath(ResizePath::kScalar, image.view, width, height, filter);
      ASSERT_TRUE(expected.ok()) << expected.error();
      for (ResizePath path : paths) {
        auto actual = ResizeOnPath(path, image.view, width, height, filter);
        ASSERT_TRUE(actual.ok()) << actual.error();
        ASSERT_EQ(actual.value().pixels, expected.value().pixels) << ResizePathName(path);
        ++cases;
      }
      const int32_t crop_width = 1 + static_cast<int32_t>(random() % width);
      const int32_t crop_height = 1 + static_cast<int32_t>(random() % height);
      auto expected_crop =
          ResizeCenterCropOnPath(ResizePath::kScalar, image.view, width, height, crop_width, crop_height, filter);
      ASSERT_TRUE(expected_crop.ok()) << expected_crop.error();
      for (ResizePath path : paths) {
        auto actual = ResizeCenterCropOnPath(path, image.view, width, height, crop_width, crop_height, filter);
        ASSERT_TRUE(actual.ok()) << actual.error();
        ASSERT_EQ(actual.value().pixels, expected_crop.value().pixels)
            << ResizePathName(path) << " crop " << crop_width << "x" << crop_height;
      }
    }
  }
  std::printf("%d resizes compared with the scalar twin over %zu vector paths\n", cases, paths.size());
}

TEST(ResizePathTest, ExtremeWeightsAndBigShrinksMatchTheScalarTwin) {
  // Sums near the clipping limits: all-0 and all-255 images (bicubic overshoots), and shrinks by large
  // factors (many taps: several vector steps per output, long odd tails).
  std::mt19937 random(7);
  for (int32_t channels : {1, 3, 4}) {
    for (uint8_t fill : {uint8_t{0}, uint8_t{255}}) {
      RandomImage image(333, 41, channels, true, random);
      for (size_t i = 0; i < image.memory.bytes().size(); ++i) {
        if (i % 7 != 0) image.memory.bytes()[i] = fill;  // mostly flat, with random spikes
      }
      for (const auto& [width, height] : std::vector<std::pair<int32_t, int32_t>>{{5, 3}, {1, 1}, {17, 41}, {333, 2}}) {
        for (ResizeFilter filter : {ResizeFilter::kBilinear, ResizeFilter::kBicubic, ResizeFilter::kBox}) {
          SCOPED_TRACE(Describe(image.view, width, height, filter));
          auto expected = ResizeOnPath(ResizePath::kScalar, image.view, width, height, filter);
          ASSERT_TRUE(expected.ok()) << expected.error();
          for (ResizePath path : VectorPaths()) {
            auto actual = ResizeOnPath(path, image.view, width, height, filter);
            ASSERT_TRUE(actual.ok()) << actual.error();
            ASSERT_EQ(actual.value().pixels, expected.value().pixels) << ResizePathName(path);
          }
        }
      }
    }
  }
}

TEST(ResizePathTest, ThreeChannelRowGroupsMatchTheScalarTwin) {
  // AVX-512 runs 3-channel pictures 21 rows at a time, transposed (avx512_row_groups.cpp): heights around
  // whole groups, widths around its 16-column steps and its plain-load limit (64 bytes left in a row),
  // outputs around 16 a step, enlarging (the largest weights, bicubic's negative ones), a picture too wide
  // for it (row by row), and center crops (windows that start past column 0).
  std::mt19937 random(21);
  int cases = 0;
  for (const int32_t source_width : {1, 16, 21, 22, 37, 100, 1531}) {
    for (const int32_t source_height : {20, 21, 22, 43, 63}) {
      const RandomImage image(source_width, source_height, 3, true, random);
      for (const int32_t width : {1, 17, 224, 300}) {
        for (ResizeFilter filter : {ResizeFilter::kBilinear, ResizeFilter::kBicubic, ResizeFilter::kBox}) {
          for (const int32_t height : {source_height, 33}) {
            SCOPED_TRACE(Describe(image.view, width, height, filter));
            auto expected = ResizeOnPath(ResizePath::kScalar, image.view, width, height, filter);
            ASSERT_TRUE(expected.ok()) << expected.error();
            auto expected_crop = ResizeCenterCropOnPath(ResizePath::kScalar, image.view, width, height,
                                                        std::max(1, width - 5), height, filter);
            ASSERT_TRUE(expected_crop.ok()) << expected_crop.error();
            for (ResizePath path : VectorPaths()) {
              auto actual = ResizeOnPath(path, image.view, width, height, filter);
              ASSERT_TRUE(actual.ok()) << actual.error();
              ASSERT_EQ(actual.value().pixels, expected.value().pixels) << ResizePathName(path);
              auto crop =
                  ResizeCenterCropOnPath(path, image.view, width, height, std::max(1, width - 5), height, filter);
              ASSERT_TRUE(crop.ok()) << crop.error();
              ASSERT_EQ(crop.value().pixels, expected_crop.value().pixels) << ResizePathName(path) << " crop";
              ++cases;
            }
          }
        }
      }
    }
  }
  const RandomImage wide(16400, 21, 3, true, random);
  auto expected = ResizeOnPath(ResizePath::kScalar, wide.view, 224, 21, ResizeFilter::kBilinear);
  ASSERT_TRUE(expected.ok()) << expected.error();
  for (ResizePath path : VectorPaths()) {
    auto actual = ResizeOnPath(path, wide.view, 224, 21, ResizeFilter::kBilinear);
    ASSERT_TRUE(actual.ok()) << actual.error();
    ASSERT_EQ(actual.value().pixels, expected.value().pixels) << ResizePathName(path) << " 16400 wide";
  }
  std::printf("%d 3-channel resizes compared with the scalar twin\n", cases);
}

TEST(ResizePathTest, CoefficientsAreCachedPerSizePairAndFilter) {
  const auto a = CachedCoefficients(1000, 224, ResizeFilter::kBilinear);
  const auto b = CachedCoefficients(1000, 224, ResizeFilter::kBilinear);
  EXPECT_EQ(a.get(), b.get());
  EXPECT_NE(a.get(), CachedCoefficients(1000, 224, ResizeFilter::kBicubic).get());
  EXPECT_NE(a.get(), CachedCoefficients(1001, 224, ResizeFilter::kBilinear).get());
  // The split halves rebuild every weight; padding weights are 0.
  ASSERT_EQ(a->padded_taps % kTapAlignment, 0);
  for (size_t i = 0; i < a->first.size(); ++i) {
    for (int32_t j = 0; j < a->padded_taps; ++j) {
      const int32_t weight = j < a->count[i] ? a->weights[i * a->taps + j] : 0;
      const size_t at = i * a->padded_taps + j;
      EXPECT_EQ(a->high[at] * 65536 + a->low[at], weight);
    }
  }
}

}  // namespace
}  // namespace quarry::media::resize
