// The AVX-512 passes (see passes.hpp). This file alone is compiled for AVX-512 F, BW, VL, VNNI and VBMI
// (CMakeLists.txt; Ice Lake and Zen 4 onwards) and its functions run only where the CPU has all five
// (resize_path.cpp asks at run time). Inline code it shares with other files is integer-only.
//
// Exactness as in sse2_passes.cpp (weights split into 16-bit halves, summed apart, joined once), with
// VNNI's vpdpwssd doing each multiply-add and its accumulation in one instruction. Plain loads may read
// past a pixel's last tap (its weights are 0 there); near the picture's end, and for a row's last bytes
// in the vertical pass, masked loads read exactly the bytes needed (they are slower on data coming from
// memory, so only there), so no edge needs the scalar code.
// Horizontal: 3-channel pictures go 21 rows at a time through avx512_row_groups.cpp; the rows left over,
// and 4 channels, here: 8 taps per step; one byte permute (VBMI) spreads 8 pixels' bytes into 16-bit pairs (tap
// 2l, tap 2l + 1) per channel in 128-bit lane l; 4 rows at once share the weights. Vertical: 64 bytes
// of an output row per step, all taps summed in registers.
#include "media/resize/passes.hpp"

#if defined(QUARRY_RESIZE_X86)
// GCC 12's AVX-512 intrinsics start from _mm512_undefined_epi32(), which -Wmaybe-uninitialized
// wrongly reports (GCC bug 105593, fixed in GCC 13).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <cstring>

namespace quarry::media::resize {
namespace {

// The first n bytes (n <= 64).
inline __mmask64 FirstBytes(size_t n) {
  return n >= 64 ? ~__mmask64{0} : (__mmask64{1} << n) - 1;
}

// The byte permute from 8 pixels' bytes to 16-bit pairs per channel, lane l holding taps 2l and 2l + 1
// (the high byte of every 16-bit word, and the 4th channel's words with 3 channels, are zeroed by
// PairMask).
template <int kChannels>
__m512i PairPermute() {
  alignas(64) uint8_t index[64];
  for (int lane = 0; lane < 4; ++lane) {
    for (int word = 0; word < 8; ++word) {
      const int channel = word / 2;
      const int tap = 2 * lane + word % 2;
      index[lane * 16 + word * 2] = static_cast<uint8_t>(channel < kChannels ? tap * kChannels + channel : 0);
      index[lane * 16 + word * 2 + 1] = 0;
    }
  }
  return _mm512_load_si512(index);
}

template <int kChannels>
constexpr __mmask64 PairMask() {
  // Low bytes of the words; with 3 channels not words 6 and 7 of a lane (bytes 12 and 14).
  constexpr uint64_t lane = kChannels == 4 ? 0x5555 : 0x0555;
  return lane | lane << 16 | lane << 32 | lane << 48;
}

// Weights of taps j .. j + 7 as pairs: (j + 2l, j + 2l + 1) in every 32-bit lane of 128-bit lane l.
inline __m512i WeightPairs(const int16_t* weights, int32_t j) {
  const __m128i eight = _mm_loadu_si128(reinterpret_cast<const __m128i*>(weights + j));
  return _mm512_permutexvar_epi32(_mm512_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3),
                                  _mm512_castsi128_si512(eight));
}

// Shifted and clipped 32-bit sums (the rounding half included) of 4 lanes, as 4 bytes.
inline uint32_t FinishFour(__m128i sum) {
  const __m128i shifted = _mm_srai_epi32(sum, kPrecisionBits);
  return static_cast<uint32_t>(_mm_cvtsi128_si32(_mm_packus_epi16(_mm_packs_epi32(shifted, shifted), shifted)));
}

inline __m128i AddLanes(__m512i sum) {
  const __m256i half = _mm256_add_epi32(_mm512_castsi512_si256(sum), _mm512_extracti64x4_epi64(sum, 1));
  return _mm_add_epi32(_mm256_castsi256_si128(half), _mm256_extracti128_si256(half, 1));
}

// The sums of 4 rows, each over its four 128-bit lanes: lane r of the result is row r's (4 channels).
inline __m512i AddLanesOfFour(const __m512i (&rows)[4]) {
  const __m512i rows01 = _mm512_add_epi32(_mm512_shuffle_i64x2(rows[0], rows[1], _MM_SHUFFLE(1, 0, 1, 0)),
                                          _mm512_shuffle_i64x2(rows[0], rows[1], _MM_SHUFFLE(3, 2, 3, 2)));
  const __m512i rows23 = _mm512_add_epi32(_mm512_shuffle_i64x2(rows[2], rows[3], _MM_SHUFFLE(1, 0, 1, 0)),
                                          _mm512_shuffle_i64x2(rows[2], rows[3], _MM_SHUFFLE(3, 2, 3, 2)));
  return _mm512_add_epi32(_mm512_shuffle_i64x2(rows01, rows23, _MM_SHUFFLE(2, 0, 2, 0)),
                          _mm512_shuffle_i64x2(rows01, rows23, _MM_SHUFFLE(3, 1, 3, 1)));
}

// Shifted and clipped 32-bit sums (the rounding half included) as bytes: 4 bytes per 128-bit lane, lane r at bytes 4r.
inline __m128i FinishRows(__m512i sums) {
  const __m512i shifted = _mm512_srai_epi32(sums, kPrecisionBits);
  return _mm512_cvtusepi32_epi8(_mm512_max_epi32(shifted, _mm512_setzero_si512()));
}

// Rows [y, y + kRows) of the horizontal pass, 3 or 4 channels.
template <int kChannels, int kRows>
void HorizontalRows(const ImageView& in, int32_t first_row, const AxisTaps& columns, Image& out, int32_t y) {
  const __m512i permute = PairPermute<kChannels>();
  constexpr __mmask64 kPairs = PairMask<kChannels>();
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
    const int16_t* low = columns.Low(x);
    const int16_t* high = columns.High(x);
    __m512i sum_low[kRows], sum_high[kRows];
#pragma GCC unroll 4
    for (int r = 0; r < kRows; ++r) {
      sum_low[r] = _mm512_maskz_set1_epi32(0x000F, kHalf);  // the rounding half, once per channel
      sum_high[r] = _mm512_setzero_si512();
    }
    if constexpr (kRows == 4) {
#pragma GCC unroll 4
      for (int r = 0; r < kRows; ++r)
        _mm_prefetch(reinterpret_cast<const char*>(sources[r] + ahead + offset), _MM_HINT_T0);
    }
    const size_t steps = static_cast<size_t>(count + 7) / 8;
    if (sources[kRows - 1] + offset + (steps - 1) * 8 * kChannels + 32 <= end) {
      // Plain 32-byte loads (faster than masked ones on data coming from memory): past the last tap
      // the weights are 0 and the bytes readable.
      for (int32_t j = 0; j < count; j += 8) {
        const __m512i weight_low = WeightPairs(low, j);
        const __m512i weight_high = WeightPairs(high, j);
#pragma GCC unroll 4
        for (int r = 0; r < kRows; ++r) {
          const __m256i bytes =
              _mm256_loadu_si256(reinterpret_cast<const __m256i*>(sources[r] + offset + j * kChannels));
          const __m512i pairs = _mm512_maskz_permutexvar_epi8(kPairs, permute, _mm512_castsi256_si512(bytes));
          sum_low[r] = _mm512_dpwssd_epi32(sum_low[r], pairs, weight_low);
          sum_high[r] = _mm512_dpwssd_epi32(sum_high[r], pairs, weight_high);
        }
      }
    } else {
      for (int32_t j = 0; j < count; j += 8) {  // near the image's end: masked loads read only the taps
        const __m512i weight_low = WeightPairs(low, j);
        const __m512i weight_high = WeightPairs(high, j);
        const __mmask64 load = FirstBytes(static_cast<size_t>(count - j < 8 ? count - j : 8) * kChannels);
#pragma GCC unroll 4
        for (int r = 0; r < kRows; ++r) {
          const __m512i bytes = _mm512_maskz_loadu_epi8(load, sources[r] + offset + j * kChannels);
          const __m512i pairs = _mm512_maskz_permutexvar_epi8(kPairs, permute, bytes);
          sum_low[r] = _mm512_dpwssd_epi32(sum_low[r], pairs, weight_low);
          sum_high[r] = _mm512_dpwssd_epi32(sum_high[r], pairs, weight_high);
        }
      }
    }
    uint32_t values[kRows];
    if constexpr (kRows == 4) {
      __m512i sums[4];
#pragma GCC unroll 4
      for (int r = 0; r < 4; ++r) sums[r] = _mm512_add_epi32(sum_low[r], _mm512_slli_epi32(sum_high[r], 16));
      const __m128i bytes = FinishRows(AddLanesOfFour(sums));
      values[0] = static_cast<uint32_t>(_mm_extract_epi32(bytes, 0));
      values[1] = static_cast<uint32_t>(_mm_extract_epi32(bytes, 1));
      values[2] = static_cast<uint32_t>(_mm_extract_epi32(bytes, 2));
      values[3] = static_cast<uint32_t>(_mm_extract_epi32(bytes, 3));
    } else {
      for (int r = 0; r < kRows; ++r) {
        values[r] = FinishFour(AddLanes(_mm512_add_epi32(sum_low[r], _mm512_slli_epi32(sum_high[r], 16))));
      }
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
  // 3 channels: whole groups of 21 rows transposed (avx512_row_groups.cpp), the rest row by row.
  int32_t y = kChannels == 3 ? HorizontalRowGroupsAvx512(in, first_row, columns, out) : 0;
  for (; y + 4 <= out.height; y += 4) HorizontalRows<kChannels, 4>(in, first_row, columns, out, y);
  for (; y < out.height; ++y) HorizontalRows<kChannels, 1>(in, first_row, columns, out, y);
}

// 1 channel: 16 taps per step in 256-bit registers, the lanes summed at the end.
void HorizontalGray(const ImageView& in, int32_t first_row, const AxisTaps& columns, Image& out) {
  for (int32_t y = 0; y < out.height; ++y) {
    const uint8_t* source = in.row(first_row + y);
    uint8_t* target = out.row(y);
    for (int32_t x = 0; x < columns.outputs; ++x) {
      const uint8_t* pixel = source + columns.First(x);
      const int32_t count = columns.count[x];
      const int16_t* low = columns.Low(x);
      const int16_t* high = columns.High(x);
      __m256i sum_low = _mm256_setzero_si256(), sum_high = _mm256_setzero_si256();
      for (int32_t j = 0; j < count; j += 16) {
        const auto load = static_cast<__mmask16>(FirstBytes(count - j < 16 ? count - j : 16));
        const __m256i samples = _mm256_cvtepu8_epi16(_mm_maskz_loadu_epi8(load, pixel + j));
        sum_low = _mm256_dpwssd_epi32(sum_low, samples, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(low + j)));
        sum_high =
            _mm256_dpwssd_epi32(sum_high, samples, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(high + j)));
      }
      const __m256i joined = _mm256_add_epi32(sum_low, _mm256_slli_epi32(sum_high, 16));
      __m128i sum = _mm_add_epi32(_mm256_castsi256_si128(joined), _mm256_extracti128_si256(joined, 1));
      sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, _MM_SHUFFLE(1, 0, 3, 2)));
      sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, _MM_SHUFFLE(2, 3, 0, 1)));
      target[x] = Clip8(kHalf + _mm_cvtsi128_si32(sum));
    }
  }
}

}  // namespace

void HorizontalAvx512(const ImageView& in, int32_t first_row, const AxisTaps& columns, Image& out) {
  switch (in.channels) {
    case 1:
      return HorizontalGray(in, first_row, columns, out);
    case 3:
      return HorizontalPixels<3>(in, first_row, columns, out);
    default:
      return HorizontalPixels<4>(in, first_row, columns, out);
  }
}

// 64 bytes of an output row per step (the row's last step masked): rows a and b (taps j, j + 1)
// interleaved byte by byte, widened to 16-bit pairs, multiply-added with the weight pair. The unpacks
// work within 128-bit lanes and the final packs undo them lane by lane, so the bytes come out in order.
void VerticalAvx512(const ImageView& in, const AxisTaps& rows, Image& out) {
  const __m512i zero = _mm512_setzero_si512();
  const size_t row_bytes = in.row_bytes();
  for (int32_t y = 0; y < out.height; ++y) {
    const int32_t count = rows.count[y];
    const int16_t* low = rows.Low(y);
    const int16_t* high = rows.High(y);
    const uint8_t* first = in.row(rows.First(y));
    uint8_t* target = out.row(y);
    for (size_t i = 0; i < row_bytes; i += 64) {
      const __mmask64 mask = FirstBytes(row_bytes - i);
      const bool full = i + 64 <= row_bytes;  // masked loads only for the row's end: they are slower
      __m512i sum_low[4] = {zero, zero, zero, zero};
      __m512i sum_high[4] = {zero, zero, zero, zero};
      for (int32_t j = 0; j < count; j += 2) {
        const uint8_t* a = first + j * row_bytes + i;
        const uint8_t* b = j + 1 < count ? a + row_bytes : a;  // weight 0 when odd
        const __m512i bytes_a = full ? _mm512_loadu_si512(a) : _mm512_maskz_loadu_epi8(mask, a);
        const __m512i bytes_b = full ? _mm512_loadu_si512(b) : _mm512_maskz_loadu_epi8(mask, b);
        const __m512i ab_low = _mm512_unpacklo_epi8(bytes_a, bytes_b);
        const __m512i ab_high = _mm512_unpackhi_epi8(bytes_a, bytes_b);
        const __m512i pairs[4] = {_mm512_unpacklo_epi8(ab_low, zero), _mm512_unpackhi_epi8(ab_low, zero),
                                  _mm512_unpacklo_epi8(ab_high, zero), _mm512_unpackhi_epi8(ab_high, zero)};
        int32_t pair_low, pair_high;
        std::memcpy(&pair_low, low + j, sizeof pair_low);
        std::memcpy(&pair_high, high + j, sizeof pair_high);
        const __m512i weight_low = _mm512_set1_epi32(pair_low);
        const __m512i weight_high = _mm512_set1_epi32(pair_high);
#pragma GCC unroll 4
        for (int p = 0; p < 4; ++p) {
          sum_low[p] = _mm512_dpwssd_epi32(sum_low[p], pairs[p], weight_low);
          sum_high[p] = _mm512_dpwssd_epi32(sum_high[p], pairs[p], weight_high);
        }
      }
      __m512i shifted[4];
#pragma GCC unroll 4
      for (int p = 0; p < 4; ++p) {
        const __m512i sum = _mm512_add_epi32(_mm512_add_epi32(sum_low[p], _mm512_slli_epi32(sum_high[p], 16)),
                                             _mm512_set1_epi32(kHalf));
        shifted[p] = _mm512_srai_epi32(sum, kPrecisionBits);
      }
      const __m512i bytes =
          _mm512_packus_epi16(_mm512_packs_epi32(shifted[0], shifted[1]), _mm512_packs_epi32(shifted[2], shifted[3]));
      _mm512_mask_storeu_epi8(target + i, mask, bytes);
    }
  }
}

}  // namespace quarry::media::resize

#endif  // QUARRY_RESIZE_X86
