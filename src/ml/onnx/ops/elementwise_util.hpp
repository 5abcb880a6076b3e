// Helpers shared by the elementwise and reduction operator files (ops/elementwise*.cpp, ops/reduction.cpp),
// and the registration of the unary elementwise operators (ops/elementwise_unary.cpp).
#pragma once

#include <ATen/ATen.h>

#include "ml/onnx/kernel.hpp"

namespace quarry::ml::onnx {

// Whether x holds integers or booleans.
inline bool IsIntegral(const at::Tensor& x) {
  return at::isIntegralType(x.scalar_type(), /*includeBool=*/true);
}

// Whether `type` is a 16-bit float, for which ATen's CPU kernels lack many operations (exp, softmax, ...).
inline bool IsHalfPrecision(at::ScalarType type) {
  return type == at::kHalf || type == at::kBFloat16;
}

// `x` as float32 when it is a 16-bit float, else `x` itself.
inline at::Tensor WidenHalfPrecision(const at::Tensor& x) {
  return IsHalfPrecision(x.scalar_type()) ? x.to(at::kFloat) : x;
}

// compute(x), run in float32 and rounded back when x is a 16-bit float (other types run as they are).
template <typename Compute>
at::Tensor ComputeInFloat(const at::Tensor& x, Compute&& compute) {
  if (!IsHalfPrecision(x.scalar_type())) return compute(x);
  return compute(x.to(at::kFloat)).to(x.scalar_type());
}

// Mul's kernel `plain` taking operands in the blocked layout (blocked_gate.cpp): a blocked activation times a
// per-channel gate in one pass, anything else on plain copies.
Kernel WithBlockedGate(Kernel plain);

// Unary math, activations, Clip, IsNaN and IsInf (elementwise_unary.cpp).
void RegisterUnaryElementwiseOperators(OperatorRegistry& registry);

}  // namespace quarry::ml::onnx
