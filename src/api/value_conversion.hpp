// Conversion of DuckDB's values into quarry::Value, the DuckDB-free cell type of the public API.
#pragma once

#include "duckdb.hpp"
#include "quarry/value.hpp"

namespace quarry {

// Converts one DuckDB value, recursively for LIST, ARRAY, STRUCT, MAP and UNION.
// MAP becomes a list of {key, value} structs; UNION becomes its active member.
Value ConvertValue(const duckdb::Value& value);

}  // namespace quarry
