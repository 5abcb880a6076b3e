// Convolutions on oneDNN directly (see onednn_convolution.hpp).
#include "ml/onnx/onednn/onednn_convolution.hpp"

#include <omp.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

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

std::string KeyOf(const PlanarConvolution& planar, bool bias, FusedActivation activation, bool residual,
                  bool winograd) {
  return std::string(winograd ? "winograd " : "") + "conv " + DimsKey(planar.source) + " w" + DimsKey(planar.weights) +
         " g" + std::to_string(planar.group) + " s" + DimsKey(planar.strides) + " d" + DimsKey(planar.dilations) +
         " p" + DimsKey(planar.padding_begin) + "/" + DimsKey(planar.padding_end) + (bias ? " bias" : "") + " " +
         ActivationName(activation) + (residual ? " sum" : "");
}

// The primitive for `planar`: direct on channels-last data, or Winograd on the blocked layout it picks.
Prepared Create(const PlanarConvolution& planar, bool bias, FusedActivation activation, bool residual, bool winograd) {
  const memory::format_tag data_tag = winograd ? memory::format_tag::any : memory::format_tag::nhwc;
  const memory::desc source = DescribePlain(planar.source, data_tag);
  const memory::desc destination = DescribePlain(planar.destination, data_tag);
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

// Runs a primitive on oneDNN's blocked layouts (Winograd): the channels-last `source` (and `residual`)
// reordered into them, the output reordered back to channels-last, into the residual's memory when
// `residual_exclusive` and it is channels-last.
at::Tensor ConvolveBlocked(const Prepared& prepared, const PlanarConvolution& planar, const at::Tensor& source,
                           const at::Tensor& weights, const at::Tensor& bias, const at::Tensor& residual,
                           bool residual_exclusive) {
  auto bytes_for = [&](int argument) {
    return at::empty({static_cast<int64_t>(prepared.layout(argument).get_size())}, source.options().dtype(at::kByte));
  };
  const memory::desc plain_source = DescribePlain(planar.source, memory::format_tag::nhwc);
  const memory::desc plain_destination = DescribePlain(planar.destination, memory::format_tag::nhwc);
  const at::Tensor blocked_source = bytes_for(DNNL_ARG_SRC);
  Reorder(plain_source, source.data_ptr(), prepared.layout(DNNL_ARG_SRC), blocked_source.data_ptr());
  const at::Tensor blocked_output = bytes_for(DNNL_ARG_DST);
  at::Tensor plain_residual;
  if (residual.defined()) {
    plain_residual = residual.contiguous(at::MemoryFormat::ChannelsLast);
    Reorder(plain_destination, plain_residual.data_ptr(), prepared.layout(DNNL_ARG_DST), blocked_output.data_ptr());
  }
  Run(prepared, blocked_source.data_ptr(), weights, blocked_output.data_ptr(), bias);
  const bool into_residual = residual_exclusive && plain_residual.defined() &&
                             plain_residual.data_ptr() == residual.data_ptr() && residual.storage_offset() == 0;
  at::Tensor output = into_residual
                          ? residual
                          : at::empty(std::vector<int64_t>(planar.destination.begin(), planar.destination.end()),
                                      source.options().memory_format(at::MemoryFormat::ChannelsLast));
  Reorder(prepared.layout(DNNL_ARG_DST), blocked_output.data_ptr(), plain_destination, output.data_ptr());
  return output;
}

}  // namespace

bool TakesConvolution(const at::Tensor& x, const at::Tensor& w) {
  return Enabled() && x.scalar_type() == at::kFloat && w.scalar_type() == at::kFloat &&
         (x.dim() == 3 || x.dim() == 4) && w.dim() == x.dim() && x.numel() > 0 && w.numel() > 0;
}

bool FitsConvolution(const ConvolutionPlan& plan, const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias,
                     FusedActivation activation, const at::Tensor& residual) {
  return x.scalar_type() == at::kFloat && x.sizes() == at::IntArrayRef(plan.input_sizes) &&
         w.unsafeGetTensorImpl() == plan.weight_source.unsafeGetTensorImpl() &&
         bias.defined() == plan.bias_source.defined() &&
         (!bias.defined() || bias.unsafeGetTensorImpl() == plan.bias_source.unsafeGetTensorImpl()) &&
         activation == plan.activation && residual.defined() == plan.has_residual &&
         (!residual.defined() ||
          (residual.scalar_type() == at::kFloat && residual.sizes() == at::IntArrayRef(plan.residual_sizes))) &&
         omp_get_max_threads() == plan.threads;
}

std::shared_ptr<const ConvolutionPlan> PlanConvolution(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias,
                                                       const WindowGeometry& window, int64_t group,
                                                       FusedActivation activation, const at::Tensor& residual) {
  auto plan = std::make_shared<ConvolutionPlan>();
  plan->input_sizes = x.sizes().vec();
  plan->weight_source = w;
  plan->bias_source = bias;
  plan->activation = activation;
  plan->has_residual = residual.defined();
  if (residual.defined()) plan->residual_sizes = residual.sizes().vec();
  plan->threads = omp_get_max_threads();
  plan->one_dimensional = x.dim() == 3;
  const bool one_dimensional = plan->one_dimensional;
  const size_t first = one_dimensional ? 0 : 1;  // the window's axis for the planar width when 1-D
  PlanarConvolution& planar = plan->planar;
  planar.group = group;
  const int64_t height = one_dimensional ? 1 : x.size(2), width = x.size(-1);
  planar.source = {x.size(0), x.size(1), height, width};
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
  planar.destination = {x.size(0), outputs, output_size[0], output_size[1]};
  planar.grouped_weights = group > 1;
  planar.weights = planar.grouped_weights ? memory::dims{group, outputs / group, w.size(1), kernel_height, kernel_width}
                                          : memory::dims{outputs, w.size(1), kernel_height, kernel_width};
  plan->multiply_adds = planar.destination[0] * planar.destination[1] * planar.destination[2] * planar.destination[3] *
                        planar.weights[planar.weights.size() - 3] * kernel_height * kernel_width;

  const bool has_bias = bias.defined();
  const bool has_residual = residual.defined();
  const std::vector<int64_t> planar_output(planar.destination.begin(), planar.destination.end());
  const SmallWorkOnOneThread small(plan->multiply_adds);
  auto prepare = [&](bool winograd) {
    return CachedPrimitive(KeyOf(planar, has_bias, activation, has_residual, winograd),
                           [&] { return Create(planar, has_bias, activation, has_residual, winograd); });
  };
  // Winograd takes a residual of the output's own shape (reordered into its layout as it is).
  if (!one_dimensional && SuitsWinograd(planar) &&
      (!has_residual || residual.sizes() == at::IntArrayRef(planar_output))) {
    plan->prepared = prepare(true);
  }
  plan->winograd = plan->prepared != nullptr;
  if (!plan->winograd) plan->prepared = prepare(false);
  if (plan->prepared == nullptr) return nullptr;
  const memory::desc plain_weights =
      DescribePlain(planar.weights, planar.grouped_weights ? memory::format_tag::goihw : memory::format_tag::oihw);
  plan->weights = ReorderedConstant(w, plain_weights, plan->prepared->layout(DNNL_ARG_WEIGHTS));
  if (has_bias) plan->bias = bias.contiguous();
  return plan;
}

at::Tensor RunConvolution(const ConvolutionPlan& plan, const at::Tensor& x, const at::Tensor& residual,
                          bool residual_exclusive) {
  const PlanarConvolution& planar = plan.planar;
  const bool one_dimensional = plan.one_dimensional;
  const SmallWorkOnOneThread small(plan.multiply_adds);
  const std::vector<int64_t> planar_output(planar.destination.begin(), planar.destination.end());
  const at::Tensor source = (one_dimensional ? x.unsqueeze(2) : x).contiguous(at::MemoryFormat::ChannelsLast);
  if (plan.winograd) {
    return ConvolveBlocked(*plan.prepared, planar, source, plan.weights, plan.bias, residual, residual_exclusive);
  }
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

at::Tensor ConvolveOnOneDnn(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias,
                            const WindowGeometry& window, int64_t group, FusedActivation activation,
                            const at::Tensor& residual, bool residual_exclusive) {
  const auto plan = PlanConvolution(x, w, bias, window, group, activation, residual);
  return plan == nullptr ? at::Tensor() : RunConvolution(*plan, x, residual, residual_exclusive);
}

}  // namespace quarry::ml::onnx::onednn
