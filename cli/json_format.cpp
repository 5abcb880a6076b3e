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

void AppendJson(const Value& value, std::string& out) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      out += "null";
      break;
    case Value::Kind::kBoolean:
    case Value::Kind::kInteger:
    case Value::Kind::kUnsigned:
    case Value::Kind::kNumber:
      out += value.text();
      break;
    case Value::Kind::kReal:
      out += std::isfinite(value.real()) ? value.text() : "null";
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
