// Tests of EXIF orientation parsing and application (src/media/exif_orientation.cpp) on tiny inputs.
#include "media/exif_orientation.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace quarry::media {
namespace {

// A 3×2 gray image with samples 1..6 row by row:  1 2 3 / 4 5 6.
Image Small() {
  Image image;
  image.width = 3;
  image.height = 2;
  image.channels = 1;
  image.pixels = {1, 2, 3, 4, 5, 6};
  return image;
}

TEST(ExifOrientationTest, AppliesAllEightOrientations) {
  const std::vector<std::vector<uint8_t>> expected = {
      {1, 2, 3, 4, 5, 6},  // 1
      {3, 2, 1, 6, 5, 4},  // 2 mirrored
      {6, 5, 4, 3, 2, 1},  // 3 rotated 180°
      {4, 5, 6, 1, 2, 3},  // 4 flipped
      {1, 4, 2, 5, 3, 6},  // 5 transposed
      {4, 1, 5, 2, 6, 3},  // 6 rotated 90° clockwise
      {6, 3, 5, 2, 4, 1},  // 7 transversed
      {3, 6, 2, 5, 1, 4},  // 8 rotated 90° counter-clockwise
  };
  for (int orientation = 1; orientation <= 8; ++orientation) {
    const Image image = ApplyOrientation(Small(), orientation);
    EXPECT_EQ(image.pixels, expected[orientation - 1]) << orientation;
    EXPECT_EQ(image.width, orientation >= 5 ? 2 : 3);
    EXPECT_EQ(image.height, orientation >= 5 ? 3 : 2);
  }
  EXPECT_EQ(ApplyOrientation(Small(), 9).pixels, expected[0]);
}

TEST(ExifOrientationTest, ParsesBothByteOrdersAndToleratesJunk) {
  // II, 42, IFD at 8, one entry: tag 0x0112 SHORT count 1 value 6.
  const std::vector<uint8_t> little = {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0};
  EXPECT_EQ(ParseExifOrientation(little), 6);
  const std::vector<uint8_t> big = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 8, 0, 0};
  EXPECT_EQ(ParseExifOrientation(big), 8);
  std::vector<uint8_t> out_of_range = little;
  out_of_range[18] = 9;
  EXPECT_EQ(ParseExifOrientation(out_of_range), 1);
  std::vector<uint8_t> bad_offset = little;
  bad_offset[4] = 200;  // IFD past the end
  EXPECT_EQ(ParseExifOrientation(bad_offset), 1);
  std::vector<uint8_t> many_entries = little;
  many_entries[8] = many_entries[9] = 0xFF;  // 65535 entries claimed, 1 present
  many_entries[10] = 0;                      // and not the orientation tag
  EXPECT_EQ(ParseExifOrientation(many_entries), 1);
  EXPECT_EQ(ParseExifOrientation({}), 1);
}

}  // namespace
}  // namespace quarry::media
