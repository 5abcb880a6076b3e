// RunTestFile: executes sqllogictest records through quarry's public API (see test_runner.hpp).
#include "test_runner.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <regex>
#include <sstream>

#include "api/api_impl.hpp"
#include "mirror_file_system.hpp"
#include "quarry/database.hpp"

namespace quarry::sqllogic {

namespace {

// An expected value "<REGEX>:pattern" matches any value the ECMAScript pattern matches whole.
constexpr const char* kRegexPrefix = "<REGEX>:";

std::string RenderValue(const Value& value) {
  if (value.is_null()) return "NULL";
  if (value.text().empty()) return "(empty)";
  return value.text();
}

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> values;
  size_t begin = 0;
  while (true) {
    const size_t tab = line.find('\t', begin);
    values.push_back(line.substr(begin, tab == std::string::npos ? std::string::npos : tab - begin));
    if (tab == std::string::npos) break;
    begin = tab + 1;
  }
  return values;
}

bool ParseNumber(const std::string& text, double& number) {
  if (text.empty()) return false;
  char* end = nullptr;
  number = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

bool ValuesMatch(const std::string& expected, const std::string& actual, char column_type) {
  if (expected == actual) return true;
  if (expected.rfind(kRegexPrefix, 0) == 0) {
    return std::regex_match(actual, std::regex(expected.substr(std::string_view(kRegexPrefix).size())));
  }
  double expected_number = 0;
  double actual_number = 0;
  if (column_type == 'R' && ParseNumber(expected, expected_number) && ParseNumber(actual, actual_number)) {
    return std::fabs(expected_number - actual_number) <= 1e-9 * std::max(1.0, std::fabs(expected_number));
  }
  return false;
}

// The per-file state: the current database (reopened by load/restart) and its connection, and the
// other in-memory databases `database <name>` opened, kept open beside it.
class FileSession {
 public:
  FileSession(const std::string& scratch_folder, const std::string& fixtures_folder)
      : scratch_folder_(scratch_folder), fixtures_folder_(fixtures_folder) {
    Open("");
  }

  void Open(const std::string& path) {
    auto& current = sessions_[current_];
    current.connection.reset();
    current.database.reset();
    current.path = path;
    current.database = std::make_unique<Database>(path);
    testing::RegisterMirrorFileSystem(*current.database->impl().database.instance);
    current.connection = std::make_unique<Connection>(*current.database);
  }
  void Restart() { Open(sessions_[current_].path); }
  // Makes `name` the current database, an in-memory one opened now if it is new.
  void Switch(const std::string& name) {
    current_ = name;
    if (!sessions_[name].database) Open("");
  }
  Connection& connection() { return *sessions_[current_].connection; }
  // Replaces every __TEST_DIR__ with this file's scratch folder, __FIXTURES__ with the fixtures folder.
  std::string ExpandPath(std::string text) const {
    for (const auto& [marker, folder] : {std::pair<std::string, std::string>{"__TEST_DIR__", scratch_folder_},
                                         std::pair<std::string, std::string>{"__FIXTURES__", fixtures_folder_}}) {
      for (auto at = text.find(marker); at != std::string::npos; at = text.find(marker, at + folder.size())) {
        text.replace(at, marker.size(), folder);
      }
    }
    return text;
  }

 private:
  struct Session {
    std::string path;
    std::unique_ptr<Database> database;
    std::unique_ptr<Connection> connection;
  };
  std::string scratch_folder_;
  std::string fixtures_folder_;
  std::map<std::string, Session> sessions_;
  std::string current_ = "default";
};

class RecordFailure {
 public:
  RecordFailure(const TestFile& file, const TestRecord& record, std::ostream& report) : report_(report) {
    report_ << "FAIL " << file.path << ":" << record.line << "\n  " << record.sql << "\n";
  }
  std::ostream& operator()() { return report_; }

 private:
  std::ostream& report_;
};

bool RunQuery(const TestFile& file, const TestRecord& record, Connection& connection, std::ostream& report) {
  QueryResult result = connection.Query(record.sql);
  if (!result.ok()) {
    RecordFailure(file, record, report)() << "  unexpected error: " << result.error().Describe(record.sql) << "\n";
    return false;
  }
  const size_t columns = result.column_names().size();
  if (columns != record.column_types.size()) {
    RecordFailure(file, record, report)()
        << "  the query returns " << columns << " columns, the test declares " << record.column_types.size() << "\n";
    return false;
  }
  std::vector<std::vector<std::string>> rows;
  std::vector<std::vector<Value>> batch;
  while (result.NextBatch(batch)) {
    for (const auto& row : batch) {
      std::vector<std::string> rendered;
      for (const auto& value : row) rendered.push_back(RenderValue(value));
      rows.push_back(std::move(rendered));
    }
  }
  if (!result.ok()) {
    RecordFailure(file, record, report)() << "  error while reading rows: " << result.error().message << "\n";
    return false;
  }
  std::vector<std::string> actual;
  if (record.sort_mode == TestRecord::SortMode::kRows) std::sort(rows.begin(), rows.end());
  for (const auto& row : rows) actual.insert(actual.end(), row.begin(), row.end());
  if (record.sort_mode == TestRecord::SortMode::kValues) std::sort(actual.begin(), actual.end());

  std::vector<std::string> expected;
  for (const auto& line : record.expected) {
    auto values = columns > 1 ? SplitTabs(line) : std::vector<std::string>{line};
    expected.insert(expected.end(), values.begin(), values.end());
  }
  if (record.sort_mode == TestRecord::SortMode::kValues) std::sort(expected.begin(), expected.end());

  bool matches = expected.size() == actual.size();
  for (size_t i = 0; matches && i < actual.size(); i++) {
    matches = ValuesMatch(expected[i], actual[i], record.column_types[i % columns]);
  }
  if (!matches) {
    auto& out = RecordFailure(file, record, report)();
    out << "  expected:\n";
    for (const auto& line : record.expected) out << "    " << line << "\n";
    out << "  actual:\n";
    for (const auto& row : rows) {
      out << "    ";
      for (size_t c = 0; c < row.size(); c++) out << (c ? "\t" : "") << row[c];
      out << "\n";
    }
  }
  return matches;
}

bool RunStatement(const TestFile& file, const TestRecord& record, Connection& connection, std::ostream& report) {
  QueryResult result = connection.Query(record.sql);
  // Drain streamed rows so errors raised while producing them count.
  std::vector<std::vector<Value>> batch;
  while (result.ok() && result.NextBatch(batch)) {
  }
  if (record.kind == TestRecord::Kind::kStatementOk) {
    if (!result.ok()) {
      RecordFailure(file, record, report)() << "  unexpected error: " << result.error().Describe(record.sql) << "\n";
      return false;
    }
    return true;
  }
  if (result.ok()) {
    RecordFailure(file, record, report)() << "  expected an error, the statement succeeded\n";
    return false;
  }
  std::string expected;
  for (const auto& line : record.expected) expected += (expected.empty() ? "" : "\n") + line;
  const std::string actual = result.error().type + " Error: " + result.error().message;
  if (!expected.empty() && actual.find(expected) == std::string::npos) {
    RecordFailure(file, record, report)()
        << "  expected an error containing: " << expected << "\n  got: " << actual << "\n";
    return false;
  }
  return true;
}

}  // namespace

RunCounts RunTestFile(const TestFile& file, const std::string& fixtures_folder, std::ostream& report) {
  namespace fs = std::filesystem;
  RunCounts counts;
  const fs::path scratch =
      fs::temp_directory_path() / ("quarry_sqllogic_" + std::to_string(std::hash<std::string>{}(file.path)));
  fs::remove_all(scratch);
  fs::create_directories(scratch);
  try {
    FileSession session(scratch.string(), fixtures_folder);
    for (const auto& record : file.records) {
      bool passed = true;
      switch (record.kind) {
        case TestRecord::Kind::kLoad:
          session.Open(session.ExpandPath(record.path));
          continue;
        case TestRecord::Kind::kRestart:
          session.Restart();
          continue;
        case TestRecord::Kind::kDatabase:
          session.Switch(record.path);
          continue;
        case TestRecord::Kind::kQuery:
        case TestRecord::Kind::kStatementOk:
        case TestRecord::Kind::kStatementError: {
          TestRecord expanded = record;
          expanded.sql = session.ExpandPath(record.sql);
          passed = record.kind == TestRecord::Kind::kQuery ? RunQuery(file, expanded, session.connection(), report)
                                                           : RunStatement(file, expanded, session.connection(), report);
          break;
        }
      }
      (passed ? counts.passed : counts.failed)++;
    }
  } catch (const std::exception& exception) {
    report << "FAIL " << file.path << ": " << exception.what() << "\n";
    counts.failed++;
  }
  fs::remove_all(scratch);
  return counts;
}

}  // namespace quarry::sqllogic
