// quarry::Database and quarry::Connection (include/quarry/database.hpp) on embedded DuckDB.
#include <stdexcept>

#include "api/api_impl.hpp"
#include "api/query_driver.hpp"
#include "extension/quarry_extension.hpp"

namespace quarry {

std::string Version() {
  return QUARRY_VERSION;
}

std::string DuckDBVersion() {
  return duckdb::DuckDB::LibraryVersion();
}

namespace {

duckdb::DBConfig* ApplyOptions(duckdb::DBConfig& config, const DatabaseOptions& options) {
  if (options.threads > 0) {
    config.options.maximum_threads = options.threads;
  }
  if (options.read_only) {
    config.options.access_mode = duckdb::AccessMode::READ_ONLY;
  }
  // Media scans allocate and free large pixel blobs continuously; without background purging the
  // allocator keeps freed pages and peak memory creeps up with the number of files read
  // (bench/read_images_memory.sh: 1.24x for 10x the files, 1.09x with this).
  config.options.allocator_background_threads = true;
  return &config;
}

std::string DatabasePath(const std::string& path) {
  return path == ":memory:" ? std::string() : path;
}

}  // namespace

Database::Impl::Impl(const std::string& path, const DatabaseOptions& options) try
    : database(DatabasePath(path), ApplyOptions(config, options)) {
  LoadQuarry(*database.instance);
} catch (const std::exception& exception) {
  throw std::runtime_error(duckdb::ErrorData(exception).Message());
}

Database::Database(const std::string& path, const DatabaseOptions& options)
    : impl_(std::make_unique<Impl>(path, options)) {}

Database::~Database() = default;

Connection::Connection(Database& database) : impl_(std::make_unique<Impl>(database.impl())) {}

Connection::~Connection() = default;

QueryResult Connection::Query(const std::string& sql, const QueryOptions& options) {
  auto& connection = impl_->connection;
  try {
    auto statements = connection.ExtractStatements(sql);
    if (statements.empty()) {
      return QueryResult(std::make_unique<QueryResult::Impl>(
          duckdb::ErrorData(duckdb::ExceptionType::INVALID_INPUT, "No statement to execute")));
    }
    duckdb::unique_ptr<duckdb::QueryResult> last;
    for (duckdb::idx_t i = 0; i < statements.size(); i++) {
      const bool is_last = i + 1 == statements.size();
      auto pending = connection.PendingQuery(std::move(statements[i]), options.stream && is_last);
      if (pending->HasError()) {
        return QueryResult(std::make_unique<QueryResult::Impl>(pending->GetErrorObject()));
      }
      last = DriveToResult(*pending);
      if (!last) {
        return QueryResult(std::make_unique<QueryResult::Impl>(pending->GetErrorObject()));
      }
      if (last->HasError()) {
        return QueryResult(std::make_unique<QueryResult::Impl>(last->GetErrorObject()));
      }
    }
    return QueryResult(std::make_unique<QueryResult::Impl>(std::move(last), connection.context));
  } catch (const std::exception& exception) {
    return QueryResult(std::make_unique<QueryResult::Impl>(duckdb::ErrorData(exception)));
  }
}

void Connection::EnableProgressBar(bool enabled, uint64_t wait_ms) {
  auto& config = duckdb::ClientConfig::GetConfig(*impl_->connection.context);
  config.enable_progress_bar = enabled;
  config.print_progress_bar = enabled;
  config.wait_time = wait_ms;
}

void Connection::Interrupt() {
  impl_->connection.Interrupt();
}

}  // namespace quarry
