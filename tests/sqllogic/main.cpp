// quarry_sqllogictest [PATH...]: runs the sqllogictest files under each PATH (a .test file or a folder,
// searched recursively), prints failures, then "sql: N passed, N failed"; exits 1 if any failed.
// The files the tests read are made once into fixtures/ beside this binary (tests/fixtures/).
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "test_file_parser.hpp"
#include "test_runner.hpp"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  using namespace quarry::sqllogic;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; i++) {
    const fs::path path = argv[i];
    if (fs::is_directory(path)) {
      for (const auto& entry : fs::recursive_directory_iterator(path)) {
        if (entry.is_regular_file() && entry.path().extension() == ".test") files.push_back(entry.path());
      }
    } else {
      files.push_back(path);
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::cerr << "usage: quarry_sqllogictest PATH... (no .test files found)\n";
    return 2;
  }
  // Test data: made on first use by Pillow, sox and Python (Debian's /usr/bin/python3).
  const fs::path fixtures = fs::absolute(fs::path(argv[0]).parent_path() / "fixtures");
  // Made again when a fixture script changed since they were made.
  bool stale = !fs::exists(fixtures / ".complete");
  for (const char* script :
       {"make_sql_fixtures.py", "make_model_fixtures.py", "make_document_fixtures.py", "make_text_fixtures.py"}) {
    const fs::path source = fs::path(QUARRY_SOURCE_DIR) / "tests/fixtures" / script;
    stale = stale || fs::last_write_time(source) > fs::last_write_time(fixtures / ".complete");
  }
  if (stale) {
    fs::remove_all(fixtures);
    const std::string command =
        "/usr/bin/python3 " QUARRY_SOURCE_DIR "/tests/fixtures/make_sql_fixtures.py '" + fixtures.string() + "'";
    if (std::system(command.c_str()) != 0) {
      std::cerr << "cannot make the test fixtures: " << command << "\n";
      return 2;
    }
  }
  RunCounts total;
  for (const auto& path : files) {
    std::ifstream stream(path);
    std::stringstream content;
    content << stream.rdbuf();
    RunCounts counts;
    try {
      counts = RunTestFile(ParseTestFile(path.string(), content.str()), fixtures.string(), std::cerr);
    } catch (const std::exception& exception) {
      std::cerr << "FAIL " << exception.what() << "\n";
      counts.failed++;
    }
    std::cout << (counts.failed ? "FAIL " : "ok   ") << path.string() << " (" << counts.passed << " passed, "
              << counts.failed << " failed)\n";
    total.passed += counts.passed;
    total.failed += counts.failed;
  }
  std::cout << "sql: " << total.passed << " passed, " << total.failed << " failed\n";
  return total.failed ? 1 : 0;
}
