// Matrix products on oneDNN directly (see onednn_primitives.hpp for why): products with a weight matrix
// (Gemm, MatMul by a constant) as inner products whose weight is reordered once into the layout the
// primitive prefers, and stacks of products (attention's Q·Kᵀ and A·V) as one batched matmul primitive
// that reads transposed or broadcast operands through their strides, without copies.
#pragma once

#include <ATen/ATen.h>

#include "ml/onnx/kernel.hpp"

namespace quarry::ml::onnx::onednn {

// activation(a (M, K) times the weight, plus bias (N) when defined): a dense (M, N) float32 tensor. `weight` is the
// node's tensor itself (its reordered copy is cached on it), (N, K) when `weight_is_output_major`, else
// (K, N). Returns an undefined tensor when oneDNN has no implementation for it. REQUIRES: Enabled(),
// float32 operands, matching K, bias of N values when defined.
at::Tensor InnerProduct(const at::Tensor& a, const at::Tensor& weight, bool weight_is_output_major,
                        const at::Tensor& bias, FusedActivation activation = FusedActivation::kNone);

// numpy.matmul(a, b) for a (..., M, K) and b (..., K, N), both of rank 2 or more, batch axes equal or 1
// (broadcast): a dense float32 (batch..., M, N). Returns an undefined tensor when the batch axes do not
// broadcast that way (the caller falls back). REQUIRES: Enabled(), float32 operands, matching K.
at::Tensor BatchedMatMul(const at::Tensor& a, const at::Tensor& b);

}  // namespace quarry::ml::onnx::onednn
