// Models and references for the ML tests: made once per test binary by tests/fixtures/make_ml_fixtures.py
// (Debian's /usr/bin/python3 with PyTorch, torchvision, Pillow and NumPy) into a temporary folder that is
// removed at exit. The manifest's lines are read as whitespace-separated words.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
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

namespace quarry::ml::testing {

// The folder with the fixtures, made on first use and removed at exit; empty when making them failed.
inline const std::filesystem::path& MlFixtureDirectory() {
  static const quarry::testing::FixtureFolder folder("make_ml_fixtures.py");
  static const std::filesystem::path empty;
  return folder.ok() ? folder.path() : empty;
}

// The lines of `folder`/manifest.txt, each split into words; a test failure naming `script` when the
// fixtures could not be made (an empty folder).
inline std::vector<std::vector<std::string>> ReadManifest(const std::filesystem::path& folder, const char* script) {
  std::vector<std::vector<std::string>> lines;
  if (folder.empty()) {
    ADD_FAILURE() << "the fixtures could not be made (tests/fixtures/" << script << ")";
    return lines;
  }
  std::ifstream in(folder / "manifest.txt");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    lines.emplace_back(std::istream_iterator<std::string>(words), std::istream_iterator<std::string>());
  }
  return lines;
}

// The ML fixtures' manifest lines.
inline std::vector<std::vector<std::string>> ManifestLines() {
  return ReadManifest(MlFixtureDirectory(), "make_ml_fixtures.py");
}

inline std::string FixturePath(const std::string& name) {
  return (MlFixtureDirectory() / name).string();
}

// A fixture's bytes; a test failure (and no bytes) when it is missing.
inline std::vector<uint8_t> ReadBytes(const std::string& name) {
  std::ifstream in(MlFixtureDirectory() / name, std::ios::binary);
  if (!in) ADD_FAILURE() << "missing fixture " << name;
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A little-endian float32 fixture (this machine is little-endian).
inline std::vector<float> ReadFloats(const std::string& name) {
  std::vector<uint8_t> bytes = ReadBytes(name);
  std::vector<float> values(bytes.size() / sizeof(float));
  if (!values.empty()) std::memcpy(values.data(), bytes.data(), values.size() * sizeof(float));
  return values;
}

// The largest absolute difference; infinity when the sizes differ.
inline double MaxDifference(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return INFINITY;
  double largest = 0;
  for (size_t i = 0; i < a.size(); ++i) largest = std::max(largest, std::abs(static_cast<double>(a[i]) - b[i]));
  return largest;
}

}  // namespace quarry::ml::testing
