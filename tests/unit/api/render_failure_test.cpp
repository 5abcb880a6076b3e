// A value that has no rendering at all (here a TIMESTAMP_S beyond DuckDB's range, which no query makes)
// turns its QueryResult into an error, in NextBatch and in RenderBox; nothing throws out of the API.
#include <gtest/gtest.h>

#include "api/api_impl.hpp"
#include "duckdb/main/materialized_query_result.hpp"

namespace quarry {
namespace {

class RenderFailureTest : public ::testing::Test {
 protected:
  // A materialized result of one column holding `value`.
  QueryResult MakeResult(const duckdb::Value& value) {
    duckdb::vector<duckdb::LogicalType> types = {value.type()};
    auto collection = duckdb::make_uniq<duckdb::ColumnDataCollection>(duckdb::Allocator::DefaultAllocator(), types);
    duckdb::DataChunk chunk;
    chunk.Initialize(duckdb::Allocator::DefaultAllocator(), types);
    chunk.SetValue(0, 0, value);
    chunk.SetCardinality(1);
    collection->Append(chunk);
    duckdb::StatementProperties properties;
    properties.return_type = duckdb::StatementReturnType::QUERY_RESULT;
    auto result = duckdb::make_uniq<duckdb::MaterializedQueryResult>(
        duckdb::StatementType::SELECT_STATEMENT, properties, duckdb::vector<std::string>{"v"}, std::move(collection),
        connection_.context->GetClientProperties());
    return QueryResult(std::make_unique<QueryResult::Impl>(std::move(result), connection_.context));
  }

  static duckdb::Value Unrenderable() { return duckdb::Value::TIMESTAMPSEC(duckdb::timestamp_sec_t(INT64_MAX - 1)); }

  duckdb::DuckDB database_{nullptr};
  duckdb::Connection connection_{database_};
};

TEST_F(RenderFailureTest, NextBatchTurnsTheResultIntoAnError) {
  QueryResult result = MakeResult(duckdb::Value::LIST({Unrenderable()}));
  std::vector<std::vector<Value>> rows;
  EXPECT_FALSE(result.NextBatch(rows));
  EXPECT_TRUE(rows.empty());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().type, "Conversion");
  EXPECT_NE(result.error().message.find("TIMESTAMP_S"), std::string::npos) << result.error().message;
}

TEST_F(RenderFailureTest, RenderBoxTurnsTheResultIntoAnError) {
  QueryResult result = MakeResult(Unrenderable());
  EXPECT_EQ(result.RenderBox({}), "");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().type, "Conversion");
}

TEST_F(RenderFailureTest, RenderableValuesStillRender) {
  QueryResult result = MakeResult(duckdb::Value::TIMESTAMPSEC(duckdb::timestamp_sec_t(0)));
  EXPECT_NE(result.RenderBox({}).find("1970-01-01 00:00:00"), std::string::npos);
  EXPECT_TRUE(result.ok());
}

}  // namespace
}  // namespace quarry
