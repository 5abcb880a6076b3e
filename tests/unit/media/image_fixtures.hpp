// Test images for the decoder and encoder tests: made once per test binary by
// tests/fixtures/make_image_fixtures.py (Debian's /usr/bin/python3 with Pillow and numpy) into a
// temporary folder, with Pillow's decoded pixels beside each file (NAME.pix).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "fixture_folder.hpp"
#include "media/image.hpp"
#include "media/image_decoder.hpp"

namespace quarry::media::testing {

// The folder with the fixtures, made on first use and removed at exit; empty when making failed.
inline const std::filesystem::path& ImageFixtureDirectory() {
  static const quarry::testing::FixtureFolder folder("make_image_fixtures.py");
  static const std::filesystem::path empty;
  return folder.ok() ? folder.path() : empty;
}

// A fixture's bytes; a test failure (and no bytes) when it is missing.
inline std::vector<uint8_t> ReadFixture(const std::string& name) {
  std::ifstream in(ImageFixtureDirectory() / name, std::ios::binary);
  if (!in) ADD_FAILURE() << "missing fixture " << name;
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// NAME.pix: "width height channels\n" then the pixels. An empty Image when missing.
inline Image ReadExpectedPixels(const std::string& name) {
  std::vector<uint8_t> bytes = ReadFixture(name + ".pix");
  Image image;
  auto newline = std::find(bytes.begin(), bytes.end(), uint8_t{'\n'});
  if (newline == bytes.end()) return image;
  std::istringstream header(std::string(bytes.begin(), newline));
  header >> image.width >> image.height >> image.channels;
  image.pixels.assign(newline + 1, bytes.end());
  return image;
}

// The largest absolute difference between two images' samples; -1 when their shapes differ.
inline int MaxDifference(const Image& a, const Image& b) {
  if (a.width != b.width || a.height != b.height || a.channels != b.channels || a.pixels.size() != b.pixels.size()) {
    return -1;
  }
  int largest = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) largest = std::max(largest, std::abs(a.pixels[i] - b.pixels[i]));
  return largest;
}

// Decodes fixture `name` + `extension` and checks that its pixels equal Pillow's exactly (the fixture's
// saved expected pixels) and that the header reader agrees on the size and on `channels`.
inline void ExpectDecodesExactlyAsPillow(const std::string& name, const std::string& extension, int channels) {
  SCOPED_TRACE(name);
  const std::vector<uint8_t> bytes = ReadFixture(name + extension);
  Result<Image> image = DecodeImage(bytes);
  ASSERT_TRUE(image.ok()) << image.error();
  const Image expected = ReadExpectedPixels(name);
  ASSERT_FALSE(expected.pixels.empty());
  EXPECT_EQ(image.value().channels, channels);
  EXPECT_EQ(MaxDifference(image.value(), expected), 0);
  Result<ImageHeader> header = ReadImageHeader(bytes);
  ASSERT_TRUE(header.ok()) << header.error();
  EXPECT_EQ(header.value().width, expected.width);
  EXPECT_EQ(header.value().height, expected.height);
  EXPECT_EQ(header.value().channels, channels);
}

}  // namespace quarry::media::testing
