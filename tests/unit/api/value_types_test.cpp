// Every DuckDB logical type through quarry's value conversion (src/api/value_conversion.cpp): the samples
// (type_samples.cpp) cover every type id in DuckDB's own enum list, and each converts without an error,
// to the kind its type calls for, with exactly the text DuckDB prints for it.
#include <gtest/gtest.h>

#include <optional>
#include <set>

#include "api/type_samples.hpp"
#include "api/value_conversion.hpp"

namespace quarry::type_samples {
namespace {

using Id = duckdb::LogicalTypeId;

Database& SharedDatabase() {
  static Database database;
  return database;
}

// The kind a non-NULL value of type `id` converts to; none for UNION (its member's kind).
std::optional<Value::Kind> ExpectedKind(Id id) {
  switch (id) {
    case Id::BOOLEAN:
      return Value::Kind::kBoolean;
    case Id::TINYINT:
    case Id::SMALLINT:
    case Id::INTEGER:
    case Id::BIGINT:
    case Id::UTINYINT:
    case Id::USMALLINT:
    case Id::UINTEGER:
      return Value::Kind::kInteger;
    case Id::UBIGINT:
      return Value::Kind::kUnsigned;
    case Id::FLOAT:
    case Id::DOUBLE:
      return Value::Kind::kReal;
    case Id::DECIMAL:
    case Id::HUGEINT:
    case Id::UHUGEINT:
    case Id::BIGNUM:
      return Value::Kind::kNumber;
    case Id::BLOB:
    case Id::AGGREGATE_STATE:
      return Value::Kind::kBlob;
    case Id::LIST:
    case Id::ARRAY:
    case Id::MAP:
      return Value::Kind::kList;
    case Id::STRUCT:
      return Value::Kind::kStruct;
    case Id::UNION:
      return std::nullopt;
    default:
      return Value::Kind::kText;
  }
}

TEST(ValueTypesTest, EveryTypeIdHasASampleOrHoldsNoResult) {
  std::set<Id> sampled;
  for (const auto& sample : TypeSamples()) {
    sampled.insert(sample.id);
  }
  const auto ids = AllLogicalTypeIds();
  EXPECT_GE(ids.size(), 45u);  // DuckDB 1.4.4 lists 50
  for (const Id id : ids) {
    const bool holds_no_result = NonResultTypeIds().count(id) > 0;
    EXPECT_TRUE(sampled.count(id) > 0 || holds_no_result)
        << TypeIdName(id) << " has no sample: add one to tests/unit/api/type_samples.cpp";
    EXPECT_FALSE(sampled.count(id) > 0 && holds_no_result) << TypeIdName(id);
  }
}

TEST(ValueTypesTest, EachSampleHasItsTypeId) {
  duckdb::DuckDB database(nullptr);
  duckdb::Connection connection(database);
  for (const auto& sample : TypeSamples()) {
    auto result = connection.Query(sample.sql);
    ASSERT_FALSE(result->HasError()) << sample.sql << ": " << result->GetError();
    EXPECT_EQ(TypeIdName(result->types.at(0).id()), TypeIdName(sample.id)) << sample.sql;
  }
}

// NULLs of every type id, and values only C++ can make, convert without throwing.
TEST(ValueTypesTest, ValuesNoQueryReturnsConvert) {
  for (const Id id : AllLogicalTypeIds()) {
    EXPECT_TRUE(ConvertValue(duckdb::Value(duckdb::LogicalType(id))).is_null()) << TypeIdName(id);
  }
  const Value pointer = ConvertValue(duckdb::Value::POINTER(0x2a));
  EXPECT_FALSE(pointer.is_null());
  EXPECT_FALSE(pointer.text().empty());
  const std::string state("\x01\x00\xFF", 3);
  const Value opaque = ConvertValue(duckdb::Value::AGGREGATE_STATE(
      duckdb::LogicalType::BLOB, reinterpret_cast<const duckdb::data_t*>(state.data()), state.size()));
  EXPECT_EQ(opaque.kind(), Value::Kind::kBlob);
  EXPECT_EQ(opaque.bytes(), state);
  EXPECT_EQ(opaque.text(), "\\x01\\x00\\xFF");
}

class ValueTypesSampleTest : public ::testing::TestWithParam<size_t> {};

TEST_P(ValueTypesSampleTest, ConvertsToDuckDBsText) {
  const TypeSample& sample = TypeSamples().at(GetParam());
  Connection connection(SharedDatabase());
  QueryResult result = connection.Query(ReferenceQuery(sample));
  ASSERT_TRUE(result.ok()) << sample.sql << ": " << result.error().message;
  std::vector<std::vector<Value>> rows;
  ASSERT_TRUE(result.NextBatch(rows)) << sample.sql << ": " << (result.ok() ? "" : result.error().message);
  ASSERT_EQ(rows.size(), 1u);
  const Value& value = rows[0][0];
  const Value& reference = rows[0][1];
  EXPECT_EQ(value.is_null(), reference.is_null()) << sample.sql;
  EXPECT_EQ(value.ToString(), reference.ToString()) << sample.sql;
  if (!value.is_null()) {
    if (auto kind = ExpectedKind(sample.id)) {
      EXPECT_EQ(value.kind(), *kind) << sample.sql;
    }
    if (value.kind() == Value::Kind::kBlob) {
      EXPECT_EQ(EscapeBytes(value.bytes()), value.text()) << sample.sql;
    }
  }
  EXPECT_FALSE(result.NextBatch(rows));
  EXPECT_TRUE(result.ok());
}

std::string SampleName(const ::testing::TestParamInfo<size_t>& info) {
  return SampleTestName(info.param);
}

INSTANTIATE_TEST_SUITE_P(EveryType, ValueTypesSampleTest, ::testing::Range<size_t>(0, TypeSamples().size()),
                         SampleName);

TEST(ValueTypesTest, NestedValuesKeepTheirStructure) {
  Connection connection(SharedDatabase());
  QueryResult result = connection.Query(
      "SELECT {'s': count(*) EXPORT_STATE, 'l': [NULL, '\\x00'::BLOB], "
      "'u': union_value(t := 'x')::UNION(i INTEGER, t VARCHAR)} FROM range(2)");
  std::vector<std::vector<Value>> rows;
  ASSERT_TRUE(result.NextBatch(rows)) << result.error().message;
  const Value& row = rows.at(0).at(0);
  ASSERT_EQ(row.kind(), Value::Kind::kStruct);
  ASSERT_EQ(row.fields().size(), 3u);
  EXPECT_EQ(row.fields()[0].second.kind(), Value::Kind::kBlob);
  EXPECT_EQ(row.fields()[0].second.bytes(), std::string("\x02\0\0\0\0\0\0\0", 8));
  EXPECT_EQ(row.fields()[1].second.elements().at(1).bytes(), std::string(1, '\0'));
  EXPECT_EQ(row.fields()[2].second.text(), "x");
  EXPECT_EQ(row.text(), "{'s': \\x02\\x00\\x00\\x00\\x00\\x00\\x00\\x00, 'l': [NULL, \\x00], 'u': x}");
}

}  // namespace
}  // namespace quarry::type_samples
