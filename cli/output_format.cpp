// OutputFormat's shared row loop, the box format and the table of format names.
#include "output_format.hpp"

#include "delimited_format.hpp"
#include "json_format.hpp"
#include "line_format.hpp"
#include "markdown_format.hpp"

namespace quarry::cli {

void OutputFormat::Write(QueryResult& result, std::ostream& out) {
  const auto& names = result.column_names();
  WriteHeader(names, out);
  uint64_t count = 0;
  std::vector<std::vector<Value>> rows;
  while (result.NextBatch(rows)) {
    for (const auto& row : rows) {
      WriteRow(names, row, count++, out);
    }
  }
  WriteFooter(count, out);
}

namespace {

// DuckDB's boxed table, fitted to the terminal width; needs the whole result.
class BoxFormat : public OutputFormat {
 public:
  explicit BoxFormat(const FormatSettings& settings) : settings_(settings) {}

  void Write(QueryResult& result, std::ostream& out) override {
    BoxOptions options;
    options.max_width = settings_.max_width;
    options.max_rows = settings_.max_rows;
    out << result.RenderBox(options);
  }
  bool streams() const override { return false; }

 protected:
  void WriteRow(const std::vector<std::string>&, const std::vector<Value>&, uint64_t, std::ostream&) override {}

 private:
  FormatSettings settings_;
};

}  // namespace

const std::vector<std::string>& OutputFormatNames() {
  static const std::vector<std::string> names = {"box", "csv", "json", "jsonl", "line", "markdown"};
  return names;
}

std::unique_ptr<OutputFormat> MakeOutputFormat(std::string_view name, const FormatSettings& settings) {
  if (name == "box") return std::make_unique<BoxFormat>(settings);
  if (name == "csv") return std::make_unique<DelimitedFormat>(',');
  if (name == "json") return std::make_unique<JsonFormat>(JsonFormat::Layout::kArray);
  if (name == "jsonl") return std::make_unique<JsonFormat>(JsonFormat::Layout::kLines);
  if (name == "line") return std::make_unique<LineFormat>();
  if (name == "markdown") return std::make_unique<MarkdownFormat>();
  return nullptr;
}

}  // namespace quarry::cli
