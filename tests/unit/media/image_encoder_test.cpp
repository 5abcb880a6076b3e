// Tests of image encoding (src/media/image_encoder.cpp): encode → decode round trips.
#include "media/image_encoder.hpp"

#include <gtest/gtest.h>

#include <span>
#include <string>

#include "media/image_decoder.hpp"
#include "media/image_fixtures.hpp"

namespace quarry::media {
namespace {

Image Pattern(int32_t width, int32_t height, int32_t channels) {
  Image image;
  image.width = width;
  image.height = height;
  image.channels = channels;
  image.pixels.resize(static_cast<size_t>(width) * height * channels);
  for (int32_t y = 0; y < height; ++y) {
    for (int32_t x = 0; x < width; ++x) {
      for (int32_t c = 0; c < channels; ++c) {
        image.row(y)[x * channels + c] = static_cast<uint8_t>(x * 2 + y + c * 20);  // smooth, ≤ 236
      }
    }
  }
  return image;
}

Result<Image> DecodeString(const std::string& bytes) {
  return DecodeImage(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

TEST(ImageEncoderTest, PngRoundTripIsExact) {
  for (int channels : {1, 3, 4}) {
    const Image image = Pattern(37, 21, channels);
    Result<std::string> png = EncodePng(image);
    ASSERT_TRUE(png.ok()) << png.error();
    Result<Image> decoded = DecodeString(png.value());
    ASSERT_TRUE(decoded.ok()) << decoded.error();
    EXPECT_EQ(decoded.value().channels, channels);
    EXPECT_EQ(testing::MaxDifference(decoded.value(), image), 0);
  }
}

TEST(ImageEncoderTest, JpegRoundTripIsClose) {
  for (int channels : {1, 3, 4}) {
    const Image image = Pattern(64, 48, channels);
    Result<std::string> jpeg = EncodeJpeg(image, 95);
    ASSERT_TRUE(jpeg.ok()) << jpeg.error();
    Result<Image> decoded = DecodeString(jpeg.value());
    ASSERT_TRUE(decoded.ok()) << decoded.error();
    Image expected = image;
    if (channels == 4) {  // alpha is dropped
      expected = Pattern(64, 48, 3);
      for (size_t i = 0, o = 0; i < image.pixels.size(); i += 4, o += 3) {
        std::copy_n(image.pixels.begin() + i, 3, expected.pixels.begin() + o);
      }
    }
    const int difference = testing::MaxDifference(decoded.value(), expected);
    EXPECT_GE(difference, 0) << channels;
    EXPECT_LE(difference, 24) << channels;  // 4:2:0 at quality 95 on a sharp pattern
  }
}

TEST(ImageEncoderTest, RejectsInconsistentImages) {
  Image image = Pattern(4, 4, 3);
  image.pixels.pop_back();
  EXPECT_FALSE(EncodePng(image).ok());
  EXPECT_FALSE(EncodeJpeg(image).ok());
  EXPECT_FALSE(EncodePng(Image{}).ok());
  EXPECT_FALSE(EncodeJpeg(Pattern(4, 4, 3), 0).ok());
  Image two_channels = Pattern(4, 4, 2);
  EXPECT_EQ(EncodePng(two_channels).error(), "cannot encode an image with this many channels: 2");
}

}  // namespace
}  // namespace quarry::media
