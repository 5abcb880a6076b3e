// length(BLOB) (see blob_length_function.hpp).
#include "functions/blob_length_function.hpp"

#include "duckdb/main/extension/extension_loader.hpp"

namespace quarry {

namespace {

void BlobLength(duckdb::DataChunk& args, duckdb::ExpressionState&, duckdb::Vector& result) {
  duckdb::UnaryExecutor::Execute<duckdb::string_t, int64_t>(
      args.data[0], result, args.size(), [](duckdb::string_t blob) { return static_cast<int64_t>(blob.GetSize()); });
}

}  // namespace

void RegisterBlobLengthFunction(duckdb::ExtensionLoader& loader) {
  duckdb::ScalarFunctionSet length("length");
  length.AddFunction(duckdb::ScalarFunction({duckdb::LogicalType::BLOB}, duckdb::LogicalType::BIGINT, BlobLength));
  loader.AddFunctionOverload(std::move(length));
}

}  // namespace quarry
