// The one-pass decode + resize gives exactly the bytes of a full decode followed by the resize, for
// every kind of JPEG the fixtures hold (baseline, progressive, gray, 4:4:4, CMYK, turned by EXIF) and
// for pictures encoded here at odd sizes; broken files give the full decode's errors.
#include "media/jpeg_resize_decoder.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "media/image_encoder.hpp"
#include "media/image_fixtures.hpp"
#include "media/image_transform.hpp"
#include "media/jpeg_decoder.hpp"

namespace quarry::media {
namespace {

using testing::ImageFixtureDirectory;
using testing::ReadFixture;

void ExpectSameAsTwoSteps(std::span<const uint8_t> bytes, int32_t width, int32_t height, bool auto_orient) {
  DecodeOptions options;
  options.auto_orient = auto_orient;
  auto full = DecodeJpeg(bytes, options);
  ASSERT_TRUE(full.ok()) << full.error();
  auto expected = Resize(full.value(), width, height, ResizeFilter::kBilinear);
  ASSERT_TRUE(expected.ok()) << expected.error();
  auto actual = DecodeJpegResized(bytes, width, height, options);
  ASSERT_TRUE(actual.ok()) << actual.error();
  EXPECT_EQ(actual.value().width, width);
  EXPECT_EQ(actual.value().height, height);
  EXPECT_EQ(actual.value().channels, expected.value().channels);
  EXPECT_TRUE(actual.value().pixels == expected.value().pixels);
}

TEST(JpegResizeDecoder, FixturesGiveTheTwoStepBytes) {
  ASSERT_FALSE(ImageFixtureDirectory().empty()) << "make_image_fixtures.py failed";
  for (const char* name : {"jpeg_baseline.jpg", "jpeg_progressive.jpg", "jpeg_gray.jpg", "jpeg_cmyk.jpg",
                           "jpeg_444.jpg", "jpeg_1000x800.jpg", "jpeg_orientation6.jpg"}) {
    SCOPED_TRACE(name);
    const std::vector<uint8_t> bytes = ReadFixture(name);
    for (auto [width, height] : {std::pair{224, 224}, std::pair{31, 17}, std::pair{1, 1}, std::pair{64, 300}}) {
      SCOPED_TRACE(std::to_string(width) + "x" + std::to_string(height));
      ExpectSameAsTwoSteps(bytes, width, height, false);
      ExpectSameAsTwoSteps(bytes, width, height, true);
    }
  }
}

TEST(JpegResizeDecoder, EncodedPicturesOfOddSizesGiveTheTwoStepBytes) {
  std::mt19937 random(7);
  for (auto [width, height, channels] : {std::tuple{641, 479, 3}, std::tuple{1030, 77, 3}, std::tuple{333, 1001, 1}}) {
    Image image;
    image.width = width;
    image.height = height;
    image.channels = channels;
    image.pixels.resize(static_cast<size_t>(width) * height * channels);
    // Smooth gradients with noise: what photos look like to a JPEG encoder.
    for (size_t i = 0; i < image.pixels.size(); ++i)
      image.pixels[i] = static_cast<uint8_t>((i / 7 + random() % 32) & 0xFF);
    auto encoded = EncodeJpeg(image, 85);
    ASSERT_TRUE(encoded.ok()) << encoded.error();
    std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(encoded.value().data()), encoded.value().size());
    ExpectSameAsTwoSteps(bytes, 224, 224, false);
    ExpectSameAsTwoSteps(bytes, 100, 33, false);
  }
}

TEST(JpegResizeDecoder, BrokenFilesAreErrors) {
  ASSERT_FALSE(ImageFixtureDirectory().empty());
  std::vector<uint8_t> bytes = ReadFixture("jpeg_1000x800.jpg");
  bytes.resize(bytes.size() / 2);  // cut in the middle of the image data
  auto truncated = DecodeJpegResized(bytes, 224, 224, DecodeOptions{});
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.error(), "truncated JPEG: the file ends before the image data does");
  std::vector<uint8_t> garbage(bytes.begin(), bytes.begin() + 200);
  for (size_t i = 150; i < garbage.size(); ++i) garbage[i] = 0xFF;
  EXPECT_FALSE(DecodeJpegResized(garbage, 224, 224, DecodeOptions{}).ok());
}

}  // namespace
}  // namespace quarry::media
