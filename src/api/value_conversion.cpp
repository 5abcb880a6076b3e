// Conversion of DuckDB's values into quarry::Value (see value_conversion.hpp).
#include "api/value_conversion.hpp"

namespace quarry {

namespace {

std::vector<Value> ConvertElements(const duckdb::vector<duckdb::Value>& children) {
  std::vector<Value> elements;
  elements.reserve(children.size());
  for (const auto& child : children) {
    elements.push_back(ConvertValue(child));
  }
  return elements;
}

}  // namespace

Value ConvertValue(const duckdb::Value& value) {
  using duckdb::LogicalTypeId;
  if (value.IsNull()) {
    return Value::Null();
  }
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
      return Value::Real(value.GetValue<double>(), value.ToString());
    case LogicalTypeId::DECIMAL:
    case LogicalTypeId::HUGEINT:
    case LogicalTypeId::UHUGEINT:
      return Value::Number(value.ToString());
    case LogicalTypeId::BLOB:
      return Value::Blob(duckdb::StringValue::Get(value), value.ToString());
    case LogicalTypeId::LIST:
      return Value::List(ConvertElements(duckdb::ListValue::GetChildren(value)), value.ToString());
    case LogicalTypeId::ARRAY:
      return Value::List(ConvertElements(duckdb::ArrayValue::GetChildren(value)), value.ToString());
    case LogicalTypeId::MAP:
      return Value::List(ConvertElements(duckdb::MapValue::GetChildren(value)), value.ToString());
    case LogicalTypeId::STRUCT: {
      const auto& children = duckdb::StructValue::GetChildren(value);
      std::vector<std::pair<std::string, Value>> fields;
      fields.reserve(children.size());
      for (duckdb::idx_t i = 0; i < children.size(); i++) {
        fields.emplace_back(duckdb::StructType::GetChildName(type, i), ConvertValue(children[i]));
      }
      return Value::Struct(std::move(fields), value.ToString());
    }
    case LogicalTypeId::UNION:
      return ConvertValue(duckdb::UnionValue::GetValue(value));
    default:
      return Value::Text(value.ToString());
  }
}

}  // namespace quarry
