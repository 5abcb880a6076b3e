// Constructors of quarry::Value (include/quarry/value.hpp).
#include "quarry/value.hpp"

namespace quarry {

Value Value::Boolean(bool value) {
  Value result;
  result.kind_ = Kind::kBoolean;
  result.integer_ = value ? 1 : 0;
  result.text_ = value ? "true" : "false";
  return result;
}

Value Value::Integer(int64_t value) {
  Value result;
  result.kind_ = Kind::kInteger;
  result.integer_ = value;
  result.text_ = std::to_string(value);
  return result;
}

Value Value::Unsigned(uint64_t value) {
  Value result;
  result.kind_ = Kind::kUnsigned;
  result.integer_ = static_cast<int64_t>(value);
  result.text_ = std::to_string(value);
  return result;
}

Value Value::Real(double value, std::string text) {
  Value result;
  result.kind_ = Kind::kReal;
  result.real_ = value;
  result.text_ = std::move(text);
  return result;
}

Value Value::Number(std::string text) {
  Value result;
  result.kind_ = Kind::kNumber;
  result.text_ = std::move(text);
  return result;
}

Value Value::Text(std::string text) {
  Value result;
  result.kind_ = Kind::kText;
  result.text_ = std::move(text);
  return result;
}

Value Value::Blob(std::string bytes, std::string text) {
  Value result;
  result.kind_ = Kind::kBlob;
  result.bytes_ = std::move(bytes);
  result.text_ = std::move(text);
  return result;
}

Value Value::List(std::vector<Value> elements, std::string text) {
  Value result;
  result.kind_ = Kind::kList;
  result.elements_ = std::move(elements);
  result.text_ = std::move(text);
  return result;
}

Value Value::Struct(std::vector<std::pair<std::string, Value>> fields, std::string text) {
  Value result;
  result.kind_ = Kind::kStruct;
  result.fields_ = std::move(fields);
  result.text_ = std::move(text);
  return result;
}

}  // namespace quarry
