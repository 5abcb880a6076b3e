// quarry_version() → VARCHAR, e.g. 'quarry 0.1.0 (DuckDB v1.4.4)'. A constant, so DuckDB folds it.
#include "functions/version_function.hpp"

#include "duckdb.hpp"
#include "duckdb/main/extension/extension_loader.hpp"
#include "functions/documented_function.hpp"

namespace quarry {

namespace {

void QuarryVersion(duckdb::DataChunk& args, duckdb::ExpressionState& state, duckdb::Vector& result) {
  const std::string version =
      std::string("quarry ") + QUARRY_VERSION + " (DuckDB " + duckdb::DuckDB::LibraryVersion() + ")";
  result.SetVectorType(duckdb::VectorType::CONSTANT_VECTOR);
  duckdb::ConstantVector::GetData<duckdb::string_t>(result)[0] = duckdb::StringVector::AddString(result, version);
}

}  // namespace

void RegisterVersionFunction(duckdb::ExtensionLoader& loader) {
  duckdb::ScalarFunctionSet functions("quarry_version");
  functions.AddFunction(duckdb::ScalarFunction({}, duckdb::LogicalType::VARCHAR, QuarryVersion));
  RegisterDocumentedFunction(loader, std::move(functions), "The version of quarry and of the DuckDB it embeds.",
                             "quarry_version()");
}

}  // namespace quarry
