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

namespace quarry::ml::testing {

// A temporary folder removed when the test binary exits.
struct TemporaryFolder {
  std::filesystem::path path;
  explicit TemporaryFolder(std::filesystem::path made) : path(std::move(made)) {}
  TemporaryFolder(const TemporaryFolder&) = delete;
  TemporaryFolder& operator=(const TemporaryFolder&) = delete;
  ~TemporaryFolder() {
    std::error_code ignored;
    if (!path.empty()) std::filesystem::remove_all(path, ignored);
  }
};

// Makes a temporary folder and the fixtures in it; an empty path when either fails.
inline std::filesystem::path MakeMlFixtures() {
  std::string pattern = (std::filesystem::temp_directory_path() / "quarry-ml-fixtures-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return {};
  const std::string command =
      "/usr/bin/python3 '" QUARRY_SOURCE_DIR "/tests/fixtures/make_ml_fixtures.py' '" + pattern + "'";
  if (std::system(command.c_str()) != 0) {
    std::error_code ignored;
    std::filesystem::remove_all(pattern, ignored);
    return {};
  }
  return pattern;
}

// The folder with the fixtures, made on first use; empty when making them failed.
inline const std::filesystem::path& MlFixtureDirectory() {
  static const TemporaryFolder folder{MakeMlFixtures()};
  return folder.path;
}

// The manifest's lines, each split into words; a test failure when the fixtures are missing.
inline std::vector<std::vector<std::string>> ManifestLines() {
  std::vector<std::vector<std::string>> lines;
  if (MlFixtureDirectory().empty()) {
    ADD_FAILURE() << "the ML fixtures could not be made (tests/fixtures/make_ml_fixtures.py)";
    return lines;
  }
  std::ifstream in(MlFixtureDirectory() / "manifest.txt");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    lines.emplace_back(std::istream_iterator<std::string>(words), std::istream_iterator<std::string>());
  }
  return lines;
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
