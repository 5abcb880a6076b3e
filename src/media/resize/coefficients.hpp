// Pillow's resampling coefficients for one axis (libImaging/Resample.c: precompute_coeffs and
// normalize_coeffs_8bpc), computed once per (input size, output size, filter) and cached. Immutable once
// built, shared by pointer: safe to read from any thread; the cache is guarded by a mutex.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "media/image_transform.hpp"

namespace quarry::media::resize {

// Fixed-point precision of Pillow's 8-bit resampling coefficients (PRECISION_BITS).
constexpr int kPrecisionBits = 32 - 8 - 2;
// Every pass starts its sums at one half, so `sum >> kPrecisionBits` rounds to nearest.
constexpr int32_t kHalf = 1 << (kPrecisionBits - 1);
// The tap rows of the split tables are padded with zero weights to a multiple of this, so vector code
// may run whole blocks of 4, 8 or 16 taps past a pixel's last tap.
constexpr int kTapAlignment = 16;

// Output i reads `count[i]` input samples from `first[i]`, with Pillow's fixed-point weights
// weights[i * taps ...]. For 16-bit multiply-add (SSE2's pmaddwd and its wider forms) each weight is also
// split exactly as high * 65536 + low, both signed 16-bit, in low/high[i * padded_taps ...] (zero past
// count[i]): the 32-bit wrapping sums of the halves equal Pillow's sums, which never overflow.
struct AxisCoefficients {
  int32_t taps = 0;         // Pillow's ksize: the most samples any output reads
  int32_t padded_taps = 0;  // taps rounded up to kTapAlignment: the row stride of low and high
  std::vector<int32_t> first;
  std::vector<int32_t> count;
  std::vector<int32_t> weights;
  std::vector<int16_t> low;
  std::vector<int16_t> high;
  // For 8-bit multiply-add (VNNI's vpdpbusd) each weight is also written in three signed bytes, weight =
  // d2 * 65536 + d1 * 256 + d0, and each digit of taps 4q .. 4q + 3 packed into one 32-bit word (tap 4q in
  // the low byte): digits[(i * quads + q) * 3 + k] holds digit k (zero past count[i]).
  int32_t quads = 0;  // (taps + 3) / 4
  std::vector<uint32_t> digits;
};

// Pillow's coefficients for resizing an axis of in_size samples to out_size with a convolution
// filter (not kNearest). REQUIRES: both sizes > 0.
AxisCoefficients ComputeCoefficients(int32_t in_size, int32_t out_size, ResizeFilter filter);

// ComputeCoefficients, remembered: the same (in_size, out_size, filter) returns the same tables. The
// cache keeps the most recently built few hundred.
std::shared_ptr<const AxisCoefficients> CachedCoefficients(int32_t in_size, int32_t out_size, ResizeFilter filter);

// The coefficients of outputs [begin, begin + outputs) of an axis (all of them, or a center-crop
// window), with input positions counted from `origin` (the vertical pass reads the horizontal pass's
// rows, which start at input row `origin`). A view: valid while `axis` lives.
struct AxisTaps {
  int32_t outputs = 0;
  int32_t taps = 0;
  int32_t padded_taps = 0;
  const int32_t* first = nullptr;  // unshifted: subtract origin
  const int32_t* count = nullptr;
  const int32_t* weights = nullptr;  // stride taps
  const int16_t* low = nullptr;      // stride padded_taps
  const int16_t* high = nullptr;
  int32_t quads = 0;
  const uint32_t* digits = nullptr;  // stride quads * 3
  int32_t origin = 0;

  int32_t First(int32_t i) const { return first[i] - origin; }
  const int32_t* Weights(int32_t i) const { return weights + static_cast<size_t>(i) * taps; }
  const int16_t* Low(int32_t i) const { return low + static_cast<size_t>(i) * padded_taps; }
  const int16_t* High(int32_t i) const { return high + static_cast<size_t>(i) * padded_taps; }
  const uint32_t* Digits(int32_t i) const { return digits + static_cast<size_t>(i) * quads * 3; }
};

AxisTaps Window(const AxisCoefficients& axis, int32_t begin, int32_t outputs, int32_t origin = 0);

}  // namespace quarry::media::resize
