// Tests of quarry's public API (include/quarry/database.hpp): opening, querying, errors, streaming.
#include "quarry/database.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace quarry {
namespace {

std::vector<std::vector<Value>> AllRows(QueryResult& result) {
  std::vector<std::vector<Value>> all;
  std::vector<std::vector<Value>> batch;
  while (result.NextBatch(batch)) all.insert(all.end(), batch.begin(), batch.end());
  return all;
}

TEST(DatabaseTest, InMemoryQueryReturnsColumnsAndRows) {
  Database database;
  Connection connection(database);
  QueryResult result = connection.Query("SELECT 40 + 2 AS answer, 'x' AS letter");
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result.returns_rows());
  EXPECT_EQ(result.column_names(), (std::vector<std::string>{"answer", "letter"}));
  EXPECT_EQ(result.column_types(), (std::vector<std::string>{"INTEGER", "VARCHAR"}));
  auto rows = AllRows(result);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0].kind(), Value::Kind::kInteger);
  EXPECT_EQ(rows[0][0].integer(), 42);
  EXPECT_EQ(rows[0][1].text(), "x");
}

TEST(DatabaseTest, QuarryFunctionsAreRegistered) {
  Database database;
  Connection connection(database);
  QueryResult result = connection.Query("SELECT quarry_version()");
  ASSERT_TRUE(result.ok()) << result.error().message;
  auto rows = AllRows(result);
  EXPECT_EQ(rows.at(0).at(0).text(), "quarry " + Version() + " (DuckDB " + DuckDBVersion() + ")");
}

TEST(DatabaseTest, StatementsThatChangeStateReturnNoRowsForDisplay) {
  Database database;
  Connection connection(database);
  QueryResult created = connection.Query("CREATE TABLE t (i INTEGER)");
  ASSERT_TRUE(created.ok());
  EXPECT_FALSE(created.returns_rows());
  QueryResult inserted = connection.Query("INSERT INTO t VALUES (1), (2)");
  ASSERT_TRUE(inserted.ok());
  EXPECT_FALSE(inserted.returns_rows());
}

TEST(DatabaseTest, SyntaxErrorCarriesTypeMessageAndPosition) {
  Database database;
  Connection connection(database);
  const std::string sql = "SELECT * FORM t";
  QueryResult result = connection.Query(sql);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().type, "Parser");
  EXPECT_NE(result.error().message.find("syntax error"), std::string::npos);
  EXPECT_EQ(result.error().position, 14);
  EXPECT_EQ(result.error().Describe(sql),
            "Parser Error: syntax error at or near \"t\"\n\nLINE 1: SELECT * FORM t\n                      ^");
}

TEST(DatabaseTest, ErrorPositionOnALaterLineShowsThatLine) {
  Database database;
  Connection connection(database);
  const std::string sql = "SELECT 1,\n  no_such_column";
  QueryResult result = connection.Query(sql);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().type, "Binder");
  const std::string described = result.error().Describe(sql);
  EXPECT_NE(described.find("LINE 2:   no_such_column\n          ^"), std::string::npos) << described;
}

TEST(DatabaseTest, ErrorDuringExecutionIsReported) {
  Database database;
  Connection connection(database);
  QueryResult result = connection.Query("SELECT CAST('abc' AS INTEGER) FROM range(3)");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().type, "Conversion");
}

TEST(DatabaseTest, SeveralStatementsReturnTheLastResult) {
  Database database;
  Connection connection(database);
  QueryResult result = connection.Query("CREATE TABLE t AS SELECT 7 AS v; SELECT v * 6 FROM t");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(AllRows(result).at(0).at(0).integer(), 42);
}

TEST(DatabaseTest, StreamingResultDeliversEveryRowInBatches) {
  Database database;
  Connection connection(database);
  QueryOptions options;
  options.stream = true;
  QueryResult result = connection.Query("SELECT i FROM range(10000) t(i) ORDER BY i", options);
  ASSERT_TRUE(result.ok());
  std::vector<std::vector<Value>> batch;
  int64_t expected = 0;
  int batches = 0;
  while (result.NextBatch(batch)) {
    batches++;
    EXPECT_LE(batch.size(), 2048u);
    for (const auto& row : batch) EXPECT_EQ(row[0].integer(), expected++);
  }
  EXPECT_EQ(expected, 10000);
  EXPECT_GE(batches, 5);
}

TEST(DatabaseTest, RenderBoxDrawsDuckDBsTable) {
  Database database;
  Connection connection(database);
  QueryResult result = connection.Query("SELECT 42 AS answer");
  BoxOptions options;
  options.max_width = 80;
  const std::string box = result.RenderBox(options);
  EXPECT_NE(box.find("answer"), std::string::npos);
  EXPECT_NE(box.find("42"), std::string::npos);
  EXPECT_NE(box.find("┌"), std::string::npos);
}

TEST(DatabaseTest, FileDatabaseKeepsTablesAcrossReopening) {
  const auto path = std::filesystem::temp_directory_path() / "quarry_database_test.db";
  std::filesystem::remove(path);
  {
    Database database(path.string());
    Connection connection(database);
    ASSERT_TRUE(connection.Query("CREATE TABLE kept AS SELECT 'yes' AS v").ok());
  }
  {
    Database database(path.string());
    Connection connection(database);
    QueryResult result = connection.Query("SELECT v FROM kept");
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(AllRows(result).at(0).at(0).text(), "yes");
  }
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + ".wal");
}

TEST(DatabaseTest, UnopenableFileThrowsWithDuckDBsMessage) {
  EXPECT_THROW(Database("/nonexistent-folder/x/y.db"), std::runtime_error);
}

}  // namespace
}  // namespace quarry
