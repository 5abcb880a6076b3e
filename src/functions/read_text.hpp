// read_text(path_or_glob [, recursive, drop_invalid, hive_partitioning]) — one row per file with
// DuckDB's own read_text columns: filename, content VARCHAR (UTF-8; invalid UTF-8 is an error row,
// content NULL), size BIGINT, last_modified TIMESTAMP WITH TIME ZONE; then error and partition columns.
#pragma once

namespace duckdb {
class ExtensionLoader;
}

namespace quarry {

void RegisterReadText(duckdb::ExtensionLoader& loader);

}  // namespace quarry
