// DelimitedFormat — CSV (RFC 4180): a header line, then one line per row; NULL as an empty field.
// Fields holding the delimiter, a quote, a line break or edge spaces are quoted, quotes doubled.
#pragma once

#include "output_format.hpp"

namespace quarry::cli {

class DelimitedFormat : public OutputFormat {
 public:
  explicit DelimitedFormat(char delimiter) : delimiter_(delimiter) {}

 protected:
  void WriteHeader(const std::vector<std::string>& names, std::ostream& out) override;
  void WriteRow(const std::vector<std::string>& names, const std::vector<Value>& row, uint64_t index,
                std::ostream& out) override;

 private:
  void WriteField(const std::string& text, std::ostream& out) const;
  char delimiter_;
};

}  // namespace quarry::cli
