// read_text: text files as rows (see read_text.hpp), with DuckDB's own read_text columns — filename,
// content, size, last_modified — plus `error`. `size` comes from the listing: a query reading only
// filename and size opens no file.
#include "functions/read_text.hpp"

#include "duckdb/main/extension/extension_loader.hpp"
#include "functions/file_scan.hpp"
#include "io/file_reader.hpp"
#include "io/utf8_validation.hpp"

namespace quarry {

namespace {

enum TextColumn : size_t { kContent = 0, kSize = 1, kLastModified = 2 };

class TextRowReader : public FileRowReader {
 public:
  std::vector<std::pair<std::string, duckdb::LogicalType>> Columns() const override {
    return {{"content", duckdb::LogicalType::VARCHAR},
            {"size", duckdb::LogicalType::BIGINT},
            {"last_modified", duckdb::LogicalType::TIMESTAMP_TZ}};
  }

  RowOutcome ReadRow(const io::ListedFile& file, const RowRequest& request) const override {
    RowOutcome outcome;
    if (auto* size = request.columns[kSize]) {
      duckdb::FlatVector::GetData<int64_t>(*size)[request.row] = static_cast<int64_t>(file.size);
    }
    auto* content = request.columns[kContent];
    auto* last_modified = request.columns[kLastModified];
    if (!content && !last_modified && !request.validate) return outcome;
    std::optional<int64_t> modified;
    std::string_view text;
    Result<std::vector<uint8_t>> bytes = Error{""};
    auto opened = request.files->Open(file.path);
    if (opened.ok()) {
      modified = opened.value()->modified_microseconds();
      if (content || request.validate) bytes = io::ReadFileBytes(*opened.value(), io::kDefaultMaxFileBytes);
    }
    if (!opened.ok()) {
      outcome.error = opened.error();
    } else if (content || request.validate) {
      if (bytes.ok()) {
        text = std::string_view(reinterpret_cast<const char*>(bytes.value().data()), bytes.value().size());
        if (auto invalid = io::FindInvalidUtf8(text)) {
          outcome.error = "invalid UTF-8 at byte " + std::to_string(*invalid);
        }
      } else {
        outcome.error = bytes.error();
      }
    }
    if (last_modified) {
      duckdb::FlatVector::SetNull(*last_modified, request.row, !modified.has_value());
      if (modified) {
        duckdb::FlatVector::GetData<duckdb::timestamp_tz_t>(*last_modified)[request.row] =
            duckdb::timestamp_tz_t(*modified);
      }
    }
    if (content) {
      if (outcome.error) {
        duckdb::FlatVector::SetNull(*content, request.row, true);
      } else {
        duckdb::FlatVector::GetData<duckdb::string_t>(*content)[request.row] =
            duckdb::StringVector::AddString(*content, text.data(), text.size());
        duckdb::FlatVector::SetNull(*content, request.row, false);
        outcome.bytes = text.size();
      }
    }
    return outcome;
  }
};

duckdb::unique_ptr<FileRowReader> MakeTextReader(duckdb::ClientContext&, duckdb::TableFunctionBindInput&) {
  return duckdb::make_uniq<TextRowReader>();
}

}  // namespace

void RegisterReadText(duckdb::ExtensionLoader& loader) {
  FileTableFunctionSpec spec;
  spec.name = "read_text";
  // DuckDB's own read_text names the path `filename`; quarry's keeps DuckDB's columns and adds error.
  spec.path_column = "filename";
  spec.make_reader = MakeTextReader;
  spec.description =
      "Text files as rows: filename, content (UTF-8), size, last_modified, error, Hive partition columns.";
  spec.example = "SELECT filename, length(content) FROM read_text('notes/*.txt')";
  // DuckDB has a read_text of its own, which aborts the query on the first file that is not valid
  // UTF-8; quarry's replaces it with the same columns plus error: error rows instead of aborts.
  RegisterFileTableFunction(loader, spec, /*replace=*/true);
}

}  // namespace quarry
