// The boxed table of QueryResult::RenderBox(): DuckDB's BoxRenderer over a whole result, made to draw
// every type. Columns holding opaque values (aggregate states) are drawn as their bytes (BLOB); should
// DuckDB's renderer still fail, every column is drawn as the text quarry's value conversion gives.
// Not thread-safe: uses the result's ClientContext.
#pragma once

#include <string>
#include <vector>

#include "duckdb.hpp"
#include "duckdb/common/types/column/column_data_collection.hpp"
#include "quarry/query_result.hpp"

namespace quarry {

// Draws `rows` under the column `names`.
std::string RenderBoxTable(duckdb::ClientContext& context, const std::vector<std::string>& names,
                           const duckdb::ColumnDataCollection& rows, const BoxOptions& options);

}  // namespace quarry
