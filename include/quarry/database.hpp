// quarry's public C++ API: open a database with every quarry function registered, connect, run SQL.
//
// A Database is a DuckDB database (a file, or in memory for an empty path) into which quarry has
// registered its functions. Connections are cheap; each runs one statement at a time and is not
// thread-safe, while one Database may serve connections on many threads. A Database must outlive its
// connections. The shell, the tests and (later) the server use only this API and quarry/query_result.hpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "quarry/query_result.hpp"

namespace quarry {

// The version of quarry, e.g. "0.1.0", and of the DuckDB it embeds, e.g. "v1.4.4".
std::string Version();
std::string DuckDBVersion();

struct DatabaseOptions {
  uint32_t threads = 0;  // 0: DuckDB's default (all cores)
  bool read_only = false;
};

class Database {
 public:
  // Opens (or creates) the database at `path`; an empty path or ":memory:" is an in-memory database.
  // Throws std::runtime_error with DuckDB's message when the file cannot be opened.
  explicit Database(const std::string& path = "", const DatabaseOptions& options = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  class Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

struct QueryOptions {
  // Produce rows while the query runs (for large outputs) instead of computing them all first.
  bool stream = false;
};

class Connection {
 public:
  explicit Connection(Database& database);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one SQL statement (or several separated by ';': the result is the last one's).
  // Never throws for SQL errors: they are in the result.
  QueryResult Query(const std::string& sql, const QueryOptions& options = {});

  // Shows DuckDB's terminal progress bar for queries that run longer than `wait_ms`.
  void EnableProgressBar(bool enabled, uint64_t wait_ms = 2000);

  // Stops the statement running on this connection (callable from another thread or a signal handler).
  void Interrupt();

  class Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace quarry
