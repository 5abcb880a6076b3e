// ImageArgument — the pixels of one row of a function argument that stands for an image: an image
// struct (from read_images; its BLOB is viewed, not copied), a VARCHAR path (the file is read and
// decoded, as the seed's Python UDF did) or a BLOB of encoded bytes. Shared by the model functions and
// the built-in OCR. Reading only touches the input vector, so several threads may read one argument.
#pragma once

#include <optional>
#include <string>

#include "common/result.hpp"
#include "duckdb.hpp"
#include "functions/image_type.hpp"
#include "io/file_store.hpp"
#include "media/image.hpp"
#include "media/image_decoder.hpp"

namespace quarry {

enum class ImageArgumentKind { kImage, kPath, kBlob };

class ImageArgument {
 public:
  // `decode` applies to paths and bytes (e.g. min_width/min_height for DCT-scaled JPEG decoding); paths
  // are read from `files` (the query's QueryFileStore; it must outlive this object).
  ImageArgument(ImageArgumentKind kind, duckdb::Vector& input, duckdb::idx_t count, media::DecodeOptions decode = {},
                const io::FileStore& files = io::LocalFileStore());

  // The row's pixels: a view of the struct's BLOB, or an image decoded into `decoded` from a file or
  // from bytes. Errors: "NULL", an invalid image struct, a file that cannot be read or decoded.
  Result<media::ImageView> Row(duckdb::idx_t row, std::optional<media::Image>& decoded) const;

  bool IsNull(duckdb::idx_t row) const;
  // Where the row's picture comes from, for its errors: the path, the image struct's origin, or empty
  // for bytes (and NULLs).
  std::string Origin(duckdb::idx_t row) const;

 private:
  ImageArgumentKind kind_;
  media::DecodeOptions decode_;
  const io::FileStore& files_;
  std::optional<ImageStructReader> images_;
  duckdb::UnifiedVectorFormat strings_;
};

}  // namespace quarry
