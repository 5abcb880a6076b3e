// Tests of the image transforms (src/media/image_resize.cpp, image_crop.cpp, image_gray.cpp) against
// Pillow 9.4: tests/fixtures/make_transform_fixtures.py writes random images and Pillow's resize (every
// filter, 1/3/4 channels, up- and downscaling, odd sizes, non-integer ratios) and convert('L') results,
// which must match ours exactly (maximum absolute difference 0). Crops are checked against indexing.
#include <gtest/gtest.h>

#include "fixture_folder.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "media/image_transform.hpp"

namespace quarry::media {
namespace {

namespace fs = std::filesystem;

// The maximum absolute difference per sample allowed against Pillow: none, we round as Pillow does.
constexpr int kMaxDifference = 0;

Image MakeImage(int32_t width, int32_t height, int32_t channels, std::vector<uint8_t> pixels) {
  Image image;
  image.width = width;
  image.height = height;
  image.channels = channels;
  image.pixels = std::move(pixels);
  return image;
}

Image RandomImage(int32_t width, int32_t height, int32_t channels, uint32_t seed) {
  std::mt19937 random(seed);
  std::vector<uint8_t> pixels(static_cast<size_t>(width) * height * channels);
  for (auto& sample : pixels) sample = static_cast<uint8_t>(random());
  return MakeImage(width, height, channels, std::move(pixels));
}

std::vector<uint8_t> ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int MaxDifference(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  int worst = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

// Runs the fixture script once for the whole test suite.
class TransformPillowTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    static const quarry::testing::FixtureFolder folder("make_transform_fixtures.py");  // removed at exit
    directory_ = folder.path();
    status_ = folder.ok() ? 0 : 1;
  }

  static std::vector<std::vector<std::string>> Manifest(const std::string& kind) {
    std::vector<std::vector<std::string>> cases;
    std::ifstream in(directory_ / "manifest.txt");
    for (std::string line; std::getline(in, line);) {
      std::istringstream fields(line);
      std::vector<std::string> words{std::istream_iterator<std::string>(fields), {}};
      if (!words.empty() && words[0] == kind) cases.push_back(words);
    }
    return cases;
  }

  static inline fs::path directory_;
  static inline int status_ = -1;
};

TEST_F(TransformPillowTest, ResizeMatchesPillowForEveryFilter) {
  ASSERT_EQ(status_, 0) << "make_transform_fixtures.py failed";
  const std::map<std::string, ResizeFilter> filters = {{"nearest", ResizeFilter::kNearest},
                                                       {"bilinear", ResizeFilter::kBilinear},
                                                       {"bicubic", ResizeFilter::kBicubic},
                                                       {"box", ResizeFilter::kBox}};
  std::map<std::string, int> worst;
  const auto cases = Manifest("resize");
  ASSERT_GT(cases.size(), 100u);
  for (const auto& c : cases) {
    const Image input =
        MakeImage(std::stoi(c[3]), std::stoi(c[4]), std::stoi(c[5]), ReadBytes(directory_ / (c[2] + ".in")));
    ASSERT_EQ(input.pixels.size(), static_cast<size_t>(input.width) * input.height * input.channels) << c[1];
    auto resized = Resize(input, std::stoi(c[6]), std::stoi(c[7]), filters.at(c[8]));
    ASSERT_TRUE(resized.ok()) << c[1] << ": " << resized.error();
    const std::vector<uint8_t> expected = ReadBytes(directory_ / (c[1] + ".out"));
    ASSERT_EQ(resized.value().pixels.size(), expected.size()) << c[1];
    EXPECT_EQ(resized.value().width, std::stoi(c[6]));
    EXPECT_EQ(resized.value().height, std::stoi(c[7]));
    EXPECT_EQ(resized.value().channels, input.channels);
    const int difference = MaxDifference(resized.value().pixels, expected);
    EXPECT_LE(difference, kMaxDifference) << c[1];
    worst[c[8]] = std::max(worst[c[8]], difference);
  }
  for (const auto& [name, difference] : worst) std::printf("max |ours - Pillow| %s: %d\n", name.c_str(), difference);
}

TEST_F(TransformPillowTest, GrayMatchesPillowExactly) {
  ASSERT_EQ(status_, 0) << "make_transform_fixtures.py failed";
  const auto cases = Manifest("gray");
  ASSERT_FALSE(cases.empty());
  for (const auto& c : cases) {
    const Image input =
        MakeImage(std::stoi(c[2]), std::stoi(c[3]), std::stoi(c[4]), ReadBytes(directory_ / (c[1] + ".in")));
    const Image gray = ToGray(input);
    EXPECT_EQ(gray.channels, 1);
    EXPECT_EQ(gray.width, input.width);
    EXPECT_EQ(gray.height, input.height);
    EXPECT_EQ(gray.pixels, ReadBytes(directory_ / (c[1] + ".out"))) << c[1];
  }
}

TEST(TransformTest, GrayOfGrayIsACopyAndBadImagesGiveAnEmptyImage) {
  const Image gray = RandomImage(5, 4, 1, 1);
  EXPECT_EQ(ToGray(gray).pixels, gray.pixels);
  Image broken = RandomImage(5, 4, 3, 2);
  broken.pixels.pop_back();
  EXPECT_TRUE(ToGray(broken).pixels.empty());
  EXPECT_EQ(ToGray(broken).width, 0);
  EXPECT_TRUE(ToGray(RandomImage(2, 2, 2, 3)).pixels.empty());
}

TEST(TransformTest, GrayUsesBgrOrder) {
  const Image blue = MakeImage(1, 1, 3, {255, 0, 0});  // B, G, R
  EXPECT_EQ(ToGray(blue).pixels[0], (255 * 7471 + 0x8000) >> 16);
  const Image red = MakeImage(1, 1, 4, {0, 0, 255, 7});
  EXPECT_EQ(ToGray(red).pixels[0], (255 * 19595 + 0x8000) >> 16);
}

TEST(TransformTest, ResizeRejectsBadArguments) {
  const Image image = RandomImage(4, 3, 3, 3);
  EXPECT_FALSE(Resize(image, 0, 5).ok());
  EXPECT_FALSE(Resize(image, 5, -1).ok());
  EXPECT_FALSE(Resize(image, 100000, 100000).ok());
  EXPECT_FALSE(Resize(MakeImage(2, 2, 2, std::vector<uint8_t>(8)), 1, 1).ok());
  EXPECT_FALSE(Resize(MakeImage(2, 2, 3, std::vector<uint8_t>(11)), 1, 1).ok());
  EXPECT_FALSE(Resize(Image{}, 1, 1).ok());
  const auto same = Resize(image, 4, 3, ResizeFilter::kBicubic);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same.value().pixels, image.pixels);
}

TEST(TransformTest, CropCopiesTheRectangle) {
  const Image image = RandomImage(7, 5, 3, 4);
  auto crop = Crop(image, 2, 1, 4, 3);
  ASSERT_TRUE(crop.ok()) << crop.error();
  ASSERT_EQ(crop.value().width, 4);
  ASSERT_EQ(crop.value().height, 3);
  for (int y = 0; y < 3; ++y) {
    for (int x = 0; x < 4 * 3; ++x) EXPECT_EQ(crop.value().row(y)[x], image.row(y + 1)[2 * 3 + x]);
  }
  EXPECT_TRUE(Crop(image, 0, 0, 7, 5).ok());
  EXPECT_FALSE(Crop(image, 4, 0, 4, 1).ok());
  EXPECT_FALSE(Crop(image, -1, 0, 1, 1).ok());
  EXPECT_FALSE(Crop(image, 0, 0, 0, 1).ok());
  EXPECT_FALSE(Crop(image, 0, 2147483647, 1, 2147483647).ok());
  const auto error = Crop(image, 6, 4, 2, 2);
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.error(), "crop rectangle does not lie inside the 7x5 image: 2x2 at (6, 4)");
}

TEST(TransformTest, CenterCropRoundsOffsetsHalfToEvenAsTorchvision) {
  // width 10 -> 3: (10 - 3) / 2 = 3.5 -> 4; height 9 -> 4: 2.5 -> 2; a 1-pixel image of a gradient
  // makes the offsets visible.
  std::vector<uint8_t> pixels;
  for (int y = 0; y < 9; ++y) {
    for (int x = 0; x < 10; ++x) pixels.push_back(static_cast<uint8_t>(y * 10 + x));
  }
  const Image image = MakeImage(10, 9, 1, pixels);
  auto crop = CenterCrop(image, 3, 4);
  ASSERT_TRUE(crop.ok()) << crop.error();
  EXPECT_EQ(crop.value().pixels[0], 2 * 10 + 4);
  auto odd = CenterCrop(image, 5, 8);  // 2.5 -> 2, 0.5 -> 0
  ASSERT_TRUE(odd.ok());
  EXPECT_EQ(odd.value().pixels[0], 0 * 10 + 2);
  auto whole = CenterCrop(image, 10, 9);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole.value().pixels, image.pixels);
  EXPECT_FALSE(CenterCrop(image, 11, 9).ok());
  EXPECT_FALSE(CenterCrop(image, 0, 0).ok());
}

TEST(TransformTest, ResizeCenterCropEqualsResizeThenCenterCrop) {
  // Every filter and channel count, shrinking and enlarging, crops of odd and even margins, and the
  // fallbacks (same width, same height, nearest, alpha): the same bytes as the two steps.
  const ResizeFilter filters[] = {ResizeFilter::kBilinear, ResizeFilter::kBicubic, ResizeFilter::kBox,
                                  ResizeFilter::kNearest};
  struct Geometry {
    int32_t in_width, in_height, width, height, crop_width, crop_height;
  };
  const Geometry geometries[] = {
      {320, 240, 298, 224, 224, 224}, {240, 320, 224, 298, 224, 224}, {97, 61, 33, 21, 20, 17}, {13, 9, 40, 27, 31, 26},
      {50, 40, 50, 30, 41, 29},       {50, 40, 35, 40, 35, 11},       {64, 64, 32, 32, 32, 32}};
  uint32_t seed = 10;
  for (int channels : {1, 3, 4}) {
    for (const auto& g : geometries) {
      const Image image = RandomImage(g.in_width, g.in_height, channels, seed++);
      for (ResizeFilter filter : filters) {
        SCOPED_TRACE(std::to_string(channels) + " channels, " + std::to_string(g.in_width) + "x" +
                     std::to_string(g.in_height) + " -> " + std::to_string(g.width) + "x" + std::to_string(g.height) +
                     " crop " + std::to_string(g.crop_width) + "x" + std::to_string(g.crop_height) + ", filter " +
                     std::to_string(static_cast<int>(filter)));
        auto resized = Resize(image, g.width, g.height, filter);
        ASSERT_TRUE(resized.ok()) << resized.error();
        auto expected = CenterCrop(resized.value(), g.crop_width, g.crop_height);
        ASSERT_TRUE(expected.ok()) << expected.error();
        auto actual = ResizeCenterCrop(image, g.width, g.height, g.crop_width, g.crop_height, filter);
        ASSERT_TRUE(actual.ok()) << actual.error();
        EXPECT_EQ(actual.value().width, g.crop_width);
        EXPECT_EQ(actual.value().height, g.crop_height);
        EXPECT_EQ(actual.value().pixels, expected.value().pixels);
      }
    }
  }
  const Image image = RandomImage(20, 10, 3, 1);
  EXPECT_FALSE(ResizeCenterCrop(image, 10, 5, 11, 5).ok());
  EXPECT_FALSE(ResizeCenterCrop(image, 10, 5, 0, 5).ok());
  EXPECT_FALSE(ResizeCenterCrop(image, 0, 5, 1, 1).ok());
}

}  // namespace
}  // namespace quarry::media
