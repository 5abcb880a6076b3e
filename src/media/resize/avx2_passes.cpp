// The AVX2 passes (see passes.hpp). This file alone is compiled with -mavx2 (CMakeLists.txt) and its
// functions run only where the CPU has AVX2 (resize_path.cpp asks at run time). Inline code it shares
// with other files is integer-only (no vector instructions can leak into the copies the linker keeps).
//
// Exactness as in sse2_passes.cpp: 16-bit multiply-adds of the weights' low and high halves, summed
// apart and joined once per output in 32-bit wrapping arithmetic, so the bytes equal Pillow's.
// Horizontal: 4 taps per step (one 16-byte load broadcast to both 128-bit lanes, one byte shuffle that
// puts taps 0-1 in lane 0 and 2-3 in lane 1 as 16-bit pairs per channel), on 4 rows at once so the
// weights are loaded once for the 4. Vertical: 32 bytes of an output row per step, all taps summed in
// registers.
#include "media/resize/passes.hpp"

#if defined(QUARRY_RESIZE_X86)
#include <immintrin.h>

#include <cstring>

namespace quarry::media::resize {
namespace {

// The byte shuffle from 4 pixels' bytes to 16-bit pairs (tap 2l, tap 2l + 1) per channel in lane l.
template <int kChannels>
__m256i PairShuffle() {
  if constexpr (kChannels == 4) {
    return _mm256_setr_epi8(0, -1, 4, -1, 1, -1, 5, -1, 2, -1, 6, -1, 3, -1, 7, -1,  //
                            8, -1, 12, -1, 9, -1, 13, -1, 10, -1, 14, -1, 11, -1, 15, -1);
  } else {
    return _mm256_setr_epi8(0, -1, 3, -1, 1, -1, 4, -1, 2, -1, 5, -1, -1, -1, -1, -1,  //
                            6, -1, 9, -1, 7, -1, 10, -1, 8, -1, 11, -1, -1, -1, -1, -1);
  }
}

// Weights of taps j .. j + 3 as pairs: (j, j + 1) in every 32-bit lane of the low half, (j + 2, j + 3)
// in the high half.
inline __m256i WeightPairs(const int16_t* weights, int32_t j) {
  const __m128i four = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(weights + j));
  return _mm256_permutevar8x32_epi32(_mm256_castsi128_si256(four), _mm256_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1));
}

// Joined, shifted and clipped 32-bit sums (the rounding half included) of 4 lanes, as 4 bytes.
inline uint32_t FinishFour(__m128i low, __m128i high) {
  const __m128i sum = _mm_add_epi32(low, _mm_slli_epi32(high, 16));
  const __m128i shifted = _mm_srai_epi32(sum, kPrecisionBits);
  return static_cast<uint32_t>(_mm_cvtsi128_si32(_mm_packus_epi16(_mm_packs_epi32(shifted, shifted), shifted)));
}

inline __m128i AddLanes(__m256i sum) {
  return _mm_add_epi32(_mm256_castsi256_si128(sum), _mm256_extracti128_si256(sum, 1));
}

// The sums of 2 rows, each over its two 128-bit lanes: lane r of the result is row r's (4 channels).
inline __m256i AddLanesOfTwo(__m256i row0, __m256i row1) {
  return _mm256_add_epi32(_mm256_permute2x128_si256(row0, row1, 0x20), _mm256_permute2x128_si256(row0, row1, 0x31));
}

// Shifted and clipped sums (the rounding half included) of rows 0-1 and 2-3 as bytes: rows 0 and 2 at bytes 0 and 4 of
// lane 0, rows 1 and 3 at bytes 0 and 4 of lane 1.
inline __m256i FinishRows(__m256i rows01, __m256i rows23) {
  const __m256i shifted01 = _mm256_srai_epi32(rows01, kPrecisionBits);
  const __m256i shifted23 = _mm256_srai_epi32(rows23, kPrecisionBits);
  const __m256i words = _mm256_packs_epi32(shifted01, shifted23);
  return _mm256_packus_epi16(words, words);
}

// Rows [y, y + kRows) of the horizontal pass, 3 or 4 channels.
template <int kChannels, int kRows>
void HorizontalRows(const ImageView& in, int32_t first_row, const AxisTaps& columns, Image& out, int32_t y) {
  const __m256i shuffle = PairShuffle<kChannels>();
  const uint8_t* end = in.pixels.data() + in.pixels.size();
  // The next rows' bytes are prefetched as these are read: the picture usually comes from memory.
  const size_t ahead = y + 2 * kRows <= out.height ? in.row_bytes() * kRows : 0;
  const uint8_t* sources[kRows];
  uint8_t* targets[kRows];
#pragma GCC unroll 4
  for (int r = 0; r < kRows; ++r) {
    sources[r] = in.row(first_row + y + r);
    targets[r] = out.row(y + r);
  }
  for (int32_t x = 0; x < columns.outputs; ++x) {
    const size_t offset = static_cast<size_t>(columns.First(x)) * kChannels;
    const int32_t count = columns.count[x];
    // Each step loads 16 bytes: past the last tap; the weights there are 0, the bytes must be readable.
    if (sources[kRows - 1] + offset + static_cast<size_t>((count + 3) / 4 - 1) * 4 * kChannels + 16 > end) {
#pragma GCC unroll 4
      for (int r = 0; r < kRows; ++r) HorizontalPixelScalar(sources[r], kChannels, columns, x, targets[r]);
      continue;
    }
    if constexpr (kRows == 4) {
#pragma GCC unroll 4
      for (int r = 0; r < kRows; ++r)
        _mm_prefetch(reinterpret_cast<const char*>(sources[r] + ahead + offset), _MM_HINT_T0);
    }
    const int16_t* low = columns.Low(x);
    const int16_t* high = columns.High(x);
    __m256i sum_low[kRows], sum_high[kRows];
#pragma GCC unroll 4
    for (int r = 0; r < kRows; ++r) {
      sum_low[r] = _mm256_setr_epi32(kHalf, kHalf, kHalf, kHalf, 0, 0, 0, 0);  // the rounding half, once
      sum_high[r] = _mm256_setzero_si256();
    }
    for (int32_t j = 0; j < count; j += 4) {
      const __m256i weight_low = WeightPairs(low, j);
      const __m256i weight_high = WeightPairs(high, j);
#pragma GCC unroll 4
      for (int r = 0; r < kRows; ++r) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(sources[r] + offset + j * kChannels));
        const __m256i pairs = _mm256_shuffle_epi8(_mm256_broadcastsi128_si256(bytes), shuffle);
        sum_low[r] = _mm256_add_epi32(sum_low[r], _mm256_madd_epi16(pairs, weight_low));
        sum_high[r] = _mm256_add_epi32(sum_high[r], _mm256_madd_epi16(pairs, weight_high));
      }
    }
    uint32_t values[kRows];
    if constexpr (kRows == 4) {
      __m256i sums[4];
#pragma GCC unroll 4
      for (int r = 0; r < 4; ++r) sums[r] = _mm256_add_epi32(sum_low[r], _mm256_slli_epi32(sum_high[r], 16));
      const __m256i bytes = FinishRows(AddLanesOfTwo(sums[0], sums[1]), AddLanesOfTwo(sums[2], sums[3]));
      values[0] = static_cast<uint32_t>(_mm256_extract_epi32(bytes, 0));
      values[1] = static_cast<uint32_t>(_mm256_extract_epi32(bytes, 4));
      values[2] = static_cast<uint32_t>(_mm256_extract_epi32(bytes, 1));
      values[3] = static_cast<uint32_t>(_mm256_extract_epi32(bytes, 5));
    } else {
      for (int r = 0; r < kRows; ++r) values[r] = FinishFour(AddLanes(sum_low[r]), AddLanes(sum_high[r]));
    }
    // With 3 channels the 4th byte lands on the next pixel, written next; not past the row's end.
    if (kChannels == 4 || x + 1 < columns.outputs) {
#pragma GCC unroll 4
      for (int r = 0; r < kRows; ++r) std::memcpy(targets[r] + static_cast<size_t>(x) * kChannels, &values[r], 4);
    } else {
#pragma GCC unroll 4
      for (int r = 0; r < kRows; ++r) std::memcpy(targets[r] + static_cast<size_t>(x) * kChannels, &values[r], 3);
    }
  }
}

template <int kChannels>
void HorizontalPixels(const ImageView& in, int32_t first_row, const AxisTaps& columns, Image& out) {
  int32_t y = 0;
  for (; y + 4 <= out.height; y += 4) HorizontalRows<kChannels, 4>(in, first_row, columns, out, y);
  for (; y < out.height; ++y) HorizontalRows<kChannels, 1>(in, first_row, columns, out, y);
}

// 1 channel: 16 taps per step, the lanes summed at the end.
void HorizontalGray(const ImageView& in, int32_t first_row, const AxisTaps& columns, Image& out) {
  const uint8_t* end = in.pixels.data() + in.pixels.size();
  for (int32_t y = 0; y < out.height; ++y) {
    const uint8_t* source = in.row(first_row + y);
    uint8_t* target = out.row(y);
    for (int32_t x = 0; x < columns.outputs; ++x) {
      const uint8_t* pixel = source + columns.First(x);
      const int32_t count = columns.count[x];
      if (pixel + (count + 15) / 16 * 16 > end) {
        HorizontalPixelScalar(source, 1, columns, x, target);
        continue;
      }
      const int16_t* low = columns.Low(x);
      const int16_t* high = columns.High(x);
      __m256i sum_low = _mm256_setzero_si256(), sum_high = _mm256_setzero_si256();
      for (int32_t j = 0; j < count; j += 16) {
        const __m256i samples = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(pixel + j)));
        sum_low = _mm256_add_epi32(
            sum_low, _mm256_madd_epi16(samples, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(low + j))));
        sum_high = _mm256_add_epi32(
            sum_high, _mm256_madd_epi16(samples, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(high + j))));
      }
      __m128i sum = AddLanes(_mm256_add_epi32(sum_low, _mm256_slli_epi32(sum_high, 16)));
      sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, _MM_SHUFFLE(1, 0, 3, 2)));
      sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, _MM_SHUFFLE(2, 3, 0, 1)));
      target[x] = Clip8(kHalf + _mm_cvtsi128_si32(sum));
    }
  }
}

}  // namespace

void HorizontalAvx2(const ImageView& in, int32_t first_row, const AxisTaps& columns, Image& out) {
  switch (in.channels) {
    case 1:
      return HorizontalGray(in, first_row, columns, out);
    case 3:
      return HorizontalPixels<3>(in, first_row, columns, out);
    default:
      return HorizontalPixels<4>(in, first_row, columns, out);
  }
}

// 32 bytes of an output row per step: rows a and b (taps j, j + 1) interleaved byte by byte, widened to
// 16-bit pairs and multiply-added with the weight pair. The unpacks work within 128-bit lanes and the
// final packs undo them lane by lane, so the bytes come out in order.
void VerticalAvx2(const ImageView& in, const AxisTaps& rows, Image& out) {
  const __m256i zero = _mm256_setzero_si256();
  const size_t row_bytes = in.row_bytes();
  const size_t vector_bytes = row_bytes / 32 * 32;
  for (int32_t y = 0; y < out.height; ++y) {
    const int32_t count = rows.count[y];
    const int16_t* low = rows.Low(y);
    const int16_t* high = rows.High(y);
    const uint8_t* first = in.row(rows.First(y));
    uint8_t* target = out.row(y);
    for (size_t i = 0; i < vector_bytes; i += 32) {
      __m256i sum_low[4] = {zero, zero, zero, zero};
      __m256i sum_high[4] = {zero, zero, zero, zero};
      for (int32_t j = 0; j < count; j += 2) {
        const uint8_t* a = first + j * row_bytes + i;
        const uint8_t* b = j + 1 < count ? a + row_bytes : a;  // weight 0 when odd
        const __m256i bytes_a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a));
        const __m256i bytes_b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b));
        const __m256i ab_low = _mm256_unpacklo_epi8(bytes_a, bytes_b);
        const __m256i ab_high = _mm256_unpackhi_epi8(bytes_a, bytes_b);
        const __m256i pairs[4] = {_mm256_unpacklo_epi8(ab_low, zero), _mm256_unpackhi_epi8(ab_low, zero),
                                  _mm256_unpacklo_epi8(ab_high, zero), _mm256_unpackhi_epi8(ab_high, zero)};
        int32_t pair_low, pair_high;
        std::memcpy(&pair_low, low + j, sizeof pair_low);
        std::memcpy(&pair_high, high + j, sizeof pair_high);
        const __m256i weight_low = _mm256_set1_epi32(pair_low);
        const __m256i weight_high = _mm256_set1_epi32(pair_high);
#pragma GCC unroll 4
        for (int p = 0; p < 4; ++p) {
          sum_low[p] = _mm256_add_epi32(sum_low[p], _mm256_madd_epi16(pairs[p], weight_low));
          sum_high[p] = _mm256_add_epi32(sum_high[p], _mm256_madd_epi16(pairs[p], weight_high));
        }
      }
      __m256i shifted[4];
#pragma GCC unroll 4
      for (int p = 0; p < 4; ++p) {
        const __m256i sum = _mm256_add_epi32(_mm256_add_epi32(sum_low[p], _mm256_slli_epi32(sum_high[p], 16)),
                                             _mm256_set1_epi32(kHalf));
        shifted[p] = _mm256_srai_epi32(sum, kPrecisionBits);
      }
      const __m256i bytes =
          _mm256_packus_epi16(_mm256_packs_epi32(shifted[0], shifted[1]), _mm256_packs_epi32(shifted[2], shifted[3]));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(target + i), bytes);
    }
    VerticalBytesScalar(in, rows, y, vector_bytes, row_bytes, target);
  }
}

}  // namespace quarry::media::resize

#endif  // QUARRY_RESIZE_X86
