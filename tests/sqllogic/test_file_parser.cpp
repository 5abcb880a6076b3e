// ParseTestFile: sqllogictest records from text (see test_file_parser.hpp).
#include "test_file_parser.hpp"

#include <sstream>
#include <stdexcept>

namespace quarry::sqllogic {

namespace {

std::vector<std::string> SplitWords(const std::string& line) {
  std::istringstream stream(line);
  std::vector<std::string> words;
  std::string word;
  while (stream >> word) words.push_back(word);
  return words;
}

bool IsBlank(const std::string& line) {
  return line.find_first_not_of(" \t\r") == std::string::npos;
}

std::string Substitute(std::string text, const std::string& variable, const std::string& value) {
  const std::string pattern = "${" + variable + "}";
  for (size_t at = text.find(pattern); at != std::string::npos; at = text.find(pattern, at + value.size())) {
    text.replace(at, pattern.size(), value);
  }
  return text;
}

// An open foreach: where its records start in the file's list, its variable and values.
struct Loop {
  size_t first_record;
  std::string variable;
  std::vector<std::string> values;
};

}  // namespace

TestFile ParseTestFile(const std::string& path, const std::string& content) {
  std::vector<std::string> lines;
  {
    std::istringstream stream(content);
    std::string line;
    while (std::getline(stream, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      lines.push_back(line);
    }
  }
  TestFile file{path, {}};
  bool skipping = false;
  std::vector<Loop> loops;
  auto fail = [&](size_t index, const std::string& why) {
    throw std::runtime_error(path + ":" + std::to_string(index + 1) + ": " + why);
  };
  size_t i = 0;
  while (i < lines.size()) {
    if (IsBlank(lines[i]) || lines[i][0] == '#') {
      i++;
      continue;
    }
    const size_t header_index = i;
    const auto words = SplitWords(lines[i++]);
    TestRecord record{};
    record.line = static_cast<int>(header_index + 1);
    // The record's body: lines up to a blank line, split at "----".
    std::vector<std::string> body;
    std::vector<std::string> after_separator;
    bool has_separator = false;
    while (i < lines.size() && !IsBlank(lines[i])) {
      if (!has_separator && lines[i] == "----") {
        has_separator = true;
      } else {
        (has_separator ? after_separator : body).push_back(lines[i]);
      }
      i++;
    }
    std::string sql;
    for (const auto& line : body) sql += (sql.empty() ? "" : "\n") + line;

    const std::string& command = words[0];
    if (command == "mode" && words.size() == 2 && (words[1] == "skip" || words[1] == "unskip")) {
      skipping = words[1] == "skip";
      continue;
    }
    if (command == "foreach" && words.size() >= 3) {
      loops.push_back({file.records.size(), words[1], std::vector<std::string>(words.begin() + 2, words.end())});
      continue;
    }
    if (command == "endloop" && words.size() == 1) {
      if (loops.empty()) fail(header_index, "endloop without foreach");
      Loop loop = loops.back();
      loops.pop_back();
      std::vector<TestRecord> body(file.records.begin() + loop.first_record, file.records.end());
      file.records.resize(loop.first_record);
      for (const std::string& value : loop.values) {
        for (TestRecord copy : body) {
          copy.sql = Substitute(copy.sql, loop.variable, value);
          copy.path = Substitute(copy.path, loop.variable, value);
          for (auto& line : copy.expected) line = Substitute(line, loop.variable, value);
          file.records.push_back(std::move(copy));
        }
      }
      continue;
    }
    if (command == "statement" && words.size() >= 2 && (words[1] == "ok" || words[1] == "error")) {
      record.kind = words[1] == "ok" ? TestRecord::Kind::kStatementOk : TestRecord::Kind::kStatementError;
      record.sql = sql;
      if (record.kind == TestRecord::Kind::kStatementOk && has_separator) {
        fail(header_index, "statement ok takes no expected result");
      }
      record.expected = after_separator;
    } else if (command == "query" && words.size() >= 2) {
      record.kind = TestRecord::Kind::kQuery;
      record.column_types = words[1];
      record.sql = sql;
      if (words.size() >= 3) {
        if (words[2] == "rowsort")
          record.sort_mode = TestRecord::SortMode::kRows;
        else if (words[2] == "valuesort")
          record.sort_mode = TestRecord::SortMode::kValues;
        else if (words[2] != "nosort")
          fail(header_index, "unknown sort mode '" + words[2] + "'");
      }
      if (!has_separator) fail(header_index, "query without a ---- line");
      record.expected = after_separator;
    } else if (command == "load" && words.size() == 2) {
      record.kind = TestRecord::Kind::kLoad;
      record.path = words[1];
    } else if (command == "restart" && words.size() == 1) {
      record.kind = TestRecord::Kind::kRestart;
    } else if (command == "database" && words.size() == 2) {
      record.kind = TestRecord::Kind::kDatabase;
      record.path = words[1];
    } else {
      fail(header_index, "unknown record '" + lines[header_index] + "'");
    }
    if ((record.kind == TestRecord::Kind::kQuery || record.kind == TestRecord::Kind::kStatementOk ||
         record.kind == TestRecord::Kind::kStatementError) &&
        record.sql.empty()) {
      fail(header_index, "record without SQL");
    }
    if (!skipping) file.records.push_back(std::move(record));
  }
  if (!loops.empty()) fail(lines.size() - 1, "foreach without endloop");
  return file;
}

}  // namespace quarry::sqllogic
