// DelimitedFormat: CSV output (see delimited_format.hpp).
#include "delimited_format.hpp"

namespace quarry::cli {

void DelimitedFormat::WriteField(const std::string& text, std::ostream& out) const {
  const bool needs_quotes = text.find_first_of(std::string{delimiter_, '"', '\n', '\r'}) != std::string::npos ||
                            (!text.empty() && (text.front() == ' ' || text.back() == ' '));
  if (!needs_quotes) {
    out << text;
    return;
  }
  out << '"';
  for (char c : text) {
    if (c == '"') {
      out << '"';
    }
    out << c;
  }
  out << '"';
}

void DelimitedFormat::WriteHeader(const std::vector<std::string>& names, std::ostream& out) {
  for (size_t i = 0; i < names.size(); i++) {
    if (i > 0) out << delimiter_;
    WriteField(names[i], out);
  }
  out << '\n';
}

void DelimitedFormat::WriteRow(const std::vector<std::string>&, const std::vector<Value>& row, uint64_t,
                               std::ostream& out) {
  for (size_t i = 0; i < row.size(); i++) {
    if (i > 0) out << delimiter_;
    if (!row[i].is_null()) {
      WriteField(row[i].text(), out);
    }
  }
  out << '\n';
}

}  // namespace quarry::cli
