// ImageArgument: image struct, path or bytes to pixels (see image_argument.hpp).
#include "functions/image_argument.hpp"

#include "io/file_reader.hpp"

namespace quarry {

ImageArgument::ImageArgument(ImageArgumentKind kind, duckdb::Vector& input, duckdb::idx_t count,
                             media::DecodeOptions decode, const io::FileStore& files)
    : kind_(kind), decode_(decode), files_(files) {
  if (kind == ImageArgumentKind::kImage) {
    images_.emplace(input, count);
  } else {
    input.ToUnifiedFormat(count, strings_);
  }
}

Result<media::ImageView> ImageArgument::Row(duckdb::idx_t row, std::optional<media::Image>& decoded) const {
  if (kind_ == ImageArgumentKind::kImage) {
    if (images_->IsNull(row)) return Error{"NULL"};
    return images_->View(row);
  }
  const duckdb::idx_t index = strings_.sel->get_index(row);
  if (!strings_.validity.RowIsValid(index)) return Error{"NULL"};
  const auto value = duckdb::UnifiedVectorFormat::GetData<duckdb::string_t>(strings_)[index];
  Result<media::Image> image = Error{""};
  if (kind_ == ImageArgumentKind::kPath) {
    auto bytes = io::ReadFileBytes(files_, value.GetString(), io::kDefaultMaxFileBytes);
    if (!bytes.ok()) return Error{bytes.error()};
    image = media::DecodeImage(bytes.value(), decode_);
  } else {
    image = media::DecodeImage({reinterpret_cast<const uint8_t*>(value.GetData()), value.GetSize()}, decode_);
  }
  if (!image.ok()) return Error{image.error()};
  decoded = std::move(image).value();
  return media::ImageView(*decoded);
}

bool ImageArgument::IsNull(duckdb::idx_t row) const {
  if (kind_ == ImageArgumentKind::kImage) return images_->IsNull(row);
  return !strings_.validity.RowIsValid(strings_.sel->get_index(row));
}

std::string ImageArgument::Origin(duckdb::idx_t row) const {
  if (IsNull(row)) return std::string();
  switch (kind_) {
    case ImageArgumentKind::kImage:
      return images_->Origin(row);
    case ImageArgumentKind::kPath:
      return duckdb::UnifiedVectorFormat::GetData<duckdb::string_t>(strings_)[strings_.sel->get_index(row)].GetString();
    case ImageArgumentKind::kBlob:
      break;
  }
  return std::string();
}

}  // namespace quarry
