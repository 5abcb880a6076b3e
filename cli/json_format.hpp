// JsonFormat — rows as JSON objects keyed by column name: a JSON array (json) or one object per line
// (jsonl). STRUCT → object, LIST/ARRAY → array, MAP → array of {"key", "value"} objects, BLOB → base64
// string (aggregate states too), NULL → null, booleans and numbers as JSON literals (NaN and infinities →
// null, DuckDB's .5 → 0.5), everything else (dates, UUIDs, intervals, ...) as the string DuckDB prints.
#pragma once

#include "output_format.hpp"

namespace quarry::cli {

// Appends `value` as JSON text to `out`.
void AppendJson(const Value& value, std::string& out);
// Appends `text` as a quoted, escaped JSON string to `out`.
void AppendJsonString(std::string_view text, std::string& out);

class JsonFormat : public OutputFormat {
 public:
  enum class Layout { kArray, kLines };
  explicit JsonFormat(Layout layout) : layout_(layout) {}

 protected:
  void WriteRow(const std::vector<std::string>& names, const std::vector<Value>& row, uint64_t index,
                std::ostream& out) override;
  void WriteFooter(uint64_t row_count, std::ostream& out) override;

 private:
  Layout layout_;
};

}  // namespace quarry::cli
