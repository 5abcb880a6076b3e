// Helpers shared by the convolution, pooling, normalization and matrix kernels (ops/convolution.cpp,
// ops/pooling.cpp, ops/normalization.cpp, ops/matrix.cpp): the sliding-window geometry of Conv,
// ConvTranspose and the pooling operators (kernel, strides, dilations, begin/end padding after ONNX's
// auto_pad), and the float16 widening that libtorch's CPU kernels need.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ml/onnx/kernel.hpp"

namespace quarry::ml::onnx {

// The window of a convolution or pooling over the spatial axes (one entry per spatial axis each).
struct WindowGeometry {
  std::vector<int64_t> kernel;
  std::vector<int64_t> strides;
  std::vector<int64_t> dilations;
  std::vector<int64_t> pads_begin;
  std::vector<int64_t> pads_end;

  // Whether every axis pads as much at its end as at its begin (what ATen's kernels take).
  bool symmetric() const { return pads_begin == pads_end; }
  // The extent of the dilated kernel along `axis`.
  int64_t extent(size_t axis) const { return (kernel[axis] - 1) * dilations[axis] + 1; }
};

// Reads kernel_shape (`kernel` when the node does not set it), strides, dilations and pads for
// `spatial_rank` axes, checking their lengths and ranges (pads stay as given: auto_pad is not applied).
WindowGeometry ReadWindowAttributes(const NodeContext& node, size_t spatial_rank, std::vector<int64_t> kernel);

// Applies the node's auto_pad to `window` for input spatial sizes `input_spatial`: SAME_UPPER/SAME_LOWER
// pad so that output = ceil(input / stride) (the odd unit at the end or the begin), VALID pads nothing,
// NOTSET keeps the pads attribute.
void ApplyAutoPad(const NodeContext& node, at::IntArrayRef input_spatial, WindowGeometry& window);

// The pad list at::constant_pad_nd takes (last axis first, begin then end) for the trailing axes.
std::vector<int64_t> ConstantPadList(const std::vector<int64_t>& begin, const std::vector<int64_t>& end);

// libtorch's CPU kernels (convolution, pooling, normalization, matrix products) lack float16: the dtype
// to compute in for `type` (float for float16, else `type`).
inline at::ScalarType CpuComputeType(at::ScalarType type) {
  return type == at::kHalf ? at::kFloat : type;
}

// `tensor` converted to CpuComputeType (no copy when it already is).
inline at::Tensor ToCpuComputeType(const at::Tensor& tensor) {
  return tensor.defined() ? tensor.to(CpuComputeType(tensor.scalar_type())) : tensor;
}

// A tensor derived from `source` (a weight in the layout a kernel wants), computed by `derive` on first
// use and then reused while `source` lives unchanged: a model's weights are the same tensors on every
// run, so the conversion is paid once instead of every call. `kind` names the derivation and everything
// its result depends on besides `source`. Thread-safe. The cache holds `source` weakly; entries of freed
// sources are dropped (with their derived tensors) by sweeps as later lookups come. A source made anew
// every run (not a weight) just pays the derivation each time, as it would uncached.
at::Tensor CachedDerivation(const at::Tensor& source, const std::string& kind,
                            const std::function<at::Tensor()>& derive);

// The optional input `index`, or an undefined tensor when the node does not give it.
inline at::Tensor OptionalInput(const NodeContext& node, size_t index) {
  return node.has_input(index) ? node.input(index) : at::Tensor();
}

// Quantized operators (ConvInteger, MatMulInteger, QLinearConv, QLinearMatMul).
// `per_axis` (a scalar, a 1-D tensor of one value per index of `axis`, or already of rank `rank`) shaped
// to broadcast against a tensor of rank `rank` along `axis` (negative counts from the end).
at::Tensor BroadcastAlongAxis(const at::Tensor& per_axis, int64_t rank, int64_t axis);
// `values` as int32 minus its zero point (scalar or per `axis`; none when `zero_point` is undefined).
at::Tensor SubtractZeroPoint(const at::Tensor& values, const at::Tensor& zero_point, int64_t axis);
// An int32 accumulator scaled by `scale` (float, broadcastable), rounded half to even, shifted by
// `output_zero_point` and saturated to its type (uint8 when undefined).
at::Tensor Requantize(const at::Tensor& accumulator, const at::Tensor& scale, const at::Tensor& output_zero_point);

}  // namespace quarry::ml::onnx
