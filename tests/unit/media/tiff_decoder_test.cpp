// Tests of TIFF decoding beyond the common formats (src/media/tiff_decoder.cpp, tiff_wide_gray.cpp):
// 12- and 32-bit gray against Pillow's convert("L"), Group 4 fax pages with every Orientation tag,
// and libtiff's warnings kept off stderr and quoted in errors (tests/fixtures/tiff_fixtures.py).
#include "media/tiff_decoder.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "media/image_decoder.hpp"
#include "media/image_fixtures.hpp"

namespace quarry::media {
namespace {

using testing::ExpectDecodesExactlyAsPillow;
using testing::ImageFixtureDirectory;
using testing::MaxDifference;
using testing::ReadExpectedPixels;
using testing::ReadFixture;

class TiffDecoderTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(ImageFixtureDirectory().empty()) << "make_image_fixtures.py failed"; }
};

const char* const kWideGrayFixtures[] = {
    "tiff_gray12",  "tiff_gray12_zip",      "tiff_gray12_tiled", "tiff_int32",       "tiff_int32_deflate",
    "tiff_float32", "tiff_float32_deflate", "tiff_uint32",       "tiff_float32_msb",
};

TEST_F(TiffDecoderTest, WideGrayMatchesPillowConvertToL) {
  for (const std::string name : kWideGrayFixtures) ExpectDecodesExactlyAsPillow(name, ".tif", 1);
}

TEST_F(TiffDecoderTest, WideGrayIsBoundedOnBrokenInput) {
  DecodeOptions small;
  small.max_pixels = 1000;
  for (const std::string name : kWideGrayFixtures) {
    SCOPED_TRACE(name);
    std::vector<uint8_t> bytes = ReadFixture(name + ".tif");
    Result<Image> refused = DecodeImage(bytes, small);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error(), "image is 67×45 = 3015 pixels, over the limit of 1000 (max_pixels)");
    for (size_t size : {bytes.size() / 2, bytes.size() / 5, size_t{200}}) {
      std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(size));
      Result<Image> image = DecodeImage(cut);
      if (image.ok()) {
        EXPECT_EQ(image.value().pixels.size(), 67u * 45u);
      }
    }
  }
}

// Sets a SHORT or LONG tag of a little-endian classic TIFF's first directory; false when absent.
bool SetTag(std::vector<uint8_t>& tiff, uint16_t tag, uint32_t value) {
  auto u16 = [&](size_t at) { return static_cast<uint16_t>(tiff[at] | tiff[at + 1] << 8); };
  const size_t directory = tiff[4] | tiff[5] << 8 | tiff[6] << 16 | static_cast<size_t>(tiff[7]) << 24;
  for (size_t i = 0; directory + 2 + 12 * (i + 1) <= tiff.size() && i < u16(directory); ++i) {
    const size_t entry = directory + 2 + 12 * i;
    if (u16(entry) != tag) continue;
    const size_t bytes = u16(entry + 2) == 3 ? 2 : 4;
    for (size_t b = 0; b < bytes; ++b) tiff[entry + 8 + b] = static_cast<uint8_t>(value >> (8 * b));
    return true;
  }
  return false;
}

TEST_F(TiffDecoderTest, LyingTileSizeIsRefusedBeforeAllocating) {
  std::vector<uint8_t> bytes = ReadFixture("tiff_gray12_tiled.tif");
  ASSERT_TRUE(bytes.size() > 8 && bytes[0] == 'I');
  ASSERT_TRUE(SetTag(bytes, 322, 0xFFF0));  // TileWidth
  ASSERT_TRUE(SetTag(bytes, 323, 0xFFF0));  // TileLength
  Result<Image> image = DecodeImage(bytes);
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.error(), "corrupt or truncated TIFF: tiles of 65520×65520 pixels for a smaller image");
}

TEST_F(TiffDecoderTest, Group4OrientationIsAppliedOnlyWithAutoOrient) {
  DecodeOptions upright;
  upright.auto_orient = true;
  for (int orientation = 1; orientation <= 8; ++orientation) {
    const std::string name = "tiff_g4_orientation" + std::to_string(orientation);
    SCOPED_TRACE(name);
    const std::vector<uint8_t> bytes = ReadFixture(name + ".tif");
    Result<Image> stored = DecodeImage(bytes);
    ASSERT_TRUE(stored.ok()) << stored.error();
    EXPECT_EQ(MaxDifference(stored.value(), ReadExpectedPixels(name + "_stored")), 0);
    Result<Image> oriented = DecodeImage(bytes, upright);
    ASSERT_TRUE(oriented.ok()) << oriented.error();
    EXPECT_EQ(MaxDifference(oriented.value(), ReadExpectedPixels(name + "_upright")), 0);
  }
}

TEST_F(TiffDecoderTest, WarningsGoIntoTheErrorNeverToStderr) {
  ::testing::internal::CaptureStderr();
  Result<Image> whole = DecodeImage(ReadFixture("tiff_unknown_tag.tif"));
  Result<ImageHeader> header = ReadImageHeader(ReadFixture("tiff_unknown_tag.tif"));
  Result<Image> truncated = DecodeImage(ReadFixture("tiff_unknown_tag_truncated.tif"));
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  EXPECT_TRUE(whole.ok()) << whole.error();
  EXPECT_TRUE(header.ok()) << header.error();
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.error().rfind("corrupt or truncated TIFF: ", 0), 0u) << truncated.error();
  EXPECT_NE(truncated.error().find("(libtiff warnings: Unknown field with tag 65000 (0xfde8) encountered"),
            std::string::npos)
      << truncated.error();
}

}  // namespace
}  // namespace quarry::media
