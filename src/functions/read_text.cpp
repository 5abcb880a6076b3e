// read_text: text files as rows (see read_text.hpp). `size` comes from the listing: a query reading
// only path and size opens no file.
#include "functions/read_text.hpp"

#include "duckdb/main/extension/extension_loader.hpp"
#include "functions/file_scan.hpp"
#include "io/file_reader.hpp"
#include "io/utf8_validation.hpp"

namespace quarry {

namespace {

enum TextColumn : size_t { kContent = 0, kSize = 1 };

class TextRowReader : public FileRowReader {
 public:
  std::vector<std::pair<std::string, duckdb::LogicalType>> Columns() const override {
    return {{"content", duckdb::LogicalType::VARCHAR}, {"size", duckdb::LogicalType::BIGINT}};
  }

  RowOutcome ReadRow(const io::ListedFile& file, const RowRequest& request) const override {
    RowOutcome outcome;
    if (auto* size = request.columns[kSize]) {
      duckdb::FlatVector::GetData<int64_t>(*size)[request.row] = static_cast<int64_t>(file.size);
    }
    auto* content = request.columns[kContent];
    if (!content && !request.validate) return outcome;
    auto bytes = io::ReadFileBytes(*request.files, file.path, io::kDefaultMaxFileBytes);
    std::string_view text;
    if (bytes.ok()) {
      text = std::string_view(reinterpret_cast<const char*>(bytes.value().data()), bytes.value().size());
      if (auto invalid = io::FindInvalidUtf8(text)) {
        outcome.error = "invalid UTF-8 at byte " + std::to_string(*invalid);
      }
    } else {
      outcome.error = bytes.error();
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
  spec.make_reader = MakeTextReader;
  spec.description = "Text files as rows: path, content (UTF-8), size, error, Hive partition columns.";
  spec.example = "SELECT path, length(content) FROM read_text('notes/*.txt')";
  // DuckDB has a read_text of its own, which aborts the query on the first file that is not valid
  // UTF-8; quarry's replaces it (same path/content/size columns, error rows instead of aborts).
  RegisterFileTableFunction(loader, spec, /*replace=*/true);
}

}  // namespace quarry
