// Matrix products on oneDNN directly (see onednn_matmul.hpp).
#include "ml/onnx/onednn/onednn_matmul.hpp"

#include <string>
#include <vector>

#include "ml/onnx/onednn/onednn_primitives.hpp"

namespace quarry::ml::onnx::onednn {

namespace {

using dnnl::memory;

Prepared CreateInnerProduct(const memory::dims& source, const memory::dims& weights, bool bias,
                            FusedActivation activation) {
  const memory::desc source_layout = DescribePlain(source, memory::format_tag::nc);
  const memory::desc weights_layout(weights, memory::data_type::f32, memory::format_tag::any);
  const memory::desc bias_layout = bias ? DescribePlain({weights[0]}, memory::format_tag::x) : memory::desc();
  const memory::desc destination = DescribePlain({source[0], weights[0]}, memory::format_tag::nc);
  const dnnl::inner_product_forward::desc description(dnnl::prop_kind::forward_inference, source_layout, weights_layout,
                                                      bias_layout, destination);
  dnnl::primitive_attr attributes = ScratchpadAttributes();
  dnnl::post_ops post_operations;
  AppendActivation(post_operations, activation);
  attributes.set_post_ops(post_operations);
  const dnnl::inner_product_forward::primitive_desc primitive(description, attributes, CpuEngine());
  Prepared prepared;
  prepared.primitive = dnnl::inner_product_forward(primitive);
  prepared.scratchpad = primitive.scratchpad_desc();
  prepared.layouts = {{DNNL_ARG_SRC, primitive.src_desc()},
                      {DNNL_ARG_WEIGHTS, primitive.weights_desc()},
                      {DNNL_ARG_DST, primitive.dst_desc()}};
  if (bias) prepared.layouts.emplace(DNNL_ARG_BIAS, primitive.bias_desc());
  return prepared;
}

Prepared CreateMatMul(const memory::desc& source, const memory::desc& weights, const memory::desc& destination) {
  const dnnl::matmul::desc description(source, weights, destination);
  const dnnl::matmul::primitive_desc primitive(description, ScratchpadAttributes(), CpuEngine());
  Prepared prepared;
  prepared.primitive = dnnl::matmul(primitive);
  prepared.scratchpad = primitive.scratchpad_desc();
  prepared.layouts = {{DNNL_ARG_SRC, source}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DST, destination}};
  return prepared;
}

}  // namespace

at::Tensor InnerProduct(const at::Tensor& a, const at::Tensor& weight, bool weight_is_output_major,
                        const at::Tensor& bias, FusedActivation activation) {
  const int64_t rows = a.size(0), depth = a.size(1);
  const int64_t outputs = weight_is_output_major ? weight.size(0) : weight.size(1);
  const memory::dims source = {rows, depth}, weights = {outputs, depth};
  const bool has_bias = bias.defined();
  const SmallWorkOnOneThread small(rows * depth * outputs);
  const FusedActivation fused = PostOperationOf(activation);
  const std::shared_ptr<const Prepared> prepared =
      CachedPrimitive("inner product " + DimsKey(source) + " w" + DimsKey(weights) + (has_bias ? " bias " : " ") +
                          ActivationName(fused),
                      [&] { return CreateInnerProduct(source, weights, has_bias, fused); });
  if (prepared == nullptr) return at::Tensor();
  // A (K, N) weight is the (N, K) one with the "io" layout: reordered from it directly, no transposed copy.
  const memory::desc plain_weights =
      DescribePlain(weights, weight_is_output_major ? memory::format_tag::oi : memory::format_tag::io);
  const at::Tensor reordered = ReorderedConstant(weight, plain_weights, prepared->layout(DNNL_ARG_WEIGHTS));
  const at::Tensor plain_a = a.contiguous();
  at::Tensor output = at::empty({rows, outputs}, a.options());
  if (!has_bias) {
    Execute(*prepared, {{DNNL_ARG_SRC, plain_a.data_ptr()},
                        {DNNL_ARG_WEIGHTS, reordered.data_ptr()},
                        {DNNL_ARG_DST, output.data_ptr()}});
    FinishActivation(output, activation);
    return output;
  }
  const at::Tensor plain_bias = bias.contiguous();
  Execute(*prepared, {{DNNL_ARG_SRC, plain_a.data_ptr()},
                      {DNNL_ARG_WEIGHTS, reordered.data_ptr()},
                      {DNNL_ARG_BIAS, plain_bias.data_ptr()},
                      {DNNL_ARG_DST, output.data_ptr()}});
  FinishActivation(output, activation);
  return output;
}

at::Tensor BatchedMatMul(const at::Tensor& a, const at::Tensor& b) {
  const int64_t rank = std::max(a.dim(), b.dim());
  if (rank > DNNL_MAX_NDIMS) return at::Tensor();
  // Both at the output's rank, leading axes of 1 added; batch axes equal or 1.
  at::Tensor left = a, right = b;
  while (left.dim() < rank) left = left.unsqueeze(0);
  while (right.dim() < rank) right = right.unsqueeze(0);
  std::vector<int64_t> shape(static_cast<size_t>(rank));
  for (int64_t axis = 0; axis < rank - 2; axis++) {
    const int64_t l = left.size(axis), r = right.size(axis);
    if (l != r && l != 1 && r != 1) return at::Tensor();
    shape[static_cast<size_t>(axis)] = std::max(l, r);
  }
  shape[static_cast<size_t>(rank - 2)] = left.size(-2);
  shape[static_cast<size_t>(rank - 1)] = right.size(-1);
  if (left.numel() == 0 || right.numel() == 0) return at::Tensor();
  at::Tensor output = at::empty(shape, a.options());
  const memory::desc source = DescribeTensor(left), weights = DescribeTensor(right);
  const memory::desc destination = DescribeTensor(output);
  const SmallWorkOnOneThread small(output.numel() * left.size(-1));
  const std::shared_ptr<const Prepared> prepared =
      CachedPrimitive("matmul " + LayoutKey(source) + " w" + LayoutKey(weights) + " d" + LayoutKey(destination),
                      [&] { return CreateMatMul(source, weights, destination); });
  if (prepared == nullptr) return at::Tensor();
  Execute(*prepared,
          {{DNNL_ARG_SRC, left.data_ptr()}, {DNNL_ARG_WEIGHTS, right.data_ptr()}, {DNNL_ARG_DST, output.data_ptr()}});
  return output;
}

}  // namespace quarry::ml::onnx::onednn
