// Which implementation of the resize passes runs (passes.hpp): the fastest the CPU supports, chosen once
// at run time (AVX-512 with VNNI and VBMI, else AVX2, else SSE2 on x86-64; scalar elsewhere), or one a
// test forces. Thread-safe: the choice is made once, then only read.
#pragma once

#include <cstdint>
#include <vector>

#include "common/result.hpp"
#include "media/image.hpp"
#include "media/image_transform.hpp"
#include "media/resize/passes.hpp"

namespace quarry::media::resize {

enum class ResizePath { kScalar, kSse2, kAvx2, kAvx512 };

// "scalar", "sse2", "avx2", "avx512".
const char* ResizePathName(ResizePath path);

// Whether `path` is compiled into this build and this CPU (and OS) can run it. kScalar always is.
bool ResizePathAvailable(ResizePath path);

// Every available path, slowest first.
std::vector<ResizePath> AvailableResizePaths();

// The fastest available path; what Resize uses.
ResizePath FastestResizePath();

struct ResizePasses {
  HorizontalPass horizontal;
  VerticalPass vertical;
};

// The passes of `path`. REQUIRES: ResizePathAvailable(path).
ResizePasses PassesOf(ResizePath path);

// Resize and ResizeCenterCrop (image_transform.hpp) on a chosen path, so tests compare every path with
// the scalar twin (defined in image_resize.cpp). REQUIRES: ResizePathAvailable(path).
Result<Image> ResizeOnPath(ResizePath path, const ImageView& image, int32_t width, int32_t height, ResizeFilter filter);
Result<Image> ResizeCenterCropOnPath(ResizePath path, const ImageView& image, int32_t width, int32_t height,
                                     int32_t crop_width, int32_t crop_height, ResizeFilter filter);

}  // namespace quarry::media::resize
