// Pooling on oneDNN directly (see onednn_pooling.hpp).
#include "ml/onnx/onednn/onednn_pooling.hpp"

#include <string>
#include <vector>

#include "ml/onnx/onednn/blocked_layout.hpp"
#include "ml/onnx/onednn/onednn_primitives.hpp"

namespace quarry::ml::onnx::onednn {

namespace {

using dnnl::memory;

dnnl::algorithm AlgorithmOf(PoolingKind kind) {
  switch (kind) {
    case PoolingKind::kMax:
      return dnnl::algorithm::pooling_max;
    case PoolingKind::kAverageCountingPadding:
      return dnnl::algorithm::pooling_avg_include_padding;
    case PoolingKind::kAverageInsideOnly:
      break;
  }
  return dnnl::algorithm::pooling_avg_exclude_padding;
}

// The pooling of a planar (N, C, H, W) `source` into `destination` dims, both channels-last or (`blocked`) both in
// the blocked layout; the output is channels-last or blocked (N, C / B, H', W', B) alike.
at::Tensor Pool(const at::Tensor& source, const memory::dims& source_dims, const memory::dims& destination,
                const memory::dims& kernel, const memory::dims& strides, const memory::dims& padding_begin,
                const memory::dims& padding_end, PoolingKind kind, bool blocked) {
  const std::string key = std::string(blocked ? "blocked " : "") + "pool " + std::to_string(static_cast<int>(kind)) +
                          " " + DimsKey(source_dims) + " k" + DimsKey(kernel) + " s" + DimsKey(strides) + " p" +
                          DimsKey(padding_begin) + "/" + DimsKey(padding_end);
  auto layout_of = [blocked](const memory::dims& dims) {
    return blocked ? BlockedLayout({dims[0], dims[1], dims[2], dims[3]})
                   : DescribePlain(dims, memory::format_tag::nhwc);
  };
  const std::shared_ptr<const Prepared> prepared = CachedPrimitive(key, [&] {
    const memory::desc source_layout = layout_of(source_dims);
    const memory::desc destination_layout = layout_of(destination);
    const dnnl::pooling_forward::desc description(dnnl::prop_kind::forward_inference, AlgorithmOf(kind), source_layout,
                                                  destination_layout, strides, kernel, padding_begin, padding_end);
    const dnnl::pooling_forward::primitive_desc primitive(description, ScratchpadAttributes(), CpuEngine());
    Prepared made;
    made.primitive = dnnl::pooling_forward(primitive);
    made.scratchpad = primitive.scratchpad_desc();
    made.layouts = {{DNNL_ARG_SRC, source_layout}, {DNNL_ARG_DST, destination_layout}};
    return made;
  });
  if (prepared == nullptr) return at::Tensor();
  at::Tensor output = blocked ? EmptyBlocked({destination[0], destination[1], destination[2], destination[3]})
                              : at::empty(std::vector<int64_t>(destination.begin(), destination.end()),
                                          source.options().memory_format(at::MemoryFormat::ChannelsLast));
  Execute(*prepared, {{DNNL_ARG_SRC, source.data_ptr()}, {DNNL_ARG_DST, output.data_ptr()}});
  return output;
}

memory::dims DimsOf(const at::Tensor& tensor) {
  return memory::dims(tensor.sizes().begin(), tensor.sizes().end());
}

}  // namespace

bool TakesPooling(const at::Tensor& x) {
  return Enabled() && x.scalar_type() == at::kFloat && (x.dim() == 3 || x.dim() == 4) && x.numel() > 0;
}

at::Tensor PoolOnOneDnn(const at::Tensor& x, const WindowGeometry& window, PoolingKind kind) {
  for (int64_t dilation : window.dilations) {
    if (dilation != 1) return at::Tensor();
  }
  const bool one_dimensional = x.dim() == 3;
  auto planar = [&](const std::vector<int64_t>& values, int64_t unit) -> memory::dims {
    return one_dimensional ? memory::dims{unit, values[0]} : memory::dims{values[0], values[1]};
  };
  const memory::dims kernel = planar(window.kernel, 1), strides = planar(window.strides, 1);
  const memory::dims padding_begin = planar(window.pads_begin, 0), padding_end = planar(window.pads_end, 0);
  const at::Tensor source = (one_dimensional ? x.unsqueeze(2) : x).contiguous(at::MemoryFormat::ChannelsLast);
  memory::dims destination = {source.size(0), source.size(1), 0, 0};
  for (size_t axis = 0; axis < 2; axis++) {
    // oneDNN wants every window to start inside the input or its padding and see some of the input.
    if (padding_begin[axis] >= kernel[axis] || padding_end[axis] >= kernel[axis]) return at::Tensor();
    const int64_t room =
        source.size(static_cast<int64_t>(axis) + 2) + padding_begin[axis] + padding_end[axis] - kernel[axis];
    if (room < 0) return at::Tensor();
    destination[axis + 2] = room / strides[axis] + 1;
  }
  const at::Tensor y =
      Pool(source, DimsOf(source), destination, kernel, strides, padding_begin, padding_end, kind, false);
  return one_dimensional && y.defined() ? y.squeeze(2) : y;
}

at::Tensor GlobalPoolOnOneDnn(const at::Tensor& x, PoolingKind kind) {
  if (x.dim() != 4) return at::Tensor();
  const at::Tensor source = x.contiguous(at::MemoryFormat::ChannelsLast);
  return Pool(source, DimsOf(source), {x.size(0), x.size(1), 1, 1}, {x.size(2), x.size(3)}, {1, 1}, {0, 0}, {0, 0},
              kind, false);
}

at::Tensor GlobalPoolBlocked(const at::Tensor& x, int64_t channels, PoolingKind kind) {
  return Pool(x, {x.size(0), channels, x.size(2), x.size(3)}, {x.size(0), channels, 1, 1}, {x.size(2), x.size(3)},
              {1, 1}, {0, 0}, {0, 0}, kind, true);
}

}  // namespace quarry::ml::onnx::onednn
