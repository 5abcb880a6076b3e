// The SQL image type — Spark's image schema — and moving Images in and out of DuckDB vectors.
//
//   STRUCT(origin VARCHAR, height INTEGER, width INTEGER, nChannels INTEGER, mode INTEGER, data BLOB)
//
// BGR(A) bytes row-major; mode is the OpenCV type (0 gray, 16 BGR, 24 BGRA); an invalid image has
// height = width = nChannels = mode = -1 and empty data, as Spark's ImageSchema.invalidImageRow.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "duckdb.hpp"
#include "media/image.hpp"

namespace quarry {

// Field positions inside the image struct.
enum ImageField : duckdb::idx_t {
  kImageOrigin = 0,
  kImageHeight = 1,
  kImageWidth = 2,
  kImageChannels = 3,
  kImageMode = 4,
  kImageData = 5,
  kImageFieldCount = 6,
};

duckdb::LogicalType ImageType();

// Which fields of an image struct a query reads (all, unless struct-field projection narrowed them).
class ImageFieldSet {
 public:
  static ImageFieldSet All();
  // From a projected column: its child indexes, or all fields when it has none.
  static ImageFieldSet FromColumnIndex(const duckdb::ColumnIndex& index);
  bool Has(ImageField field) const { return (mask_ >> field) & 1u; }
  // Whether any of height, width, nChannels, mode is read.
  bool NeedsHeader() const;

 private:
  unsigned mask_ = 0;
};

// Writes an image into row `row` of an image-struct vector (fields not in `fields` become NULL). The
// pixels move into the vector without a copy: the vector keeps their buffer alive.
void WriteImage(duckdb::Vector& vector, duckdb::idx_t row, const std::string& origin, media::Image&& image,
                const ImageFieldSet& fields = ImageFieldSet::All());
// Writes an image whose pixels `fill` writes straight into the vector's storage (width x height x
// channels bytes), so a decoder converting into it needs no buffer of its own. Without the data field
// in `fields`, writes the header only and does not call `fill`. When `fill` returns an error, the row
// becomes Spark's invalid image and the error is returned.
std::optional<std::string> WriteImageInPlace(duckdb::Vector& vector, duckdb::idx_t row, const std::string& origin,
                                             int32_t width, int32_t height, int32_t channels,
                                             const ImageFieldSet& fields,
                                             const std::function<std::optional<std::string>(uint8_t*)>& fill);
// Writes only the header fields (no pixels: data NULL) — for header-only reads.
void WriteImageHeader(duckdb::Vector& vector, duckdb::idx_t row, const std::string& origin, int32_t width,
                      int32_t height, int32_t channels, const ImageFieldSet& fields);
// Writes Spark's invalid image (-1 sizes, empty data).
void WriteInvalidImage(duckdb::Vector& vector, duckdb::idx_t row, const std::string& origin,
                       const ImageFieldSet& fields = ImageFieldSet::All());

// Reads image struct values of a (flattened) vector. An invalid image (-1 sizes), a data blob whose
// length disagrees with the sizes, or unsupported channels is an Error.
struct ImageStructReader {
  explicit ImageStructReader(duckdb::Vector& vector, duckdb::idx_t count);
  // Whether row is NULL.
  bool IsNull(duckdb::idx_t row) const;
  // The row's pixels, without a copy: valid while the vector lives.
  Result<media::ImageView> View(duckdb::idx_t row) const;
  std::string Origin(duckdb::idx_t row) const;

 private:
  duckdb::UnifiedVectorFormat struct_format_;
  duckdb::UnifiedVectorFormat fields_[kImageFieldCount];
};

}  // namespace quarry
