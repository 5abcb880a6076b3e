// ONNX operators: convolution family — Conv, ConvTranspose and the quantized ConvInteger and QLinearConv —
// on ATen (see ml/onnx/kernel.hpp for the kernel interface). Symmetric padding goes straight to ATen; only
// asymmetric padding copies the input (Conv) or crops the output (ConvTranspose).
//
// float32 convolutions call oneDNN (at::mkldnn_convolution) directly, 1-D and 2-D ones on channels-last
// (NHWC) activations: at::convolution's own choice runs 1x1 kernels through im2col and the system BLAS
// when single-threaded (Debian's is the reference BLAS: ten times slower), and NCHW activations cost
// oneDNN two reorders per convolution. So Conv's output has channels-last strides (still an ordinary
// N, C, H, W tensor to every ATen op), and the next Conv takes it without a copy. Weights are converted
// to the layout oneDNN takes once (CachedDerivation). ConvTranspose whose kernel equals its stride runs
// as a 1x1 convolution and a depth-to-space copy; others with small strides as a direct convolution over
// the input spread out with zeros (ATen's runs on the reference BLAS).
#include <algorithm>
#include <string>
#include <vector>

#include "ml/onnx/kernel.hpp"
#include "ml/onnx/onednn/blocked_layout.hpp"
#include "ml/onnx/onednn/onednn_convolution.hpp"
#include "ml/onnx/ops/conv_util.hpp"

namespace quarry::ml::onnx {

namespace {

// Checks the data and weight ranks and the grouping of a (transposed) convolution; returns `group`.
int64_t CheckConvolutionShapes(const NodeContext& node, const at::Tensor& x, const at::Tensor& w, bool transposed) {
  if (x.dim() < 3) throw OnnxError("the input must have a batch, a channel and at least one spatial axis");
  if (w.dim() != x.dim()) throw OnnxError("the weight's rank does not match the input's");
  const int64_t group = node.attribute_int("group", 1);
  if (group < 1) throw OnnxError("group must be positive");
  const int64_t input_channels = transposed ? w.size(0) : w.size(1) * group;
  if (x.size(1) != input_channels || w.size(0) % group != 0) {
    throw OnnxError("the input has " + std::to_string(x.size(1)) + " channels, the weight and group expect " +
                    std::to_string(input_channels));
  }
  return group;
}

// The window of a convolution with weight `w`, its kernel_shape checked against the weight's.
WindowGeometry ReadConvolutionWindow(const NodeContext& node, const at::Tensor& w) {
  const std::vector<int64_t> kernel = w.sizes().slice(2).vec();
  WindowGeometry window = ReadWindowAttributes(node, kernel.size(), kernel);
  if (window.kernel != kernel) throw OnnxError("kernel_shape does not match the weight's shape");
  return window;
}

// Whether oneDNN takes the convolution directly: float32 data and weights, no empty tensor.
bool UseOneDnn(const at::Tensor& x, const at::Tensor& w) {
  return at::hasMKLDNN() && at::globalContext().userEnabledMkldnn() && x.scalar_type() == at::kFloat &&
         w.scalar_type() == at::kFloat && x.dim() >= 3 && x.dim() <= 5 && x.numel() > 0 && w.numel() > 0;
}

// A 1-D or 2-D convolution's weight as oneDNN takes it with channels-last data (1-D as 2-D with a unit
// height), converted once: it is a constant of the model.
at::Tensor ChannelsLastWeight(const at::Tensor& w) {
  const at::Tensor planar = w.dim() == 3 ? w.unsqueeze(2) : w;
  if (planar.is_contiguous(at::MemoryFormat::ChannelsLast)) return planar;
  return CachedDerivation(w, "conv weight channels-last",
                          [&planar] { return planar.contiguous(at::MemoryFormat::ChannelsLast); });
}

// A convolution with symmetric `padding` (as at::convolution).
at::Tensor ConvolveSymmetric(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias,
                             const std::vector<int64_t>& strides, const std::vector<int64_t>& padding,
                             const std::vector<int64_t>& dilations, int64_t group) {
  if (onednn::TakesConvolution(x, w)) {
    const WindowGeometry window{w.sizes().slice(2).vec(), strides, dilations, padding, padding};
    at::Tensor y = onednn::ConvolveOnOneDnn(x, w, bias, window, group, FusedActivation::kNone);
    if (y.defined()) return y;
  }
  if (!UseOneDnn(x, w)) {
    return at::convolution(x, w, bias, strides, padding, dilations, false, std::vector<int64_t>(strides.size(), 0),
                           group);
  }
  switch (x.dim()) {
    case 3:  // 1-D: as 2-D with a unit height
      return at::mkldnn_convolution(x.unsqueeze(2).contiguous(at::MemoryFormat::ChannelsLast), ChannelsLastWeight(w),
                                    bias, {0, padding[0]}, {1, strides[0]}, {1, dilations[0]}, group)
          .squeeze(2);
    case 4:
      return at::mkldnn_convolution(x.contiguous(at::MemoryFormat::ChannelsLast), ChannelsLastWeight(w), bias, padding,
                                    strides, dilations, group);
    default:  // libtorch 1.13's oneDNN convolution has no channels-last 3-D path
      return at::mkldnn_convolution(x, w, bias, padding, strides, dilations, group);
  }
}

// Conv on ATen (and ATen's oneDNN entry point): what oneDNN directly does not take.
at::Tensor ConvolveOnAten(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias,
                          const WindowGeometry& window, int64_t group) {
  if (window.symmetric()) {
    return ConvolveSymmetric(x, w, bias, window.strides, window.pads_begin, window.dilations, group);
  }
  // ATen pads symmetrically: pad the part one side has beyond the other explicitly.
  const size_t spatial_rank = window.kernel.size();
  std::vector<int64_t> padding(spatial_rank), extra_begin(spatial_rank), extra_end(spatial_rank);
  for (size_t axis = 0; axis < spatial_rank; axis++) {
    padding[axis] = std::min(window.pads_begin[axis], window.pads_end[axis]);
    extra_begin[axis] = window.pads_begin[axis] - padding[axis];
    extra_end[axis] = window.pads_end[axis] - padding[axis];
  }
  const at::Tensor padded = at::constant_pad_nd(x, ConstantPadList(extra_begin, extra_end), 0);
  return ConvolveSymmetric(padded, w, bias, window.strides, padding, window.dilations, group);
}

// Throws unless `bias` is undefined or a vector of `outputs` values.
void CheckBias(const at::Tensor& bias, int64_t outputs) {
  if (bias.defined() && (bias.dim() != 1 || bias.size(0) != outputs)) {
    throw OnnxError("the bias must be a vector of " + std::to_string(outputs) + " values, one per output channel");
  }
}

// ONNX Conv of x (N, C, D1...) with w (M, C/group, k1...) and an optional bias (M), in x's dtype, plus an
// optional `residual` (broadcast as Add does), with `activation` applied. `residual_exclusive`: the
// output may be written into the residual's memory. x and the residual may arrive in the blocked layout and the
// output may leave in it as `blocked` says (onednn/blocked_layout.hpp); *output_blocked is set to the output's
// channel count when it does.
at::Tensor Convolve(const NodeContext& node, const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias,
                    FusedActivation activation = FusedActivation::kNone, const at::Tensor& residual = at::Tensor(),
                    bool residual_exclusive = false, const onednn::BlockedArguments& blocked = {},
                    int64_t* output_blocked = nullptr) {
  // The same arguments as the step's last call: its oneDNN plan, without reading attributes again.
  KernelMemo* memo = node.memo();
  if (memo != nullptr) {
    const auto plan = memo->Get<onednn::ConvolutionPlan>();
    if (plan != nullptr && onednn::FitsConvolution(*plan, x, w, bias, activation, residual, blocked)) {
      at::Tensor y = onednn::RunConvolution(*plan, x, residual, residual_exclusive, output_blocked);
      if (y.defined()) return y;
    }
  }
  // Blocked arguments are checked against their logical shapes (a shape-only tensor for x).
  const bool blocked_arguments = blocked.input > 0 || blocked.residual > 0;
  const at::Tensor logical_x = blocked.input > 0 ? at::empty(onednn::BlockedSizes(x, blocked.input),
                                                             at::TensorOptions().dtype(at::kFloat).device(at::kMeta))
                                                 : x;
  const int64_t group = CheckConvolutionShapes(node, logical_x, w, false);
  WindowGeometry window = ReadConvolutionWindow(node, w);
  ApplyAutoPad(node, logical_x.sizes().slice(2), window);
  CheckBias(bias, w.size(0));
  if (onednn::TakesConvolution(logical_x, w) && (!residual.defined() || residual.scalar_type() == at::kFloat)) {
    const auto plan = onednn::PlanConvolution(x, w, bias, window, group, activation, residual, blocked);
    if (plan != nullptr) {
      if (memo != nullptr) memo->Set(plan);
      at::Tensor y = onednn::RunConvolution(*plan, x, residual, residual_exclusive, output_blocked);
      if (y.defined()) return y;
    }
  }
  if (blocked_arguments) {  // what oneDNN does not take: on plain data
    return Convolve(node, blocked.input > 0 ? onednn::ToPlain(x, blocked.input) : x, w, bias, activation,
                    blocked.residual > 0 ? onednn::ToPlain(residual, blocked.residual) : residual,
                    residual_exclusive || blocked.residual > 0);
  }
  at::Tensor y = ConvolveOnAten(x, w, bias, window, group);
  if (residual.defined()) y = at::add(y, residual);
  ApplyActivationInPlace(y, activation);  // y is new: overwrite it
  return y;
}

// Where the step's output may leave blocked, and its blocked input (Conv) or inputs (ConvAdd).
onednn::BlockedArguments BlockedArgumentsOf(const NodeContext& node, bool with_residual) {
  return {node.blocked_channels(0), with_residual ? node.blocked_channels(3) : 0, node.may_block_output(),
          node.blocks_small_batches()};
}

std::vector<at::Tensor> Conv(NodeContext& node) {
  const at::Tensor& x = node.input(0);
  const at::Tensor bias = ToCpuComputeType(OptionalInput(node, 2));
  const onednn::BlockedArguments blocked = BlockedArgumentsOf(node, false);
  int64_t output_blocked = 0;
  const at::Tensor y = Convolve(node, ToCpuComputeType(x), ToCpuComputeType(node.input(1)), bias, node.activation(),
                                at::Tensor(), false, blocked, &output_blocked);
  node.set_output_blocked(output_blocked);
  return {output_blocked > 0 ? y : y.to(x.scalar_type())};
}

// The plan's fusion of Add(Conv(x, w, b), r) (graph_fusion.cpp; inputs x, w, b or none, r), with its fused
// activation: the convolution adds r as it writes its output (oneDNN's sum post-operation), into r's own
// memory when this is r's last use, as ONNX Runtime's FusedConv with a sum. Other types than float32 take
// the unfused route: the convolution in float32 rounded to x's type, then the Add.
std::vector<at::Tensor> FusedConvAdd(NodeContext& node) {
  const at::Tensor& x = node.input(0);
  const at::Tensor& residual = node.input(3);
  const at::Tensor bias = ToCpuComputeType(OptionalInput(node, 2));
  if (x.scalar_type() == at::kFloat && residual.scalar_type() == at::kFloat) {
    int64_t output_blocked = 0;
    at::Tensor y = Convolve(node, x, ToCpuComputeType(node.input(1)), bias, node.activation(), residual,
                            node.input_is_exclusive(3), BlockedArgumentsOf(node, true), &output_blocked);
    node.set_output_blocked(output_blocked);
    return {y};
  }
  at::Tensor y =
      at::add(Convolve(node, ToCpuComputeType(x), ToCpuComputeType(node.input(1)), bias).to(x.scalar_type()), residual);
  ApplyActivationInPlace(y, node.activation());
  return {y};
}

// The begin and end crop of each spatial axis of a transposed convolution's full output (negative: zeros
// added), from output_shape, auto_pad or pads.
void ResolveTransposedPads(const NodeContext& node, at::IntArrayRef input_spatial,
                           const std::vector<int64_t>& output_padding, WindowGeometry& window) {
  const size_t rank = window.kernel.size();
  std::vector<int64_t> output_shape = node.attribute_ints("output_shape");
  const std::string auto_pad = node.attribute_string("auto_pad", "NOTSET");
  if (output_shape.empty()) {
    if (auto_pad == "NOTSET" || auto_pad.empty()) return;
    if (auto_pad == "VALID") {
      window.pads_begin.assign(rank, 0);
      window.pads_end.assign(rank, 0);
      return;
    }
    if (auto_pad != "SAME_UPPER" && auto_pad != "SAME_LOWER") throw OnnxError("unknown auto_pad '" + auto_pad + "'");
    for (size_t axis = 0; axis < rank; axis++) output_shape.push_back(input_spatial[axis] * window.strides[axis]);
  }
  if (output_shape.size() == rank + 2) output_shape.erase(output_shape.begin(), output_shape.begin() + 2);
  if (output_shape.size() != rank) throw OnnxError("output_shape does not match the input's rank");
  for (size_t axis = 0; axis < rank; axis++) {
    const int64_t full = window.strides[axis] * (input_spatial[axis] - 1) + output_padding[axis] + window.extent(axis);
    const int64_t total = full - output_shape[axis];
    // An output larger than the full one is zero-extended at the end, as output_padding would.
    window.pads_begin[axis] = total < 0 ? 0 : auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
    window.pads_end[axis] = total - window.pads_begin[axis];
  }
}

// Transposed convolutions whose strides multiply to at most this run as a direct oneDNN convolution over
// the input spread out with zeros: stride-product times the work, still several times faster than
// ATen's transposed convolution (im2col and the reference BLAS).
constexpr int64_t kMaxSpreadFactor = 4;

bool UseSpreading(const at::Tensor& x, const at::Tensor& w, const WindowGeometry& window) {
  int64_t factor = 1;
  for (int64_t stride : window.strides) factor *= stride;
  return UseOneDnn(x, w) && x.dim() <= 4 && factor <= kMaxSpreadFactor;
}

// ConvTranspose as a direct convolution: the input with stride - 1 zeros between samples and
// extent - 1 - pad zeros around them (fewer than none crops the output), convolved with stride 1 and
// the weight flipped, its channel axes swapped within each group.
at::Tensor ConvolveTransposedBySpreading(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias,
                                         const WindowGeometry& window, const std::vector<int64_t>& output_padding,
                                         int64_t group) {
  const size_t rank = window.kernel.size();
  const int64_t channels_per_group = x.size(1) / group;
  std::vector<int64_t> grouped_shape = {group, channels_per_group, w.size(1)};
  std::vector<int64_t> direct_shape = {group * w.size(1), channels_per_group};
  std::vector<int64_t> spread_shape = {x.size(0), x.size(1)};
  std::vector<int64_t> spatial_axes, lead(rank), crop_begin(rank), crop_end(rank);
  for (size_t axis = 0; axis < rank; axis++) {
    grouped_shape.push_back(window.kernel[axis]);
    direct_shape.push_back(window.kernel[axis]);
    spatial_axes.push_back(static_cast<int64_t>(axis) + 2);
    const int64_t before = window.extent(axis) - 1 - window.pads_begin[axis];
    const int64_t after = window.extent(axis) - 1 - window.pads_end[axis] + output_padding[axis];
    lead[axis] = std::max<int64_t>(0, before);
    crop_begin[axis] = std::max<int64_t>(0, -before);
    crop_end[axis] = std::max<int64_t>(0, -after);
    spread_shape.push_back(lead[axis] + (x.size(spatial_axes[axis]) - 1) * window.strides[axis] + 1 +
                           std::max<int64_t>(0, after));
  }
  CheckAllocation(spread_shape, "ConvTranspose spread input");
  const at::Tensor weight = CachedDerivation(w, "transposed as direct, group " + std::to_string(group), [&] {
    return w.reshape(grouped_shape).transpose(1, 2).reshape(direct_shape).flip(spatial_axes);
  });
  const auto format = rank == 2 ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous;
  const at::Tensor spread = at::zeros(spread_shape, x.options().memory_format(format));
  at::Tensor samples = spread;
  for (size_t axis = 0; axis < rank; axis++) {
    const int64_t end = lead[axis] + (x.size(spatial_axes[axis]) - 1) * window.strides[axis] + 1;
    samples = samples.slice(spatial_axes[axis], lead[axis], end, window.strides[axis]);
  }
  samples.copy_(x);
  at::Tensor y = ConvolveSymmetric(spread, weight, bias, std::vector<int64_t>(rank, 1), std::vector<int64_t>(rank, 0),
                                   window.dilations, group);
  for (size_t axis = 0; axis < rank; axis++) {
    const int64_t kept = y.size(spatial_axes[axis]) - crop_begin[axis] - crop_end[axis];
    if (kept != y.size(spatial_axes[axis])) y = y.narrow(spatial_axes[axis], crop_begin[axis], kept);
  }
  return y;
}

// Whether a transposed convolution's windows tile its output without overlap or gaps: 2-D on oneDNN,
// kernel = stride, no dilation, padding or output padding (U-Net-style upsampling, PP-OCR's detector head).
bool TilesOutput(const at::Tensor& x, const at::Tensor& w, const WindowGeometry& window,
                 const std::vector<int64_t>& output_padding) {
  if (!UseOneDnn(x, w) || x.dim() != 4) return false;
  for (size_t axis = 0; axis < window.kernel.size(); axis++) {
    if (window.kernel[axis] != window.strides[axis] || window.dilations[axis] != 1 || window.pads_begin[axis] != 0 ||
        window.pads_end[axis] != 0 || output_padding[axis] != 0) {
      return false;
    }
  }
  return true;
}

// ConvTranspose whose windows tile the output (TilesOutput): each input pixel alone makes its own
// kh x kw block of the output, so a 1x1 convolution to M * kh * kw channels computes every block with
// exactly the multiply-adds needed, and one copy moves each block's channels to its place (depth to
// space). The output has channels-last strides, as Conv's.
at::Tensor ConvolveTransposedByDepthToSpace(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias,
                                            const WindowGeometry& window, int64_t group) {
  const int64_t kernel_height = window.kernel[0], kernel_width = window.kernel[1];
  const int64_t taps = kernel_height * kernel_width;
  const int64_t inputs_per_group = x.size(1) / group, outputs_per_group = w.size(1);
  const int64_t channels = group * outputs_per_group;
  // Block channel ((g * outputs_per_group + m) * kh + i) * kw + j of the 1x1 convolution.
  const at::Tensor weight = CachedDerivation(w, "transposed as 1x1, group " + std::to_string(group), [&] {
    return w.reshape({group, inputs_per_group, outputs_per_group, kernel_height, kernel_width})
        .permute({0, 2, 3, 4, 1})
        .reshape({channels * taps, inputs_per_group, 1, 1});
  });
  const at::Tensor block_bias = bias.defined() ? CachedDerivation(bias, "repeated " + std::to_string(taps) + " times",
                                                                  [&] { return bias.repeat_interleave(taps); })
                                               : at::Tensor();
  const at::Tensor blocks = ConvolveSymmetric(x, weight, block_bias, {1, 1}, {0, 0}, {1, 1}, group);
  const int64_t batch = x.size(0), height = x.size(2), width = x.size(3);
  // (N, H, W, M, kh, kw) → (N, H, kh, W, kw, M): the output's memory with channels-last strides.
  const at::Tensor placed = blocks.permute({0, 2, 3, 1})
                                .reshape({batch, height, width, channels, kernel_height, kernel_width})
                                .permute({0, 1, 4, 2, 5, 3})
                                .contiguous();
  return placed.view({batch, height * kernel_height, width * kernel_width, channels}).permute({0, 3, 1, 2});
}

// ConvTranspose on ATen's transposed convolution, which computes the window [p, full - p + q) of the
// full output for padding p and output padding 0 <= q < max(stride, dilation): ONNX's
// [begin, full + output_padding - end) when that fits, else the full output cropped (or zero-extended).
at::Tensor ConvolveTransposedOnAten(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias,
                                    const WindowGeometry& window, const std::vector<int64_t>& output_padding,
                                    int64_t group) {
  const size_t rank = window.kernel.size();
  std::vector<int64_t> padding(rank), aten_output_padding(rank), full(rank), crop_begin(rank), crop_end(rank);
  bool fits = true;
  for (size_t axis = 0; axis < rank; axis++) {
    full[axis] = window.strides[axis] * (x.size(static_cast<int64_t>(axis) + 2) - 1) + window.extent(axis);
    padding[axis] = window.pads_begin[axis];
    aten_output_padding[axis] = output_padding[axis] + window.pads_begin[axis] - window.pads_end[axis];
    fits = fits && padding[axis] >= 0 && aten_output_padding[axis] >= 0 &&
           aten_output_padding[axis] < std::max(window.strides[axis], window.dilations[axis]);
  }
  if (fits) {
    return at::convolution(x, w, bias, window.strides, padding, window.dilations, true, aten_output_padding, group);
  }
  for (size_t axis = 0; axis < rank; axis++) {
    const int64_t end = full[axis] + output_padding[axis] - window.pads_end[axis];  // exclusive, full-output position
    padding[axis] = std::max<int64_t>(0, std::min(window.pads_begin[axis], full[axis] - end));
    crop_begin[axis] = padding[axis] - window.pads_begin[axis];
    crop_end[axis] = end - (full[axis] - padding[axis]);
  }
  at::Tensor y = at::convolution(x, w, at::Tensor(), window.strides, padding, window.dilations, true,
                                 std::vector<int64_t>(rank, 0), group);
  y = at::constant_pad_nd(y, ConstantPadList(crop_begin, crop_end), 0);
  return bias.defined() ? y + BroadcastAlongAxis(bias, y.dim(), 1) : y;
}

// ONNX ConvTranspose of x (N, C, D1...) with w (C, M/group, k1...) and an optional bias (M).
at::Tensor ConvolveTransposed(const NodeContext& node, const at::Tensor& x, const at::Tensor& w,
                              const at::Tensor& bias) {
  const int64_t group = CheckConvolutionShapes(node, x, w, true);
  WindowGeometry window = ReadConvolutionWindow(node, w);
  const size_t rank = window.kernel.size();
  const std::vector<int64_t> output_padding = node.attribute_ints("output_padding", std::vector<int64_t>(rank, 0));
  if (output_padding.size() != rank) throw OnnxError("output_padding does not match the input's rank");
  ResolveTransposedPads(node, x.sizes().slice(2), output_padding, window);
  std::vector<int64_t> output_shape = {x.size(0), w.size(1) * group};
  for (size_t axis = 0; axis < rank; axis++) {
    output_shape.push_back(window.strides[axis] * (x.size(static_cast<int64_t>(axis) + 2) - 1) + window.extent(axis) +
                           output_padding[axis] - window.pads_begin[axis] - window.pads_end[axis]);
  }
  CheckAllocation(output_shape, "ConvTranspose output");
  if (TilesOutput(x, w, window, output_padding)) return ConvolveTransposedByDepthToSpace(x, w, bias, window, group);
  if (UseSpreading(x, w, window)) return ConvolveTransposedBySpreading(x, w, bias, window, output_padding, group);
  return ConvolveTransposedOnAten(x, w, bias, window, output_padding, group);
}

std::vector<at::Tensor> ConvTranspose(NodeContext& node) {
  const at::Tensor& x = node.input(0);
  const at::Tensor bias = ToCpuComputeType(OptionalInput(node, 2));
  at::Tensor y = ConvolveTransposed(node, ToCpuComputeType(x), ToCpuComputeType(node.input(1)), bias);
  return {y.to(x.scalar_type())};
}

// ConvInteger: x (u)int8 and w (u)int8 less their zero points (w's per output channel), int32 result.
std::vector<at::Tensor> ConvInteger(NodeContext& node) {
  const at::Tensor x = SubtractZeroPoint(node.input(0), OptionalInput(node, 2), 1);
  const at::Tensor w = SubtractZeroPoint(node.input(1), OptionalInput(node, 3), 0);
  return {Convolve(node, x, w, at::Tensor())};
}

// QLinearConv: inputs x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B (int32).
std::vector<at::Tensor> QLinearConv(NodeContext& node) {
  const at::Tensor x = SubtractZeroPoint(node.input(0), node.input(2), 1);
  const at::Tensor w = SubtractZeroPoint(node.input(3), node.input(5), 0);
  at::Tensor accumulator = Convolve(node, x, w, OptionalInput(node, 8));
  const at::Tensor scale = node.input(1).to(at::kFloat).reshape({}) *
                           BroadcastAlongAxis(node.input(4).to(at::kFloat), accumulator.dim(), 1) /
                           node.input(6).to(at::kFloat).reshape({});
  return {Requantize(accumulator, scale, node.input(7))};
}

}  // namespace

void RegisterConvolutionOperators(OperatorRegistry& registry) {
  OperatorSchema& conv = registry.Add("Conv", 1, kMaxOpset, Conv);
  conv.applies_fused_activation = true;
  conv.takes_blocked = {0};
  OperatorSchema& conv_add = registry.Add("ConvAdd", 1, kMaxOpset, FusedConvAdd, kFusedDomain);
  conv_add.applies_fused_activation = true;
  conv_add.takes_blocked = {0, 3};
  registry.Add("ConvTranspose", 1, kMaxOpset, ConvTranspose);
  registry.Add("ConvInteger", 10, kMaxOpset, ConvInteger);
  registry.Add("QLinearConv", 10, kMaxOpset, QLinearConv);
}

}  // namespace quarry::ml::onnx
