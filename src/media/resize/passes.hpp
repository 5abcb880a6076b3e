// The two passes of a separable resize, one implementation per instruction set: scalar (the reference
// twin every vector path is tested against), SSE2, AVX2, AVX-512. Each pass reads 8-bit images of 1, 3
// or 4 interleaved channels, sums in Pillow's fixed point (coefficients.hpp), rounds, clips to 8 bits
// and writes into a preallocated image; all paths give the same bytes. Stateless, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

#include "media/image.hpp"
#include "media/resize/coefficients.hpp"

namespace quarry::media::resize {

// Horizontal pass: output row y (of out.height) is input row first_row + y resampled to columns.outputs
// (= out.width) pixels. REQUIRES: out has in's channels.
using HorizontalPass = void (*)(const ImageView& in, int32_t first_row, const AxisTaps& columns, Image& out);
// Vertical pass: output row y (of rows.outputs = out.height) sums input rows rows.First(y) onwards.
// REQUIRES: out.width == in.width, same channels.
using VerticalPass = void (*)(const ImageView& in, const AxisTaps& rows, Image& out);

void HorizontalScalar(const ImageView& in, int32_t first_row, const AxisTaps& columns, Image& out);
void VerticalScalar(const ImageView& in, const AxisTaps& rows, Image& out);

// Scalar pieces the vector passes finish their edges with: output pixel x of one row, and bytes
// [begin, end) of output row y.
void HorizontalPixelScalar(const uint8_t* source_row, int32_t channels, const AxisTaps& columns, int32_t x,
                           uint8_t* target_row);
void VerticalBytesScalar(const ImageView& in, const AxisTaps& rows, int32_t y, size_t begin, size_t end,
                         uint8_t* target_row);

#if defined(__x86_64__) || defined(_M_X64)
#define QUARRY_RESIZE_X86 1
void HorizontalSse2(const ImageView& in, int32_t first_row, const AxisTaps& columns, Image& out);
void VerticalSse2(const ImageView& in, const AxisTaps& rows, Image& out);
// In avx2_passes.cpp, compiled with -mavx2: call only where the CPU has AVX2.
void HorizontalAvx2(const ImageView& in, int32_t first_row, const AxisTaps& columns, Image& out);
void VerticalAvx2(const ImageView& in, const AxisTaps& rows, Image& out);
// In avx512_passes.cpp, compiled for AVX-512 F, BW, VL, VNNI and VBMI: call only where the CPU has them.
void HorizontalAvx512(const ImageView& in, int32_t first_row, const AxisTaps& columns, Image& out);
void VerticalAvx512(const ImageView& in, const AxisTaps& rows, Image& out);
// The part of HorizontalAvx512 in avx512_row_groups.cpp: rows [0, n) of `out` in whole groups of 21, for 3
// channels; returns n (0 where it does not apply: other channel counts, very wide pictures).
int32_t HorizontalRowGroupsAvx512(const ImageView& in, int32_t first_row, const AxisTaps& columns, Image& out);
#endif

// Pillow's clip of a fixed-point sum to 8 bits.
inline uint8_t Clip8(int32_t sum) {
  const int32_t value = sum >> kPrecisionBits;
  return static_cast<uint8_t>(value < 0 ? 0 : (value > 255 ? 255 : value));
}

}  // namespace quarry::media::resize
