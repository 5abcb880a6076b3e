// SiLU, x * sigmoid(x) = x / (1 + exp(-x)), over float32 values at vector speed: AVX-512 or AVX2 with FMA,
// chosen at run time, and a scalar loop elsewhere. The executor's own, because oneDNN's fused swish
// post-operation costs about twice as much per value (efficientnet_b0: 8.8 → 7.5 ms at batch 1, 127 → 102 ms
// at batch 16 with the convolutions writing plain outputs and this pass after them; docs/benchmarks.md).
// Accuracy: exp by range reduction and a degree-6 polynomial, one division: within a few units in the last
// place of the exact value (tests/unit/ml/vector_silu_test.cpp compares with double precision and ATen).
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

namespace quarry::ml::onnx {

// to[i] = silu(from[i]) for i < count, on this thread; `from` may be `to`.
void Silu(const float* from, float* to, int64_t count);

// The loops Silu chooses from (the last available one): the tests run each this CPU has.
enum class SiluPath { kScalar, kAvx2, kAvx512 };
std::vector<SiluPath> AvailableSiluPaths();  // kScalar first
// Silu on `path`. REQUIRES: path is available.
void SiluOnPath(SiluPath path, const float* from, float* to, int64_t count);

// silu(y) into y's own memory, over the intra-op threads for large tensors: float32 tensors whose elements are
// dense (any strides, the blocked layout included) at vector speed; other tensors through ATen's silu_.
void SiluInPlace(at::Tensor& y);

}  // namespace quarry::ml::onnx
