// RegisterDocumentedFunction (see documented_function.hpp).
#include "functions/documented_function.hpp"

#include "duckdb/main/extension/extension_loader.hpp"

namespace quarry {

duckdb::CreateScalarFunctionInfo DocumentedFunctionInfo(duckdb::ScalarFunctionSet functions,
                                                        const std::string& description, const std::string& example) {
  duckdb::CreateScalarFunctionInfo info(std::move(functions));
  duckdb::FunctionDescription documentation;
  documentation.description = description;
  documentation.examples = {example};
  info.descriptions.push_back(std::move(documentation));
  return info;
}

void RegisterDocumentedFunction(duckdb::ExtensionLoader& loader, duckdb::ScalarFunctionSet functions,
                                const std::string& description, const std::string& example) {
  loader.RegisterFunction(DocumentedFunctionInfo(std::move(functions), description, example));
}

}  // namespace quarry
