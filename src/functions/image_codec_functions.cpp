// Image encoding and decoding as SQL functions (see image_codec_functions.hpp and docs/sql.md).
//
// Bad bytes are data, not errors: image_decode gives Spark's invalid image (-1 sizes, empty data) and
// image_info gives NULL. image_encode of an invalid image is NULL. An unknown format name or a
// quality outside 1..100 is an error.
#include "functions/image_codec_functions.hpp"

#include "duckdb/main/extension/extension_loader.hpp"
#include "functions/documented_function.hpp"
#include "functions/image_type.hpp"
#include "media/image_decoder.hpp"
#include "media/image_encoder.hpp"

namespace quarry {

namespace {

using duckdb::idx_t;

std::span<const uint8_t> Bytes(const duckdb::string_t& blob) {
  return {reinterpret_cast<const uint8_t*>(blob.GetData()), blob.GetSize()};
}

void Decode(duckdb::DataChunk& args, duckdb::ExpressionState&, duckdb::Vector& result) {
  const idx_t count = args.size();
  duckdb::UnifiedVectorFormat blobs;
  args.data[0].ToUnifiedFormat(count, blobs);
  result.SetVectorType(duckdb::VectorType::FLAT_VECTOR);
  for (idx_t row = 0; row < count; row++) {
    const idx_t index = blobs.sel->get_index(row);
    if (!blobs.validity.RowIsValid(index)) {
      duckdb::FlatVector::SetNull(result, row, true);
      continue;
    }
    auto image = media::DecodeImage(Bytes(duckdb::UnifiedVectorFormat::GetData<duckdb::string_t>(blobs)[index]));
    if (image.ok()) {
      WriteImage(result, row, "", std::move(image).value());
    } else {
      WriteInvalidImage(result, row, "");
    }
  }
}

void Encode(duckdb::DataChunk& args, duckdb::ExpressionState&, duckdb::Vector& result) {
  const idx_t count = args.size();
  ImageStructReader images(args.data[0], count);
  duckdb::UnifiedVectorFormat formats, qualities;
  args.data[1].ToUnifiedFormat(count, formats);
  const bool has_quality = args.ColumnCount() > 2;
  if (has_quality) args.data[2].ToUnifiedFormat(count, qualities);
  result.SetVectorType(duckdb::VectorType::FLAT_VECTOR);
  for (idx_t row = 0; row < count; row++) {
    const idx_t format_index = formats.sel->get_index(row);
    const idx_t quality_index = has_quality ? qualities.sel->get_index(row) : 0;
    if (images.IsNull(row) || !formats.validity.RowIsValid(format_index) ||
        (has_quality && !qualities.validity.RowIsValid(quality_index))) {
      duckdb::FlatVector::SetNull(result, row, true);
      continue;
    }
    const std::string format =
        duckdb::UnifiedVectorFormat::GetData<duckdb::string_t>(formats)[format_index].GetString();
    int64_t quality = 90;
    if (has_quality) quality = duckdb::UnifiedVectorFormat::GetData<int64_t>(qualities)[quality_index];
    if (format != "png" && format != "jpeg" && format != "jpg") {
      throw duckdb::InvalidInputException("image_encode: format must be 'png' or 'jpeg', got '%s'", format);
    }
    if (quality < 1 || quality > 100) {
      throw duckdb::InvalidInputException("image_encode: quality must be between 1 and 100, got %lld",
                                          static_cast<long long>(quality));
    }
    auto image = images.View(row);
    if (!image.ok()) {
      duckdb::FlatVector::SetNull(result, row, true);
      continue;
    }
    auto encoded =
        format == "png" ? media::EncodePng(image.value()) : media::EncodeJpeg(image.value(), static_cast<int>(quality));
    if (!encoded.ok()) {
      throw duckdb::InvalidInputException("image_encode: %s", encoded.error());
    }
    duckdb::FlatVector::GetData<duckdb::string_t>(result)[row] =
        duckdb::StringVector::AddStringOrBlob(result, encoded.value());
  }
}

duckdb::LogicalType InfoType() {
  return duckdb::LogicalType::STRUCT({{"format", duckdb::LogicalType::VARCHAR},
                                      {"width", duckdb::LogicalType::INTEGER},
                                      {"height", duckdb::LogicalType::INTEGER},
                                      {"channels", duckdb::LogicalType::INTEGER}});
}

void Info(duckdb::DataChunk& args, duckdb::ExpressionState&, duckdb::Vector& result) {
  const idx_t count = args.size();
  duckdb::UnifiedVectorFormat blobs;
  args.data[0].ToUnifiedFormat(count, blobs);
  result.SetVectorType(duckdb::VectorType::FLAT_VECTOR);
  auto& fields = duckdb::StructVector::GetEntries(result);
  for (idx_t row = 0; row < count; row++) {
    const idx_t index = blobs.sel->get_index(row);
    std::optional<media::ImageHeader> header;
    if (blobs.validity.RowIsValid(index)) {
      auto read = media::ReadImageHeader(Bytes(duckdb::UnifiedVectorFormat::GetData<duckdb::string_t>(blobs)[index]));
      if (read.ok()) header = read.value();
    }
    if (!header) {
      duckdb::FlatVector::SetNull(result, row, true);
      continue;
    }
    const auto name = media::ImageFormatName(header->format);
    duckdb::FlatVector::GetData<duckdb::string_t>(*fields[0])[row] =
        duckdb::StringVector::AddString(*fields[0], name.data(), name.size());
    duckdb::FlatVector::GetData<int32_t>(*fields[1])[row] = header->width;
    duckdb::FlatVector::GetData<int32_t>(*fields[2])[row] = header->height;
    duckdb::FlatVector::GetData<int32_t>(*fields[3])[row] = header->channels;
  }
}

}  // namespace

void RegisterImageCodecFunctions(duckdb::ExtensionLoader& loader) {
  const auto image = ImageType();
  const auto blob = duckdb::LogicalType::BLOB;

  duckdb::ScalarFunctionSet decode("image_decode");
  decode.AddFunction(duckdb::ScalarFunction({blob}, image, Decode));
  RegisterDocumentedFunction(
      loader, std::move(decode),
      "Decodes the bytes of a JPEG, PNG, WebP, GIF, TIFF or BMP file into an image; bytes that do not "
      "decode give Spark's invalid image (sizes -1, empty data).",
      "image_decode(read_blob('photo.jpg'))");

  duckdb::ScalarFunctionSet encode("image_encode");
  encode.AddFunction(duckdb::ScalarFunction({image, duckdb::LogicalType::VARCHAR}, blob, Encode));
  encode.AddFunction(
      duckdb::ScalarFunction({image, duckdb::LogicalType::VARCHAR, duckdb::LogicalType::BIGINT}, blob, Encode));
  RegisterDocumentedFunction(
      loader, std::move(encode),
      "Encodes an image as 'png' or 'jpeg' (quality 1-100, default 90); NULL for an invalid image.",
      "image_encode(image, 'jpeg', 85)");

  duckdb::ScalarFunctionSet info("image_info");
  info.AddFunction(duckdb::ScalarFunction({blob}, InfoType(), Info));
  RegisterDocumentedFunction(
      loader, std::move(info),
      "The format, width, height and channels of encoded image bytes, read from the header without "
      "decoding; NULL when the bytes are not an image.",
      "image_info(read_blob('photo.jpg'))");
}

}  // namespace quarry
