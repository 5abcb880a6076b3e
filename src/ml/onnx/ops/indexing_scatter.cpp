// ONNX operators of the indexing family that write through indices: ScatterElements, Scatter (its
// deprecated name) and ScatterND, with the reductions none/add/mul (opset 16). Each returns a new tensor;
// indices are bounds-checked first. Products use scatter(..., "multiply"): ATen 1.13's scatter_reduce and
// index_reduce print a "beta API" warning on stderr.
#include <string>
#include <vector>

#include "ml/onnx/kernel.hpp"
#include "ml/onnx/ops/indexing_util.hpp"

namespace quarry::ml::onnx {
namespace {

enum class Reduction { kNone, kAdd, kMul };

Reduction ReductionOf(const NodeContext& node) {
  const std::string reduction = node.attribute_string("reduction", "none");
  if (reduction == "none") return Reduction::kNone;
  if (reduction == "add") return Reduction::kAdd;
  if (reduction == "mul") return Reduction::kMul;
  throw OnnxError("unsupported reduction '" + reduction + "'");
}

void CheckSameType(const at::Tensor& data, const at::Tensor& updates) {
  if (data.scalar_type() != updates.scalar_type()) throw OnnxError("updates must have the data's type");
}

std::vector<at::Tensor> ScatterElements(NodeContext& node) {
  const at::Tensor& data = node.input(0);
  const at::Tensor& indices = node.input(1);
  const at::Tensor& updates = node.input(2);
  CheckSameType(data, updates);
  if (indices.dim() != data.dim() || !indices.sizes().equals(updates.sizes())) {
    throw OnnxError("indices and updates must have the same shape and the data's rank");
  }
  const int64_t axis = NormalizeAxis(node.attribute_int("axis", 0), data.dim());
  for (int64_t i = 0; i < data.dim(); i++) {
    if (i != axis && indices.size(i) > data.size(i)) throw OnnxError("indices are larger than the data");
  }
  const at::Tensor index = NormalizeIndices(indices, data.size(axis));
  switch (ReductionOf(node)) {
    case Reduction::kNone:
      return {data.scatter(axis, index, updates)};
    case Reduction::kAdd:
      return {data.scatter_add(axis, index, updates)};
    case Reduction::kMul:
      return {data.scatter(axis, index, updates, "multiply")};
  }
  return {};
}

// ScatterND: each index tuple (the last axis of indices) names a slice of data that the matching
// slice of updates replaces (or is added to / multiplied into).
std::vector<at::Tensor> ScatterND(NodeContext& node) {
  const at::Tensor& data = node.input(0);
  const at::Tensor& indices = node.input(1);
  const at::Tensor& updates = node.input(2);
  CheckSameType(data, updates);
  if (indices.dim() < 1 || indices.size(-1) > data.dim())
    throw OnnxError("index tuples are longer than the data's rank");
  const int64_t tuple_length = indices.size(-1);
  const at::IntArrayRef data_sizes = data.sizes();
  std::vector<int64_t> update_shape(indices.sizes().begin(), indices.sizes().end() - 1);
  update_shape.insert(update_shape.end(), data_sizes.begin() + tuple_length, data_sizes.end());
  if (!updates.sizes().equals(update_shape)) throw OnnxError("updates do not have the shape the indices select");

  const at::Tensor rows = LinearIndices(indices, data_sizes.slice(0, tuple_length)).reshape({-1});
  int64_t slots = 1, slice = 1;
  for (int64_t i = 0; i < data.dim(); i++) (i < tuple_length ? slots : slice) *= data.size(i);
  const at::Tensor flat = data.reshape({slots, slice});
  const at::Tensor source = updates.reshape({rows.numel(), slice});
  at::Tensor result;
  switch (ReductionOf(node)) {
    case Reduction::kNone:
      result = flat.index_copy(0, rows, source);
      break;
    case Reduction::kAdd:
      result = flat.index_add(0, rows, source);
      break;
    case Reduction::kMul:
      result = flat.scatter(0, rows.unsqueeze(1).expand(source.sizes()), source, "multiply");
      break;
  }
  return {result.reshape(data_sizes)};
}

}  // namespace

void RegisterScatterOperators(OperatorRegistry& registry) {
  registry.Add("ScatterElements", 11, kMaxOpset, ScatterElements);
  // Scatter is ScatterElements' deprecated name (opset 9; still defined, deprecated, at 11).
  registry.Add("Scatter", 9, kMaxOpset, ScatterElements);
  registry.Add("ScatterND", 11, kMaxOpset, ScatterND);
}

}  // namespace quarry::ml::onnx
