// The one entry point that registers every quarry function into a DuckDB database.
#pragma once

namespace duckdb {
class DatabaseInstance;
}

namespace quarry {

// Registers all of quarry's SQL functions (one Register...() call per family) into `database`.
void LoadQuarry(duckdb::DatabaseInstance& database);

}  // namespace quarry
