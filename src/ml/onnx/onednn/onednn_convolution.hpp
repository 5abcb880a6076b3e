// Convolutions on oneDNN directly (see onednn_primitives.hpp for why): 1-D and 2-D float32 convolutions
// on channels-last (NHWC) activations, the primitive created once per shape, the weight reordered once
// into the layout the primitive prefers, asymmetric padding taken as is, and a fused Relu and a fused
// residual sum applied by the primitive as post-operations while the output is still in cache.
#pragma once

#include <ATen/ATen.h>

#include "ml/onnx/kernel.hpp"
#include "ml/onnx/ops/conv_util.hpp"

namespace quarry::ml::onnx::onednn {

// Whether ConvolveOnOneDnn takes a convolution of x with w: oneDNN enabled, float32 data and weight,
// 1-D or 2-D, nothing empty.
bool TakesConvolution(const at::Tensor& x, const at::Tensor& w);

// activation(conv(x, w, window, group) + bias + residual), with channels-last strides (N, M, H', W') or
// (N, M, L'). `w` is the node's weight tensor itself (its reordered copy is cached on it); `bias` (M) and
// `residual` (the output's shape) are optional. `residual_exclusive`: the caller holds the last
// reference to `residual`, so the output may be written into it. REQUIRES: TakesConvolution(x, w), and
// shapes checked by the caller (channels match the weight and group, bias). Returns an undefined tensor
// when the window leaves no output or oneDNN has no implementation for the case (the caller computes it
// on ATen, which reports what is wrong).
at::Tensor ConvolveOnOneDnn(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias,
                            const WindowGeometry& window, int64_t group, FusedActivation activation,
                            const at::Tensor& residual = at::Tensor(), bool residual_exclusive = false);

}  // namespace quarry::ml::onnx::onednn
