// The named parameters the picture-yielding table functions share (read_images, read_video, read_pdf):
// `size := N | [width, height]` and `max_pixels := N`, parsed with errors that name the function.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "duckdb.hpp"

namespace quarry {

// size := N (N x N) or [width, height]; each side 1..65535. Throws BinderException naming `function`.
std::pair<int32_t, int32_t> PictureSizeParameter(const duckdb::Value& value, const std::string& function);

// max_pixels := N, N > 0. Throws BinderException naming `function`.
uint64_t MaxPixelsParameter(const duckdb::Value& value, const std::string& function);

}  // namespace quarry
