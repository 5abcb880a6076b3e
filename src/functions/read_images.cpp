// read_images: pictures as rows, decoded lazily (see read_images.hpp and docs/sql.md).
//
// Work per row depends on what the query reads: nothing but the listing for path / partitions /
// count(*); the header only for image.width / height / nChannels / mode (unless the query also reads
// `error` or sets drop_invalid, which need a full decode to prove the file valid); a full decode for
// image.data or the whole struct. With size := N (or [w, h]) JPEGs are decoded at the smallest DCT
// scale still covering the target, then resized (Pillow-compatible bilinear) to exactly w × h.
#include "functions/read_images.hpp"

#include <algorithm>
#include <tuple>

#include "duckdb/main/extension/extension_loader.hpp"
#include "functions/file_scan.hpp"
#include "functions/image_type.hpp"
#include "functions/picture_parameters.hpp"
#include "io/file_reader.hpp"
#include "media/image_decoder.hpp"
#include "media/image_transform.hpp"
#include "media/jpeg_resize_decoder.hpp"

namespace quarry {

namespace {

// Headers of every supported format lie in the first bytes, except JPEGs with large EXIF/ICC
// segments: those are read whole when the prefix is not enough.
constexpr uint64_t kHeaderPrefixBytes = 256 * 1024;

class ImageRowReader : public FileRowReader {
 public:
  media::DecodeOptions decode;
  int32_t target_width = 0;  // size := ...; 0: native size
  int32_t target_height = 0;
  // The optimizer's HintExactResize: the pictures are handed over as image_resize(image, w, h) makes them.
  int32_t exact_resize_width = 0;
  int32_t exact_resize_height = 0;

  std::vector<std::pair<std::string, duckdb::LogicalType>> Columns() const override { return {{"image", ImageType()}}; }

  RowOutcome ReadRow(const io::ListedFile& file, const RowRequest& request) const override {
    duckdb::Vector* vector = request.columns[0];
    const ImageFieldSet fields = vector ? ImageFieldSet::FromColumnIndex(*request.indexes[0]) : ImageFieldSet();
    const bool full_decode = request.validate || fields.Has(kImageData);
    RowOutcome outcome;
    if (!full_decode && !fields.NeedsHeader()) {
      if (vector) WriteImageHeader(*vector, request.row, file.path, 0, 0, 0, fields);  // origin only
      return outcome;
    }
    if (!full_decode) {
      auto header = ReadHeader(*request.files, file.path);
      if (!header.ok()) {
        WriteInvalidImage(*vector, request.row, file.path, fields);
        outcome.error = header.error();
        return outcome;
      }
      const auto& value = header.value();
      const int32_t width = exact_resize_width > 0 ? exact_resize_width : target_width;
      const int32_t height = exact_resize_width > 0 ? exact_resize_height : target_height;
      WriteImageHeader(*vector, request.row, file.path, width > 0 ? width : value.width,
                       height > 0 ? height : value.height, value.channels, fields);
      return outcome;
    }
    auto image = Decode(*request.files, file.path);
    if (!image.ok()) {
      if (vector) WriteInvalidImage(*vector, request.row, file.path, fields);
      outcome.error = image.error();
      return outcome;
    }
    if (vector) {
      if (fields.Has(kImageData)) outcome.bytes = image.value().pixels.size();
      WriteImage(*vector, request.row, file.path, std::move(image).value(), fields);
    }
    return outcome;
  }

  // Only models read the pictures (the optimizer's finding): decode JPEGs at the smallest DCT scale
  // still covering `side` on both axes, as a model called on the file's path does. An explicit
  // size := wins.
  void HintMinimumPictureSide(int32_t side) override {
    if (target_width > 0) return;
    decode.min_width = std::max(decode.min_width, side);
    decode.min_height = std::max(decode.min_height, side);
  }

  bool HintExactResize(int32_t width, int32_t height) override {
    if (target_width > 0 || decode.min_width > 0) return false;  // size := (or a model's hint) decides
    exact_resize_width = width;
    exact_resize_height = height;
    return true;
  }

  std::vector<std::pair<std::string, std::string>> ExplainDetails() const override {
    if (exact_resize_width > 0) {
      return {{"Decode", "resized to " + std::to_string(exact_resize_width) + "x" +
                             std::to_string(exact_resize_height) + " as it decodes (for image_resize)"}};
    }
    if (target_width > 0) {
      return {{"Decode", "resized to " + std::to_string(target_width) + "x" + std::to_string(target_height)}};
    }
    if (decode.min_width > 0) {
      // JPEGs decode at the smallest DCT scale covering this: the model input size the optimizer found.
      return {{"Decode",
               "min " + std::to_string(decode.min_width) + "x" + std::to_string(decode.min_height) + " (for models)"}};
    }
    return {{"Decode", "full size"}};
  }

 private:
  Result<media::ImageHeader> ReadHeader(const io::FileStore& files, const std::string& path) const {
    auto prefix = io::ReadFileBytes(files, path, kHeaderPrefixBytes);
    if (!prefix.ok()) return Error{prefix.error()};
    auto header = media::ReadImageHeader(prefix.value());
    if (header.ok() || prefix.value().size() < kHeaderPrefixBytes) return header;
    auto whole = io::ReadFileBytes(files, path, io::kDefaultMaxFileBytes);
    if (!whole.ok()) return Error{whole.error()};
    return media::ReadImageHeader(whole.value());
  }

  Result<media::Image> Decode(const io::FileStore& files, const std::string& path) const {
    auto bytes = io::ReadFileBytes(files, path, io::kDefaultMaxFileBytes);
    if (!bytes.ok()) return Error{bytes.error()};
    if (exact_resize_width > 0) {
      // image_resize's own bytes: JPEGs in one pass (never holding the full-size picture), others
      // decoded and then resized.
      if (media::DetectImageFormat(bytes.value()) == media::ImageFormat::kJpeg) {
        return media::DecodeJpegResized(bytes.value(), exact_resize_width, exact_resize_height, decode);
      }
      auto image = media::DecodeImage(bytes.value(), decode);
      if (!image.ok()) return image;
      return media::Resize(image.value(), exact_resize_width, exact_resize_height);
    }
    auto image = media::DecodeImage(bytes.value(), decode);
    if (!image.ok() || target_width == 0) return image;
    if (image.value().width == target_width && image.value().height == target_height) return image;
    return media::Resize(image.value(), target_width, target_height, media::ResizeFilter::kBilinear);
  }
};

duckdb::unique_ptr<FileRowReader> MakeImageReader(duckdb::ClientContext&, duckdb::TableFunctionBindInput& input) {
  auto reader = duckdb::make_uniq<ImageRowReader>();
  for (const auto& [name, value] : input.named_parameters) {
    if (name == "max_pixels") {
      reader->decode.max_pixels = MaxPixelsParameter(value, "read_images");
    } else if (name == "auto_orient") {
      reader->decode.auto_orient = !value.IsNull() && duckdb::BooleanValue::Get(value);
    } else if (name == "size") {
      std::tie(reader->target_width, reader->target_height) = PictureSizeParameter(value, "read_images");
      reader->decode.min_width = reader->target_width;
      reader->decode.min_height = reader->target_height;
    }
  }
  return reader;
}

}  // namespace

void RegisterReadImages(duckdb::ExtensionLoader& loader) {
  FileTableFunctionSpec spec;
  spec.name = "read_images";
  spec.make_reader = MakeImageReader;
  spec.named_parameters = {{"max_pixels", duckdb::LogicalType::BIGINT},
                           {"size", duckdb::LogicalType::ANY},
                           {"auto_orient", duckdb::LogicalType::BOOLEAN}};
  spec.description =
      "Pictures as rows (JPEG, PNG, WebP, GIF, TIFF, BMP): path, image (Spark's image struct, BGR), error, Hive "
      "partition columns. Decodes only what the query reads; size := N or [w, h] resizes.";
  spec.example = "SELECT path, image.width, image.height FROM read_images('photos/', recursive := true)";
  RegisterFileTableFunction(loader, spec);
}

}  // namespace quarry
