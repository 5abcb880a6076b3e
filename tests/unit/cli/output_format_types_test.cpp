// Every DuckDB logical type × every output format (cli/*_format.cpp): each sample of
// tests/unit/api/type_samples.cpp is rendered beside DuckDB's own text of it (column r) and must render
// without an error; the text formats (csv, line, markdown) must show the value exactly as they show
// DuckDB's text, json and jsonl must be valid JSON (checked by DuckDB's json_valid) holding the same
// scalars, and the box must draw a table.
#include <gtest/gtest.h>

#include <sstream>
#include <tuple>

#include "api/type_samples.hpp"
#include "output_format.hpp"

namespace quarry::cli {
namespace {

using type_samples::ReferenceQuery;
using type_samples::TypeSample;
using type_samples::TypeSamples;

Database& SharedDatabase() {
  static Database database;
  return database;
}

std::string Render(const std::string& format_name, const std::string& sql, std::string& error) {
  Connection connection(SharedDatabase());
  QueryOptions options;
  auto format = MakeOutputFormat(format_name, {.max_width = 200, .max_rows = 40});
  options.stream = format->streams();
  QueryResult result = connection.Query(sql, options);
  std::ostringstream out;
  if (result.ok()) {
    format->Write(result, out);
  }
  error = result.ok() ? "" : result.error().message;
  return out.str();
}

// A single-valued query's answer, as text ("NULL" for NULL).
std::string Ask(const std::string& sql) {
  Connection connection(SharedDatabase());
  QueryResult result = connection.Query(sql);
  std::vector<std::vector<Value>> rows;
  if (!result.ok() || !result.NextBatch(rows) || rows.empty()) {
    return "error: " + (result.ok() ? std::string("no row") : result.error().message);
  }
  return rows[0][0].ToString();
}

std::string SqlString(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    quoted += c == '\'' ? "''" : std::string(1, c);
  }
  return quoted + "'";
}

// `out` is prefix + X + middle + X + suffix for some X: the value v shown as its reference r is.
void ExpectSameCells(const std::string& out, const std::string& prefix, const std::string& middle,
                     const std::string& suffix, const std::string& sql) {
  const size_t fixed = prefix.size() + middle.size() + suffix.size();
  ASSERT_GE(out.size(), fixed) << sql << "\n" << out;
  ASSERT_EQ((out.size() - fixed) % 2, 0u) << sql << "\n" << out;
  const std::string cell = out.substr(prefix.size(), (out.size() - fixed) / 2);
  EXPECT_EQ(out, prefix + cell + middle + cell + suffix) << sql;
}

class OutputFormatTypesTest : public ::testing::TestWithParam<std::tuple<size_t, std::string>> {};

TEST_P(OutputFormatTypesTest, RendersLikeDuckDBsText) {
  const TypeSample& sample = TypeSamples().at(std::get<0>(GetParam()));
  const std::string& format = std::get<1>(GetParam());
  const std::string sql = ReferenceQuery(sample);
  std::string error;
  const std::string out = Render(format, sql, error);
  ASSERT_EQ(error, "") << sql;
  if (format == "csv") {
    ExpectSameCells(out, "v,r\n", ",", "\n", sql);
  } else if (format == "line") {
    ExpectSameCells(out, "v = ", "\nr = ", "\n", sql);
  } else if (format == "markdown") {
    ExpectSameCells(out, "| v | r |\n|---|---|\n| ", " | ", " |\n", sql);
  } else if (format == "json" || format == "jsonl") {
    EXPECT_EQ(Ask("SELECT json_valid(" + SqlString(out) + ")"), "true") << sql << "\n" << out;
    const std::string line = format == "json" ? out.substr(1, out.size() - 3) : out.substr(0, out.size() - 1);
    const std::string object = "CAST(" + SqlString(line) + " AS JSON)";
    // Scalars DuckDB prints as text appear as the same JSON string.
    const std::string kind = Ask("SELECT json_type(" + object + ", '$.v')");
    if (kind == "VARCHAR" && sample.id != duckdb::LogicalTypeId::BLOB &&
        sample.id != duckdb::LogicalTypeId::AGGREGATE_STATE) {
      EXPECT_EQ(Ask("SELECT (" + object + "->>'$.v') = (" + object + "->>'$.r')"), "true") << sql << "\n" << out;
    }
  } else if (format == "box") {
    EXPECT_NE(out.find("┌"), std::string::npos) << sql << "\n" << out;
    EXPECT_NE(out.find("└"), std::string::npos) << sql << "\n" << out;
  } else {
    FAIL() << "no expectations for format " << format;
  }
}

std::string CaseName(const ::testing::TestParamInfo<std::tuple<size_t, std::string>>& info) {
  return type_samples::SampleTestName(std::get<0>(info.param)) + "_" + std::get<1>(info.param);
}

INSTANTIATE_TEST_SUITE_P(EveryTypeEveryFormat, OutputFormatTypesTest,
                         ::testing::Combine(::testing::Range<size_t>(0, TypeSamples().size()),
                                            ::testing::ValuesIn(OutputFormatNames())),
                         CaseName);

// Opaque values are bytes: escaped text in text formats, base64 in JSON, a BLOB column in the box.
TEST(OutputFormatTypesTest, AggregateStatesAreBytes) {
  const std::string sql = "SELECT count(*) EXPORT_STATE AS s FROM range(10)";
  std::string error;
  EXPECT_EQ(Render("csv", sql, error), "s\n\\x0A\\x00\\x00\\x00\\x00\\x00\\x00\\x00\n");
  EXPECT_EQ(Render("jsonl", sql, error), "{\"s\":\"CgAAAAAAAAA=\"}\n");
  EXPECT_EQ(Render("line", sql, error), "s = \\x0A\\x00\\x00\\x00\\x00\\x00\\x00\\x00\n");
  const std::string box = Render("box", sql, error);
  EXPECT_NE(box.find("blob"), std::string::npos) << box;
  EXPECT_NE(box.find("\\x0A\\x00\\x00"), std::string::npos) << box;
  const std::string nested = Render("box", "SELECT [count(*) EXPORT_STATE, NULL] AS l FROM range(1)", error);
  EXPECT_EQ(error, "");
  EXPECT_NE(nested.find("blob[]"), std::string::npos) << nested;
  EXPECT_NE(nested.find("[\\x01\\x00"), std::string::npos) << nested;
}

}  // namespace
}  // namespace quarry::cli
