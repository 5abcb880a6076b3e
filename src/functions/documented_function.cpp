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

void RegisterDocumentedTableFunction(duckdb::ExtensionLoader& loader, duckdb::TableFunctionSet functions,
                                     const std::string& description, const std::string& example, bool replace) {
  duckdb::CreateTableFunctionInfo info(std::move(functions));
  duckdb::FunctionDescription documentation;
  documentation.description = description;
  if (!example.empty()) documentation.examples = {example};
  info.descriptions.push_back(std::move(documentation));
  if (replace) info.on_conflict = duckdb::OnCreateConflict::REPLACE_ON_CONFLICT;
  loader.RegisterFunction(std::move(info));
}

}  // namespace quarry
