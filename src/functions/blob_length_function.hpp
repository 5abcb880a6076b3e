// length(BLOB) → BIGINT: the number of bytes, an overload DuckDB lacks (it has octet_length), so that
// Spark users' `length(image.data)` works as they write it.
#pragma once

namespace duckdb {
class ExtensionLoader;
}

namespace quarry {

void RegisterBlobLengthFunction(duckdb::ExtensionLoader& loader);

}  // namespace quarry
