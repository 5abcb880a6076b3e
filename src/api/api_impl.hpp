// The DuckDB objects behind quarry's public API types (include/quarry/). Internal to src/api/.
#pragma once

#include <string>
#include <vector>

#include "duckdb.hpp"
#include "quarry/database.hpp"

namespace quarry {

class Database::Impl {
 public:
  Impl(const std::string& path, const DatabaseOptions& options);
  duckdb::DBConfig config;  // REQUIRES: declared before `database`, which is built from it.
  duckdb::DuckDB database;
};

class Connection::Impl {
 public:
  explicit Impl(Database::Impl& database) : connection(database.database) {}
  duckdb::Connection connection;
};

class QueryResult::Impl {
 public:
  // A failed statement.
  explicit Impl(const duckdb::ErrorData& error);
  // A statement that ran (streaming or materialized).
  Impl(duckdb::unique_ptr<duckdb::QueryResult> result, duckdb::shared_ptr<duckdb::ClientContext> context);

  void SetError(const duckdb::ErrorData& error);
  // The next chunk of rows, or nullptr at the end (or on a streaming error, which sets error).
  duckdb::unique_ptr<duckdb::DataChunk> FetchChunk();

  QueryError error;
  bool failed = false;
  bool returns_rows = false;
  std::vector<std::string> column_names;
  std::vector<std::string> column_types;
  duckdb::vector<duckdb::LogicalType> types;
  duckdb::unique_ptr<duckdb::QueryResult> result;
  duckdb::shared_ptr<duckdb::ClientContext> context;
};

}  // namespace quarry
