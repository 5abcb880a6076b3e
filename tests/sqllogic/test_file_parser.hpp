// Parser for sqllogictest files in DuckDB's dialect (test/sql/**/*.test in DuckDB's tree).
//
// Records are separated by blank lines; '#' lines are comments. Supported records:
//   statement ok | statement error          SQL on the following lines; for error, an optional
//                                           "----" line followed by a substring of the expected message
//   query <types> [nosort|rowsort|valuesort] SQL, "----", then the expected rows, values tab-separated
//                                           (or one value per line); NULL, (empty) for '';
//                                           <REGEX>:pattern for a value the pattern matches whole
//   load <path>  |  restart                 (re)open the database at <path> (__TEST_DIR__ is a
//                                           per-file temporary folder), or reopen the current one
//   database <name>                         switch to another in-memory database of this process,
//                                           opened on first use; the others stay open ("default": the
//                                           first) — for what must be separate per database
//   mode skip | mode unskip                 skip the records in between
//   foreach NAME V1 V2 ... / endloop        the records in between once per value, ${NAME} replaced by
//                                           it in their SQL, expected values and paths (nestable)
#pragma once

#include <string>
#include <vector>

namespace quarry::sqllogic {

struct TestRecord {
  enum class Kind { kStatementOk, kStatementError, kQuery, kLoad, kRestart, kDatabase };
  enum class SortMode { kNone, kRows, kValues };

  Kind kind;
  int line = 0;  // 1-based line of the record's first line
  std::string sql;
  std::string column_types;  // kQuery: one letter per column (I, R, T, ...)
  SortMode sort_mode = SortMode::kNone;
  std::vector<std::string> expected;  // kQuery: expected lines; kStatementError: expected message
  std::string path;                   // kLoad: the file; kDatabase: the name
};

struct TestFile {
  std::string path;
  std::vector<TestRecord> records;
};

// Parses `content` (the text of the file at `path`); throws std::runtime_error naming the file and the
// line of a malformed record.
TestFile ParseTestFile(const std::string& path, const std::string& content);

}  // namespace quarry::sqllogic
