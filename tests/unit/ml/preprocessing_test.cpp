// PreprocessImage against PyTorch: every preset × resize mode × (gray, BGR, BGRA) image of
// make_ml_fixtures.py, within 1e-5 of torchvision / NumPy on Pillow-resized pixels.
#include "ml/preprocessing.hpp"

#include <algorithm>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ml/ml_fixtures.hpp"
#include "ml/model_spec.hpp"

namespace quarry::ml {
namespace {

using testing::ManifestLines;
using testing::MaxDifference;
using testing::ReadBytes;
using testing::ReadFloats;

struct FixtureImage {
  int32_t width = 0;
  int32_t height = 0;
  int32_t channels = 0;
  std::vector<uint8_t> pixels;
  media::ImageView view() const { return media::ImageView{width, height, channels, pixels}; }
};

std::map<std::string, FixtureImage> FixtureImages() {
  std::map<std::string, FixtureImage> images;
  for (const auto& words : ManifestLines()) {
    if (words.size() != 5 || words[0] != "image") continue;
    images[words[1]] =
        FixtureImage{std::stoi(words[2]), std::stoi(words[3]), std::stoi(words[4]), ReadBytes(words[1] + ".u8")};
  }
  return images;
}

PreprocessPreset PresetNamed(const std::string& name) {
  if (name == "inception") return PreprocessPreset::kInception;
  if (name == "caffe") return PreprocessPreset::kCaffe;
  if (name == "none") return PreprocessPreset::kNone;
  return PreprocessPreset::kTorchvision;
}

ResizeMode ResizeNamed(const std::string& name) {
  if (name == "stretch") return ResizeMode::kStretch;
  if (name == "letterbox") return ResizeMode::kLetterbox;
  return ResizeMode::kCenterCrop;
}

// Runs every reference case of `preset`; returns how many ran.
int CheckPreset(const std::string& preset) {
  const auto images = FixtureImages();
  int cases = 0;
  double largest = 0;
  for (const auto& words : ManifestLines()) {
    if (words.size() != 6 || words[0] != "preprocess" || words[2] != preset) continue;
    SCOPED_TRACE(words[1] + " " + words[2] + " " + words[3]);
    const auto image = images.find(words[1]);
    if (image == images.end()) {
      ADD_FAILURE() << "no image " << words[1];
      continue;
    }
    ModelSpec spec;
    spec.preset = PresetNamed(words[2]);
    spec.resize = ResizeNamed(words[3]);
    spec.input_size = std::stoi(words[4]);
    std::vector<float> output(3 * spec.input_size * spec.input_size, -12345.0f);
    auto done = PreprocessImage(image->second.view(), spec, output.data());
    if (!done.ok()) {
      ADD_FAILURE() << done.error();
      continue;
    }
    const double difference = MaxDifference(output, ReadFloats(words[5]));
    EXPECT_LE(difference, 1e-5);
    largest = std::max(largest, difference);
    ++cases;
  }
  std::cout << "preset " << preset << ": " << cases << " cases, max difference vs PyTorch " << largest << "\n";
  return cases;
}

// 5 images × 3 layouts (gray, BGR, BGRA) × 3 resize modes.
constexpr int kCasesPerPreset = 45;

TEST(PreprocessingTest, TorchvisionMatchesPyTorch) {
  EXPECT_EQ(CheckPreset("torchvision"), kCasesPerPreset);
}
TEST(PreprocessingTest, InceptionMatchesNumPy) {
  EXPECT_EQ(CheckPreset("inception"), kCasesPerPreset);
}
TEST(PreprocessingTest, CaffeMatchesNumPy) {
  EXPECT_EQ(CheckPreset("caffe"), kCasesPerPreset);
}
TEST(PreprocessingTest, NoneMatchesNumPy) {
  EXPECT_EQ(CheckPreset("none"), kCasesPerPreset);
}

TEST(PreprocessingTest, LetterboxPadsWithZeros) {
  // A wide white image: the rows above and below the resized band are 0 after normalization.
  const std::vector<uint8_t> pixels(40 * 10 * 3, 255);
  const media::ImageView image{40, 10, 3, pixels};
  ModelSpec spec;
  spec.preset = PreprocessPreset::kCaffe;
  spec.resize = ResizeMode::kLetterbox;
  spec.input_size = 8;  // resized to 8 × 2 at top = 3
  std::vector<float> output(3 * 8 * 8, -1.0f);
  ASSERT_TRUE(PreprocessImage(image, spec, output.data()).ok());
  for (int c = 0; c < 3; ++c) {
    for (int y = 0; y < 8; ++y) {
      const float expected = (y == 3 || y == 4) ? 255.0f - std::vector<float>{103.939f, 116.779f, 123.68f}[c] : 0.0f;
      for (int x = 0; x < 8; ++x) EXPECT_FLOAT_EQ(output[(c * 8 + y) * 8 + x], expected) << c << " " << y << " " << x;
    }
  }
}

TEST(PreprocessingTest, ChannelOrderFollowsThePreset) {
  // One pure blue pixel (B = 255): RGB presets put it in channel 2, caffe in channel 0.
  const std::vector<uint8_t> pixels = {255, 0, 0};
  const media::ImageView image{1, 1, 3, pixels};
  ModelSpec spec;
  spec.input_size = 1;
  spec.preset = PreprocessPreset::kNone;
  std::vector<float> output(3);
  ASSERT_TRUE(PreprocessImage(image, spec, output.data()).ok());
  EXPECT_EQ(output, (std::vector<float>{0, 0, 255}));
  spec.preset = PreprocessPreset::kCaffe;
  ASSERT_TRUE(PreprocessImage(image, spec, output.data()).ok());
  EXPECT_FLOAT_EQ(output[0], 255.0f - 103.939f);
  EXPECT_FLOAT_EQ(output[2], -123.68f);
}

TEST(PreprocessingTest, BadInputsAreErrors) {
  const std::vector<uint8_t> pixels(4 * 4 * 2);
  std::vector<float> output(3 * 4 * 4);
  ModelSpec spec;
  spec.input_size = 4;
  auto two_channels = PreprocessImage(media::ImageView{4, 4, 2, pixels}, spec, output.data());
  ASSERT_FALSE(two_channels.ok());
  EXPECT_NE(two_channels.error().find("channel"), std::string::npos) << two_channels.error();
  EXPECT_FALSE(PreprocessImage(media::ImageView{0, 0, 3, {}}, spec, output.data()).ok());
  EXPECT_FALSE(PreprocessImage(media::ImageView{4, 4, 3, pixels}, spec, output.data()).ok());  // too few bytes
  const std::vector<uint8_t> rgb(4 * 4 * 3);
  spec.input_size = 0;
  EXPECT_FALSE(PreprocessImage(media::ImageView{4, 4, 3, rgb}, spec, output.data()).ok());
}

}  // namespace
}  // namespace quarry::ml
