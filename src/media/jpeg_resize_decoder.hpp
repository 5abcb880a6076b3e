// DecodeJpegResized — a JPEG decoded straight to width × height: the same bytes as
// Resize(DecodeJpeg(bytes), width, height, kBilinear) (Pillow's antialiased bilinear of the full-size
// picture), without ever holding the full-size picture: rows are resampled as the decoder produces them
// (see jpeg_resize_decoder.cpp). read_images uses it when a query only ever resizes its pictures to one
// size. Thread-safe.
#pragma once

#include <cstdint>
#include <span>

#include "common/result.hpp"
#include "media/image_decoder.hpp"

namespace quarry::media {

// The decoded, resized picture; errors as DecodeJpeg's and Resize's. options.min_width/min_height are
// ignored (the resize reads the full-size picture).
Result<Image> DecodeJpegResized(std::span<const uint8_t> bytes, int32_t width, int32_t height,
                                const DecodeOptions& options);

}  // namespace quarry::media
