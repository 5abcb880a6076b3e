// The SQL image type and its conversions (see image_type.hpp).
#include "functions/image_type.hpp"

#include <functional>

#include "duckdb/common/column_index.hpp"
#include "media/pixel_pool.hpp"

namespace quarry {

using duckdb::idx_t;

duckdb::LogicalType ImageType() {
  duckdb::child_list_t<duckdb::LogicalType> fields = {
      {"origin", duckdb::LogicalType::VARCHAR}, {"height", duckdb::LogicalType::INTEGER},
      {"width", duckdb::LogicalType::INTEGER},  {"nChannels", duckdb::LogicalType::INTEGER},
      {"mode", duckdb::LogicalType::INTEGER},   {"data", duckdb::LogicalType::BLOB},
  };
  return duckdb::LogicalType::STRUCT(std::move(fields));
}

ImageFieldSet ImageFieldSet::All() {
  ImageFieldSet set;
  set.mask_ = (1u << kImageFieldCount) - 1;
  return set;
}

ImageFieldSet ImageFieldSet::FromColumnIndex(const duckdb::ColumnIndex& index) {
  if (!index.HasChildren()) return All();
  ImageFieldSet set;
  for (const auto& child : index.GetChildIndexes()) set.mask_ |= 1u << child.GetPrimaryIndex();
  return set;
}

bool ImageFieldSet::NeedsHeader() const {
  return Has(kImageHeight) || Has(kImageWidth) || Has(kImageChannels) || Has(kImageMode);
}

namespace {

void SetInteger(duckdb::Vector& child, idx_t row, int32_t value, bool wanted) {
  duckdb::FlatVector::GetData<int32_t>(child)[row] = value;
  duckdb::FlatVector::SetNull(child, row, !wanted);
}

void SetText(duckdb::Vector& child, idx_t row, const char* data, size_t size, bool wanted) {
  if (wanted)
    duckdb::FlatVector::GetData<duckdb::string_t>(child)[row] =
        duckdb::StringVector::AddStringOrBlob(child, data, size);
  duckdb::FlatVector::SetNull(child, row, !wanted);
}

void WriteFields(duckdb::Vector& vector, idx_t row, const std::string& origin, int32_t height, int32_t width,
                 int32_t channels, int32_t mode, const uint8_t* data, size_t size, bool data_known,
                 const ImageFieldSet& fields) {
  auto& children = duckdb::StructVector::GetEntries(vector);
  duckdb::FlatVector::SetNull(vector, row, false);
  SetText(*children[kImageOrigin], row, origin.data(), origin.size(), fields.Has(kImageOrigin));
  SetInteger(*children[kImageHeight], row, height, fields.Has(kImageHeight));
  SetInteger(*children[kImageWidth], row, width, fields.Has(kImageWidth));
  SetInteger(*children[kImageChannels], row, channels, fields.Has(kImageChannels));
  SetInteger(*children[kImageMode], row, mode, fields.Has(kImageMode));
  SetText(*children[kImageData], row, reinterpret_cast<const char*>(data), size, fields.Has(kImageData) && data_known);
}

}  // namespace

namespace {

// Decoded pixels handed to a DuckDB vector as they are: the vector owns this buffer, and the BLOB
// values point into it. When the vector lets go, the memory goes back to the pixel pool for the next
// picture.
class PixelBuffer : public duckdb::VectorBuffer {
 public:
  explicit PixelBuffer(std::vector<uint8_t> pixels)
      : duckdb::VectorBuffer(duckdb::VectorBufferType::OPAQUE_BUFFER), pixels_(std::move(pixels)) {}
  ~PixelBuffer() override { media::ReleasePixels(std::move(pixels_)); }
  const std::vector<uint8_t>& pixels() const { return pixels_; }

 private:
  std::vector<uint8_t> pixels_;
};

}  // namespace

void WriteImage(duckdb::Vector& vector, idx_t row, const std::string& origin, media::Image&& image,
                const ImageFieldSet& fields) {
  // Short BLOBs live inside the string_t itself; only longer ones can point into a buffer.
  if (!fields.Has(kImageData) || image.pixels.size() <= duckdb::string_t::INLINE_LENGTH) {
    WriteFields(vector, row, origin, image.height, image.width, image.channels, image.mode(), image.pixels.data(),
                image.pixels.size(), true, fields);
    return;
  }
  WriteFields(vector, row, origin, image.height, image.width, image.channels, image.mode(), nullptr, 0, true, fields);
  auto& data = *duckdb::StructVector::GetEntries(vector)[kImageData];
  auto buffer = duckdb::make_buffer<PixelBuffer>(std::move(image.pixels));
  const auto& pixels = buffer->pixels();
  duckdb::FlatVector::GetData<duckdb::string_t>(data)[row] =
      duckdb::string_t(reinterpret_cast<const char*>(pixels.data()), static_cast<uint32_t>(pixels.size()));
  duckdb::StringVector::AddBuffer(data, std::move(buffer));
}

std::optional<std::string> WriteImageInPlace(duckdb::Vector& vector, idx_t row, const std::string& origin,
                                             int32_t width, int32_t height, int32_t channels,
                                             const ImageFieldSet& fields,
                                             const std::function<std::optional<std::string>(uint8_t*)>& fill) {
  if (!fields.Has(kImageData)) {
    WriteImageHeader(vector, row, origin, width, height, channels, fields);
    return std::nullopt;
  }
  const size_t size = static_cast<size_t>(width) * height * channels;
  auto& data = *duckdb::StructVector::GetEntries(vector)[kImageData];
  // Storage in the data vector's own string heap, written once by `fill`: no intermediate buffer.
  duckdb::string_t blob = duckdb::StringVector::EmptyString(data, size);
  if (auto error = fill(reinterpret_cast<uint8_t*>(blob.GetDataWriteable()))) {
    WriteInvalidImage(vector, row, origin, fields);
    return error;
  }
  blob.Finalize();
  media::Image shape;
  shape.channels = channels;
  WriteFields(vector, row, origin, height, width, channels, shape.mode(), nullptr, 0, true, fields);
  duckdb::FlatVector::GetData<duckdb::string_t>(data)[row] = blob;
  duckdb::FlatVector::SetNull(data, row, false);
  return std::nullopt;
}

void WriteImageHeader(duckdb::Vector& vector, idx_t row, const std::string& origin, int32_t width, int32_t height,
                      int32_t channels, const ImageFieldSet& fields) {
  media::Image shape;
  shape.channels = channels;
  WriteFields(vector, row, origin, height, width, channels, shape.mode(), nullptr, 0, false, fields);
}

void WriteInvalidImage(duckdb::Vector& vector, idx_t row, const std::string& origin, const ImageFieldSet& fields) {
  WriteFields(vector, row, origin, -1, -1, -1, media::kModeInvalid, nullptr, 0, true, fields);
}

ImageStructReader::ImageStructReader(duckdb::Vector& vector, idx_t count) {
  // Flattened first: the children of a dictionary or constant struct vector do not line up with its
  // selection, so reading them through unified formats alone is wrong.
  vector.Flatten(count);
  vector.ToUnifiedFormat(count, struct_format_);
  auto& children = duckdb::StructVector::GetEntries(vector);
  for (idx_t i = 0; i < kImageFieldCount; i++) children[i]->ToUnifiedFormat(count, fields_[i]);
}

bool ImageStructReader::IsNull(idx_t row) const {
  return !struct_format_.validity.RowIsValid(struct_format_.sel->get_index(row));
}

std::string ImageStructReader::Origin(idx_t row) const {
  const auto& format = fields_[kImageOrigin];
  const idx_t index = format.sel->get_index(struct_format_.sel->get_index(row));
  if (!format.validity.RowIsValid(index)) return std::string();
  return duckdb::UnifiedVectorFormat::GetData<duckdb::string_t>(format)[index].GetString();
}

Result<media::ImageView> ImageStructReader::View(idx_t row) const {
  const idx_t struct_index = struct_format_.sel->get_index(row);
  auto integer = [&](ImageField field) -> std::optional<int32_t> {
    const auto& format = fields_[field];
    const idx_t index = format.sel->get_index(struct_index);
    if (!format.validity.RowIsValid(index)) return std::nullopt;
    return duckdb::UnifiedVectorFormat::GetData<int32_t>(format)[index];
  };
  const auto height = integer(kImageHeight);
  const auto width = integer(kImageWidth);
  const auto channels = integer(kImageChannels);
  const auto& data_format = fields_[kImageData];
  const idx_t data_index = data_format.sel->get_index(struct_index);
  if (!height || !width || !channels || !data_format.validity.RowIsValid(data_index)) {
    return Error{"image struct has NULL fields"};
  }
  if (*height < 0 || *width < 0 || *channels < 0) {
    return Error{"invalid image (an error row from the reader)"};
  }
  if (*channels != 1 && *channels != 3 && *channels != 4) {
    return Error{"image has " + std::to_string(*channels) + " channels, expected 1, 3 or 4"};
  }
  const auto data = duckdb::UnifiedVectorFormat::GetData<duckdb::string_t>(data_format)[data_index];
  const uint64_t expected = static_cast<uint64_t>(*height) * static_cast<uint64_t>(*width) * *channels;
  if (data.GetSize() != expected) {
    return Error{"image data holds " + std::to_string(data.GetSize()) + " bytes, its sizes say " +
                 std::to_string(expected)};
  }
  media::ImageView image;
  image.width = *width;
  image.height = *height;
  image.channels = *channels;
  image.pixels = {reinterpret_cast<const uint8_t*>(data.GetData()), static_cast<size_t>(expected)};
  return image;
}

}  // namespace quarry
