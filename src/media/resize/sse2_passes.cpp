// The SSE2 passes (see passes.hpp), the x86-64 baseline. Pillow's 22-bit weights do not fit pmaddwd's
// 16 bits, so each is split as high * 65536 + low (coefficients.hpp); two multiply-adds accumulate the
// halves apart and the sums are joined once per output as low + (high << 16), in 32-bit wrapping
// arithmetic: bit-identical to Pillow's sums (which never overflow), unlike Pillow-SIMD's lower precision.
#include "media/resize/passes.hpp"

#if defined(QUARRY_RESIZE_X86)
#include <emmintrin.h>

#include <cstring>

namespace quarry::media::resize {
namespace {

// A pair of 16-bit weights (taps j and j + 1, j even) as one 32-bit lane value.
inline int32_t WeightPair(const int16_t* weights, int32_t j) {
  int32_t pair;
  std::memcpy(&pair, weights + j, sizeof pair);
  return pair;
}

// One pixel's 3 or 4 bytes in the low lanes. REQUIRES: 4 readable bytes at `pixel`.
inline __m128i LoadPixel(const uint8_t* pixel) {
  int32_t value;
  std::memcpy(&value, pixel, sizeof value);
  return _mm_cvtsi32_si128(value);
}

// Joins the halves' sums, rounds, shifts and clips four 32-bit lanes to bytes (in the low 4 bytes).
inline __m128i Finish(__m128i low, __m128i high) {
  const __m128i sum = _mm_add_epi32(_mm_add_epi32(low, _mm_slli_epi32(high, 16)), _mm_set1_epi32(kHalf));
  const __m128i shifted = _mm_srai_epi32(sum, kPrecisionBits);
  return _mm_packus_epi16(_mm_packs_epi32(shifted, shifted), shifted);
}

// 3 or 4 channels: two taps at a time, each sample pair (a.c, b.c) a 16-bit pair in its channel's lane.
template <int kChannels>
void HorizontalPixels(const ImageView& in, int32_t first_row, const AxisTaps& columns, Image& out) {
  const __m128i zero = _mm_setzero_si128();
  const uint8_t* end = in.pixels.data() + in.pixels.size();
  for (int32_t y = 0; y < out.height; ++y) {
    const uint8_t* source = in.row(first_row + y);
    uint8_t* target = out.row(y);
    for (int32_t x = 0; x < columns.outputs; ++x) {
      const uint8_t* pixel = source + static_cast<size_t>(columns.First(x)) * kChannels;
      const int32_t count = columns.count[x];
      // Whole pairs read 4 bytes from each pixel: with 3 channels one past the last tap.
      if (pixel + static_cast<size_t>(count + 1) * kChannels + 1 > end) {
        HorizontalPixelScalar(source, kChannels, columns, x, target);
        continue;
      }
      const int16_t* low = columns.Low(x);
      const int16_t* high = columns.High(x);
      __m128i sum_low = zero, sum_high = zero;
      for (int32_t j = 0; j < count; j += 2) {  // an odd last tap pairs with a zero weight
        const __m128i a = LoadPixel(pixel + j * kChannels);
        const __m128i b = LoadPixel(pixel + (j + 1) * kChannels);
        const __m128i pairs = _mm_unpacklo_epi8(_mm_unpacklo_epi8(a, b), zero);
        sum_low = _mm_add_epi32(sum_low, _mm_madd_epi16(pairs, _mm_set1_epi32(WeightPair(low, j))));
        sum_high = _mm_add_epi32(sum_high, _mm_madd_epi16(pairs, _mm_set1_epi32(WeightPair(high, j))));
      }
      const auto value = static_cast<uint32_t>(_mm_cvtsi128_si32(Finish(sum_low, sum_high)));
      std::memcpy(target + static_cast<size_t>(x) * kChannels, &value, kChannels);
    }
  }
}

// 1 channel: eight taps at a time, the lanes summed at the end.
void HorizontalGray(const ImageView& in, int32_t first_row, const AxisTaps& columns, Image& out) {
  const __m128i zero = _mm_setzero_si128();
  const uint8_t* end = in.pixels.data() + in.pixels.size();
  for (int32_t y = 0; y < out.height; ++y) {
    const uint8_t* source = in.row(first_row + y);
    uint8_t* target = out.row(y);
    for (int32_t x = 0; x < columns.outputs; ++x) {
      const uint8_t* pixel = source + columns.First(x);
      const int32_t count = columns.count[x];
      if (pixel + (count + 7) / 8 * 8 > end) {
        HorizontalPixelScalar(source, 1, columns, x, target);
        continue;
      }
      const int16_t* low = columns.Low(x);
      const int16_t* high = columns.High(x);
      __m128i sum_low = zero, sum_high = zero;
      for (int32_t j = 0; j < count; j += 8) {
        const __m128i samples = _mm_unpacklo_epi8(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(pixel + j)), zero);
        sum_low =
            _mm_add_epi32(sum_low, _mm_madd_epi16(samples, _mm_loadu_si128(reinterpret_cast<const __m128i*>(low + j))));
        sum_high = _mm_add_epi32(sum_high,
                                 _mm_madd_epi16(samples, _mm_loadu_si128(reinterpret_cast<const __m128i*>(high + j))));
      }
      __m128i sum = _mm_add_epi32(sum_low, _mm_slli_epi32(sum_high, 16));
      sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, _MM_SHUFFLE(1, 0, 3, 2)));
      sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, _MM_SHUFFLE(2, 3, 0, 1)));
      target[x] = Clip8(kHalf + _mm_cvtsi128_si32(sum));
    }
  }
}

}  // namespace

void HorizontalSse2(const ImageView& in, int32_t first_row, const AxisTaps& columns, Image& out) {
  switch (in.channels) {
    case 1:
      return HorizontalGray(in, first_row, columns, out);
    case 3:
      return HorizontalPixels<3>(in, first_row, columns, out);
    default:
      return HorizontalPixels<4>(in, first_row, columns, out);
  }
}

// 16 bytes of an output row at a time, every tap summed in registers: rows a and b (taps j and j + 1)
// interleaved byte by byte, widened to 16-bit pairs, multiply-added with the weight pair.
void VerticalSse2(const ImageView& in, const AxisTaps& rows, Image& out) {
  const __m128i zero = _mm_setzero_si128();
  const size_t row_bytes = in.row_bytes();
  const size_t vector_bytes = row_bytes / 16 * 16;
  for (int32_t y = 0; y < out.height; ++y) {
    const int32_t count = rows.count[y];
    const int16_t* low = rows.Low(y);
    const int16_t* high = rows.High(y);
    const uint8_t* first = in.row(rows.First(y));
    uint8_t* target = out.row(y);
    for (size_t i = 0; i < vector_bytes; i += 16) {
      __m128i sum_low[4] = {zero, zero, zero, zero};
      __m128i sum_high[4] = {zero, zero, zero, zero};
      for (int32_t j = 0; j < count; j += 2) {
        const uint8_t* a = first + j * row_bytes + i;
        const uint8_t* b = j + 1 < count ? a + row_bytes : a;  // weight 0 when odd
        const __m128i bytes_a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a));
        const __m128i bytes_b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b));
        const __m128i ab_low = _mm_unpacklo_epi8(bytes_a, bytes_b);
        const __m128i ab_high = _mm_unpackhi_epi8(bytes_a, bytes_b);
        const __m128i pairs[4] = {_mm_unpacklo_epi8(ab_low, zero), _mm_unpackhi_epi8(ab_low, zero),
                                  _mm_unpacklo_epi8(ab_high, zero), _mm_unpackhi_epi8(ab_high, zero)};
        const __m128i weight_low = _mm_set1_epi32(WeightPair(low, j));
        const __m128i weight_high = _mm_set1_epi32(WeightPair(high, j));
#pragma GCC unroll 4
        for (int p = 0; p < 4; ++p) {
          sum_low[p] = _mm_add_epi32(sum_low[p], _mm_madd_epi16(pairs[p], weight_low));
          sum_high[p] = _mm_add_epi32(sum_high[p], _mm_madd_epi16(pairs[p], weight_high));
        }
      }
      __m128i shifted[4];
#pragma GCC unroll 4
      for (int p = 0; p < 4; ++p) {
        const __m128i sum =
            _mm_add_epi32(_mm_add_epi32(sum_low[p], _mm_slli_epi32(sum_high[p], 16)), _mm_set1_epi32(kHalf));
        shifted[p] = _mm_srai_epi32(sum, kPrecisionBits);
      }
      const __m128i bytes =
          _mm_packus_epi16(_mm_packs_epi32(shifted[0], shifted[1]), _mm_packs_epi32(shifted[2], shifted[3]));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(target + i), bytes);
    }
    VerticalBytesScalar(in, rows, y, vector_bytes, row_bytes, target);
  }
}

}  // namespace quarry::media::resize

#endif  // QUARRY_RESIZE_X86
