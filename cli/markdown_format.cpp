// MarkdownFormat: Markdown table output (see markdown_format.hpp).
#include "markdown_format.hpp"

namespace quarry::cli {

namespace {

void WriteCell(const std::string& text, std::ostream& out) {
  out << ' ';
  for (char c : text) {
    if (c == '|') {
      out << "\\|";
    } else if (c == '\n') {
      out << "<br>";
    } else if (c != '\r') {
      out << c;
    }
  }
  out << " |";
}

}  // namespace

void MarkdownFormat::WriteHeader(const std::vector<std::string>& names, std::ostream& out) {
  out << '|';
  for (const auto& name : names) {
    WriteCell(name, out);
  }
  out << "\n|";
  for (size_t i = 0; i < names.size(); i++) {
    out << "---|";
  }
  out << '\n';
}

void MarkdownFormat::WriteRow(const std::vector<std::string>&, const std::vector<Value>& row, uint64_t,
                              std::ostream& out) {
  out << '|';
  for (const auto& value : row) {
    WriteCell(value.ToString(), out);
  }
  out << '\n';
}

}  // namespace quarry::cli
