// Sliding-window geometry shared by the convolution and pooling kernels (see ops/conv_util.hpp).
#include "ml/onnx/ops/conv_util.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace quarry::ml::onnx {

namespace {

// The INTS attribute `name`, or `count` copies of `fallback`; throws unless it has `count` values of at
// least `minimum`.
std::vector<int64_t> ReadPerAxis(const NodeContext& node, const char* name, size_t count, int64_t fallback,
                                 int64_t minimum) {
  std::vector<int64_t> values = node.attribute_ints(name, std::vector<int64_t>(count, fallback));
  if (values.size() != count) {
    throw OnnxError(std::string(name) + " has " + std::to_string(values.size()) + " values, expected " +
                    std::to_string(count));
  }
  for (int64_t value : values) {
    if (value < minimum) throw OnnxError(std::string(name) + " has the invalid value " + std::to_string(value));
  }
  return values;
}

}  // namespace

WindowGeometry ReadWindowAttributes(const NodeContext& node, size_t spatial_rank, std::vector<int64_t> kernel) {
  WindowGeometry window;
  window.kernel = node.has_attribute("kernel_shape") ? ReadPerAxis(node, "kernel_shape", spatial_rank, 1, 1) : kernel;
  if (window.kernel.size() != spatial_rank) throw OnnxError("the kernel shape does not match the input's rank");
  for (int64_t size : window.kernel) {
    if (size < 1) throw OnnxError("the kernel has the invalid size " + std::to_string(size));
  }
  window.strides = ReadPerAxis(node, "strides", spatial_rank, 1, 1);
  window.dilations = ReadPerAxis(node, "dilations", spatial_rank, 1, 1);
  const std::vector<int64_t> pads = ReadPerAxis(node, "pads", 2 * spatial_rank, 0, 0);
  window.pads_begin.assign(pads.begin(), pads.begin() + static_cast<std::ptrdiff_t>(spatial_rank));
  window.pads_end.assign(pads.begin() + static_cast<std::ptrdiff_t>(spatial_rank), pads.end());
  return window;
}

void ApplyAutoPad(const NodeContext& node, at::IntArrayRef input_spatial, WindowGeometry& window) {
  const std::string auto_pad = node.attribute_string("auto_pad", "NOTSET");
  if (auto_pad == "NOTSET" || auto_pad.empty()) return;
  const size_t rank = window.kernel.size();
  if (auto_pad == "VALID") {
    window.pads_begin.assign(rank, 0);
    window.pads_end.assign(rank, 0);
    return;
  }
  if (auto_pad != "SAME_UPPER" && auto_pad != "SAME_LOWER") throw OnnxError("unknown auto_pad '" + auto_pad + "'");
  for (size_t axis = 0; axis < rank; axis++) {
    const int64_t output = (input_spatial[axis] + window.strides[axis] - 1) / window.strides[axis];
    const int64_t total =
        std::max<int64_t>(0, (output - 1) * window.strides[axis] + window.extent(axis) - input_spatial[axis]);
    const int64_t smaller = total / 2;
    window.pads_begin[axis] = auto_pad == "SAME_UPPER" ? smaller : total - smaller;
    window.pads_end[axis] = total - window.pads_begin[axis];
  }
}

std::vector<int64_t> ConstantPadList(const std::vector<int64_t>& begin, const std::vector<int64_t>& end) {
  std::vector<int64_t> pads;
  pads.reserve(2 * begin.size());
  for (size_t i = begin.size(); i-- > 0;) {
    pads.push_back(begin[i]);
    pads.push_back(end[i]);
  }
  return pads;
}

namespace {

// One cached derivation: the source it came from (weakly held: the cache keeps no weight alive, and the
// source's address stays unique while the entry exists) and its version then.
struct Derivation {
  c10::weak_intrusive_ptr<c10::TensorImpl> source;
  int64_t version;
  at::Tensor derived;
};

struct DerivationCache {
  std::mutex mutex;
  std::map<std::pair<const c10::TensorImpl*, std::string>, Derivation> entries;
  size_t size_after_sweep = 0;
  int64_t lookups = 0;

  // Drops the entries of freed sources (their derived tensors with them).
  void Sweep() {
    for (auto entry = entries.begin(); entry != entries.end();) {
      entry = entry->second.source.expired() ? entries.erase(entry) : std::next(entry);
    }
    size_after_sweep = entries.size();
  }
};

// Lookups between sweeps, so derived weights of an unloaded model go soon after while other models run.
constexpr int64_t kLookupsPerSweep = 256;

DerivationCache& Derivations() {
  static DerivationCache* cache = new DerivationCache();  // never destroyed: kernels may run at exit
  return *cache;
}

// Inference tensors (what the executor makes) have no version counter; they are never written in place.
int64_t VersionOf(const at::Tensor& tensor) {
  return tensor.is_inference() ? 0 : tensor._version();
}

}  // namespace

at::Tensor CachedDerivation(const at::Tensor& source, const std::string& kind,
                            const std::function<at::Tensor()>& derive) {
  DerivationCache& cache = Derivations();
  const auto key = std::make_pair(source.unsafeGetTensorImpl(), kind);
  {
    std::lock_guard<std::mutex> lock(cache.mutex);
    if (++cache.lookups % kLookupsPerSweep == 0) cache.Sweep();
    const auto found = cache.entries.find(key);
    if (found != cache.entries.end() && !found->second.source.expired() && found->second.version == VersionOf(source)) {
      return found->second.derived;
    }
  }
  at::Tensor derived = derive();
  std::lock_guard<std::mutex> lock(cache.mutex);
  if (cache.entries.size() >= 2 * cache.size_after_sweep) cache.Sweep();
  cache.entries.insert_or_assign(
      key, Derivation{c10::weak_intrusive_ptr<c10::TensorImpl>(source.getIntrusivePtr()), VersionOf(source), derived});
  return derived;
}

at::Tensor BroadcastAlongAxis(const at::Tensor& per_axis, int64_t rank, int64_t axis) {
  if (per_axis.numel() == 1) return per_axis.reshape({});
  if (per_axis.dim() == rank) return per_axis;
  if (per_axis.dim() != 1) throw OnnxError("a scale or zero point must be a scalar or a 1-D tensor");
  std::vector<int64_t> shape(static_cast<size_t>(rank), 1);
  shape[static_cast<size_t>(NormalizeAxis(axis, rank))] = per_axis.size(0);
  return per_axis.reshape(shape);
}

at::Tensor SubtractZeroPoint(const at::Tensor& values, const at::Tensor& zero_point, int64_t axis) {
  at::Tensor wide = values.to(at::kInt);
  if (!zero_point.defined()) return wide;
  return wide - BroadcastAlongAxis(zero_point.to(at::kInt), values.dim(), axis);
}

at::Tensor Requantize(const at::Tensor& accumulator, const at::Tensor& scale, const at::Tensor& output_zero_point) {
  const at::ScalarType type = output_zero_point.defined() ? output_zero_point.scalar_type() : at::kByte;
  if (type != at::kByte && type != at::kChar) throw OnnxError("the output zero point must be uint8 or int8");
  at::Tensor scaled = at::round(accumulator.to(at::kFloat) * scale);
  if (output_zero_point.defined()) scaled = scaled + output_zero_point.to(at::kFloat).reshape({});
  const double low = type == at::kByte ? 0 : -128;
  const double high = type == at::kByte ? 255 : 127;
  return scaled.clamp(low, high).to(type);
}

}  // namespace quarry::ml::onnx
