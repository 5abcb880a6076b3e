// The one entry point that registers every quarry function into a DuckDB database.
#pragma once

namespace duckdb {
class DatabaseInstance;
class ExtensionLoader;
}  // namespace duckdb

namespace quarry {

// Registers all of quarry's SQL functions, statements, settings and optimizer rules (one Register...()
// call per family) through `loader`, then brings back the models saved in the database. The one load
// path of the quarry shell (LoadQuarry) and of the loadable extension (quarry_duckdb_extension.cpp).
void RegisterQuarry(duckdb::ExtensionLoader& loader);

// RegisterQuarry into `database` from the inside (the shell and the C++ API embed DuckDB).
void LoadQuarry(duckdb::DatabaseInstance& database);

}  // namespace quarry
