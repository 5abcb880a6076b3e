// Tests of image decoding (src/media/image_decoder.cpp and the per-format decoders): pixels against
// Pillow's, headers against decodes, DCT scaling, EXIF orientation, and broken files.
#include "media/image_decoder.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "media/image_fixtures.hpp"
#include "media/jpeg_decoder.hpp"

namespace quarry::media {
namespace {

using testing::ImageFixtureDirectory;
using testing::MaxDifference;
using testing::ReadExpectedPixels;
using testing::ReadFixture;

// libjpeg-turbo here and libjpeg-turbo under Pillow: same IDCT and upsampling. The measured maximum
// difference is 0 on every fixture; 1 leaves room for a different SIMD path on another machine.
constexpr int kJpegTolerance = 1;

class ImageDecoderTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(ImageFixtureDirectory().empty()) << "make_image_fixtures.py failed"; }

  static Image Decode(const std::string& file, const DecodeOptions& options = {}) {
    const std::vector<uint8_t> bytes = ReadFixture(file);
    Result<Image> image = DecodeImage(bytes, options);
    EXPECT_TRUE(image.ok()) << file << ": " << (image.ok() ? "" : image.error());
    return image.ok() ? std::move(image).value() : Image{};
  }

  static std::string DecodeError(const std::vector<uint8_t>& bytes, const DecodeOptions& options = {}) {
    Result<Image> image = DecodeImage(bytes, options);
    EXPECT_FALSE(image.ok());
    return image.ok() ? "" : image.error();
  }
};

// Files whose decoded pixels must equal Pillow's exactly (NAME.pix beside NAME.EXT).
const char* const kExactFixtures[] = {
    "png_rgb8.png",
    "png_rgba8.png",
    "png_gray8.png",
    "png_gray_alpha.png",
    "png_palette.png",
    "png_palette_trns.png",
    "png_gray1.png",
    "png_rgb16.png",
    "png_gray16.png",
    "webp_lossless.webp",
    "webp_lossless_alpha.webp",
    "webp_animated.webp",
    "gif_plain.gif",
    "gif_transparent.gif",
    "gif_interlaced.gif",
    "tiff_rgb.tif",
    "tiff_lzw.tif",
    "tiff_gray.tif",
    "tiff_rgba.tif",
    "bmp_24.bmp",
    "bmp_32.bmp",
    "bmp_8.bmp",
    "bmp_1.bmp",
    "bmp_565.bmp",
    "bmp_555.bmp",
    "bmp_v4_alpha.bmp",
};

const char* const kJpegFixtures[] = {"jpeg_baseline.jpg", "jpeg_progressive.jpg", "jpeg_gray.jpg", "jpeg_cmyk.jpg",
                                     "jpeg_444.jpg"};

std::string Stem(const std::string& file) {
  return file.substr(0, file.rfind('.'));
}

TEST_F(ImageDecoderTest, LosslessFormatsMatchPillowExactly) {
  for (const std::string file : kExactFixtures) {
    SCOPED_TRACE(file);
    const Image expected = ReadExpectedPixels(Stem(file));
    ASSERT_FALSE(expected.pixels.empty());
    const Image image = Decode(file);
    EXPECT_EQ(image.width, expected.width);
    EXPECT_EQ(image.height, expected.height);
    EXPECT_EQ(image.channels, expected.channels);
    EXPECT_EQ(MaxDifference(image, expected), 0);
  }
}

TEST_F(ImageDecoderTest, JpegMatchesPillowWithinTolerance) {
  for (const std::string file : kJpegFixtures) {
    SCOPED_TRACE(file);
    const Image expected = ReadExpectedPixels(Stem(file));
    const Image image = Decode(file);
    const int difference = MaxDifference(image, expected);
    RecordProperty(Stem(file) + "_max_difference", difference);
    EXPECT_GE(difference, 0) << "shape differs";
    EXPECT_LE(difference, kJpegTolerance);
  }
}

TEST_F(ImageDecoderTest, LossyWebpMatchesPillowWithinTolerance) {
  const Image image = Decode("webp_lossy.webp");
  const int difference = MaxDifference(image, ReadExpectedPixels("webp_lossy"));
  EXPECT_GE(difference, 0) << "shape differs";
  EXPECT_LE(difference, kJpegTolerance);
}

TEST_F(ImageDecoderTest, OutputModes) {
  EXPECT_EQ(Decode("jpeg_gray.jpg").mode(), kModeGray);
  EXPECT_EQ(Decode("jpeg_cmyk.jpg").mode(), kModeBgr);
  EXPECT_EQ(Decode("png_gray_alpha.png").mode(), kModeBgra);
  EXPECT_EQ(Decode("gif_transparent.gif").mode(), kModeBgra);
  EXPECT_EQ(Decode("tiff_gray.tif").mode(), kModeGray);
}

TEST_F(ImageDecoderTest, HeaderAgreesWithDecodeWithoutDecoding) {
  std::vector<std::string> files(std::begin(kExactFixtures), std::end(kExactFixtures));
  files.insert(files.end(), std::begin(kJpegFixtures), std::end(kJpegFixtures));
  files.push_back("webp_lossy.webp");
  for (const std::string& file : files) {
    SCOPED_TRACE(file);
    const std::vector<uint8_t> bytes = ReadFixture(file);
    Result<ImageHeader> header = ReadImageHeader(bytes);
    ASSERT_TRUE(header.ok()) << header.error();
    const Image image = Decode(file);
    EXPECT_EQ(header.value().format, DetectImageFormat(bytes));
    EXPECT_NE(header.value().format, ImageFormat::kUnknown);
    EXPECT_EQ(header.value().width, image.width);
    EXPECT_EQ(header.value().height, image.height);
    EXPECT_EQ(header.value().channels, image.channels);
  }
}

TEST_F(ImageDecoderTest, HeaderOfBombIsReadButDecodeRefuses) {
  const std::vector<uint8_t> bytes = ReadFixture("bomb.png");
  Result<ImageHeader> header = ReadImageHeader(bytes);
  ASSERT_TRUE(header.ok()) << header.error();
  EXPECT_EQ(header.value().width, 20000);
  EXPECT_EQ(header.value().height, 20000);
  EXPECT_EQ(DecodeError(bytes), "image is 20000×20000 = 400000000 pixels, over the limit of 89478485 (max_pixels)");
}

TEST_F(ImageDecoderTest, DetectsFormatsFromFirstBytes) {
  EXPECT_EQ(DetectImageFormat(ReadFixture("jpeg_baseline.jpg")), ImageFormat::kJpeg);
  EXPECT_EQ(DetectImageFormat(ReadFixture("png_rgb8.png")), ImageFormat::kPng);
  EXPECT_EQ(DetectImageFormat(ReadFixture("webp_lossy.webp")), ImageFormat::kWebp);
  EXPECT_EQ(DetectImageFormat(ReadFixture("gif_plain.gif")), ImageFormat::kGif);
  EXPECT_EQ(DetectImageFormat(ReadFixture("tiff_rgb.tif")), ImageFormat::kTiff);
  EXPECT_EQ(DetectImageFormat(ReadFixture("bmp_24.bmp")), ImageFormat::kBmp);
  EXPECT_EQ(DetectImageFormat(ReadFixture("text.txt")), ImageFormat::kUnknown);
  EXPECT_EQ(DetectImageFormat({}), ImageFormat::kUnknown);
  const uint8_t riff_not_webp[] = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E'};
  EXPECT_EQ(DetectImageFormat(riff_not_webp), ImageFormat::kUnknown);
}

TEST(ImageDecoderScaleTest, PicksTheSmallestScaleThatKeepsTheMinimum) {
  int32_t width = 0, height = 0;
  // 1/4 would be 250×200, under 224 in height: 1/2 it is.
  ChooseJpegScale(1000, 800, 224, 224, width, height);
  EXPECT_EQ(width, 500);
  EXPECT_EQ(height, 400);
  ChooseJpegScale(1000, 800, 100, 100, width, height);
  EXPECT_EQ(width, 125);
  EXPECT_EQ(height, 100);
  ChooseJpegScale(1000, 800, 126, 100, width, height);
  EXPECT_EQ(width, 250);
  EXPECT_EQ(height, 200);
  ChooseJpegScale(1000, 800, 600, 100, width, height);
  EXPECT_EQ(width, 1000);
  EXPECT_EQ(height, 800);
  ChooseJpegScale(1000, 800, 0, 0, width, height);
  EXPECT_EQ(width, 1000);
  ChooseJpegScale(1001, 801, 120, 100, width, height);  // rounds up, as TurboJPEG scales
  EXPECT_EQ(width, 126);
  EXPECT_EQ(height, 101);
}

TEST_F(ImageDecoderTest, JpegDctScalingDecodesSmaller) {
  DecodeOptions options;
  options.min_width = 224;
  options.min_height = 224;
  Image image = Decode("jpeg_1000x800.jpg", options);
  EXPECT_EQ(image.width, 500);
  EXPECT_EQ(image.height, 400);
  EXPECT_EQ(image.pixels.size(), 500u * 400u * 3u);
  options.min_width = 100;
  options.min_height = 100;
  image = Decode("jpeg_1000x800.jpg", options);
  EXPECT_EQ(image.width, 125);
  EXPECT_EQ(image.height, 100);
  // Formats without cheap scaling ignore the minimum.
  image = Decode("png_rgb8.png", options);
  EXPECT_EQ(image.width, 67);
  // A full-size decode by default.
  image = Decode("jpeg_1000x800.jpg");
  EXPECT_EQ(image.width, 1000);
  EXPECT_EQ(image.height, 800);
}

TEST_F(ImageDecoderTest, ExifOrientationIsAppliedOnlyWhenAsked) {
  DecodeOptions upright;
  upright.auto_orient = true;
  for (int orientation = 1; orientation <= 8; ++orientation) {
    const std::string name = "jpeg_orientation" + std::to_string(orientation);
    SCOPED_TRACE(name);
    const Image stored = Decode(name + ".jpg");
    EXPECT_LE(MaxDifference(stored, ReadExpectedPixels(name + "_stored")), kJpegTolerance);
    EXPECT_GE(MaxDifference(stored, ReadExpectedPixels(name + "_stored")), 0);
    const Image oriented = Decode(name + ".jpg", upright);
    const Image expected = ReadExpectedPixels(name + "_upright");
    EXPECT_EQ(oriented.width, expected.width);
    EXPECT_EQ(oriented.height, expected.height);
    EXPECT_GE(MaxDifference(oriented, expected), 0);
    EXPECT_LE(MaxDifference(oriented, expected), kJpegTolerance);
  }
}

TEST_F(ImageDecoderTest, DctScalingMinimumAppliesToTheUprightImage) {
  // Orientation 6 turns the 67×45 stored image into 45×67. A 23×30 minimum upright is 30×23 stored:
  // 1/2 gives 34×23 stored (23×34 upright), which keeps both.
  DecodeOptions options;
  options.auto_orient = true;
  options.min_width = 23;
  options.min_height = 30;
  const Image image = Decode("jpeg_orientation6.jpg", options);
  EXPECT_EQ(image.width, 23);
  EXPECT_EQ(image.height, 34);
}

// Broken input: an Error with a message that says what is wrong, never a crash.
TEST_F(ImageDecoderTest, EmptyFile) {
  EXPECT_EQ(DecodeError({}), "empty file: 0 bytes, not an image");
}

TEST_F(ImageDecoderTest, TextFile) {
  EXPECT_EQ(DecodeError(ReadFixture("text.txt")),
            "not a recognised image format (JPEG, PNG, WebP, GIF, TIFF, BMP): first bytes 54 68 69 73 20 69 73 20");
  EXPECT_FALSE(ReadImageHeader(ReadFixture("text.txt")).ok());
}

TEST_F(ImageDecoderTest, Garbage) {
  std::mt19937 random(7);
  std::vector<uint8_t> garbage(4096);
  for (uint8_t& byte : garbage) byte = static_cast<uint8_t>(random());
  garbage[0] = 0x00;  // not accidentally a magic number
  EXPECT_NE(DecodeError(garbage).find("not a recognised image format"), std::string::npos);
  // Garbage behind each format's magic number.
  const std::vector<std::vector<uint8_t>> magics = {{0xFF, 0xD8, 0xFF},
                                                    {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'},
                                                    {'G', 'I', 'F', '8', '9', 'a'},
                                                    {'R', 'I', 'F', 'F', 0, 1, 0, 0, 'W', 'E', 'B', 'P'},
                                                    {'I', 'I', '*', 0},
                                                    {'M', 'M', 0, '*'},
                                                    {'B', 'M'}};
  for (const auto& magic : magics) {
    std::vector<uint8_t> bytes = garbage;
    std::copy(magic.begin(), magic.end(), bytes.begin());
    EXPECT_FALSE(DecodeError(bytes).empty());
    EXPECT_FALSE(ReadImageHeader(bytes).ok() && DecodeImage(bytes).ok());
  }
}

TEST_F(ImageDecoderTest, TruncatedJpeg) {
  std::vector<uint8_t> bytes = ReadFixture("jpeg_baseline.jpg");
  bytes.resize(bytes.size() / 2);
  EXPECT_EQ(DecodeError(bytes), "truncated JPEG: the file ends before the image data does");
  bytes = ReadFixture("jpeg_progressive.jpg");
  bytes.resize(bytes.size() * 2 / 3);
  EXPECT_EQ(DecodeError(bytes), "truncated JPEG: the file ends before the image data does");
  bytes.resize(40);  // inside the headers
  EXPECT_NE(DecodeError(bytes).find("JPEG"), std::string::npos);
}

TEST_F(ImageDecoderTest, TruncatedPng) {
  std::vector<uint8_t> bytes = ReadFixture("png_rgb8.png");
  bytes.resize(bytes.size() / 2);
  EXPECT_NE(DecodeError(bytes).find("PNG"), std::string::npos);
  bytes.resize(20);  // inside IHDR
  EXPECT_NE(DecodeError(bytes).find("corrupt PNG header"), std::string::npos);
}

TEST_F(ImageDecoderTest, TruncatedFilesOfEveryOtherFormat) {
  for (const std::string file : {"webp_lossy.webp", "webp_lossless.webp", "gif_plain.gif", "tiff_lzw.tif",
                                 "tiff_rgb.tif", "bmp_24.bmp", "webp_animated.webp"}) {
    SCOPED_TRACE(file);
    std::vector<uint8_t> bytes = ReadFixture(file);
    bytes.resize(bytes.size() / 2);
    const std::string error = DecodeError(bytes);
    EXPECT_FALSE(error.empty());
  }
}

TEST_F(ImageDecoderTest, CorruptHeaders) {
  std::vector<uint8_t> png = ReadFixture("png_rgb8.png");
  std::vector<uint8_t> bmp = ReadFixture("bmp_24.bmp");
  std::vector<uint8_t> jpeg = ReadFixture("jpeg_baseline.jpg");
  ASSERT_TRUE(png.size() > 100 && bmp.size() > 100 && jpeg.size() > 100);
  png[24] = 7;  // bit depth 7 in IHDR
  EXPECT_NE(DecodeError(png).find("corrupt PNG header"), std::string::npos);
  bmp[28] = 7;  // 7 bits per pixel
  EXPECT_EQ(DecodeError(bmp), "unsupported BMP bit depth: 7");
  for (size_t i = 2; i + 1 < jpeg.size(); ++i) {
    if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0) {
      jpeg[i + 9] = 7;  // SOF0 with 7 components
      break;
    }
  }
  EXPECT_NE(DecodeError(jpeg).find("JPEG"), std::string::npos);
}

// Sets the JPEG SOF0 frame size.
void SetJpegSize(std::vector<uint8_t>& jpeg, uint16_t width, uint16_t height) {
  for (size_t i = 2; i + 8 < jpeg.size(); ++i) {
    if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0) {
      jpeg[i + 5] = height >> 8, jpeg[i + 6] = height & 0xFF, jpeg[i + 7] = width >> 8, jpeg[i + 8] = width & 0xFF;
      return;
    }
  }
}

TEST_F(ImageDecoderTest, BombsAreRefusedBeforeAllocation) {
  std::vector<uint8_t> jpeg = ReadFixture("jpeg_baseline.jpg");
  std::vector<uint8_t> gif = ReadFixture("gif_plain.gif");
  std::vector<uint8_t> bmp = ReadFixture("bmp_24.bmp");
  ASSERT_TRUE(jpeg.size() > 100 && gif.size() > 100 && bmp.size() > 100);
  SetJpegSize(jpeg, 60000, 60000);
  EXPECT_EQ(DecodeError(jpeg), "image is 60000×60000 = 3600000000 pixels, over the limit of 89478485 (max_pixels)");
  gif[6] = gif[7] = gif[8] = gif[9] = 0xFF;  // 65535×65535 logical screen
  EXPECT_NE(DecodeError(gif).find("(max_pixels)"), std::string::npos);
  bmp[18] = bmp[19] = bmp[22] = bmp[23] = 0x7F;  // width and height 0x00007F7F
  bmp[20] = bmp[21] = bmp[24] = bmp[25] = 0;
  EXPECT_NE(DecodeError(bmp).find("(max_pixels)"), std::string::npos);
  // The limit is the caller's.
  DecodeOptions small;
  small.max_pixels = 1000;
  for (const std::string file : {"jpeg_baseline.jpg", "png_rgb8.png", "webp_lossy.webp", "gif_plain.gif",
                                 "tiff_rgb.tif", "bmp_24.bmp", "webp_animated.webp"}) {
    EXPECT_EQ(DecodeError(ReadFixture(file), small),
              "image is 67×45 = 3015 pixels, over the limit of 1000 (max_pixels)")
        << file;
  }
}

TEST_F(ImageDecoderTest, TiffOrientationTagIsAppliedWithAutoOrient) {
  // libtiff reads the Orientation tag; a stored image comes back as stored without auto_orient.
  const Image stored = Decode("tiff_rgb.tif");
  DecodeOptions options;
  options.auto_orient = true;
  const Image oriented = Decode("tiff_rgb.tif", options);  // orientation 1: unchanged
  EXPECT_EQ(MaxDifference(stored, oriented), 0);
}

}  // namespace
}  // namespace quarry::media
