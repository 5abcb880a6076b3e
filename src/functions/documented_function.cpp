// RegisterDocumentedFunction (see documented_function.hpp).
#include "functions/documented_function.hpp"

#include "duckdb/main/extension/extension_loader.hpp"
#include "duckdb/parser/parsed_data/create_scalar_function_info.hpp"

namespace quarry {

void RegisterDocumentedFunction(duckdb::ExtensionLoader& loader, duckdb::ScalarFunctionSet functions,
                                const std::string& description, const std::string& example) {
  duckdb::CreateScalarFunctionInfo info(std::move(functions));
  duckdb::FunctionDescription documentation;
  documentation.description = description;
  documentation.examples = {example};
  info.descriptions.push_back(std::move(documentation));
  loader.RegisterFunction(std::move(info));
}

}  // namespace quarry
