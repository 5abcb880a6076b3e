// Tests of run-length encoded BMPs (src/media/bmp_rle.cpp through bmp_decoder.cpp): pixels against
// Pillow's on RLE8 and RLE4 files (tests/fixtures/bmp_rle_fixtures.py), and bounded behaviour on
// truncated and lying streams.
#include "media/bmp_rle.hpp"

#include <gtest/gtest.h>

#include <random>
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

TEST(BmpRleTest, MatchesPillowExactly) {
  ASSERT_FALSE(ImageFixtureDirectory().empty()) << "make_image_fixtures.py failed";
  for (const std::string name : {"bmp_rle8", "bmp_rle4", "bmp_rle8_topdown", "bmp_rle4_topdown", "bmp_rle8_delta",
                                 "bmp_rle4_delta", "bmp_rle8_magick"}) {
    ExpectDecodesExactlyAsPillow(name, ".bmp", 3);
  }
}

TEST(BmpRleTest, StreamsThatStopEarlyAreErrorsAsInPillow) {
  ASSERT_FALSE(ImageFixtureDirectory().empty()) << "make_image_fixtures.py failed";
  for (const std::string name :
       {"bmp_rle8_truncated", "bmp_rle4_truncated", "bmp_rle8_early_end", "bmp_rle4_early_end"}) {
    SCOPED_TRACE(name);
    Result<Image> image = DecodeImage(ReadFixture(name + ".bmp"));
    ASSERT_FALSE(image.ok());
    EXPECT_NE(image.error().find("corrupt or truncated BMP: the RLE data stops after "), std::string::npos)
        << image.error();
  }
  Result<Image> early = DecodeImage(ReadFixture("bmp_rle8_early_end.bmp"));
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error(), "corrupt or truncated BMP: the RLE data stops after 67 of 3015 pixels");
}

TEST(BmpRleTest, EscapesAndRuns) {
  // 5×3, RLE8: a run of 2 and an absolute run of 3 (padded) fill row 0, so the end of line there is
  // no move (as in Pillow); a delta of (1, 1) from the start of row 1 to row 2, column 1; a run of 3,
  // an end of line.
  const std::vector<uint8_t> stream = {2, 7, 0, 3, 1, 2, 3, 0, 0, 0, 0, 2, 1, 1, 3, 9, 0, 0};
  Result<std::vector<uint8_t>> indices = DecodeBmpRle(stream, 5, 3, false);
  ASSERT_TRUE(indices.ok()) << indices.error();
  EXPECT_EQ(indices.value(), (std::vector<uint8_t>{7, 7, 1, 2, 3, 0, 0, 0, 0, 0, 0, 9, 9, 9, 0}));
  // RLE4: an encoded run alternates the two nibbles; an absolute run of 3 reads 2 bytes (+ padding).
  const std::vector<uint8_t> stream4 = {5, 0x12, 0, 3, 0x34, 0x50, 0, 1};
  indices = DecodeBmpRle(stream4, 8, 1, true);
  ASSERT_TRUE(indices.ok()) << indices.error();
  EXPECT_EQ(indices.value(), (std::vector<uint8_t>{1, 2, 1, 2, 1, 3, 4, 5}));
}

TEST(BmpRleTest, LyingStreamsStayInBounds) {
  // Runs longer than the row are clipped; an absolute run longer than the image and a delta beyond it
  // stop at its end; an absolute run longer than the stream is an error.
  Result<std::vector<uint8_t>> indices = DecodeBmpRle(std::vector<uint8_t>{255, 1}, 3, 1, false);
  ASSERT_TRUE(indices.ok());
  EXPECT_EQ(indices.value(), (std::vector<uint8_t>{1, 1, 1}));
  std::vector<uint8_t> long_absolute = {0, 200};
  long_absolute.resize(202, 4);
  EXPECT_TRUE(DecodeBmpRle(long_absolute, 3, 2, false).ok());
  EXPECT_TRUE(DecodeBmpRle(std::vector<uint8_t>{0, 2, 255, 255}, 3, 2, false).ok());
  EXPECT_FALSE(DecodeBmpRle(std::vector<uint8_t>{0, 200, 1, 2}, 3, 2, false).ok());
  EXPECT_FALSE(DecodeBmpRle(std::vector<uint8_t>{0, 2, 1}, 3, 2, false).ok());
  EXPECT_FALSE(DecodeBmpRle({}, 3, 2, true).ok());
  std::mt19937 random(11);
  for (int round = 0; round < 200; ++round) {
    std::vector<uint8_t> garbage(random() % 64);
    for (uint8_t& byte : garbage) byte = static_cast<uint8_t>(random());
    Result<std::vector<uint8_t>> result = DecodeBmpRle(garbage, 1 + random() % 9, 1 + random() % 9, round % 2 == 0);
    if (result.ok()) {
      EXPECT_FALSE(result.value().empty());
    }
  }
}

}  // namespace
}  // namespace quarry::media
