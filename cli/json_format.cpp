// JsonFormat: json and jsonl output (see json_format.hpp).
#include "json_format.hpp"

#include <cmath>
#include <cstdio>

#include "base64.hpp"

namespace quarry::cli {

void AppendJsonString(std::string_view text, std::string& out) {
  out += '"';
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof(escaped), "\\u%04x", c);
          out += escaped;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

namespace {

// Whether `text` is a number in JSON's grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsJsonNumber(std::string_view text) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') i++;
    return i - start;
  };
  if (i < text.size() && text[i] == '-') i++;
  const size_t start = i;
  const size_t integer_digits = digits();
  if (integer_digits == 0 || (integer_digits > 1 && text[start] == '0')) return false;
  if (i < text.size() && text[i] == '.') {
    i++;
    if (digits() == 0) return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    i++;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) i++;
    if (digits() == 0) return false;
  }
  return i == text.size();
}

// An exact number as a JSON number: DuckDB prints DECIMAL(38,38) without its leading zero (".5"), which
// JSON needs; text that is still no JSON number is written as a string.
void AppendJsonNumber(const std::string& text, std::string& out) {
  if (IsJsonNumber(text)) {
    out += text;
    return;
  }
  const bool negative = !text.empty() && text[0] == '-';
  std::string fixed = text;
  if (text.size() > (negative ? 1u : 0u) && text[negative ? 1 : 0] == '.') {
    fixed.insert(negative ? 1 : 0, "0");
  }
  if (IsJsonNumber(fixed)) {
    out += fixed;
  } else {
    AppendJsonString(text, out);
  }
}

}  // namespace

void AppendJson(const Value& value, std::string& out) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      out += "null";
      break;
    case Value::Kind::kBoolean:
    case Value::Kind::kInteger:
    case Value::Kind::kUnsigned:
      out += value.text();
      break;
    case Value::Kind::kNumber:
      AppendJsonNumber(value.text(), out);
      break;
    case Value::Kind::kReal:
      if (std::isfinite(value.real())) {
        AppendJsonNumber(value.text(), out);
      } else {
        out += "null";
      }
      break;
    case Value::Kind::kText:
      AppendJsonString(value.text(), out);
      break;
    case Value::Kind::kBlob:
      AppendJsonString(EncodeBase64(value.bytes()), out);
      break;
    case Value::Kind::kList: {
      out += '[';
      bool first = true;
      for (const auto& element : value.elements()) {
        if (!first) out += ',';
        first = false;
        AppendJson(element, out);
      }
      out += ']';
      break;
    }
    case Value::Kind::kStruct: {
      out += '{';
      bool first = true;
      for (const auto& [name, field] : value.fields()) {
        if (!first) out += ',';
        first = false;
        AppendJsonString(name, out);
        out += ':';
        AppendJson(field, out);
      }
      out += '}';
      break;
    }
  }
}

void JsonFormat::WriteRow(const std::vector<std::string>& names, const std::vector<Value>& row, uint64_t index,
                          std::ostream& out) {
  std::string line;
  if (layout_ == Layout::kArray) {
    line += index == 0 ? "[" : ",\n";
  }
  line += '{';
  for (size_t i = 0; i < row.size(); i++) {
    if (i > 0) line += ',';
    AppendJsonString(names[i], line);
    line += ':';
    AppendJson(row[i], line);
  }
  line += '}';
  if (layout_ == Layout::kLines) {
    line += '\n';
  }
  out << line;
}

void JsonFormat::WriteFooter(uint64_t row_count, std::ostream& out) {
  if (layout_ == Layout::kArray) {
    out << (row_count == 0 ? "[]\n" : "]\n");
  }
}

}  // namespace quarry::cli
