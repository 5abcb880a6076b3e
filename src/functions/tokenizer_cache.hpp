// The tokenizers a database has loaded: tokenize(), detokenize() and text models name a tokenizer.json
// by path and share one loaded copy per database (in the DatabaseInstance's object cache, so it dies
// with the database). A file changed on disk (size or modification time) is loaded again. Thread-safe;
// a file is loaded by one thread while others asking for it wait.
#pragma once

#include <memory>
#include <string>

namespace duckdb {
class ClientContext;
class DatabaseInstance;
}  // namespace duckdb

namespace quarry {
namespace text {
class Tokenizer;
}

// The loaded tokenizer of `path` (checked against DuckDB's file access settings). Throws DuckDB's
// InvalidInputException naming the file when it cannot be read or used.
std::shared_ptr<const text::Tokenizer> LoadTokenizer(duckdb::ClientContext& context, const std::string& path);
// The same without a client context (CREATE MODEL, which checks access itself).
std::shared_ptr<const text::Tokenizer> LoadTokenizer(duckdb::DatabaseInstance& database, const std::string& path);

}  // namespace quarry
