// Tests of the Image type's helpers (src/media/image.cpp).
#include "media/image.hpp"

#include <gtest/gtest.h>

namespace quarry::media {
namespace {

TEST(ImageTest, ModeFollowsOpenCvTypeCodes) {
  Image image;
  image.channels = 1;
  EXPECT_EQ(image.mode(), 0);
  image.channels = 3;
  EXPECT_EQ(image.mode(), 16);
  image.channels = 4;
  EXPECT_EQ(image.mode(), 24);
  image.channels = 2;
  EXPECT_EQ(image.mode(), kModeInvalid);
}

TEST(ImageTest, FormatNames) {
  EXPECT_EQ(ImageFormatName(ImageFormat::kJpeg), "jpeg");
  EXPECT_EQ(ImageFormatName(ImageFormat::kUnknown), "unknown");
}

}  // namespace
}  // namespace quarry::media
