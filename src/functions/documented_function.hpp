// Registering a scalar function together with its documentation (description and an example), so
// duckdb_functions() — and the docs generated from it — always describe what is registered.
#pragma once

#include <string>

#include "duckdb.hpp"

namespace duckdb {
class ExtensionLoader;
}

namespace quarry {

void RegisterDocumentedFunction(duckdb::ExtensionLoader& loader, duckdb::ScalarFunctionSet functions,
                                const std::string& description, const std::string& example);

}  // namespace quarry
