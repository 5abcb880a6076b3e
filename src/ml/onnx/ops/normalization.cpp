// ONNX operators: normalization family — BatchNormalization (inference, and training_mode's batch
// statistics), InstanceNormalization, LayerNormalization, LRN and MeanVarianceNormalization — on ATen's
// fused normalization kernels (see ml/onnx/kernel.hpp for the kernel interface).
#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>
#include <vector>

#include "ml/onnx/kernel.hpp"
#include "ml/onnx/ops/conv_util.hpp"

namespace quarry::ml::onnx {

namespace {

// The input as its compute type; throws unless it has a batch and a channel axis.
at::Tensor ChannelInput(const NodeContext& node) {
  const at::Tensor& x = node.input(0);
  if (x.dim() < 2) throw OnnxError("the input must have a batch and a channel axis");
  return ToCpuComputeType(x);
}

// Whether the per-channel parameters of x (N, C, ...) are all C-element vectors (else they are per
// activation, as BatchNormalization's spatial=0 before opset 9 has them).
bool PerChannel(const at::Tensor& x, const std::vector<at::Tensor>& parameters) {
  for (const at::Tensor& parameter : parameters) {
    if (parameter.dim() != 1 || parameter.size(0) != x.size(1)) return false;
  }
  return true;
}

// BatchNormalization in training mode (opset 14+): normalizes with the batch's statistics and returns
// {Y, running_mean, running_var} with ONNX's momentum (running = running * momentum + batch * (1 - momentum)).
std::vector<at::Tensor> TrainingBatchNorm(const NodeContext& node, const at::Tensor& x, const at::Tensor& scale,
                                          const at::Tensor& bias, const at::Tensor& mean, const at::Tensor& var,
                                          double epsilon) {
  const double momentum = node.attribute_float("momentum", 0.9f);
  std::vector<int64_t> axes = {0};
  for (int64_t axis = 2; axis < x.dim(); axis++) axes.push_back(axis);
  auto [batch_var, batch_mean] = at::var_mean(x, axes, /*unbiased=*/false, /*keepdim=*/false);
  const at::Tensor y = at::batch_norm(x, scale, bias, batch_mean, batch_var, false, 0.0, epsilon, false);
  const at::Tensor running_mean = mean.to(batch_mean.scalar_type()) * momentum + batch_mean * (1 - momentum);
  const at::Tensor running_var = var.to(batch_var.scalar_type()) * momentum + batch_var * (1 - momentum);
  return {y.to(node.input(0).scalar_type()), running_mean.to(node.input(3).scalar_type()),
          running_var.to(node.input(4).scalar_type())};
}

// Inputs X, scale, B, input_mean, input_var.
std::vector<at::Tensor> BatchNormalization(NodeContext& node) {
  const at::Tensor x = ChannelInput(node);
  const at::ScalarType type = x.scalar_type();
  std::vector<at::Tensor> parameters;
  for (size_t i = 1; i <= 4; i++) parameters.push_back(node.input(i).to(type));
  const auto& [scale, bias, mean, var] = std::tie(parameters[0], parameters[1], parameters[2], parameters[3]);
  const double epsilon = node.attribute_float("epsilon", 1e-5f);
  const bool per_channel = PerChannel(x, parameters);
  if (node.opset() >= 14 && node.attribute_int("training_mode", 0) != 0) {
    if (!per_channel) throw OnnxError("the parameters must have one value per channel");
    return TrainingBatchNorm(node, x, scale, bias, mean, var, epsilon);
  }
  at::Tensor y;
  if (per_channel) {
    y = at::batch_norm(x, scale, bias, mean, var, false, 0.0, epsilon, false);
  } else {  // one parameter per activation (C, D1, ...), shared across the batch
    y = (x - mean) * at::rsqrt(var + epsilon) * scale + bias;
  }
  return {y.to(node.input(0).scalar_type())};
}

// Inputs input (N, C, D1...), scale (C), B (C): normalizes each (n, c) plane (group norm, one group a channel).
std::vector<at::Tensor> InstanceNormalization(NodeContext& node) {
  const at::Tensor x = ChannelInput(node);
  const double epsilon = node.attribute_float("epsilon", 1e-5f);
  const at::Tensor y = at::group_norm(x, x.size(1), node.input(1).to(x.scalar_type()),
                                      node.input(2).to(x.scalar_type()), epsilon, false);
  return {y.to(node.input(0).scalar_type())};
}

// Inputs X, Scale, B (optional); outputs Y, Mean, InvStdDev (the statistics shaped as X with the
// normalized axes of size 1, in stash_type).
std::vector<at::Tensor> LayerNormalization(NodeContext& node) {
  const at::Tensor& input = node.input(0);
  const at::Tensor x = ToCpuComputeType(input);
  const int64_t axis = NormalizeAxis(node.attribute_int("axis", -1), x.dim());
  const double epsilon = node.attribute_float("epsilon", 1e-5f);
  const at::ScalarType stash_type = ScalarTypeFromOnnx(static_cast<int32_t>(node.attribute_int("stash_type", 1)));
  const at::IntArrayRef normalized_shape = x.sizes().slice(static_cast<size_t>(axis));
  // ATen takes parameters of exactly the normalized shape; ONNX lets them broadcast to it.
  const auto parameter = [&](size_t index) {
    if (!node.has_input(index)) return at::Tensor();
    const at::Tensor value = node.input(index).to(x.scalar_type());
    return value.sizes() == normalized_shape ? value : value.expand(normalized_shape);
  };
  auto [y, mean, inverse_std] = at::native_layer_norm(x, normalized_shape, parameter(1), parameter(2), epsilon);
  return {y.to(input.scalar_type()), mean.to(stash_type), inverse_std.to(stash_type)};
}

// LRN: x / (bias + alpha / size * (sum of squares over `size` neighbouring channels)) ^ beta, the window
// reaching floor((size - 1) / 2) channels back and ceil((size - 1) / 2) ahead. The windowed sum is a
// sum pooling over the channel axis of the squares laid out as (N, 1, C, rest).
std::vector<at::Tensor> LRN(NodeContext& node) {
  const at::Tensor x = ChannelInput(node);
  const int64_t size = node.attribute_int("size", 0);
  if (size < 1) throw OnnxError("size must be positive");
  const double alpha = node.attribute_float("alpha", 1e-4f);
  const double beta = node.attribute_float("beta", 0.75f);
  const double bias = node.attribute_float("bias", 1.0f);
  // A window reaching past the channels adds nothing: clip its reach to the channel count.
  const int64_t channels = x.size(1);
  const int64_t before = std::min((size - 1) / 2, channels);
  const int64_t after = std::min(size / 2, channels);
  at::Tensor squares = (x * x).reshape({x.size(0), 1, channels, -1});
  int64_t padding = before;
  if (before != after) {
    squares = at::constant_pad_nd(squares, {0, 0, before, after}, 0);
    padding = 0;
  }
  const at::Tensor sums = at::avg_pool2d(squares, {before + after + 1, 1}, {1, 1}, {padding, 0}, false, true, 1);
  const at::Tensor y = x / (sums.reshape(x.sizes()) * (alpha / static_cast<double>(size)) + bias).pow(beta);
  return {y.to(node.input(0).scalar_type())};
}

// MeanVarianceNormalization: (X - mean) / (std + 1e-9) over `axes` (default {0, 2, 3}).
std::vector<at::Tensor> MeanVarianceNormalization(NodeContext& node) {
  const at::Tensor& input = node.input(0);
  const at::Tensor x = ToCpuComputeType(input);
  std::vector<int64_t> axes = node.attribute_ints("axes", {0, 2, 3});
  for (int64_t& axis : axes) axis = NormalizeAxis(axis, x.dim());
  const at::Tensor mean = at::mean(x, axes, true);
  const at::Tensor mean_of_squares = at::mean(x * x, axes, true);
  const at::Tensor deviation = at::sqrt((mean_of_squares - mean * mean).clamp_min(0));
  const at::Tensor y = (x - mean) / (deviation + 1e-9);
  return {y.to(input.scalar_type())};
}

}  // namespace

void RegisterNormalizationOperators(OperatorRegistry& registry) {
  registry.Add("BatchNormalization", 1, kMaxOpset, BatchNormalization);
  registry.Add("InstanceNormalization", 1, kMaxOpset, InstanceNormalization);
  registry.Add("LayerNormalization", 17, kMaxOpset, LayerNormalization);
  registry.Add("LRN", 1, kMaxOpset, LRN);
  registry.Add("MeanVarianceNormalization", 9, kMaxOpset, MeanVarianceNormalization);
}

}  // namespace quarry::ml::onnx
