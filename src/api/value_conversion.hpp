// Conversion of DuckDB's values into quarry::Value, the DuckDB-free cell type of the public API.
//
// Every DuckDB type converts: numbers and booleans natively, BLOB and opaque types (AGGREGATE_STATE) as
// bytes, LIST/ARRAY/STRUCT/MAP/UNION as trees, everything else as the text of DuckDB's cast to VARCHAR.
// A type this code does not know goes through DuckDB's cast to VARCHAR, else its bytes. Stateless and
// thread-safe as long as `context` (when given) is not used by another thread at the same time.
#pragma once

#include "duckdb.hpp"
#include "quarry/value.hpp"

namespace quarry {

// Converts one DuckDB value, recursively for LIST, ARRAY, STRUCT, MAP and UNION.
// MAP becomes a list of {key, value} structs; UNION becomes its active member. With a `context`, casts
// to text are the session's (time zones as DuckDB's own renderers print them); without, DuckDB's defaults.
// Throws duckdb::ConversionException only for a value that has neither a text nor a byte form.
Value ConvertValue(const duckdb::Value& value, duckdb::ClientContext* context = nullptr);

// DuckDB's escaped text of raw bytes, as it prints a BLOB: printable ASCII as is, other bytes as \xAB.
std::string EscapeBytes(const std::string& bytes);

}  // namespace quarry
