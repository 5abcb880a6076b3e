// Tests of the conversion of DuckDB values into quarry::Value (src/api/value_conversion.cpp), through
// queries, so DuckDB itself is the reference for every type's text.
#include "quarry/database.hpp"

#include <gtest/gtest.h>

namespace quarry {
namespace {

Value Single(const std::string& sql) {
  static Database database;
  Connection connection(database);
  QueryResult result = connection.Query(sql);
  EXPECT_TRUE(result.ok()) << sql << ": " << result.error().message;
  std::vector<std::vector<Value>> rows;
  EXPECT_TRUE(result.NextBatch(rows));
  return rows.at(0).at(0);
}

TEST(ValueTest, Scalars) {
  EXPECT_TRUE(Single("SELECT NULL").is_null());
  EXPECT_EQ(Single("SELECT NULL").ToString(), "NULL");
  EXPECT_EQ(Single("SELECT true").kind(), Value::Kind::kBoolean);
  EXPECT_TRUE(Single("SELECT true").boolean());
  EXPECT_EQ(Single("SELECT -5::TINYINT").integer(), -5);
  EXPECT_EQ(Single("SELECT 4294967295::UINTEGER").integer(), 4294967295);
  EXPECT_EQ(Single("SELECT 18446744073709551615::UBIGINT").unsigned_integer(), 18446744073709551615ull);
  EXPECT_EQ(Single("SELECT 18446744073709551615::UBIGINT").text(), "18446744073709551615");
  EXPECT_DOUBLE_EQ(Single("SELECT 0.25::DOUBLE").real(), 0.25);
  EXPECT_EQ(Single("SELECT 1.50::DECIMAL(4,2)").kind(), Value::Kind::kNumber);
  EXPECT_EQ(Single("SELECT 1.50::DECIMAL(4,2)").text(), "1.50");
  EXPECT_EQ(Single("SELECT 170141183460469231731687303715884105727::HUGEINT").text(),
            "170141183460469231731687303715884105727");
  EXPECT_EQ(Single("SELECT DATE '2026-11-25'").kind(), Value::Kind::kText);
  EXPECT_EQ(Single("SELECT DATE '2026-11-25'").text(), "2026-11-25");
}

TEST(ValueTest, BlobKeepsRawBytesAndDuckDBsEscapedText) {
  Value blob = Single("SELECT '\\x00\\xFFab'::BLOB");
  ASSERT_EQ(blob.kind(), Value::Kind::kBlob);
  EXPECT_EQ(blob.bytes(), std::string("\x00\xFF"
                                      "ab",
                                      4));
  EXPECT_EQ(blob.text(), "\\x00\\xFFab");
}

TEST(ValueTest, NestedTypes) {
  Value list = Single("SELECT [1, NULL, 3]");
  ASSERT_EQ(list.kind(), Value::Kind::kList);
  ASSERT_EQ(list.elements().size(), 3u);
  EXPECT_TRUE(list.elements()[1].is_null());
  EXPECT_EQ(list.text(), "[1, NULL, 3]");

  Value array = Single("SELECT [1.0, 2.0]::FLOAT[2]");
  ASSERT_EQ(array.kind(), Value::Kind::kList);
  EXPECT_FLOAT_EQ(static_cast<float>(array.elements()[1].real()), 2.0f);

  Value row = Single("SELECT {'height': 2, 'tags': ['a', 'b']}");
  ASSERT_EQ(row.kind(), Value::Kind::kStruct);
  ASSERT_EQ(row.fields().size(), 2u);
  EXPECT_EQ(row.fields()[0].first, "height");
  EXPECT_EQ(row.fields()[1].second.elements()[1].text(), "b");

  Value map = Single("SELECT MAP {'k': 1}");
  ASSERT_EQ(map.kind(), Value::Kind::kList);
  ASSERT_EQ(map.elements().size(), 1u);
  EXPECT_EQ(map.elements()[0].fields()[0].first, "key");
  EXPECT_EQ(map.elements()[0].fields()[1].second.integer(), 1);
}

}  // namespace
}  // namespace quarry
