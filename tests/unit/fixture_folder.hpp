// FixtureFolder — test data made at test time by a script under tests/fixtures/ (run with Debian's
// /usr/bin/python3, which has Pillow, NumPy and PyTorch), in a fresh temporary folder that is removed
// when the FixtureFolder is destroyed. Shared by the media and ML test binaries.
#pragma once

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace quarry::testing {

class FixtureFolder {
 public:
  // Runs `tests/fixtures/<script> FOLDER`; ok() tells whether it succeeded.
  explicit FixtureFolder(const std::string& script) {
    std::string pattern = (std::filesystem::temp_directory_path() / "quarry-fixtures-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) return;
    path_ = pattern;
    const std::string command =
        "/usr/bin/python3 '" QUARRY_SOURCE_DIR "/tests/fixtures/" + script + "' '" + pattern + "'";
    ok_ = std::system(command.c_str()) == 0;
  }
  ~FixtureFolder() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  FixtureFolder(const FixtureFolder&) = delete;
  FixtureFolder& operator=(const FixtureFolder&) = delete;

  bool ok() const { return ok_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  bool ok_ = false;
};

}  // namespace quarry::testing
