// ONNX operators: pooling family — MaxPool (with its Indices output), AveragePool, LpPool, their Global*
// forms and MaxUnpool — on ATen's pooling kernels (see ml/onnx/kernel.hpp for the kernel interface).
// Padding ATen cannot take (asymmetric, or more than half the kernel) is applied to the input first.
// float32 1-D and 2-D pooling without ceil_mode or indices runs on oneDNN directly (onednn/).
#include <algorithm>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "ml/onnx/kernel.hpp"
#include "ml/onnx/onednn/blocked_layout.hpp"
#include "ml/onnx/onednn/onednn_pooling.hpp"
#include "ml/onnx/ops/conv_util.hpp"

namespace quarry::ml::onnx {

namespace {

// The dtype pooling computes in: ATen's CPU pooling lacks integers and float16 (int32/int64 go through
// double so they stay exact, narrower types through float).
at::ScalarType PoolComputeType(at::ScalarType type) {
  switch (type) {
    case at::kFloat:
    case at::kDouble:
    case at::kBFloat16:
      return type;
    case at::kInt:
    case at::kLong:
      return at::kDouble;
    default:
      return at::kFloat;
  }
}

// The window of a pooling node over x (N, C, D1...), auto_pad applied; kernel_shape is required.
WindowGeometry ReadPoolingWindow(const NodeContext& node, const at::Tensor& x) {
  if (x.dim() < 3 || x.dim() > 5) throw OnnxError("pooling takes inputs with 1 to 3 spatial axes");
  if (!node.has_attribute("kernel_shape")) throw OnnxError("kernel_shape is required");
  WindowGeometry window = ReadWindowAttributes(node, static_cast<size_t>(x.dim() - 2), {});
  ApplyAutoPad(node, x.sizes().slice(2), window);
  return window;
}

// Whether ATen's pooling can apply the window's padding itself (symmetric, at most half the kernel).
bool AtenPads(const WindowGeometry& window) {
  if (!window.symmetric()) return false;
  for (size_t axis = 0; axis < window.kernel.size(); axis++) {
    if (window.pads_begin[axis] > window.kernel[axis] / 2) return false;
  }
  return true;
}

// Pads `x` with `value` as `window` asks and clears the window's padding (it is now in the data).
at::Tensor PadInput(const at::Tensor& x, WindowGeometry& window, double value) {
  at::Tensor padded = at::constant_pad_nd(x, ConstantPadList(window.pads_begin, window.pads_end), value);
  window.pads_begin.assign(window.kernel.size(), 0);
  window.pads_end.assign(window.kernel.size(), 0);
  return padded;
}

// ATen average pooling over 1 to 3 spatial axes (1-D through the 2-D kernel, as ATen's avg_pool1d does).
at::Tensor AveragePoolNd(const at::Tensor& x, const WindowGeometry& window, bool ceil_mode, bool count_include_pad,
                         c10::optional<int64_t> divisor = c10::nullopt) {
  const auto& k = window.kernel;
  const auto& s = window.strides;
  const auto& p = window.pads_begin;
  switch (k.size()) {
    case 1:
      return at::avg_pool2d(x.unsqueeze(-2), {1, k[0]}, {1, s[0]}, {0, p[0]}, ceil_mode, count_include_pad, divisor)
          .squeeze(-2);
    case 2:
      return at::avg_pool2d(x, k, s, p, ceil_mode, count_include_pad, divisor);
    default:
      return at::avg_pool3d(x, k, s, p, ceil_mode, count_include_pad, divisor);
  }
}

// Sums over each window (zero padding), for LpPool and AveragePool without counting padding.
at::Tensor SumPool(const at::Tensor& x, WindowGeometry window, bool ceil_mode) {
  const at::Tensor input = AtenPads(window) ? x : PadInput(x, window, 0);
  return AveragePoolNd(input, window, ceil_mode, true, 1);
}

at::Tensor MaxPoolNd(const at::Tensor& x, const WindowGeometry& window, bool ceil_mode) {
  const auto& w = window;
  switch (w.kernel.size()) {
    case 1:
      return at::max_pool1d(x, w.kernel, w.strides, w.pads_begin, w.dilations, ceil_mode);
    case 2:
      return at::max_pool2d(x, w.kernel, w.strides, w.pads_begin, w.dilations, ceil_mode);
    default:
      return at::max_pool3d(x, w.kernel, w.strides, w.pads_begin, w.dilations, ceil_mode);
  }
}

// Max pooling with ATen's indices (flattened over each (n, c) plane of x).
std::tuple<at::Tensor, at::Tensor> MaxPoolWithIndicesNd(const at::Tensor& x, const WindowGeometry& window,
                                                        bool ceil_mode) {
  const auto& w = window;
  switch (w.kernel.size()) {
    case 1:
      return at::max_pool1d_with_indices(x, w.kernel, w.strides, w.pads_begin, w.dilations, ceil_mode);
    case 2:
      return at::max_pool2d_with_indices(x, w.kernel, w.strides, w.pads_begin, w.dilations, ceil_mode);
    default:
      return at::max_pool3d_with_indices(x, w.kernel, w.strides, w.pads_begin, w.dilations, ceil_mode);
  }
}

// ONNX's MaxPool Indices from ATen's: ATen's index within a plane of the (possibly padded) pooled input,
// ONNX's within the whole unpadded input (N, C, D1...), its plane in row-major order (column-major with
// storage_order 1).
at::Tensor OnnxIndices(const at::Tensor& plane_indices, at::IntArrayRef input_sizes, at::IntArrayRef pooled_spatial,
                       const std::vector<int64_t>& pads_begin, bool column_major) {
  const at::IntArrayRef spatial = input_sizes.slice(2);
  const size_t rank = spatial.size();
  at::Tensor indices = plane_indices;
  if (pooled_spatial != spatial || (column_major && rank > 1)) {
    std::vector<at::Tensor> coordinates(rank);
    at::Tensor rest = plane_indices;
    for (size_t axis = rank; axis-- > 0;) {
      coordinates[axis] = rest.remainder(pooled_spatial[axis]) - pads_begin[axis];
      rest = rest.div(pooled_spatial[axis], "floor");
    }
    indices = at::zeros_like(plane_indices);
    int64_t stride = 1;
    for (size_t i = 0; i < rank; i++) {
      const size_t axis = column_major ? i : rank - 1 - i;
      indices.add_(coordinates[axis], stride);
      stride *= spatial[axis];
    }
  }
  int64_t plane_size = 1;
  for (int64_t size : spatial) plane_size *= size;
  std::vector<int64_t> plane_shape = {input_sizes[0], input_sizes[1]};
  plane_shape.resize(input_sizes.size(), 1);
  const at::Tensor plane_offsets =
      at::arange(input_sizes[0] * input_sizes[1], plane_indices.options()).reshape(plane_shape) * plane_size;
  return indices + plane_offsets;
}

std::vector<at::Tensor> MaxPool(NodeContext& node) {
  const at::Tensor& x = node.input(0);
  WindowGeometry window = ReadPoolingWindow(node, x);
  const bool ceil_mode = node.attribute_int("ceil_mode", 0) != 0;
  if (!ceil_mode && !node.output_wanted(1) && onednn::TakesPooling(x)) {
    at::Tensor y = onednn::PoolOnOneDnn(x, window, onednn::PoolingKind::kMax);
    if (y.defined()) return {y};
  }
  const std::vector<int64_t> pads_begin = window.pads_begin;
  at::Tensor input = x.to(PoolComputeType(x.scalar_type()));
  const bool padded = !AtenPads(window);
  if (padded) input = PadInput(input, window, -std::numeric_limits<double>::infinity());
  if (!node.output_wanted(1)) return {MaxPoolNd(input, window, ceil_mode).to(x.scalar_type())};
  auto [y, plane_indices] = MaxPoolWithIndicesNd(input, window, ceil_mode);
  const bool column_major = node.attribute_int("storage_order", 0) == 1;
  at::Tensor indices = OnnxIndices(plane_indices, x.sizes(), input.sizes().slice(2),
                                   padded ? pads_begin : std::vector<int64_t>(pads_begin.size(), 0), column_major);
  return {y.to(x.scalar_type()), indices};
}

std::vector<at::Tensor> AveragePool(NodeContext& node) {
  const at::Tensor& x = node.input(0);
  WindowGeometry window = ReadPoolingWindow(node, x);
  for (int64_t dilation : window.dilations) {
    if (dilation != 1) throw OnnxError("AveragePool does not take dilations");
  }
  const bool ceil_mode = node.attribute_int("ceil_mode", 0) != 0;
  const bool count_include_pad = node.attribute_int("count_include_pad", 0) != 0;
  if (!ceil_mode && onednn::TakesPooling(x)) {
    at::Tensor y = onednn::PoolOnOneDnn(
        x, window,
        count_include_pad ? onednn::PoolingKind::kAverageCountingPadding : onednn::PoolingKind::kAverageInsideOnly);
    if (y.defined()) return {y};
  }
  const at::Tensor input = ToCpuComputeType(x);
  at::Tensor y;
  if (AtenPads(window)) {
    y = AveragePoolNd(input, window, ceil_mode, count_include_pad);
  } else if (count_include_pad) {
    y = AveragePoolNd(PadInput(input, window, 0), window, ceil_mode, true);
  } else {
    // The sum of each window over the number of its elements inside the input.
    std::vector<int64_t> plane_shape = x.sizes().vec();
    plane_shape[0] = plane_shape[1] = 1;
    const at::Tensor inside = at::ones(plane_shape, input.options());
    y = SumPool(input, window, ceil_mode) / SumPool(inside, window, ceil_mode);
  }
  return {y.to(x.scalar_type())};
}

// LpPool's and GlobalLpPool's p: a float in opset 1, an int after.
double ReadP(const NodeContext& node) {
  const double p = node.opset() < 2 ? node.attribute_float("p", 2.0f) : static_cast<double>(node.attribute_int("p", 2));
  if (!(p > 0)) throw OnnxError("p must be positive");
  return p;
}

std::vector<at::Tensor> LpPool(NodeContext& node) {
  const at::Tensor& x = node.input(0);
  const WindowGeometry window = ReadPoolingWindow(node, x);
  const bool ceil_mode = node.attribute_int("ceil_mode", 0) != 0;
  const double p = ReadP(node);
  const at::Tensor input = ToCpuComputeType(x);
  const at::Tensor powered = p == 2 ? input * input : at::abs(input).pow(p);
  const at::Tensor sums = SumPool(powered, window, ceil_mode);
  const at::Tensor y = p == 2 ? at::sqrt(sums) : sums.pow(1.0 / p);
  return {y.to(x.scalar_type())};
}

// The spatial axes of x (N, C, D1...): what the Global* pools reduce.
std::vector<int64_t> SpatialAxes(const at::Tensor& x) {
  if (x.dim() < 2) throw OnnxError("the input must have a batch and a channel axis");
  std::vector<int64_t> axes;
  for (int64_t axis = 2; axis < x.dim(); axis++) axes.push_back(axis);
  return axes;
}

// Global pooling: `reduce` over the spatial axes (kept as size 1); an input without any passes through.
template <typename Reduce>
std::vector<at::Tensor> GlobalPool(const NodeContext& node, Reduce reduce) {
  const at::Tensor& x = node.input(0);
  const std::vector<int64_t> axes = SpatialAxes(x);
  if (axes.empty()) return {x};
  return {reduce(ToCpuComputeType(x), axes).to(x.scalar_type())};
}

std::vector<at::Tensor> GlobalAveragePool(NodeContext& node) {
  if (const int64_t channels = node.blocked_channels(0); channels > 0) {
    // An activation in the blocked layout (onednn/blocked_layout.hpp): pooled so, the result blocked too where
    // its readers take it (a squeeze-and-excitation's first convolution).
    const at::Tensor& x = node.input(0);
    const at::Tensor y = onednn::GlobalPoolBlocked(x, channels, onednn::PoolingKind::kAverageCountingPadding);
    if (y.defined() && node.may_block_output()) {
      node.set_output_blocked(channels);
      return {y};
    }
    if (y.defined()) return {onednn::ToPlain(y, channels)};
    return {at::mean(onednn::ToPlain(x, channels), {2, 3}, true)};
  }
  if (onednn::TakesPooling(node.input(0))) {
    at::Tensor y = onednn::GlobalPoolOnOneDnn(node.input(0), onednn::PoolingKind::kAverageCountingPadding);
    if (y.defined()) return {y};
  }
  return GlobalPool(node, [](const at::Tensor& x, at::IntArrayRef axes) { return at::mean(x, axes, true); });
}

std::vector<at::Tensor> GlobalMaxPool(NodeContext& node) {
  if (onednn::TakesPooling(node.input(0))) {
    at::Tensor y = onednn::GlobalPoolOnOneDnn(node.input(0), onednn::PoolingKind::kMax);
    if (y.defined()) return {y};
  }
  return GlobalPool(node, [](const at::Tensor& x, at::IntArrayRef axes) { return at::amax(x, axes, true); });
}

std::vector<at::Tensor> GlobalLpPool(NodeContext& node) {
  const double p = ReadP(node);
  return GlobalPool(
      node, [p](const at::Tensor& x, at::IntArrayRef axes) { return at::linalg_vector_norm(x, p, axes, true); });
}

// MaxUnpool: X's values placed at their Indices (flattened over the whole tensor, as MaxPool gives them) in
// a zero tensor of the shape the pooling window implies, then zero-extended (or cropped) at the end of each
// spatial axis to output_shape (input 2) when given, as ONNX's reference does.
std::vector<at::Tensor> MaxUnpool(NodeContext& node) {
  const at::Tensor& x = node.input(0);
  const at::Tensor& indices = node.input(1);
  if (indices.sizes() != x.sizes()) throw OnnxError("the indices' shape does not match the input's");
  const WindowGeometry window = ReadPoolingWindow(node, x);
  std::vector<int64_t> shape = {x.size(0), x.size(1)};
  for (size_t axis = 0; axis < window.kernel.size(); axis++) {
    shape.push_back((x.size(static_cast<int64_t>(axis) + 2) - 1) * window.strides[axis] + window.kernel[axis] -
                    window.pads_begin[axis] - window.pads_end[axis]);
  }
  CheckAllocation(shape, "MaxUnpool output");
  at::Tensor y = at::zeros(shape, x.options());
  const at::Tensor flat_indices = indices.to(at::kLong).reshape({-1});
  if (flat_indices.numel() > 0) {
    const int64_t low = flat_indices.min().item<int64_t>();
    const int64_t high = flat_indices.max().item<int64_t>();
    if (low < 0 || high >= y.numel()) throw OnnxError("an index is out of range for the output");
  }
  y.view({-1}).index_put_({flat_indices}, x.reshape({-1}));
  if (!node.has_input(2)) return {y};
  const std::vector<int64_t> output_shape = ToInt64Vector(node.input(2));
  if (output_shape.size() != shape.size() || output_shape[0] != shape[0] || output_shape[1] != shape[1]) {
    throw OnnxError("output_shape does not match the input's batch, channels and rank");
  }
  CheckAllocation(output_shape, "MaxUnpool output");
  std::vector<int64_t> no_padding(shape.size() - 2, 0), extension;
  for (size_t axis = 2; axis < shape.size(); axis++) extension.push_back(output_shape[axis] - shape[axis]);
  return {at::constant_pad_nd(y, ConstantPadList(no_padding, extension), 0)};
}

}  // namespace

void RegisterPoolingOperators(OperatorRegistry& registry) {
  registry.Add("MaxPool", 1, kMaxOpset, MaxPool);
  registry.Add("AveragePool", 1, kMaxOpset, AveragePool);
  registry.Add("LpPool", 1, kMaxOpset, LpPool);
  registry.Add("GlobalAveragePool", 1, kMaxOpset, GlobalAveragePool).takes_blocked = {0};
  registry.Add("GlobalMaxPool", 1, kMaxOpset, GlobalMaxPool);
  registry.Add("GlobalLpPool", 1, kMaxOpset, GlobalLpPool);
  registry.Add("MaxUnpool", 9, kMaxOpset, MaxUnpool);
}

}  // namespace quarry::ml::onnx
