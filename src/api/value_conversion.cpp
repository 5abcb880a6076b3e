// Conversion of DuckDB's values into quarry::Value (see value_conversion.hpp).
//
// Each value first takes the conversion its type id calls for. Whatever throws on the way (a cast that
// does not exist, a type added to DuckDB after this file was written) falls back, per value, to DuckDB's
// cast to VARCHAR, then to its bytes (DuckDB's cast to BLOB, or the string it stores); nested values whose
// text DuckDB cannot produce (a LIST of aggregate states) get text composed from their converted children.
#include "api/value_conversion.hpp"

#include <functional>

#include "duckdb/common/exception/conversion_exception.hpp"
#include "duckdb/common/types/blob.hpp"

namespace quarry {

namespace {

using duckdb::LogicalTypeId;

// DuckDB's text of `value`: the session's cast to VARCHAR when there is a context, else the default one.
std::string CastToText(const duckdb::Value& value, duckdb::ClientContext* context) {
  if (context) {
    return duckdb::StringValue::Get(value.CastAs(*context, duckdb::LogicalType::VARCHAR));
  }
  return value.ToString();
}

// The bytes of an opaque value: DuckDB's cast to BLOB, else the string DuckDB stores for it.
// The stored bytes of a fixed-size value (its physical representation, little-endian): a timestamp
// outside the range DuckDB can print, say, still shows what it holds.
template <class T>
std::string RawBytes(const duckdb::Value& value) {
  const T raw = value.GetValueUnsafe<T>();
  return std::string(reinterpret_cast<const char*>(&raw), sizeof(raw));
}

bool TryGetFixedSizeBytes(const duckdb::Value& value, std::string& bytes) {
  switch (value.type().InternalType()) {
    case duckdb::PhysicalType::BOOL:
      bytes = RawBytes<bool>(value);
      return true;
    case duckdb::PhysicalType::INT8:
      bytes = RawBytes<int8_t>(value);
      return true;
    case duckdb::PhysicalType::INT16:
      bytes = RawBytes<int16_t>(value);
      return true;
    case duckdb::PhysicalType::INT32:
      bytes = RawBytes<int32_t>(value);
      return true;
    case duckdb::PhysicalType::INT64:
      bytes = RawBytes<int64_t>(value);
      return true;
    case duckdb::PhysicalType::UINT8:
      bytes = RawBytes<uint8_t>(value);
      return true;
    case duckdb::PhysicalType::UINT16:
      bytes = RawBytes<uint16_t>(value);
      return true;
    case duckdb::PhysicalType::UINT32:
      bytes = RawBytes<uint32_t>(value);
      return true;
    case duckdb::PhysicalType::UINT64:
      bytes = RawBytes<uint64_t>(value);
      return true;
    case duckdb::PhysicalType::INT128:
      bytes = RawBytes<duckdb::hugeint_t>(value);
      return true;
    case duckdb::PhysicalType::UINT128:
      bytes = RawBytes<duckdb::uhugeint_t>(value);
      return true;
    case duckdb::PhysicalType::FLOAT:
      bytes = RawBytes<float>(value);
      return true;
    case duckdb::PhysicalType::DOUBLE:
      bytes = RawBytes<double>(value);
      return true;
    case duckdb::PhysicalType::INTERVAL:
      bytes = RawBytes<duckdb::interval_t>(value);
      return true;
    default:
      return false;
  }
}

bool TryGetBytes(const duckdb::Value& value, std::string& bytes) {
  try {
    bytes = duckdb::StringValue::Get(value.DefaultCastAs(duckdb::LogicalType::BLOB));
    return true;
  } catch (const std::exception&) {
  }
  if (value.type().InternalType() == duckdb::PhysicalType::VARCHAR) {
    try {
      bytes = duckdb::StringValue::Get(value);
      return true;
    } catch (const std::exception&) {
    }
  }
  return TryGetFixedSizeBytes(value, bytes);
}

Value BytesValue(std::string bytes) {
  std::string text = EscapeBytes(bytes);
  return Value::Blob(std::move(bytes), std::move(text));
}

// Text for a nested value DuckDB cannot print, in DuckDB's layout: [a, b], {'name': a}, {key=value}.
std::string JoinTexts(const std::vector<Value>& elements, const char* open, const char* close) {
  std::string text = open;
  for (size_t i = 0; i < elements.size(); i++) {
    text += (i > 0 ? ", " : "") + elements[i].ToString();
  }
  return text + close;
}

std::string ComposeStructText(const std::vector<std::pair<std::string, Value>>& fields) {
  std::string text = "{";
  for (size_t i = 0; i < fields.size(); i++) {
    text += (i > 0 ? ", '" : "'") + fields[i].first + "': " + fields[i].second.ToString();
  }
  return text + "}";
}

std::string ComposeMapText(const std::vector<Value>& entries) {
  std::string text = "{";
  for (size_t i = 0; i < entries.size(); i++) {
    const auto& fields = entries[i].fields();
    text += i > 0 ? ", " : "";
    text +=
        fields.size() == 2 ? fields[0].second.ToString() + "=" + fields[1].second.ToString() : entries[i].ToString();
  }
  return text + "}";
}

class Converter {
 public:
  explicit Converter(duckdb::ClientContext* context) : context_(context) {}

  Value Convert(const duckdb::Value& value) {
    if (value.IsNull()) {
      return Value::Null();
    }
    try {
      return ConvertByType(value);
    } catch (const std::exception&) {
      return ConvertOpaque(value);
    }
  }

 private:
  Value ConvertByType(const duckdb::Value& value) {
    const auto& type = value.type();
    switch (type.id()) {
      case LogicalTypeId::BOOLEAN:
        return Value::Boolean(value.GetValue<bool>());
      case LogicalTypeId::TINYINT:
      case LogicalTypeId::SMALLINT:
      case LogicalTypeId::INTEGER:
      case LogicalTypeId::BIGINT:
      case LogicalTypeId::UTINYINT:
      case LogicalTypeId::USMALLINT:
      case LogicalTypeId::UINTEGER:
        return Value::Integer(value.GetValue<int64_t>());
      case LogicalTypeId::UBIGINT:
        return Value::Unsigned(value.GetValue<uint64_t>());
      case LogicalTypeId::FLOAT:
      case LogicalTypeId::DOUBLE:
        return Value::Real(value.GetValue<double>(), CastToText(value, context_));
      case LogicalTypeId::DECIMAL:
      case LogicalTypeId::HUGEINT:
      case LogicalTypeId::UHUGEINT:
      case LogicalTypeId::BIGNUM:
        return Value::Number(CastToText(value, context_));
      case LogicalTypeId::BLOB:
      case LogicalTypeId::AGGREGATE_STATE:
        return BytesValue(duckdb::StringValue::Get(value));
      case LogicalTypeId::LIST:
        return ConvertList(value, duckdb::ListValue::GetChildren(value), "[", "]");
      case LogicalTypeId::ARRAY:
        return ConvertList(value, duckdb::ArrayValue::GetChildren(value), "[", "]");
      case LogicalTypeId::MAP:
        return ConvertMap(value);
      case LogicalTypeId::STRUCT:
        return ConvertStruct(value);
      case LogicalTypeId::UNION:
        return Convert(duckdb::UnionValue::GetValue(value));
      default:
        // Dates, times, intervals, UUIDs, enums, BIT, VARCHAR, VARIANT and types added later.
        return Value::Text(CastToText(value, context_));
    }
  }

  // Last resort for a value whose own conversion failed: its text, else its bytes, else (a VARIANT holding a value
  // DuckDB's own cast to text refuses, say) a placeholder naming its type: one value is never worth failing a query.
  Value ConvertOpaque(const duckdb::Value& value) {
    try {
      return Value::Text(CastToText(value, context_));
    } catch (const std::exception&) {
    }
    std::string bytes;
    if (TryGetBytes(value, bytes)) {
      return BytesValue(std::move(bytes));
    }
    return Value::Text("<" + value.type().ToString() + " value that DuckDB cannot print>");
  }

  // DuckDB's text of a nested value, or `composed` when DuckDB cannot print it (opaque children).
  std::string NestedText(const duckdb::Value& value, const std::function<std::string()>& composed) {
    try {
      return CastToText(value, context_);
    } catch (const std::exception&) {
      return composed();
    }
  }

  std::vector<Value> ConvertAll(const duckdb::vector<duckdb::Value>& children) {
    std::vector<Value> elements;
    elements.reserve(children.size());
    for (const auto& child : children) {
      elements.push_back(Convert(child));
    }
    return elements;
  }

  Value ConvertList(const duckdb::Value& value, const duckdb::vector<duckdb::Value>& children, const char* open,
                    const char* close) {
    auto elements = ConvertAll(children);
    std::string text = NestedText(value, [&] { return JoinTexts(elements, open, close); });
    return Value::List(std::move(elements), std::move(text));
  }

  Value ConvertMap(const duckdb::Value& value) {
    auto entries = ConvertAll(duckdb::MapValue::GetChildren(value));
    std::string text = NestedText(value, [&] { return ComposeMapText(entries); });
    return Value::List(std::move(entries), std::move(text));
  }

  Value ConvertStruct(const duckdb::Value& value) {
    const auto& children = duckdb::StructValue::GetChildren(value);
    std::vector<std::pair<std::string, Value>> fields;
    fields.reserve(children.size());
    for (duckdb::idx_t i = 0; i < children.size(); i++) {
      fields.emplace_back(duckdb::StructType::GetChildName(value.type(), i), Convert(children[i]));
    }
    std::string text = NestedText(value, [&] { return ComposeStructText(fields); });
    return Value::Struct(std::move(fields), std::move(text));
  }

  duckdb::ClientContext* context_;
};

}  // namespace

std::string EscapeBytes(const std::string& bytes) {
  return duckdb::Blob::ToString(duckdb::string_t(bytes.data(), static_cast<uint32_t>(bytes.size())));
}

Value ConvertValue(const duckdb::Value& value, duckdb::ClientContext* context) {
  return Converter(context).Convert(value);
}

}  // namespace quarry
