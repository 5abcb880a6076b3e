// quarry::QueryResult (include/quarry/query_result.hpp): reading rows and errors out of DuckDB results.
#include "quarry/query_result.hpp"

#include "api/api_impl.hpp"
#include "api/box_table.hpp"
#include "api/value_conversion.hpp"
#include "duckdb/common/types/column/column_data_collection.hpp"

namespace quarry {

std::string QueryError::Describe(const std::string& statement) const {
  std::string text = type + " Error: " + message;
  if (position < 0 || static_cast<size_t>(position) > statement.size()) {
    return text;
  }
  // The line holding the position, with a caret under it, as DuckDB's shell shows it.
  const size_t line_start = statement.rfind('\n', position == 0 ? 0 : position - 1);
  const size_t begin = line_start == std::string::npos || position == 0 ? 0 : line_start + 1;
  size_t end = statement.find('\n', position);
  if (end == std::string::npos) {
    end = statement.size();
  }
  int line_number = 1;
  for (size_t i = 0; i < begin; i++) {
    line_number += statement[i] == '\n';
  }
  const std::string prefix = "LINE " + std::to_string(line_number) + ": ";
  std::string caret_pad(prefix.size(), ' ');
  for (size_t i = begin; i < static_cast<size_t>(position); i++) {
    // One column per character: skip UTF-8 continuation bytes, keep tabs as tabs.
    if ((static_cast<unsigned char>(statement[i]) & 0xC0) != 0x80) {
      caret_pad += statement[i] == '\t' ? '\t' : ' ';
    }
  }
  return text + "\n\n" + prefix + statement.substr(begin, end - begin) + "\n" + caret_pad + "^";
}

QueryResult::Impl::Impl(const duckdb::ErrorData& error_data) {
  SetError(error_data);
}

QueryResult::Impl::Impl(duckdb::unique_ptr<duckdb::QueryResult> result_p,
                        duckdb::shared_ptr<duckdb::ClientContext> context_p)
    : result(std::move(result_p)), context(std::move(context_p)) {
  returns_rows = result->properties.return_type == duckdb::StatementReturnType::QUERY_RESULT;
  types = result->types;
  for (duckdb::idx_t i = 0; i < result->ColumnCount(); i++) {
    column_names.push_back(result->names[i]);
    column_types.push_back(result->types[i].ToString());
  }
}

void QueryResult::Impl::SetError(const duckdb::ErrorData& error_data) {
  failed = true;
  error.type = duckdb::Exception::ExceptionTypeToString(error_data.Type());
  error.message = error_data.RawMessage();
  // DuckDB sometimes appends the statement's line and a caret already; Describe() adds them uniformly.
  if (auto location = error.message.find("\n\nLINE "); location != std::string::npos) {
    error.message.erase(location);
  }
  const auto& extra = error_data.ExtraInfo();
  if (auto found = extra.find("position"); found != extra.end()) {
    try {
      error.position = std::stoll(found->second);
    } catch (const std::exception&) {
      error.position = -1;
    }
  }
}

duckdb::unique_ptr<duckdb::DataChunk> QueryResult::Impl::FetchChunk() {
  if (failed || !result) {
    return nullptr;
  }
  duckdb::ErrorData fetch_error;
  duckdb::unique_ptr<duckdb::DataChunk> chunk;
  if (!result->TryFetch(chunk, fetch_error)) {
    SetError(fetch_error);
    return nullptr;
  }
  if (!chunk || chunk->size() == 0) {
    return nullptr;
  }
  return chunk;
}

QueryResult::QueryResult(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
QueryResult::QueryResult(QueryResult&&) noexcept = default;
QueryResult& QueryResult::operator=(QueryResult&&) noexcept = default;
QueryResult::~QueryResult() = default;

bool QueryResult::ok() const {
  return !impl_->failed;
}
const QueryError& QueryResult::error() const {
  return impl_->error;
}
bool QueryResult::returns_rows() const {
  return impl_->returns_rows;
}
const std::vector<std::string>& QueryResult::column_names() const {
  return impl_->column_names;
}
const std::vector<std::string>& QueryResult::column_types() const {
  return impl_->column_types;
}

bool QueryResult::NextBatch(std::vector<std::vector<Value>>& rows) {
  rows.clear();
  try {
    auto chunk = impl_->FetchChunk();
    if (!chunk) {
      return false;
    }
    rows.resize(chunk->size());
    for (duckdb::idx_t row = 0; row < chunk->size(); row++) {
      rows[row].reserve(chunk->ColumnCount());
      for (duckdb::idx_t column = 0; column < chunk->ColumnCount(); column++) {
        rows[row].push_back(ConvertValue(chunk->GetValue(column, row), impl_->context.get()));
      }
    }
    return true;
  } catch (const std::exception& exception) {
    // A value with no rendering at all: the result becomes an error, like a failure while streaming.
    rows.clear();
    impl_->SetError(duckdb::ErrorData(exception));
    return false;
  }
}

std::string QueryResult::RenderBox(const BoxOptions& options) {
  if (impl_->failed || !impl_->result) {
    return std::string();
  }
  try {
    duckdb::ColumnDataCollection collection(duckdb::Allocator::DefaultAllocator(), impl_->types);
    while (auto chunk = impl_->FetchChunk()) {
      collection.Append(*chunk);
    }
    if (impl_->failed) {
      return std::string();
    }
    return RenderBoxTable(*impl_->context, impl_->column_names, collection, options);
  } catch (const std::exception& exception) {
    impl_->SetError(duckdb::ErrorData(exception));
    return std::string();
  }
}

}  // namespace quarry
