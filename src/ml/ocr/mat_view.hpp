// Internal to src/ml/ocr/ (included only by its .cpp files, never by an API header): media::Image
// pixels seen as OpenCV matrices and back. Both share quarry's and OpenCV's layout (8-bit samples,
// interleaved, BGR order), so a view is a header over the same bytes, never a copy.
#pragma once

#include <cstring>

#include <opencv2/core.hpp>

#include "media/image.hpp"

namespace quarry::ml::ocr {

// A matrix over `image`'s bytes (read-only by contract: do not write through it).
inline cv::Mat MatView(const media::ImageView& image) {
  return cv::Mat(image.height, image.width, CV_8UC(image.channels), const_cast<uint8_t*>(image.pixels.data()),
                 image.row_bytes());
}

// An owning Image with `mat`'s pixels (8-bit, 1, 3 or 4 channels).
inline media::Image ToImage(const cv::Mat& mat) {
  media::Image image{mat.cols, mat.rows, mat.channels(), {}};
  image.pixels.resize(image.row_bytes() * static_cast<size_t>(image.height));
  for (int y = 0; y < mat.rows; y++) std::memcpy(image.row(y), mat.ptr(y), image.row_bytes());
  return image;
}

}  // namespace quarry::ml::ocr
