// One SQL-made value of every DuckDB logical type, for the tests that render every type (value_types_test,
// output_format_types_test).
//
// The type ids come from DuckDB's own enum list (EnumUtil), so when the pinned DuckDB gains a type, the
// coverage test fails until the type has a sample here or is listed as one no result can hold.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "duckdb.hpp"
#include "quarry/database.hpp"

namespace quarry::type_samples {

struct TypeSample {
  duckdb::LogicalTypeId id;  // the type id of column v
  std::string sql;           // a query returning one row with one column v
  // An SQL expression over v giving the text every text format shows, where DuckDB has no cast to
  // VARCHAR of the value (aggregate states, alone or nested); empty: CAST(v AS VARCHAR).
  std::string text = "";
};

// Samples for every type a result can hold: extremes, NaN and infinities, NULLs inside nested values,
// control characters and NUL bytes, aggregate states alone and nested.
const std::vector<TypeSample>& TypeSamples();

// Type ids no query result holds (binding-time placeholders, internal types), each with the reason.
const std::map<duckdb::LogicalTypeId, std::string>& NonResultTypeIds();

// Every LogicalTypeId DuckDB knows, from its own enum list.
std::vector<duckdb::LogicalTypeId> AllLogicalTypeIds();

// DuckDB's name of a type id, e.g. "AGGREGATE_STATE" or "TIMESTAMP WITH TIME ZONE".
std::string TypeIdName(duckdb::LogicalTypeId id);

// A name for the test of sample `index`: its type id's name in letters, digits and '_', and the index.
std::string SampleTestName(size_t index);

// A query returning the sample's value as column v beside what DuckDB prints for it as column r (VARCHAR):
// CAST(v AS VARCHAR), or for opaque values the text of their bytes, or sample.text. One query, so values
// that differ from run to run (the padding in an aggregate state) are compared with their own text.
std::string ReferenceQuery(const TypeSample& sample);

}  // namespace quarry::type_samples
