// Convolutions on oneDNN directly (see onednn_convolution.hpp).
#include "ml/onnx/onednn/onednn_convolution.hpp"

#include <omp.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "ml/onnx/onednn/blocked_layout.hpp"
#include "ml/onnx/onednn/onednn_primitives.hpp"

namespace quarry::ml::onnx::onednn {

namespace {

using dnnl::memory;

// Batches smaller than this keep the direct kernel: Winograd's transformed weights are 16/9 or 4 times
// the 3x3 weights, and at batch 1 streaming them costs more than the arithmetic saved (resnet50 batch 1:
// 42 ms direct, 45 ms Winograd; batch 16: 672 ms direct, 640 ms Winograd).
constexpr int64_t kWinogradMinBatch = 4;

// Whether a convolution is one oneDNN may compute with Winograd's minimal filtering (F(2x2, 3x3) or
// F(4x4, 3x3)): 3x3, stride 1, no dilation, one group, channels in 16s (its blocked layouts), a batch of
// at least kWinogradMinBatch, and QUARRY_ONNX_WINOGRAD not "0" (read once). About twice as fast as the
// direct kernel on these layers, it needs the data in oneDNN's blocked layout: two reorders around it.
bool SuitsWinograd(const PlanarConvolution& planar) {
  static const bool allowed = [] {
    const char* setting = std::getenv("QUARRY_ONNX_WINOGRAD");
    return setting == nullptr || std::strcmp(setting, "0") != 0;
  }();
  const memory::dims& w = planar.weights;
  return allowed && planar.source[0] >= kWinogradMinBatch && planar.group == 1 && w.size() == 4 && w[2] == 3 &&
         w[3] == 3 && w[0] % 16 == 0 && w[1] % 16 == 0 && planar.strides == memory::dims{1, 1} &&
         planar.dilations == memory::dims{0, 0};
}

std::string KeyOf(const PlanarConvolution& planar, bool bias, FusedActivation activation, bool residual, bool winograd,
                  bool blocked) {
  return std::string(winograd ? "winograd " : "") + (blocked ? "blocked " : "") + "conv " + DimsKey(planar.source) +
         " w" + DimsKey(planar.weights) + " g" + std::to_string(planar.group) + " s" + DimsKey(planar.strides) + " d" +
         DimsKey(planar.dilations) + " p" + DimsKey(planar.padding_begin) + "/" + DimsKey(planar.padding_end) +
         (bias ? " bias" : "") + " " + ActivationName(activation) + (residual ? " sum" : "");
}

// The primitive for `planar`: direct on channels-last data, Winograd on the blocked layout it picks, or (`blocked`)
// direct reading the input layout it prefers and writing the blocked layout (BlockedLayout). A blocked primitive
// that only oneDNN's reference implementation computes is refused (dnnl::error): plain data runs faster.
Prepared Create(const PlanarConvolution& planar, bool bias, FusedActivation activation, bool residual, bool winograd,
                bool blocked) {
  const memory::format_tag data_tag = winograd || blocked ? memory::format_tag::any : memory::format_tag::nhwc;
  // A blocked primitive reads blocked data, but for an input of fewer channels than a block (a picture's three),
  // which it reads as it prefers.
  const bool reads_blocked = blocked && !winograd && planar.source[1] >= ChannelBlock();
  const memory::desc source =
      reads_blocked ? BlockedLayout({planar.source[0], planar.source[1], planar.source[2], planar.source[3]})
                    : DescribePlain(planar.source, data_tag);
  const memory::desc destination =
      blocked && !winograd
          ? BlockedLayout({planar.destination[0], planar.destination[1], planar.destination[2], planar.destination[3]})
          : DescribePlain(planar.destination, data_tag);
  const memory::desc weights(planar.weights, memory::data_type::f32, memory::format_tag::any);
  const memory::desc bias_layout =
      bias ? DescribePlain({planar.destination[1]}, memory::format_tag::x) : memory::desc();
  dnnl::primitive_attr attributes = ScratchpadAttributes();
  dnnl::post_ops post_operations;
  if (residual) post_operations.append_sum(1.0f);
  AppendActivation(post_operations, activation);
  attributes.set_post_ops(post_operations);
  const dnnl::convolution_forward::desc description(
      dnnl::prop_kind::forward_inference,
      winograd ? dnnl::algorithm::convolution_winograd : dnnl::algorithm::convolution_direct, source, weights,
      bias_layout, destination, planar.strides, planar.dilations, planar.padding_begin, planar.padding_end);
  const dnnl::convolution_forward::primitive_desc primitive(description, attributes, CpuEngine());
  if (blocked && std::string(primitive.impl_info_str()).find("ref") != std::string::npos) {
    throw dnnl::error(dnnl_unimplemented, "only oneDNN's reference convolution takes this on blocked data");
  }
  Prepared prepared;
  prepared.primitive = dnnl::convolution_forward(primitive);
  prepared.scratchpad = primitive.scratchpad_desc();
  prepared.layouts = {{DNNL_ARG_SRC, primitive.src_desc()},
                      {DNNL_ARG_WEIGHTS, primitive.weights_desc()},
                      {DNNL_ARG_DST, primitive.dst_desc()}};
  if (bias) prepared.layouts.emplace(DNNL_ARG_BIAS, primitive.bias_desc());
  return prepared;
}

// Runs the convolution `prepared` on data at `source` and `destination` in its own layouts, with the
// reordered `weights` and the optional contiguous `bias`.
void Run(const Prepared& prepared, const void* source, const at::Tensor& weights, void* destination,
         const at::Tensor& bias) {
  if (!bias.defined()) {
    Execute(prepared, {{DNNL_ARG_SRC, source}, {DNNL_ARG_WEIGHTS, weights.data_ptr()}, {DNNL_ARG_DST, destination}});
    return;
  }
  Execute(prepared, {{DNNL_ARG_SRC, source},
                     {DNNL_ARG_WEIGHTS, weights.data_ptr()},
                     {DNNL_ARG_BIAS, bias.data_ptr()},
                     {DNNL_ARG_DST, destination}});
}

// The logical sizes of `tensor`: (N, channels, H, W) where it is blocked with `channels` channels, its own sizes where
// it is plain (channels 0).
std::vector<int64_t> LogicalSizes(const at::Tensor& tensor, int64_t channels) {
  if (channels == 0) return tensor.sizes().vec();
  return {tensor.size(0), channels, tensor.size(2), tensor.size(3)};
}

// How `tensor` (blocked with `channels` channels, or plain and dense) lies in memory, as oneDNN describes it.
memory::desc LayoutOf(const at::Tensor& tensor, int64_t channels) {
  return channels > 0 ? BlockedLayout(BlockedSizes(tensor, channels)) : DescribeTensor(tensor);
}

at::Tensor RoomFor(const memory::desc& layout) {
  return at::empty({static_cast<int64_t>(layout.get_size())}, at::TensorOptions(at::kByte));
}

at::Tensor Dense(const at::Tensor& tensor) {
  return tensor.is_non_overlapping_and_dense() ? tensor : tensor.contiguous(at::MemoryFormat::ChannelsLast);
}

// Runs a primitive on the layouts it chose (Winograd's; a blocked primitive's): the input and the residual
// reordered into them where they lie otherwise, the output written into the residual's memory where it may be and
// lies so, and handed back blocked (the plan's arguments allow it: then *output_blocked is set) or channels-last.
at::Tensor RunOnChosenLayouts(const ConvolutionPlan& plan, const at::Tensor& x, const at::Tensor& residual,
                              bool residual_exclusive, int64_t* output_blocked) {
  const Prepared& prepared = *plan.prepared;
  const PlanarConvolution& planar = plan.planar;
  const BlockedArguments& arguments = plan.arguments;
  const memory::desc& source_layout = prepared.layout(DNNL_ARG_SRC);
  const memory::desc& destination_layout = prepared.layout(DNNL_ARG_DST);
  const at::Tensor input = arguments.input > 0 ? x : Dense(x);
  const memory::desc input_layout = LayoutOf(input, arguments.input);
  at::Tensor source = input;
  if (!(input_layout == source_layout)) {
    source = RoomFor(source_layout);
    Reorder(input_layout, input.data_ptr(), source_layout, source.data_ptr());
  }
  const std::array<int64_t, 4> output_sizes = {planar.destination[0], planar.destination[1], planar.destination[2],
                                               planar.destination[3]};
  const bool writes_blocked = destination_layout == plan.output_layout;
  auto room_for_output = [&] { return writes_blocked ? EmptyBlocked(output_sizes) : RoomFor(destination_layout); };
  at::Tensor destination;
  at::Tensor plain_residual;  // a plain residual the output may replace
  if (residual.defined()) {
    const at::Tensor given = arguments.residual > 0 ? residual : Dense(residual);
    const memory::desc residual_layout = LayoutOf(given, arguments.residual);
    const bool replaceable =
        residual_exclusive && given.data_ptr() == residual.data_ptr() && given.storage_offset() == 0;
    if (replaceable && residual_layout == destination_layout) {
      destination = given;  // the sum post-operation adds into what the output memory holds
    } else {
      destination = room_for_output();
      Reorder(residual_layout, given.data_ptr(), destination_layout, destination.data_ptr());
      if (replaceable && arguments.residual == 0 && given.is_contiguous(at::MemoryFormat::ChannelsLast)) {
        plain_residual = given;
      }
    }
  } else {
    destination = room_for_output();
  }
  Run(prepared, source.data_ptr(), plan.weights, destination.data_ptr(), plan.bias);
  if (plan.blocked_output) {
    if (!writes_blocked) {
      at::Tensor blocked = EmptyBlocked(output_sizes);
      Reorder(destination_layout, destination.data_ptr(), plan.output_layout, blocked.data_ptr());
      destination = blocked;
    }
    if (output_blocked != nullptr) *output_blocked = planar.destination[1];
    return destination;
  }
  at::Tensor output = plain_residual.defined()
                          ? plain_residual
                          : at::empty(std::vector<int64_t>(output_sizes.begin(), output_sizes.end()),
                                      at::TensorOptions(at::kFloat).memory_format(at::MemoryFormat::ChannelsLast));
  Reorder(destination_layout, destination.data_ptr(), DescribeTensor(output), output.data_ptr());
  return output;
}

// Runs a plan's channels-last primitive on plain x and residual (see RunConvolution).
at::Tensor RunPlain(const ConvolutionPlan& plan, const at::Tensor& x, const at::Tensor& residual,
                    bool residual_exclusive) {
  const PlanarConvolution& planar = plan.planar;
  const bool one_dimensional = plan.one_dimensional;
  const std::vector<int64_t> planar_output(planar.destination.begin(), planar.destination.end());
  const at::Tensor source = (one_dimensional ? x.unsqueeze(2) : x).contiguous(at::MemoryFormat::ChannelsLast);
  at::Tensor output;
  if (residual.defined()) {
    // The residual broadcasts to the output as Add's operand would; one that widens it is not ours.
    std::vector<int64_t> output_shape = planar_output;
    if (one_dimensional) output_shape.erase(output_shape.begin() + 2);
    if (residual.dim() > static_cast<int64_t>(output_shape.size())) return at::Tensor();
    for (int64_t axis = 1; axis <= residual.dim(); axis++) {
      const int64_t size = residual.size(-axis);
      if (size != 1 && size != output_shape[output_shape.size() - axis]) return at::Tensor();
    }
    const at::Tensor broadcast = residual.expand(output_shape);
    const at::Tensor planar_residual = one_dimensional ? broadcast.unsqueeze(2) : broadcast;
    if (residual_exclusive && planar_residual.scalar_type() == at::kFloat &&
        planar_residual.sizes() == at::IntArrayRef(planar_output) &&
        planar_residual.is_contiguous(at::MemoryFormat::ChannelsLast) && planar_residual.storage_offset() == 0) {
      output = planar_residual;  // the sum post-operation adds into what the output memory holds
    } else {
      output = at::empty(planar_output, x.options().memory_format(at::MemoryFormat::ChannelsLast));
      output.copy_(planar_residual);
    }
  } else {
    output = at::empty(planar_output, x.options().memory_format(at::MemoryFormat::ChannelsLast));
  }
  Run(*plan.prepared, source.data_ptr(), plan.weights, output.data_ptr(), plan.bias);
  return one_dimensional ? output.squeeze(2) : output;
}

// The primitive of `plan` on x (and the residual): its output, blocked or plain (*output_blocked says).
at::Tensor RunPrimitive(const ConvolutionPlan& plan, const at::Tensor& x, const at::Tensor& residual,
                        bool residual_exclusive, int64_t* output_blocked) {
  if (output_blocked != nullptr) *output_blocked = 0;
  const SmallWorkOnOneThread small(plan.multiply_adds);
  if (plan.winograd || plan.blocked) return RunOnChosenLayouts(plan, x, residual, residual_exclusive, output_blocked);
  // Blocked arguments of a convolution oneDNN computes only on plain data are made plain first.
  const BlockedArguments& arguments = plan.arguments;
  return RunPlain(plan, arguments.input > 0 ? ToPlain(x, arguments.input) : x,
                  arguments.residual > 0 ? ToPlain(residual, arguments.residual) : residual,
                  residual_exclusive || arguments.residual > 0);
}

}  // namespace

bool TakesConvolution(const at::Tensor& x, const at::Tensor& w) {
  return Enabled() && x.scalar_type() == at::kFloat && w.scalar_type() == at::kFloat &&
         (x.dim() == 3 || x.dim() == 4) && w.dim() == x.dim() && x.numel() > 0 && w.numel() > 0;
}

bool FitsConvolution(const ConvolutionPlan& plan, const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias,
                     FusedActivation activation, const at::Tensor& residual, const BlockedArguments& blocked) {
  return x.scalar_type() == at::kFloat && x.sizes() == at::IntArrayRef(plan.input_sizes) &&
         w.unsafeGetTensorImpl() == plan.weight_source.unsafeGetTensorImpl() &&
         bias.defined() == plan.bias_source.defined() &&
         (!bias.defined() || bias.unsafeGetTensorImpl() == plan.bias_source.unsafeGetTensorImpl()) &&
         activation == plan.activation && residual.defined() == plan.has_residual &&
         (!residual.defined() ||
          (residual.scalar_type() == at::kFloat && residual.sizes() == at::IntArrayRef(plan.residual_sizes))) &&
         blocked == plan.arguments && omp_get_max_threads() == plan.threads;
}

std::shared_ptr<const ConvolutionPlan> PlanConvolution(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias,
                                                       const WindowGeometry& window, int64_t group,
                                                       FusedActivation activation, const at::Tensor& residual,
                                                       const BlockedArguments& blocked) {
  auto plan = std::make_shared<ConvolutionPlan>();
  plan->input_sizes = x.sizes().vec();
  plan->weight_source = w;
  plan->bias_source = bias;
  plan->activation = activation;
  plan->has_residual = residual.defined();
  if (residual.defined()) plan->residual_sizes = residual.sizes().vec();
  plan->threads = omp_get_max_threads();
  plan->arguments = blocked;
  const std::vector<int64_t> x_sizes = LogicalSizes(x, blocked.input);
  plan->one_dimensional = x_sizes.size() == 3;
  const bool one_dimensional = plan->one_dimensional;
  const size_t first = one_dimensional ? 0 : 1;  // the window's axis for the planar width when 1-D
  PlanarConvolution& planar = plan->planar;
  planar.group = group;
  const int64_t height = one_dimensional ? 1 : x_sizes[2], width = x_sizes.back();
  planar.source = {x_sizes[0], x_sizes[1], height, width};
  const int64_t kernel_height = one_dimensional ? 1 : w.size(2), kernel_width = w.size(-1);
  auto per_axis = [&](const std::vector<int64_t>& values, int64_t unit_height) -> memory::dims {
    return one_dimensional ? memory::dims{unit_height, values[0]} : memory::dims{values[0], values[first]};
  };
  planar.strides = per_axis(window.strides, 1);
  planar.dilations = per_axis(window.dilations, 1);
  for (int64_t& dilation : planar.dilations) dilation -= 1;
  planar.padding_begin = per_axis(window.pads_begin, 0);
  planar.padding_end = per_axis(window.pads_end, 0);
  const memory::dims kernel = {kernel_height, kernel_width};
  memory::dims output_size(2);
  for (size_t axis = 0; axis < 2; axis++) {
    const int64_t extent = (kernel[axis] - 1) * (planar.dilations[axis] + 1) + 1;
    const int64_t room = planar.source[axis + 2] + planar.padding_begin[axis] + planar.padding_end[axis] - extent;
    if (room < 0) return nullptr;
    output_size[axis] = room / planar.strides[axis] + 1;
  }
  const int64_t outputs = w.size(0);
  planar.destination = {x_sizes[0], outputs, output_size[0], output_size[1]};
  planar.grouped_weights = group > 1;
  planar.weights = planar.grouped_weights ? memory::dims{group, outputs / group, w.size(1), kernel_height, kernel_width}
                                          : memory::dims{outputs, w.size(1), kernel_height, kernel_width};
  plan->multiply_adds = planar.destination[0] * planar.destination[1] * planar.destination[2] * planar.destination[3] *
                        planar.weights[planar.weights.size() - 3] * kernel_height * kernel_width;

  const bool has_bias = bias.defined();
  const bool has_residual = residual.defined();
  const std::vector<int64_t> planar_output(planar.destination.begin(), planar.destination.end());
  // Winograd and blocked primitives take a residual of the output's own shape (reordered into their layout).
  const bool residual_fits_layouts =
      !has_residual || LogicalSizes(residual, blocked.residual) == std::vector<int64_t>(planar_output);
  const SmallWorkOnOneThread small(plan->multiply_adds);
  const FusedActivation fused = PostOperationOf(activation);
  auto prepare = [&](bool winograd, bool blocked_layout) {
    return CachedPrimitive(KeyOf(planar, has_bias, fused, has_residual, winograd, blocked_layout),
                           [&] { return Create(planar, has_bias, fused, has_residual, winograd, blocked_layout); });
  };
  if (!one_dimensional) {
    plan->output_layout = BlockedLayout({planar.destination[0], outputs, output_size[0], output_size[1]});
  }
  if (!one_dimensional && residual_fits_layouts && SuitsWinograd(planar)) plan->prepared = prepare(true, false);
  plan->winograd = plan->prepared != nullptr;
  const bool blocked_arguments = blocked.input > 0 || blocked.residual > 0 ||
                                 (blocked.output && (blocked.small_batches || x_sizes[0] >= kBlockedMinBatch));
  plan->blocked_output = blocked.output && blocked_arguments && !one_dimensional;
  if (!plan->winograd && !one_dimensional && residual_fits_layouts && blocked_arguments) {
    plan->prepared = prepare(false, true);
    plan->blocked = plan->prepared != nullptr;
  }
  if (plan->prepared == nullptr) plan->prepared = prepare(false, false);
  if (plan->prepared == nullptr) return nullptr;
  const memory::desc plain_weights =
      DescribePlain(planar.weights, planar.grouped_weights ? memory::format_tag::goihw : memory::format_tag::oihw);
  plan->weights = ReorderedConstant(w, plain_weights, plan->prepared->layout(DNNL_ARG_WEIGHTS));
  if (has_bias) plan->bias = bias.contiguous();
  return plan;
}

at::Tensor RunConvolution(const ConvolutionPlan& plan, const at::Tensor& x, const at::Tensor& residual,
                          bool residual_exclusive, int64_t* output_blocked) {
  at::Tensor y = RunPrimitive(plan, x, residual, residual_exclusive, output_blocked);
  FinishActivation(y, plan.activation);
  return y;
}

at::Tensor ConvolveOnOneDnn(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias,
                            const WindowGeometry& window, int64_t group, FusedActivation activation,
                            const at::Tensor& residual, bool residual_exclusive) {
  const auto plan = PlanConvolution(x, w, bias, window, group, activation, residual);
  return plan == nullptr ? at::Tensor() : RunConvolution(*plan, x, residual, residual_exclusive);
}

}  // namespace quarry::ml::onnx::onednn
