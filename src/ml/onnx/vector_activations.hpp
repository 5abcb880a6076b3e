// SiLU, x / (1 + exp(-x)), and GELU, x (1 + erf(x / sqrt 2)) / 2, over float32 values at vector speed: AVX-512 or
// AVX2 with FMA, chosen at run time, and a scalar loop elsewhere. The executor's own, because oneDNN 2.6's
// post-operations for them cost about twice as much per value as a pass of these over the output (efficientnet_b0:
// 8.8 → 7.5 ms at batch 1, 127 → 102 ms at batch 16; docs/benchmarks-onnx-runtime.md). Accuracy: SiLU within 4 units in
// the last place of the exact value (exp by range reduction and a degree-6 polynomial); GELU within 2.5e-7 max(1, |x|)
// of the exact value (erf by Eigen's rational approximation, whose error is below 4.2e-7 absolute, scaled by |x| / 2).
// tests/unit/ml/vector_activations_test.cpp compares every path with double precision.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

namespace quarry::ml::onnx {

enum class VectorFunction { kSilu, kGelu };

// to[i] = function(from[i]) for i < count, on this thread; `from` may be `to`.
void ApplyVectorFunction(VectorFunction function, const float* from, float* to, int64_t count);

// function(y) into y's own memory, over the intra-op threads for large tensors: float32 tensors whose elements
// are dense (any strides, the blocked layout included) at vector speed; other tensors through ATen (silu_,
// gelu_).
void ApplyVectorFunctionInPlace(VectorFunction function, at::Tensor& y);

// The loops ApplyVectorFunction chooses from (the last available one): the tests run each this CPU has.
enum class VectorPath { kScalar, kAvx2, kAvx512 };
std::vector<VectorPath> AvailableVectorPaths();  // kScalar first
// ApplyVectorFunction on `path`. REQUIRES: path is available.
void ApplyVectorFunctionOnPath(VectorFunction function, VectorPath path, const float* from, float* to, int64_t count);

}  // namespace quarry::ml::onnx
