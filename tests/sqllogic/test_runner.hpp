// TestRunner — runs parsed sqllogictest files against a fresh quarry database each.
//
// Each file starts with an in-memory database (or the one a `load` record names) and runs its records
// in order; a failing record is reported with file, line, SQL, expected and actual output, and the
// file goes on with its next record. Values are compared as the text DuckDB prints (NULL, (empty) for
// ''); columns typed R also match when both sides are numbers within a relative 1e-9.
#pragma once

#include <ostream>
#include <string>

#include "test_file_parser.hpp"

namespace quarry::sqllogic {

struct RunCounts {
  int passed = 0;
  int failed = 0;
};

// Runs every record of `file`, writing failures to `report`. __FIXTURES__ in SQL and paths stands for
// `fixtures_folder` (made by tests/fixtures/make_sql_fixtures.py), __TEST_DIR__ for a scratch folder.
RunCounts RunTestFile(const TestFile& file, const std::string& fixtures_folder, std::ostream& report);

}  // namespace quarry::sqllogic
