// Tests of the shell's output formats (cli/*_format.cpp) on real query results.
#include "output_format.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "json_format.hpp"
#include "quarry/database.hpp"

namespace quarry::cli {
namespace {

std::string Render(const std::string& format_name, const std::string& sql) {
  static Database database;
  Connection connection(database);
  QueryOptions options;
  options.stream = true;
  QueryResult result = connection.Query(sql, options);
  EXPECT_TRUE(result.ok()) << result.error().message;
  FormatSettings settings;
  settings.max_width = 100;
  auto format = MakeOutputFormat(format_name, settings);
  std::ostringstream out;
  format->Write(result, out);
  return out.str();
}

TEST(OutputFormatTest, KnowsExactlyTheDocumentedFormats) {
  for (const auto& name : OutputFormatNames()) {
    EXPECT_NE(MakeOutputFormat(name, {}), nullptr) << name;
  }
  EXPECT_EQ(MakeOutputFormat("yaml", {}), nullptr);
}

TEST(OutputFormatTest, CsvHasAHeaderAndQuotesWhereNeeded) {
  EXPECT_EQ(Render("csv", "SELECT 40 + 2 AS answer"), "answer\n42\n");
  EXPECT_EQ(Render("csv", "SELECT 'a,b' AS x, 'say \"hi\"' AS y, NULL AS z, ' pad' AS w, 'two\nlines' AS v"),
            "x,y,z,w,v\n\"a,b\",\"say \"\"hi\"\"\",,\" pad\",\"two\nlines\"\n");
}

TEST(OutputFormatTest, JsonlWritesNestedValuesAsJson) {
  EXPECT_EQ(Render("jsonl",
                   "SELECT 1 AS i, 'q\"\\' AS s, NULL AS n, [1, 2] AS l, {'w': 3, 't': ['x']} AS st, "
                   "'\\x00\\xFF'::BLOB AS b, true AS f, 2.5::DOUBLE AS d, 'inf'::DOUBLE AS inf, "
                   "1.25::DECIMAL(5,2) AS dec, DATE '2026-11-25' AS day"),
            "{\"i\":1,\"s\":\"q\\\"\\\\\",\"n\":null,\"l\":[1,2],\"st\":{\"w\":3,\"t\":[\"x\"]},\"b\":\"AP8=\","
            "\"f\":true,\"d\":2.5,\"inf\":null,\"dec\":1.25,\"day\":\"2026-11-25\"}\n");
  EXPECT_EQ(Render("jsonl", "SELECT i FROM range(3) t(i)"), "{\"i\":0}\n{\"i\":1}\n{\"i\":2}\n");
  EXPECT_EQ(Render("jsonl", "SELECT 1 AS i WHERE false"), "");
}

TEST(OutputFormatTest, JsonIsOneArray) {
  EXPECT_EQ(Render("json", "SELECT i FROM range(2) t(i)"), "[{\"i\":0},\n{\"i\":1}]\n");
  EXPECT_EQ(Render("json", "SELECT 1 AS i WHERE false"), "[]\n");
}

TEST(OutputFormatTest, JsonEscapesControlCharacters) {
  std::string out;
  AppendJsonString(std::string("a\x01\n", 3), out);
  EXPECT_EQ(out, "\"a\\u0001\\n\"");
}

TEST(OutputFormatTest, Markdown) {
  EXPECT_EQ(Render("markdown", "SELECT 1 AS a, 'x|y' AS b"), "| a | b |\n|---|---|\n| 1 | x\\|y |\n");
}

TEST(OutputFormatTest, Line) {
  EXPECT_EQ(Render("line", "SELECT 1 AS a, 'x' AS long_name UNION ALL SELECT 2, NULL ORDER BY a"),
            "        a = 1\nlong_name = x\n\n        a = 2\nlong_name = NULL\n");
}

TEST(OutputFormatTest, BoxFitsTheWidth) {
  const std::string box = Render("box", "SELECT repeat('x', 300) AS wide, 1 AS n");
  std::istringstream lines(box);
  std::string line;
  while (std::getline(lines, line)) {
    // Count characters, not bytes: the box drawing characters are 3 bytes in UTF-8.
    size_t characters = 0;
    for (unsigned char c : line) characters += (c & 0xC0) != 0x80;
    EXPECT_LE(characters, 100u) << line;
  }
}

}  // namespace
}  // namespace quarry::cli
