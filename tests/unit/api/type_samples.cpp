// The samples of every DuckDB type (see type_samples.hpp).
#include "api/type_samples.hpp"

#include <cctype>

#include "duckdb/common/enum_util.hpp"

namespace quarry::type_samples {

namespace {

using Id = duckdb::LogicalTypeId;

// DuckDB's bytes of an aggregate state (v, or x in a list), as it prints a BLOB.
const std::string kVBytes = "CAST(CAST(v AS BLOB) AS VARCHAR)";
const std::string kStateBytes = "CAST(CAST(x AS BLOB) AS VARCHAR)";

}  // namespace

const std::vector<TypeSample>& TypeSamples() {
  static const std::vector<TypeSample> samples = {
      {Id::BOOLEAN, "SELECT false AS v"},
      {Id::BOOLEAN, "SELECT NULL::BOOLEAN AS v"},
      {Id::TINYINT, "SELECT (-128)::TINYINT AS v"},
      {Id::SMALLINT, "SELECT (-32768)::SMALLINT AS v"},
      {Id::INTEGER, "SELECT (-2147483648)::INTEGER AS v"},
      {Id::BIGINT, "SELECT (-9223372036854775808)::BIGINT AS v"},
      {Id::DATE, "SELECT DATE '2026-11-25' AS v"},
      {Id::DATE, "SELECT '-infinity'::DATE AS v"},
      {Id::TIME, "SELECT TIME '23:59:59.999999' AS v"},
      {Id::TIMESTAMP_SEC, "SELECT TIMESTAMP_S '2026-11-25 10:00:00' AS v"},
      {Id::TIMESTAMP_MS, "SELECT TIMESTAMP_MS '2026-11-25 10:00:00.123' AS v"},
      {Id::TIMESTAMP, "SELECT TIMESTAMP '290309-12-22 (BC) 00:00:00' AS v"},
      {Id::TIMESTAMP, "SELECT 'infinity'::TIMESTAMP AS v"},
      {Id::TIMESTAMP_NS, "SELECT TIMESTAMP_NS '2026-11-25 10:00:00.123456789' AS v"},
      {Id::DECIMAL, "SELECT '-9999999999999999999999999999.9999999999'::DECIMAL(38,10) AS v"},
      {Id::DECIMAL, "SELECT '0.00000000000000000000000000000000000001'::DECIMAL(38,38) AS v"},
      {Id::DECIMAL, "SELECT 1.5::DECIMAL(4,1) AS v"},
      {Id::FLOAT, "SELECT 'nan'::FLOAT AS v"},
      {Id::FLOAT, "SELECT 3.4028235e38::FLOAT AS v"},
      {Id::DOUBLE, "SELECT '-inf'::DOUBLE AS v"},
      {Id::DOUBLE, "SELECT 'inf'::DOUBLE AS v"},
      {Id::DOUBLE, "SELECT -0.0::DOUBLE AS v"},
      {Id::DOUBLE, "SELECT 1e300::DOUBLE AS v"},
      {Id::VARCHAR, "SELECT 'plain' AS v"},
      {Id::VARCHAR, "SELECT 'a' || chr(0) || 'b' AS v"},
      {Id::VARCHAR,
       "SELECT chr(1) || chr(9) || chr(10) || chr(13) || chr(27) || chr(127) || '\"|,\\ ' || chr(233) || "
       "chr(128512) AS v"},
      {Id::VARCHAR, "SELECT '' AS v"},
      {Id::VARCHAR, "SELECT '{\"a\": [1, null], \"b\": \"x\"}'::JSON AS v"},
      {Id::BLOB, "SELECT '\\x00\\xFFab\\x0A'::BLOB AS v"},
      {Id::BLOB, "SELECT ''::BLOB AS v"},
      {Id::INTERVAL, "SELECT INTERVAL '1 year 2 months 3 days 04:05:06.789' AS v"},
      {Id::INTERVAL, "SELECT INTERVAL '-1 day -00:00:01' AS v"},
      {Id::UTINYINT, "SELECT 255::UTINYINT AS v"},
      {Id::USMALLINT, "SELECT 65535::USMALLINT AS v"},
      {Id::UINTEGER, "SELECT 4294967295::UINTEGER AS v"},
      {Id::UBIGINT, "SELECT 18446744073709551615::UBIGINT AS v"},
      {Id::TIMESTAMP_TZ, "SELECT TIMESTAMPTZ '2026-11-25 10:00:00.5+02' AS v"},
      {Id::TIME_TZ, "SELECT TIMETZ '10:00:00+05:30' AS v"},
      {Id::TIME_NS, "SELECT '12:34:56.123456789'::TIME_NS AS v"},
      {Id::BIT, "SELECT '010110'::BIT AS v"},
      {Id::BIGNUM, "SELECT '-123456789012345678901234567890123456789012345678901234567890'::BIGNUM AS v"},
      {Id::UHUGEINT, "SELECT 340282366920938463463374607431768211455::UHUGEINT AS v"},
      {Id::HUGEINT, "SELECT (-170141183460469231731687303715884105728)::HUGEINT AS v"},
      {Id::UUID, "SELECT 'ffffffff-ffff-ffff-ffff-ffffffffffff'::UUID AS v"},
      {Id::STRUCT, "SELECT {'a': NULL, 'b': [1, NULL], 'c': {'d': 'x, \"y\"'}, 'e': 'nan'::DOUBLE} AS v"},
      {Id::STRUCT, "SELECT row(1, 'x') AS v"},
      {Id::LIST, "SELECT [[1, NULL], NULL, []] AS v"},
      {Id::LIST, "SELECT [NULL]::BLOB[] AS v"},
      {Id::LIST, "SELECT ['\\x00\\xFF'::BLOB, NULL] AS v"},
      {Id::LIST, "SELECT [{'m': MAP {1: [NULL, 'x']}}, NULL] AS v"},
      {Id::MAP, "SELECT MAP {'k': [1], 'n': NULL} AS v"},
      {Id::MAP, "SELECT MAP {[1, 2]: {'u': union_value(t := 'x')::UNION(i INTEGER, t VARCHAR)}} AS v"},
      {Id::ENUM, "SELECT 'b'::ENUM('a', 'b') AS v"},
      {Id::AGGREGATE_STATE, "SELECT count(*) EXPORT_STATE AS v FROM range(10) t(x)", kVBytes},
      {Id::AGGREGATE_STATE, "SELECT sum(x) EXPORT_STATE AS v FROM range(10) t(x)", kVBytes},
      {Id::AGGREGATE_STATE, "SELECT avg(x) EXPORT_STATE AS v FROM range(0) t(x)", kVBytes},
      {Id::LIST, "SELECT list(s) AS v FROM (SELECT count(*) EXPORT_STATE AS s FROM range(3) t(x) GROUP BY x)",
       "'[' || array_to_string([" + kStateBytes + " FOR x IN v], ', ') || ']'"},
      {Id::STRUCT, "SELECT {'s': count(*) EXPORT_STATE, 'n': NULL::INTEGER} AS v FROM range(3) t(x)",
       "'{''s'': ' || CAST(CAST(v.s AS BLOB) AS VARCHAR) || ', ''n'': NULL}'"},
      {Id::MAP, "SELECT MAP {'k': count(*) EXPORT_STATE} AS v FROM range(3) t(x)",
       "'{k=' || CAST(CAST(v['k'] AS BLOB) AS VARCHAR) || '}'"},
      {Id::UNION, "SELECT union_value(n := 2)::UNION(n INTEGER, s VARCHAR) AS v"},
      // A UNION whose member is NULL is NULL in quarry (DuckDB's cast to VARCHAR gives the text 'NULL').
      {Id::UNION, "SELECT union_value(s := NULL::VARCHAR)::UNION(n INTEGER, s VARCHAR) AS v", "NULL::VARCHAR"},
      {Id::ARRAY, "SELECT [[1, 2], [3, NULL]]::INTEGER[2][2] AS v"},
      {Id::ARRAY, "SELECT [NULL, 'inf']::DOUBLE[2] AS v"},
      {Id::VARIANT, "SELECT {'x': [1, NULL]}::VARIANT AS v"},
      {Id::VARIANT, "SELECT 'text'::VARIANT AS v"},
      {Id::VARIANT, "SELECT [0::TINYINT::VARIANT, NULL]::VARIANT[2]::VARIANT AS v"},
      {Id::LIST, "SELECT [[0::VARIANT, NULL]::VARIANT[]::VARIANT, NULL] AS v"},
  };
  return samples;
}

const std::map<duckdb::LogicalTypeId, std::string>& NonResultTypeIds() {
  static const std::map<duckdb::LogicalTypeId, std::string> ids = {
      {Id::INVALID, "marks a missing type"},
      {Id::SQLNULL, "a NULL constant's type: results hold it only nested (STRUCT(a \"NULL\"), a sample)"},
      {Id::UNKNOWN, "a parameter's type before binding"},
      {Id::ANY, "matches any argument in function signatures"},
      {Id::USER, "a user type's name before binding"},
      {Id::TEMPLATE, "a placeholder in function signatures"},
      {Id::CHAR, "SQL's CHAR binds as VARCHAR"},
      {Id::STRING_LITERAL, "a string constant while binding"},
      {Id::INTEGER_LITERAL, "an integer constant while binding"},
      {Id::POINTER, "internal to operators"},
      {Id::VALIDITY, "internal to storage"},
      {Id::TABLE, "a table function's argument"},
      {Id::LAMBDA, "a lambda function's argument"},
  };
  return ids;
}

std::vector<duckdb::LogicalTypeId> AllLogicalTypeIds() {
  std::vector<duckdb::LogicalTypeId> ids;
  for (int raw = 0; raw <= 255; raw++) {
    const auto id = static_cast<duckdb::LogicalTypeId>(raw);
    try {
      duckdb::EnumUtil::ToChars(id);
      ids.push_back(id);
    } catch (const std::exception&) {
      // Not a value of the enum.
    }
  }
  return ids;
}

std::string TypeIdName(duckdb::LogicalTypeId id) {
  return duckdb::EnumUtil::ToChars(id);
}

std::string SampleTestName(size_t index) {
  std::string name = TypeIdName(TypeSamples().at(index).id);
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name + "_" + std::to_string(index);
}

std::string ReferenceQuery(const TypeSample& sample) {
  const std::string expression = sample.text.empty() ? "CAST(v AS VARCHAR)" : sample.text;
  return "SELECT v, " + expression + " AS r FROM (" + sample.sql + ")";
}

}  // namespace quarry::type_samples
