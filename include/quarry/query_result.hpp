// quarry::QueryResult — the outcome of one SQL statement: an error, or columns and rows.
//
// Rows are read in batches with NextBatch(); a result obtained with QueryOptions::stream produces them
// while the query runs, otherwise they are all computed before Query() returns. RenderBox() draws the
// (remaining) rows as DuckDB's boxed table. A QueryResult belongs to the Connection that made it and
// must not outlive it; it is not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "quarry/value.hpp"

namespace quarry {

// Where an error happened and what it was, as DuckDB reports it.
struct QueryError {
  std::string type;       // DuckDB's error type: "Parser", "Binder", "Catalog", "Invalid Input", ...
  std::string message;    // the message without the type prefix
  int64_t position = -1;  // byte offset of the error in the statement text, -1 when unknown

  // "Parser Error: syntax error at or near ..." followed, when position is known, by the statement's
  // line with a caret under the position (as DuckDB's own shell prints it).
  std::string Describe(const std::string& statement) const;
};

// How to draw a boxed table.
struct BoxOptions {
  uint64_t max_width = 0;  // 0: the terminal's width (or 120 when there is no terminal)
  uint64_t max_rows = 40;  // rows shown before the middle is elided
  std::string null_text = "NULL";
};

class QueryResult {
 public:
  class Impl;
  explicit QueryResult(std::unique_ptr<Impl> impl);
  QueryResult(QueryResult&&) noexcept;
  QueryResult& operator=(QueryResult&&) noexcept;
  ~QueryResult();

  bool ok() const;
  // REQUIRES: !ok().
  const QueryError& error() const;

  // True when the statement produces rows for display (a query), false for statements that only
  // change state (CREATE, INSERT, SET, ...).
  bool returns_rows() const;
  const std::vector<std::string>& column_names() const;
  // SQL type names, as DuckDB prints them: INTEGER, VARCHAR, STRUCT(a INTEGER), ...
  const std::vector<std::string>& column_types() const;

  // Appends the next batch of rows (up to 2,048) to `rows` after clearing it; returns false at the end.
  // A failure while streaming, or a value that has neither text nor bytes, turns the result into an error
  // (ok() becomes false) and returns false. Every DuckDB type converts (see quarry::Value); none throws.
  bool NextBatch(std::vector<std::vector<Value>>& rows);

  // Renders the remaining rows as DuckDB's boxed table; opaque values (aggregate states) as their bytes.
  // A failure turns the result into an error (ok() becomes false) and returns an empty string.
  std::string RenderBox(const BoxOptions& options);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace quarry
