// ONNX operators: linear quantization. QuantizeLinear (y = saturate(round(x / scale) + zero_point), rounding
// half to even), DequantizeLinear (y = (x - zero_point) * scale), both per tensor or, from opset 13, per
// channel along `axis` with 1-D scales; and DynamicQuantizeLinear, which derives a uint8 scale and zero
// point from the input's range (always including 0).
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "ml/onnx/kernel.hpp"

namespace quarry::ml::onnx {
namespace {

// `parameter` (a scale or zero point) shaped to broadcast against x: a scalar (or one value) applies to the
// whole tensor, a 1-D tensor to the slices of x along the node's axis (default 1).
at::Tensor BroadcastParameter(const NodeContext& node, const at::Tensor& parameter, const at::Tensor& x) {
  if (parameter.numel() == 1) return parameter.reshape({});
  if (parameter.dim() != 1) throw OnnxError("scales and zero points must be scalars or 1-D");
  const int64_t axis = NormalizeAxis(node.attribute_int("axis", 1), x.dim());
  if (parameter.size(0) != x.size(axis)) {
    throw OnnxError("a 1-D scale or zero point must have " + std::to_string(x.size(axis)) + " values");
  }
  std::vector<int64_t> shape(x.dim(), 1);
  shape[axis] = parameter.size(0);
  return parameter.reshape(shape);
}

// The range of a type QuantizeLinear produces.
std::pair<double, double> QuantizedRange(at::ScalarType type) {
  switch (type) {
    case at::kByte:
      return {0, 255};
    case at::kChar:
      return {-128, 127};
    default:
      throw OnnxError(std::string("cannot quantize to type ") + c10::toString(type));
  }
}

// saturate(round(x / scale) + zero_point) as `type`; scale and zero_point already broadcast to x.
at::Tensor Quantize(const at::Tensor& x, const at::Tensor& scale, const at::Tensor& zero_point, at::ScalarType type) {
  const auto [low, high] = QuantizedRange(type);
  at::Tensor y = at::div(x.to(at::kFloat), scale.to(at::kFloat)).round_();  // half to even
  if (zero_point.defined()) y.add_(zero_point.to(at::kFloat));
  return y.clamp_(low, high).to(type);
}

std::vector<at::Tensor> QuantizeLinear(NodeContext& node) {
  const at::Tensor& x = node.input(0);
  const at::Tensor scale = BroadcastParameter(node, node.input(1), x);
  if (!node.has_input(2)) return {Quantize(x, scale, at::Tensor(), at::kByte)};
  const at::Tensor& zero_point = node.input(2);
  return {Quantize(x, scale, BroadcastParameter(node, zero_point, x), zero_point.scalar_type())};
}

std::vector<at::Tensor> DequantizeLinear(NodeContext& node) {
  const at::Tensor& x = node.input(0);
  if (x.scalar_type() != at::kByte && x.scalar_type() != at::kChar && x.scalar_type() != at::kInt) {
    throw OnnxError("quantized values must be uint8, int8 or int32");
  }
  const at::Tensor& scale = node.input(1);
  at::Tensor y = x.to(scale.scalar_type());
  if (node.has_input(2)) y.sub_(BroadcastParameter(node, node.input(2), x).to(scale.scalar_type()));
  return {y.mul_(BroadcastParameter(node, scale, x))};
}

// Outputs y (uint8), y_scale (float scalar) and y_zero_point (uint8 scalar).
std::vector<at::Tensor> DynamicQuantizeLinear(NodeContext& node) {
  const at::Tensor x = node.input(0).to(at::kFloat);
  const float low = x.numel() == 0 ? 0.0f : std::min(0.0f, x.min().item<float>());
  const float high = x.numel() == 0 ? 0.0f : std::max(0.0f, x.max().item<float>());
  const float scale = (high - low) / 255.0f;
  at::Tensor scale_tensor = at::scalar_tensor(scale, at::kFloat);
  if (scale == 0 || !std::isfinite(scale)) {  // all zeros (or not finite): nothing to scale
    return {at::zeros(x.sizes(), at::kByte), scale_tensor, at::scalar_tensor(0, at::kByte)};
  }
  const at::Tensor zero_point = at::scalar_tensor(-low, at::kFloat).div_(scale).round_().clamp_(0, 255);
  return {Quantize(x, scale_tensor, zero_point, at::kByte), scale_tensor, zero_point.to(at::kByte)};
}

}  // namespace

void RegisterQuantizationOperators(OperatorRegistry& registry) {
  // Opset 13 adds per-axis scales (1-D) to both; a 1-D scale is an error before it only in the spec.
  registry.Add("QuantizeLinear", 10, kMaxOpset, QuantizeLinear);
  registry.Add("DequantizeLinear", 10, kMaxOpset, DequantizeLinear);
  registry.Add("DynamicQuantizeLinear", 11, kMaxOpset, DynamicQuantizeLinear);
}

}  // namespace quarry::ml::onnx
