// SiLU at vector speed (see vector_silu.hpp). exp(t) for t = -x: k = round(t log2 e), r = t - k ln 2 in two
// parts (Cody and Waite), exp(r) by its Taylor polynomial of degree 6 (|r| <= ln 2 / 2: error below 2e-8
// relative), times 2^k; then x / (1 + exp(t)). t is clamped below at -87, where 1 + exp(t) is 1 in float (so
// 2^k stays normal); above, exp(t) overflows to infinity past 88.7 as the exact value does, and the result is
// -0 (NaN for x = -inf, as x / (1 + exp(-x)) is in ATen). AVX-512 scales by 2^k with vscalefps (t clamped at
// 100, already infinite); AVX2 builds 2^k from exponent bits (t clamped at 88) and sets x * 0 past 88. NaN stays
// NaN.
#include "ml/onnx/vector_silu.hpp"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>

#if defined(__x86_64__) || defined(_M_X64)
// GCC 12's AVX-512 intrinsics start from undefined values, which -Wmaybe-uninitialized wrongly reports (GCC
// bug 105593, fixed in GCC 13).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#define QUARRY_SILU_X86 1
#endif

namespace quarry::ml::onnx {
namespace {

void SiluScalar(const float* from, float* to, int64_t count) {
  for (int64_t i = 0; i < count; i++) {
    const float x = from[i];
    to[i] = x / (1.0f + std::exp(-x));
  }
}

constexpr float kLowest = -87.0f;          // the clamp of t = -x below: exp(t) stays a normal float
constexpr float kHighestScaled = 100.0f;   // above, where vscalefps scales (exp(t) is infinite from 88.73)
constexpr float kHighestExponent = 88.0f;  // above, where 2^k is built from exponent bits (k <= 127)
constexpr float kLog2E = 1.44269504088896341f;
constexpr float kLn2High = 0.693359375f;  // ln 2 = kLn2High + kLn2Low, the first exact in few bits
constexpr float kLn2Low = -2.12194440e-4f;
// Values a thread takes at a time when SiluInPlace spreads a tensor over the intra-op threads.
constexpr int64_t kValuesPerTask = 32768;

#if defined(QUARRY_SILU_X86)

[[gnu::target("avx512f"), gnu::always_inline]] inline __m512 SiluOf16(__m512 x) {
  const __m512 t = _mm512_max_ps(_mm512_min_ps(_mm512_sub_ps(_mm512_setzero_ps(), x), _mm512_set1_ps(kHighestScaled)),
                                 _mm512_set1_ps(kLowest));
  const __m512 k =
      _mm512_roundscale_ps(_mm512_mul_ps(t, _mm512_set1_ps(kLog2E)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(k, _mm512_set1_ps(kLn2High), t);
  r = _mm512_fnmadd_ps(k, _mm512_set1_ps(kLn2Low), r);
  __m512 p = _mm512_fmadd_ps(_mm512_set1_ps(1.0f / 720), r, _mm512_set1_ps(1.0f / 120));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  const __m512 exp_t = _mm512_scalef_ps(p, k);
  return _mm512_div_ps(x, _mm512_add_ps(exp_t, _mm512_set1_ps(1.0f)));
}

[[gnu::target("avx512f")]] void SiluAvx512(const float* from, float* to, int64_t count) {
  int64_t i = 0;
  for (; i + 32 <= count; i += 32) {  // two vectors a step: their dependency chains overlap
    const __m512 a = SiluOf16(_mm512_loadu_ps(from + i));
    const __m512 b = SiluOf16(_mm512_loadu_ps(from + i + 16));
    _mm512_storeu_ps(to + i, a);
    _mm512_storeu_ps(to + i + 16, b);
  }
  for (; i < count; i += 16) {
    const auto lanes = static_cast<__mmask16>(count - i >= 16 ? 0xFFFF : (1u << (count - i)) - 1);
    _mm512_mask_storeu_ps(to + i, lanes, SiluOf16(_mm512_maskz_loadu_ps(lanes, from + i)));
  }
}

// AVX2 has no scalef: 2^k is built from its exponent bits (k in [-126, 127] after the clamp).
[[gnu::target("avx2,fma"), gnu::always_inline]] inline __m256 SiluOf8(__m256 x) {
  const __m256 negated = _mm256_sub_ps(_mm256_setzero_ps(), x);
  const __m256 t = _mm256_max_ps(_mm256_min_ps(negated, _mm256_set1_ps(kHighestExponent)), _mm256_set1_ps(kLowest));
  const __m256 k =
      _mm256_round_ps(_mm256_mul_ps(t, _mm256_set1_ps(kLog2E)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(k, _mm256_set1_ps(kLn2High), t);
  r = _mm256_fnmadd_ps(k, _mm256_set1_ps(kLn2Low), r);
  __m256 p = _mm256_fmadd_ps(_mm256_set1_ps(1.0f / 720), r, _mm256_set1_ps(1.0f / 120));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
  const __m256i exponent = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(k), _mm256_set1_epi32(127)), 23);
  const __m256 exp_t = _mm256_mul_ps(p, _mm256_castsi256_ps(exponent));
  const __m256 y = _mm256_div_ps(x, _mm256_add_ps(exp_t, _mm256_set1_ps(1.0f)));
  const __m256 overflows = _mm256_cmp_ps(negated, _mm256_set1_ps(kHighestExponent), _CMP_GT_OQ);
  return _mm256_blendv_ps(y, _mm256_mul_ps(x, _mm256_setzero_ps()), overflows);
}

[[gnu::target("avx2,fma")]] void SiluAvx2(const float* from, float* to, int64_t count) {
  int64_t i = 0;
  for (; i + 16 <= count; i += 16) {
    const __m256 a = SiluOf8(_mm256_loadu_ps(from + i));
    const __m256 b = SiluOf8(_mm256_loadu_ps(from + i + 8));
    _mm256_storeu_ps(to + i, a);
    _mm256_storeu_ps(to + i + 8, b);
  }
  for (; i < count; i += 8) {  // the last 1-8 values masked, so that every value is computed alike
    const __m256i lanes = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(std::min<int64_t>(count - i, 8))),
                                             _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    _mm256_maskstore_ps(to + i, lanes, SiluOf8(_mm256_maskload_ps(from + i, lanes)));
  }
}

#endif

using SiluLoop = void (*)(const float*, float*, int64_t);

SiluLoop LoopOf(SiluPath path) {
  switch (path) {
#if defined(QUARRY_SILU_X86)
    case SiluPath::kAvx512:
      return SiluAvx512;
    case SiluPath::kAvx2:
      return SiluAvx2;
#endif
    default:
      return SiluScalar;
  }
}

}  // namespace

std::vector<SiluPath> AvailableSiluPaths() {
  std::vector<SiluPath> paths = {SiluPath::kScalar};
#if defined(QUARRY_SILU_X86)
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) paths.push_back(SiluPath::kAvx2);
  if (__builtin_cpu_supports("avx512f")) paths.push_back(SiluPath::kAvx512);
#endif
  return paths;
}

void SiluOnPath(SiluPath path, const float* from, float* to, int64_t count) {
  LoopOf(path)(from, to, count);
}

void Silu(const float* from, float* to, int64_t count) {
  static const SiluLoop loop = LoopOf(AvailableSiluPaths().back());
  loop(from, to, count);
}

void SiluInPlace(at::Tensor& y) {
  if (y.scalar_type() != at::kFloat || !y.is_non_overlapping_and_dense()) {
    at::silu_(y);
    return;
  }
  float* values = y.data_ptr<float>();  // dense: numel() values from the lowest address, whatever the strides
  at::parallel_for(0, y.numel(), kValuesPerTask,
                   [values](int64_t begin, int64_t end) { Silu(values + begin, values + begin, end - begin); });
}

}  // namespace quarry::ml::onnx
