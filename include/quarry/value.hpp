// quarry::Value — one cell of a query result, detached from DuckDB.
//
// A Value is a small tree: scalars carry their SQL text (as DuckDB prints it) and, for numbers and
// booleans, the number itself; LIST/ARRAY values carry their elements; STRUCT values carry named fields;
// MAP values are lists of {key, value} structs; a UNION value is its active member. Every DuckDB type
// converts: opaque ones (aggregate states) as bytes, any other as DuckDB's text of it. Output formats
// (CSV, JSON, the SQL test runner) walk this tree, so they need no DuckDB header. Values are plain data:
// copyable, immutable once built, and safe to share between threads.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace quarry {

class Value {
 public:
  enum class Kind {
    kNull,
    kBoolean,
    kInteger,   // fits in int64_t (TINYINT..BIGINT, UTINYINT..UINTEGER)
    kUnsigned,  // UBIGINT values
    kReal,      // FLOAT, DOUBLE
    kNumber,    // exact numbers without a native form (DECIMAL, HUGEINT, UHUGEINT, BIGNUM): text only
    kText,      // VARCHAR and every type printed as text (dates, times, UUIDs, intervals, enums, BIT, ...)
    kBlob,      // raw bytes (BLOB, AGGREGATE_STATE); text() is DuckDB's escaped form
    kList,      // LIST and ARRAY: elements()
    kStruct,    // STRUCT and MAP entries: fields()
  };

  Value() = default;  // NULL
  static Value Null() { return Value(); }
  static Value Boolean(bool value);
  static Value Integer(int64_t value);
  static Value Unsigned(uint64_t value);
  static Value Real(double value, std::string text);
  static Value Number(std::string text);
  static Value Text(std::string text);
  static Value Blob(std::string bytes, std::string text);
  // `text` is the whole value as DuckDB prints it, e.g. [1, 2] or {'a': 1}.
  static Value List(std::vector<Value> elements, std::string text);
  static Value Struct(std::vector<std::pair<std::string, Value>> fields, std::string text);

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool boolean() const { return integer_ != 0; }
  int64_t integer() const { return integer_; }
  uint64_t unsigned_integer() const { return static_cast<uint64_t>(integer_); }
  double real() const { return real_; }
  // The value as DuckDB prints it (BLOB escaped as \xAB, nested values as [1, 2] and {'a': 1});
  // empty for NULL.
  const std::string& text() const { return text_; }
  // REQUIRES: kind() == kBlob.
  const std::string& bytes() const { return bytes_; }
  // REQUIRES: kind() == kList.
  const std::vector<Value>& elements() const { return elements_; }
  // REQUIRES: kind() == kStruct.
  const std::vector<std::pair<std::string, Value>>& fields() const { return fields_; }

  // text(), or "NULL" for NULL: what DuckDB's Value::ToString() prints.
  std::string ToString() const { return is_null() ? "NULL" : text_; }

 private:
  Kind kind_ = Kind::kNull;
  int64_t integer_ = 0;
  double real_ = 0;
  std::string text_;
  std::string bytes_;
  std::vector<Value> elements_;
  std::vector<std::pair<std::string, Value>> fields_;
};

}  // namespace quarry
