// Registering a scalar function together with its documentation (description and an example), so
// duckdb_functions() — and the docs generated from it — always describe what is registered.
#pragma once

#include <string>

#include "duckdb.hpp"
#include "duckdb/parser/parsed_data/create_scalar_function_info.hpp"
#include "duckdb/parser/parsed_data/create_table_function_info.hpp"

namespace duckdb {
class ExtensionLoader;
}

namespace quarry {

// The catalog entry of `functions` with its description and example (for registrations that need more,
// e.g. CREATE OR REPLACE MODEL's replacing one).
duckdb::CreateScalarFunctionInfo DocumentedFunctionInfo(duckdb::ScalarFunctionSet functions,
                                                        const std::string& description, const std::string& example);

void RegisterDocumentedFunction(duckdb::ExtensionLoader& loader, duckdb::ScalarFunctionSet functions,
                                const std::string& description, const std::string& example);

// The same for a table function; `replace`: in place of a function of the same name DuckDB already has.
void RegisterDocumentedTableFunction(duckdb::ExtensionLoader& loader, duckdb::TableFunctionSet functions,
                                     const std::string& description, const std::string& example, bool replace = false);

}  // namespace quarry
