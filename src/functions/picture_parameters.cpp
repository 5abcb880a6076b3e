// PictureSizeParameter and MaxPixelsParameter (see picture_parameters.hpp).
#include "functions/picture_parameters.hpp"

namespace quarry {

namespace {

int32_t PositiveSide(const duckdb::Value& value, const std::string& function) {
  if (value.IsNull()) throw duckdb::BinderException("%s: size must not be NULL", function);
  const int64_t size = value.DefaultCastAs(duckdb::LogicalType::BIGINT).GetValue<int64_t>();
  if (size <= 0 || size > 65535) {
    throw duckdb::BinderException("%s: size must be between 1 and 65535, got %lld", function,
                                  static_cast<long long>(size));
  }
  return static_cast<int32_t>(size);
}

}  // namespace

std::pair<int32_t, int32_t> PictureSizeParameter(const duckdb::Value& value, const std::string& function) {
  if (value.type().id() == duckdb::LogicalTypeId::LIST) {
    const auto& sizes = duckdb::ListValue::GetChildren(value);
    if (sizes.size() != 2) {
      throw duckdb::BinderException("%s: size must be N or [width, height], got %s", function, value.ToString());
    }
    return {PositiveSide(sizes[0], function), PositiveSide(sizes[1], function)};
  }
  const int32_t side = PositiveSide(value, function);
  return {side, side};
}

uint64_t MaxPixelsParameter(const duckdb::Value& value, const std::string& function) {
  if (value.IsNull()) throw duckdb::BinderException("%s: max_pixels must not be NULL", function);
  const int64_t max_pixels = value.DefaultCastAs(duckdb::LogicalType::BIGINT).GetValue<int64_t>();
  if (max_pixels <= 0) {
    throw duckdb::BinderException("%s: max_pixels must be positive, got %lld", function,
                                  static_cast<long long>(max_pixels));
  }
  return static_cast<uint64_t>(max_pixels);
}

}  // namespace quarry
