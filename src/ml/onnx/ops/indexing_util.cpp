// Index normalization shared by the indexing family (see indexing_util.hpp).
#include "ml/onnx/ops/indexing_util.hpp"

#include <string>
#include <vector>

namespace quarry::ml::onnx {
namespace {

at::Tensor IndexTensor(const at::Tensor& indices) {
  const at::ScalarType type = indices.scalar_type();
  if (type != at::kLong && type != at::kInt) throw OnnxError("indices must be int32 or int64");
  return indices.to(at::kLong);
}

}  // namespace

at::Tensor NormalizeIndices(const at::Tensor& indices, int64_t size) {
  at::Tensor index = IndexTensor(indices);
  if (index.numel() == 0) return index;
  const auto [lowest, highest] = at::aminmax(index);
  const int64_t low = lowest.item<int64_t>(), high = highest.item<int64_t>();
  if (low < -size || high >= size) {
    throw OnnxError("index " + std::to_string(low < -size ? low : high) + " is out of range for an axis of size " +
                    std::to_string(size));
  }
  return low < 0 ? at::where(index < 0, index + size, index) : index;
}

at::Tensor LinearIndices(const at::Tensor& tuples, at::IntArrayRef dims) {
  if (tuples.dim() < 1 || tuples.size(-1) != static_cast<int64_t>(dims.size())) {
    throw OnnxError("the last axis of indices must have length " + std::to_string(dims.size()));
  }
  at::Tensor index = IndexTensor(tuples);
  if (dims.empty()) return at::zeros(tuples.sizes().slice(0, tuples.dim() - 1), at::kLong);
  const at::Tensor sizes = at::tensor(dims, at::kLong);
  if (index.numel() > 0 && ((index < -sizes).any().item<bool>() || (index >= sizes).any().item<bool>())) {
    throw OnnxError("an index tuple is out of range");
  }
  index = at::where(index < 0, index + sizes, index);
  std::vector<int64_t> strides(dims.size(), 1);
  for (size_t i = dims.size() - 1; i > 0; i--) strides[i - 1] = strides[i] * dims[i];
  return index.mul(at::tensor(strides, at::kLong)).sum(-1);
}

}  // namespace quarry::ml::onnx
