// Tests of the image codec registry (src/media/image_codecs.cpp): every entry complete, names and
// formats unique, and each codec's sniff accepting its own files and no other codec's.
#include "media/image_codec.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "media/image_fixtures.hpp"

namespace quarry::media {
namespace {

TEST(ImageCodecsTest, EntriesAreCompleteAndUnique) {
  std::set<ImageFormat> formats;
  std::set<std::string_view> names;
  for (const ImageCodec* codec : ImageCodecs()) {
    ASSERT_NE(codec, nullptr);
    EXPECT_NE(codec->format, ImageFormat::kUnknown);
    EXPECT_TRUE(codec->sniff && codec->read_header && codec->decode) << codec->name;
    EXPECT_FALSE(codec->title.empty());
    EXPECT_TRUE(formats.insert(codec->format).second) << codec->name;
    EXPECT_TRUE(names.insert(codec->name).second) << codec->name;
    EXPECT_EQ(ImageFormatName(codec->format), codec->name);
  }
  EXPECT_EQ(ImageCodecs().size(), 6u);
}

TEST(ImageCodecsTest, EachFileIsSniffedByExactlyItsCodec) {
  ASSERT_FALSE(testing::ImageFixtureDirectory().empty()) << "make_image_fixtures.py failed";
  const std::vector<std::pair<std::string, std::string_view>> files = {
      {"jpeg_baseline.jpg", "jpeg"}, {"png_rgb8.png", "png"},  {"webp_lossy.webp", "webp"},
      {"gif_plain.gif", "gif"},      {"tiff_rgb.tif", "tiff"}, {"bmp_24.bmp", "bmp"}};
  for (const auto& [file, name] : files) {
    const std::vector<uint8_t> bytes = testing::ReadFixture(file);
    int accepted = 0;
    for (const ImageCodec* codec : ImageCodecs()) {
      if (!codec->sniff(bytes)) continue;
      ++accepted;
      EXPECT_EQ(codec->name, name) << file;
    }
    EXPECT_EQ(accepted, 1) << file;
    ASSERT_NE(FindImageCodec(bytes), nullptr);
    EXPECT_EQ(FindImageCodec(bytes)->name, name);
  }
  EXPECT_EQ(FindImageCodec(testing::ReadFixture("text.txt")), nullptr);
  EXPECT_EQ(FindImageCodec({}), nullptr);
}

TEST(ImageCodecsTest, SniffsNeverReadPastShortInput) {
  const uint8_t one[] = {'R'};
  const uint8_t riff[] = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B'};  // 11 bytes: not WebP
  for (const ImageCodec* codec : ImageCodecs()) {
    EXPECT_FALSE(codec->sniff({})) << codec->name;
    EXPECT_FALSE(codec->sniff(std::span<const uint8_t>(one))) << codec->name;
    EXPECT_FALSE(codec->sniff(std::span<const uint8_t>(riff))) << codec->name;
  }
}

}  // namespace
}  // namespace quarry::media
