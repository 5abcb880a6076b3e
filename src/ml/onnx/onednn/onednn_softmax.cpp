// Softmax and LogSoftmax on oneDNN directly (see onednn_softmax.hpp).
#include "ml/onnx/onednn/onednn_softmax.hpp"

#include <string>

#include "ml/onnx/onednn/onednn_primitives.hpp"

namespace quarry::ml::onnx::onednn {

namespace {

template <typename Primitive>
Prepared Create(const dnnl::memory::desc& data, int axis) {
  const typename Primitive::desc description(dnnl::prop_kind::forward_inference, data, axis);
  const typename Primitive::primitive_desc primitive(description, ScratchpadAttributes(), CpuEngine());
  Prepared prepared;
  prepared.primitive = Primitive(primitive);
  prepared.scratchpad = primitive.scratchpad_desc();
  prepared.layouts = {{DNNL_ARG_SRC, data}, {DNNL_ARG_DST, data}};
  return prepared;
}

}  // namespace

at::Tensor Softmax(const at::Tensor& x, int64_t axis, bool logarithm) {
  if (!Enabled() || x.scalar_type() != at::kFloat || x.numel() == 0 || x.dim() < 1 || x.dim() > DNNL_MAX_NDIMS) {
    return at::Tensor();
  }
  const at::Tensor source = x.contiguous();
  const dnnl::memory::desc data = DescribeTensor(source);
  const std::shared_ptr<const Prepared> prepared = CachedPrimitive(
      std::string(logarithm ? "logsoftmax " : "softmax ") + DimsKey(data.dims()) + " axis " + std::to_string(axis),
      [&] {
        return logarithm ? Create<dnnl::logsoftmax_forward>(data, static_cast<int>(axis))
                         : Create<dnnl::softmax_forward>(data, static_cast<int>(axis));
      });
  if (prepared == nullptr) return at::Tensor();
  at::Tensor output = at::empty_like(source);
  Execute(*prepared, {{DNNL_ARG_SRC, source.data_ptr()}, {DNNL_ARG_DST, output.data_ptr()}});
  return output;
}

}  // namespace quarry::ml::onnx::onednn
