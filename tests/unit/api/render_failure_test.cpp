// A value DuckDB cannot print (a TIMESTAMP_S beyond its range, which no query makes) renders as the
// bytes it holds, in NextBatch and in RenderBox; nothing throws out of the API.
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

  static duckdb::Value Unprintable() { return duckdb::Value::TIMESTAMPSEC(duckdb::timestamp_sec_t(INT64_MAX - 1)); }

  duckdb::DuckDB database_{nullptr};
  duckdb::Connection connection_{database_};
};

// DuckDB's cast to text fails for it; the value shows the bytes it holds (little-endian int64), in a
// batch and in the box, and the result stays good.
TEST_F(RenderFailureTest, NextBatchGivesTheStoredBytes) {
  QueryResult result = MakeResult(duckdb::Value::LIST({Unprintable()}));
  std::vector<std::vector<Value>> rows;
  ASSERT_TRUE(result.NextBatch(rows));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0].ToString(), "[\\xFE\\xFF\\xFF\\xFF\\xFF\\xFF\\xFF\\x7F]");
  EXPECT_TRUE(result.ok()) << result.error().message;
}

TEST_F(RenderFailureTest, RenderBoxGivesTheStoredBytes) {
  QueryResult result = MakeResult(Unprintable());
  EXPECT_NE(result.RenderBox({}).find("\\xFE\\xFF\\xFF\\xFF\\xFF\\xFF\\xFF\\x7F"), std::string::npos);
  EXPECT_TRUE(result.ok()) << result.error().message;
}

TEST_F(RenderFailureTest, RenderableValuesStillRender) {
  QueryResult result = MakeResult(duckdb::Value::TIMESTAMPSEC(duckdb::timestamp_sec_t(0)));
  EXPECT_NE(result.RenderBox({}).find("1970-01-01 00:00:00"), std::string::npos);
  EXPECT_TRUE(result.ok());
}

}  // namespace
}  // namespace quarry
