// The AVX-512 horizontal pass for 3-channel pictures, 21 rows at a time (see passes.hpp), compiled like
// avx512_passes.cpp for AVX-512 F, BW, VL, VNNI and VBMI and run only where the CPU has them.
//
// The row-by-row pass (avx512_passes.cpp) gathers each output's taps from one row with a byte permute and
// leaves a quarter of its lanes idle (3 channels in 4). Here a group of 21 rows is first transposed, so
// that one 64-byte vector holds one source column of all 21 rows (63 bytes: rows 0-15 as 4-byte words,
// R G B and a byte of rows 16-20, which fill the 16 spare bytes). An output then sums whole vectors, the
// way the vertical pass sums rows: 4 columns are interleaved byte by byte into words of 4 taps and
// multiplied by the weights' signed 8-bit digits with vpdpbusd (64 products an instruction, three digits
// an exact 22-bit weight; coefficients.hpp), every lane in use. The outputs' vectors, in the same layout,
// are transposed back into 21 rows. Measured on 1500 x 21 x 3 to 224 wide: about half the row-by-row
// pass's time (docs/benchmarks.md). Byte for byte the scalar twin's result (resize_path_test.cpp).
#include "media/resize/passes.hpp"

#if defined(QUARRY_RESIZE_X86)
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // GCC bug 105593, as in avx512_passes.cpp
#endif
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace quarry::media::resize {
namespace {

constexpr int32_t kGroupRows = 21;
// Wider pictures keep the row-by-row pass: a group's transposed columns take 64 bytes each per thread.
constexpr int32_t kMaxColumns = 16384;

// 64-byte vectors in a buffer each thread keeps (grown, never shrunk, bounded by kMaxColumns).
class VectorScratch {
 public:
  uint8_t* Vectors(size_t count) {
    if (bytes_.size() < count * 64 + 64) bytes_.resize(count * 64 + 64);
    const auto address = reinterpret_cast<uintptr_t>(bytes_.data());
    return bytes_.data() + ((64 - address % 64) % 64);
  }

 private:
  std::vector<uint8_t> bytes_;
};

// The word order of one row's 16 pixels (48 bytes of `a`) as R G B X words, X being channel `channel` of
// the same pixel in `b` (another row): the byte index for vpermt2b.
__m512i SpreadIndex(int channel) {
  alignas(64) uint8_t index[64];
  for (int k = 0; k < 16; ++k) {
    for (int i = 0; i < 3; ++i) index[4 * k + i] = static_cast<uint8_t>(3 * k + i);
    index[4 * k + 3] = static_cast<uint8_t>(64 + 3 * k + channel);
  }
  return _mm512_load_si512(index);
}

// The even 128-bit lanes of a then b, and the odd ones.
__attribute__((always_inline)) inline void SplitLanes(__m512i a, __m512i b, __m512i& even, __m512i& odd) {
  even = _mm512_shuffle_i32x4(a, b, 0x88);
  odd = _mm512_shuffle_i32x4(a, b, 0xdd);
}

// Transposes a 16 x 16 matrix of 32-bit words held one row a vector: 4 x 4 blocks within each 128-bit
// lane by unpacks, then the lanes by two rounds of lane shuffles.
__attribute__((always_inline)) inline void Transpose16(__m512i (&v)[16]) {
  __m512i t[16];
#pragma GCC unroll 8
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_epi32(v[i], v[i + 1]);
    t[i + 1] = _mm512_unpackhi_epi32(v[i], v[i + 1]);
  }
#pragma GCC unroll 4
  for (int i = 0; i < 16; i += 4) {
    v[i] = _mm512_unpacklo_epi64(t[i], t[i + 2]);
    v[i + 1] = _mm512_unpackhi_epi64(t[i], t[i + 2]);
    v[i + 2] = _mm512_unpacklo_epi64(t[i + 1], t[i + 3]);
    v[i + 3] = _mm512_unpackhi_epi64(t[i + 1], t[i + 3]);
  }
#pragma GCC unroll 4
  for (int m = 0; m < 4; ++m) {
    SplitLanes(v[m], v[4 + m], t[m], t[4 + m]);
    SplitLanes(v[8 + m], v[12 + m], t[8 + m], t[12 + m]);
  }
#pragma GCC unroll 4
  for (int m = 0; m < 4; ++m) {
    SplitLanes(t[m], t[8 + m], v[m], v[8 + m]);
    SplitLanes(t[4 + m], t[12 + m], v[4 + m], v[12 + m]);
  }
}

// Columns [0, width) of rows[0..21) into `columns` (one vector a column, the layout above); the 16
// columns of each step are read with plain loads while 64 bytes remain in the row, masked after.
void TransposeIn(const uint8_t* const (&rows)[kGroupRows], int32_t width, uint8_t* columns) {
  const __m512i spread[3] = {SpreadIndex(0), SpreadIndex(1), SpreadIndex(2)};
  constexpr __mmask64 kNoSpare = 0x7777777777777777ULL;  // row 15's words: no 4th byte
  for (int32_t c = 0; c < width; c += 16) {
    const size_t offset = static_cast<size_t>(c) * 3;
    const size_t left = static_cast<size_t>(width - c) * 3;
    const __mmask64 mask = left >= 64 ? ~__mmask64{0} : (__mmask64{1} << left) - 1;
    const auto load = [&](const uint8_t* row) {
      return left >= 64 ? _mm512_loadu_si512(row + offset) : _mm512_maskz_loadu_epi8(mask, row + offset);
    };
    __m512i spare[5];
#pragma GCC unroll 5
    for (int e = 0; e < 5; ++e) spare[e] = load(rows[16 + e]);
    __m512i v[16];
#pragma GCC unroll 16
    for (int r = 0; r < 16; ++r) {
      const __m512i pixels = load(rows[r]);
      v[r] = r < 15 ? _mm512_permutex2var_epi8(pixels, spread[r % 3], spare[r / 3])
                    : _mm512_maskz_permutexvar_epi8(kNoSpare, spread[0], pixels);
    }
    Transpose16(v);
#pragma GCC unroll 16
    for (int k = 0; k < 16; ++k) _mm512_storeu_si512(columns + static_cast<size_t>(c + k) * 64, v[k]);
  }
}

// Output x of every row in the group, from the transposed source columns: 64 bytes in their layout.
__attribute__((always_inline)) inline __m512i SumColumns(const uint8_t* columns, const AxisTaps& taps, int32_t x) {
  const uint8_t* first = columns + static_cast<size_t>(taps.First(x)) * 64;
  const uint32_t* digits = taps.Digits(x);
  const int32_t quads = (taps.count[x] + 3) / 4;
  __m512i sums[3][4];
#pragma GCC unroll 3
  for (int k = 0; k < 3; ++k) {
#pragma GCC unroll 4
    for (int p = 0; p < 4; ++p) sums[k][p] = _mm512_setzero_si512();
  }
  for (int32_t q = 0; q < quads; ++q) {
    const uint8_t* column = first + static_cast<size_t>(q) * 4 * 64;
    const __m512i a = _mm512_loadu_si512(column), b = _mm512_loadu_si512(column + 64);
    const __m512i c = _mm512_loadu_si512(column + 128), d = _mm512_loadu_si512(column + 192);
    const __m512i ab_low = _mm512_unpacklo_epi8(a, b), ab_high = _mm512_unpackhi_epi8(a, b);
    const __m512i cd_low = _mm512_unpacklo_epi8(c, d), cd_high = _mm512_unpackhi_epi8(c, d);
    // Words of 4 taps; in each 128-bit lane, bytes 0-3, 4-7, 8-11 and 12-15 of the columns.
    const __m512i fours[4] = {_mm512_unpacklo_epi16(ab_low, cd_low), _mm512_unpackhi_epi16(ab_low, cd_low),
                              _mm512_unpacklo_epi16(ab_high, cd_high), _mm512_unpackhi_epi16(ab_high, cd_high)};
#pragma GCC unroll 3
    for (int k = 0; k < 3; ++k) {
      const __m512i weights = _mm512_set1_epi32(static_cast<int32_t>(digits[q * 3 + k]));
#pragma GCC unroll 4
      for (int p = 0; p < 4; ++p) sums[k][p] = _mm512_dpbusd_epi32(sums[k][p], fours[p], weights);
    }
  }
  __m512i shifted[4];
#pragma GCC unroll 4
  for (int p = 0; p < 4; ++p) {
    const __m512i sum =
        _mm512_add_epi32(_mm512_add_epi32(sums[0][p], _mm512_set1_epi32(kHalf)),
                         _mm512_add_epi32(_mm512_slli_epi32(sums[1][p], 8), _mm512_slli_epi32(sums[2][p], 16)));
    shifted[p] = _mm512_srai_epi32(sum, kPrecisionBits);
  }
  // The packs undo the unpacks lane by lane: bytes in the columns' order.
  return _mm512_packus_epi16(_mm512_packs_epi32(shifted[0], shifted[1]), _mm512_packs_epi32(shifted[2], shifted[3]));
}

// The outputs' vectors back into rows y .. y + 20 of `out`, 16 outputs a step.
void TransposeOut(const uint8_t* outputs, int32_t count, Image& out, int32_t y) {
  alignas(64) uint8_t pack_index[64], spare_index[64], third_index[64];
  __mmask64 thirds = 0;
  for (int i = 0; i < 64; ++i) {
    const int k = i / 3, channel = i % 3;
    pack_index[i] = static_cast<uint8_t>(k < 16 ? 4 * k + channel : 0);
    spare_index[i] = static_cast<uint8_t>(k < 16 ? (channel == 0 ? 4 * k + 3 : 64 + 4 * k + 3) : 0);
    third_index[i] = static_cast<uint8_t>(k < 16 ? 4 * k + 3 : 0);
    if (k < 16 && channel == 2) thirds |= __mmask64{1} << i;
  }
  const __m512i pack = _mm512_load_si512(pack_index), spare = _mm512_load_si512(spare_index);
  const __m512i third = _mm512_load_si512(third_index);
  for (int32_t x = 0; x < count; x += 16) {
    const int32_t n = std::min(16, count - x);
    const __mmask64 store = n == 16 ? (__mmask64{1} << 48) - 1 : (__mmask64{1} << (3 * n)) - 1;
    __m512i v[16];
#pragma GCC unroll 16
    for (int k = 0; k < 16; ++k) v[k] = _mm512_loadu_si512(outputs + static_cast<size_t>(x + k) * 64);
    Transpose16(v);  // v[r]: row r's R G B words of outputs x .. x + 15, each with one byte of rows 16-20
    const size_t offset = static_cast<size_t>(x) * 3;
#pragma GCC unroll 16
    for (int r = 0; r < 16; ++r)
      _mm512_mask_storeu_epi8(out.row(y + r) + offset, store, _mm512_permutexvar_epi8(pack, v[r]));
#pragma GCC unroll 5
    for (int e = 0; e < 5; ++e) {
      const __m512i two = _mm512_permutex2var_epi8(v[3 * e], spare, v[3 * e + 1]);  // R, G of row 16 + e
      const __m512i row = _mm512_mask_permutexvar_epi8(two, thirds, third, v[3 * e + 2]);
      _mm512_mask_storeu_epi8(out.row(y + 16 + e) + offset, store, row);
    }
  }
}

}  // namespace

int32_t HorizontalRowGroupsAvx512(const ImageView& in, int32_t first_row, const AxisTaps& columns, Image& out) {
  if (in.channels != 3 || columns.quads == 0 || in.width > kMaxColumns || columns.outputs > kMaxColumns) return 0;
  thread_local VectorScratch source_scratch, output_scratch;
  const int32_t padded_width = (in.width + 15) / 16 * 16;
  // Past the last column the weights are 0; the vectors there must only be readable (zeroed once).
  uint8_t* source = source_scratch.Vectors(static_cast<size_t>(padded_width) + 4 * columns.quads);
  std::memset(source + static_cast<size_t>(padded_width) * 64, 0, static_cast<size_t>(4 * columns.quads) * 64);
  uint8_t* outputs = output_scratch.Vectors(static_cast<size_t>(columns.outputs + 15) / 16 * 16);
  int32_t y = 0;
  for (; y + kGroupRows <= out.height; y += kGroupRows) {
    const uint8_t* rows[kGroupRows];
    for (int r = 0; r < kGroupRows; ++r) rows[r] = in.row(first_row + y + r);
    TransposeIn(rows, in.width, source);
    for (int32_t x = 0; x < columns.outputs; ++x) {
      _mm512_storeu_si512(outputs + static_cast<size_t>(x) * 64, SumColumns(source, columns, x));
    }
    TransposeOut(outputs, columns.outputs, out, y);
  }
  return y;
}

}  // namespace quarry::media::resize

#endif  // QUARRY_RESIZE_X86
