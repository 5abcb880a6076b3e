// SiLU and GELU at vector speed (see vector_activations.hpp).
//
// SiLU: exp(t) for t = -x: k = round(t log2 e), r = t - k ln 2 in two parts (Cody and Waite), exp(r) by its Taylor
// polynomial of degree 6 (|r| <= ln 2 / 2: error below 2e-8 relative), times 2^k; then x / (1 + exp(t)). t is
// clamped below at -87, where 1 + exp(t) is 1 in float (so 2^k stays normal); above, exp(t) overflows to infinity
// past 88.7 as the exact value does, and the result is -0 (NaN for x = -inf, as x / (1 + exp(-x)) is in ATen).
// AVX-512 scales by 2^k with vscalefps (t clamped at 100, already infinite); AVX2 builds 2^k from exponent bits (t
// clamped at 88) and sets x * 0 past 88.
// GELU: erf(z) for z = x / sqrt 2 clamped to [-4, 4] as z P(z^2) / Q(z^2) with Eigen's coefficients (odd degree 13
// over even degree 8), then x / 2 + x / 2 erf(z).
// NaN stays NaN in both.
#include "ml/onnx/vector_activations.hpp"

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
#define QUARRY_VECTOR_X86 1
#endif

namespace quarry::ml::onnx {
namespace {

constexpr float kLowest = -87.0f;          // SiLU's clamp of t = -x below: exp(t) stays a normal float
constexpr float kHighestScaled = 100.0f;   // above, where vscalefps scales (exp(t) is infinite from 88.73)
constexpr float kHighestExponent = 88.0f;  // above, where 2^k is built from exponent bits (k <= 127)
constexpr float kLog2E = 1.44269504088896341f;
constexpr float kLn2High = 0.693359375f;  // ln 2 = kLn2High + kLn2Low, the first exact in few bits
constexpr float kLn2Low = -2.12194440e-4f;
constexpr float kSqrtHalf = 0.70710678118654752f;
constexpr float kErfBound = 4.0f;  // erf(z) rounds to ±1 in float past it
// erf(z) = z (a1 + a3 z^2 + ... + a13 z^12) / (b0 + b2 z^2 + ... + b8 z^8) on [-4, 4] (Eigen's generic_fast_erf_float).
constexpr float kErfA[7] = {-1.60960333262415e-02f, -2.95459980854025e-03f, -7.34990630326855e-04f,
                            -5.69250639462346e-05f, -2.10102402082508e-06f, 2.77068142495902e-08f,
                            -2.72614225801306e-10f};
constexpr float kErfB[5] = {-1.42647390514189e-02f, -7.37332916720468e-03f, -1.68282697438203e-03f,
                            -2.13374055278905e-04f, -1.45660718464996e-05f};
// Values a thread takes at a time when a tensor is spread over the intra-op threads.
constexpr int64_t kValuesPerTask = 32768;

struct SiluOp {};
struct GeluOp {};

float OfScalar(SiluOp, float x) {
  return x / (1.0f + std::exp(-x));
}

float OfScalar(GeluOp, float x) {
  return 0.5f * x * (1.0f + std::erf(x * kSqrtHalf));
}

template <class Op>
void LoopScalar(const float* from, float* to, int64_t count) {
  for (int64_t i = 0; i < count; i++) to[i] = OfScalar(Op{}, from[i]);
}

#if defined(QUARRY_VECTOR_X86)

[[gnu::target("avx512f"), gnu::always_inline]] inline __m512 Of16(SiluOp, __m512 x) {
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

[[gnu::target("avx512f"), gnu::always_inline]] inline __m512 Of16(GeluOp, __m512 x) {
  const __m512 z = _mm512_max_ps(_mm512_min_ps(_mm512_mul_ps(x, _mm512_set1_ps(kSqrtHalf)), _mm512_set1_ps(kErfBound)),
                                 _mm512_set1_ps(-kErfBound));
  const __m512 z2 = _mm512_mul_ps(z, z);
  __m512 p = _mm512_fmadd_ps(_mm512_set1_ps(kErfA[6]), z2, _mm512_set1_ps(kErfA[5]));
  for (int i = 4; i >= 0; i--) p = _mm512_fmadd_ps(p, z2, _mm512_set1_ps(kErfA[i]));
  __m512 q = _mm512_fmadd_ps(_mm512_set1_ps(kErfB[4]), z2, _mm512_set1_ps(kErfB[3]));
  for (int i = 2; i >= 0; i--) q = _mm512_fmadd_ps(q, z2, _mm512_set1_ps(kErfB[i]));
  const __m512 erf = _mm512_div_ps(_mm512_mul_ps(z, p), q);
  const __m512 half_x = _mm512_mul_ps(x, _mm512_set1_ps(0.5f));
  return _mm512_fmadd_ps(half_x, erf, half_x);
}

template <class Op>
[[gnu::target("avx512f")]] void LoopAvx512(const float* from, float* to, int64_t count) {
  int64_t i = 0;
  for (; i + 32 <= count; i += 32) {  // two vectors a step: their dependency chains overlap
    const __m512 a = Of16(Op{}, _mm512_loadu_ps(from + i));
    const __m512 b = Of16(Op{}, _mm512_loadu_ps(from + i + 16));
    _mm512_storeu_ps(to + i, a);
    _mm512_storeu_ps(to + i + 16, b);
  }
  for (; i < count; i += 16) {  // the last values masked, so that every value is computed alike
    const auto lanes = static_cast<__mmask16>(count - i >= 16 ? 0xFFFF : (1u << (count - i)) - 1);
    _mm512_mask_storeu_ps(to + i, lanes, Of16(Op{}, _mm512_maskz_loadu_ps(lanes, from + i)));
  }
}

[[gnu::target("avx2,fma"), gnu::always_inline]] inline __m256 Of8(SiluOp, __m256 x) {
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

[[gnu::target("avx2,fma"), gnu::always_inline]] inline __m256 Of8(GeluOp, __m256 x) {
  const __m256 z = _mm256_max_ps(_mm256_min_ps(_mm256_mul_ps(x, _mm256_set1_ps(kSqrtHalf)), _mm256_set1_ps(kErfBound)),
                                 _mm256_set1_ps(-kErfBound));
  const __m256 z2 = _mm256_mul_ps(z, z);
  __m256 p = _mm256_fmadd_ps(_mm256_set1_ps(kErfA[6]), z2, _mm256_set1_ps(kErfA[5]));
  for (int i = 4; i >= 0; i--) p = _mm256_fmadd_ps(p, z2, _mm256_set1_ps(kErfA[i]));
  __m256 q = _mm256_fmadd_ps(_mm256_set1_ps(kErfB[4]), z2, _mm256_set1_ps(kErfB[3]));
  for (int i = 2; i >= 0; i--) q = _mm256_fmadd_ps(q, z2, _mm256_set1_ps(kErfB[i]));
  const __m256 erf = _mm256_div_ps(_mm256_mul_ps(z, p), q);
  const __m256 half_x = _mm256_mul_ps(x, _mm256_set1_ps(0.5f));
  return _mm256_fmadd_ps(half_x, erf, half_x);
}

template <class Op>
[[gnu::target("avx2,fma")]] void LoopAvx2(const float* from, float* to, int64_t count) {
  int64_t i = 0;
  for (; i + 16 <= count; i += 16) {
    const __m256 a = Of8(Op{}, _mm256_loadu_ps(from + i));
    const __m256 b = Of8(Op{}, _mm256_loadu_ps(from + i + 8));
    _mm256_storeu_ps(to + i, a);
    _mm256_storeu_ps(to + i + 8, b);
  }
  for (; i < count; i += 8) {  // the last 1-8 values masked, so that every value is computed alike
    const __m256i lanes = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(std::min<int64_t>(count - i, 8))),
                                             _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    _mm256_maskstore_ps(to + i, lanes, Of8(Op{}, _mm256_maskload_ps(from + i, lanes)));
  }
}

#endif

using Loop = void (*)(const float*, float*, int64_t);

template <class Op>
Loop LoopOf(VectorPath path) {
  switch (path) {
#if defined(QUARRY_VECTOR_X86)
    case VectorPath::kAvx512:
      return LoopAvx512<Op>;
    case VectorPath::kAvx2:
      return LoopAvx2<Op>;
#endif
    default:
      return LoopScalar<Op>;
  }
}

Loop LoopOf(VectorFunction function, VectorPath path) {
  return function == VectorFunction::kSilu ? LoopOf<SiluOp>(path) : LoopOf<GeluOp>(path);
}

}  // namespace

std::vector<VectorPath> AvailableVectorPaths() {
  std::vector<VectorPath> paths = {VectorPath::kScalar};
#if defined(QUARRY_VECTOR_X86)
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) paths.push_back(VectorPath::kAvx2);
  if (__builtin_cpu_supports("avx512f")) paths.push_back(VectorPath::kAvx512);
#endif
  return paths;
}

void ApplyVectorFunctionOnPath(VectorFunction function, VectorPath path, const float* from, float* to, int64_t count) {
  LoopOf(function, path)(from, to, count);
}

void ApplyVectorFunction(VectorFunction function, const float* from, float* to, int64_t count) {
  static const VectorPath fastest = AvailableVectorPaths().back();
  LoopOf(function, fastest)(from, to, count);
}

void ApplyVectorFunctionInPlace(VectorFunction function, at::Tensor& y) {
  if (y.scalar_type() != at::kFloat || !y.is_non_overlapping_and_dense()) {
    if (function == VectorFunction::kSilu) {
      at::silu_(y);
    } else {
      at::gelu_(y);
    }
    return;
  }
  float* values = y.data_ptr<float>();  // dense: numel() values from the lowest address, whatever the strides
  at::parallel_for(0, y.numel(), kValuesPerTask, [function, values](int64_t begin, int64_t end) {
    ApplyVectorFunction(function, values + begin, values + begin, end - begin);
  });
}

}  // namespace quarry::ml::onnx
