// ONNX operators of the indexing family that read through indices or masks: Slice, Gather,
// GatherElements, GatherND, NonZero, OneHot, Compress, Unique and ReverseSequence. Indices are
// bounds-checked (negative values count from the end) before ATen reads through them. The writing
// operators (Scatter*) are in indexing_scatter.cpp.
#include <algorithm>
#include <limits>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "ml/onnx/kernel.hpp"
#include "ml/onnx/ops/indexing_util.hpp"
#include "ml/onnx/ops/shape_util.hpp"

namespace quarry::ml::onnx {
namespace {

int64_t Product(at::IntArrayRef values) {
  return std::accumulate(values.begin(), values.end(), int64_t{1}, std::multiplies<>());
}

std::vector<int64_t> Concatenated(at::IntArrayRef a, at::IntArrayRef b, at::IntArrayRef c = {}) {
  std::vector<int64_t> result(a.begin(), a.end());
  result.insert(result.end(), b.begin(), b.end());
  result.insert(result.end(), c.begin(), c.end());
  return result;
}

// One axis of Slice, with the spec's clamping: start and end wrap once when negative, then clamp to
// [0, size] for positive steps and to [0, size-1] / [-1, size-1] for negative ones.
at::Tensor SliceAxis(const at::Tensor& input, int64_t axis, int64_t start, int64_t end, int64_t step) {
  if (step == 0) throw OnnxError("steps must not be zero");
  const int64_t size = input.size(axis);
  if (start < 0) start += size;
  if (end < 0) end += size;
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, size);
    end = std::clamp<int64_t>(end, 0, size);
    // Steps past the axis pick the start alone; capping them keeps ATen's size arithmetic from overflowing.
    return input.slice(axis, start, std::max(start, end), std::min(step, std::max<int64_t>(size, 1)));
  }
  if (size == 0) return input;
  start = std::clamp<int64_t>(start, 0, size - 1);
  end = std::clamp<int64_t>(end, -1, size - 1);
  if (start <= end) return input.slice(axis, 0, 0);
  const int64_t stride = -std::max(step, -size);  // larger strides pick the start alone, like `size`
  const int64_t count = (start - end + stride - 1) / stride;
  const int64_t last = start - (count - 1) * stride;
  return input.slice(axis, last, start + 1, stride).flip({axis});
}

at::Tensor SliceAxes(const at::Tensor& input, const std::vector<int64_t>& starts, const std::vector<int64_t>& ends,
                     std::optional<std::vector<int64_t>> axes, std::optional<std::vector<int64_t>> steps) {
  const size_t count = starts.size();
  if (!axes.has_value()) {
    axes.emplace(count);
    std::iota(axes->begin(), axes->end(), 0);
  }
  if (!steps.has_value()) steps.emplace(count, 1);
  if (ends.size() != count || axes->size() != count || steps->size() != count) {
    throw OnnxError("starts, ends, axes and steps must have the same length");
  }
  std::vector<bool> seen(input.dim(), false);
  at::Tensor result = input;
  for (size_t i = 0; i < count; i++) {
    const int64_t axis = NormalizeAxis((*axes)[i], input.dim());
    if (seen[axis]) throw OnnxError("axis " + std::to_string(axis) + " is repeated");
    seen[axis] = true;
    result = SliceAxis(result, axis, starts[i], ends[i], (*steps)[i]);
  }
  return result;
}

// Slice: starts, ends and axes are attributes before opset 10, inputs (with steps) from it.
std::vector<at::Tensor> Slice(NodeContext& node) {
  const auto starts = IntsFromInputOrAttribute(node, 1, "starts");
  const auto ends = IntsFromInputOrAttribute(node, 2, "ends");
  if (!starts.has_value() || !ends.has_value()) throw OnnxError("missing starts or ends");
  return {SliceAxes(node.input(0), *starts, *ends, IntsFromInputOrAttribute(node, 3, "axes"),
                    IntsFromInputOrAttribute(node, 4, "steps"))};
}

std::vector<at::Tensor> Gather(NodeContext& node) {
  const at::Tensor& data = node.input(0);
  const at::Tensor& indices = node.input(1);
  const int64_t axis = NormalizeAxis(node.attribute_int("axis", 0), data.dim());
  if (indices.numel() == 1 && (indices.scalar_type() == at::kLong || indices.scalar_type() == at::kInt)) {
    // One index (a dimension out of Shape, a state out of a stacked tensor): a view of that slice, without
    // the index tensors the general path builds.
    const int64_t size = data.size(axis);
    const auto at = static_cast<int64_t>(ToScalar(indices));
    if (at < -size || at >= size) {
      throw OnnxError("index " + std::to_string(at) + " is out of range for an axis of size " + std::to_string(size));
    }
    const int64_t index = at < 0 ? at + size : at;
    if (indices.dim() == 0) return {data.select(axis, index)};
    const at::Tensor slice = data.narrow(axis, index, 1);  // the index's one axis in place of `axis`
    if (indices.dim() == 1) return {slice};
    const auto sizes = data.sizes();
    return {slice.reshape(Concatenated(sizes.slice(0, axis), indices.sizes(), sizes.slice(axis + 1)))};
  }
  const at::Tensor index = NormalizeIndices(indices, data.size(axis));
  const auto sizes = data.sizes();
  const std::vector<int64_t> shape = Concatenated(sizes.slice(0, axis), indices.sizes(), sizes.slice(axis + 1));
  return {data.index_select(axis, index.reshape({-1})).reshape(shape)};
}

std::vector<at::Tensor> GatherElements(NodeContext& node) {
  const at::Tensor& data = node.input(0);
  const at::Tensor& indices = node.input(1);
  if (indices.dim() != data.dim()) throw OnnxError("indices must have the data's rank");
  const int64_t axis = NormalizeAxis(node.attribute_int("axis", 0), data.dim());
  return {at::gather(data, axis, NormalizeIndices(indices, data.size(axis)))};
}

// GatherND: each index tuple (the last axis of indices) picks a slice of data, within batch_dims
// leading axes that data and indices share.
std::vector<at::Tensor> GatherND(NodeContext& node) {
  const at::Tensor& data = node.input(0);
  const at::Tensor& indices = node.input(1);
  const int64_t batch_dims = node.attribute_int("batch_dims", 0);
  if (indices.dim() < 1 || batch_dims < 0 || batch_dims >= std::min(indices.dim(), data.dim())) {
    throw OnnxError("batch_dims must be less than the ranks of data and indices");
  }
  const int64_t tuple_length = indices.size(-1);
  if (batch_dims + tuple_length > data.dim()) throw OnnxError("index tuples are longer than the data's rank");
  const auto data_sizes = data.sizes();
  const auto index_sizes = indices.sizes();
  if (!data_sizes.slice(0, batch_dims).equals(index_sizes.slice(0, batch_dims))) {
    throw OnnxError("the batch axes of data and indices differ");
  }
  const at::IntArrayRef tuple_dims = data_sizes.slice(batch_dims, tuple_length);
  const at::IntArrayRef slice_dims = data_sizes.slice(batch_dims + tuple_length);
  const int64_t batches = Product(data_sizes.slice(0, batch_dims));
  const int64_t slots = Product(tuple_dims);
  const int64_t tuples = Product(index_sizes.slice(batch_dims, indices.dim() - 1 - batch_dims));
  const at::Tensor batch_offsets = at::arange(batches, at::kLong).mul(slots).unsqueeze(1);
  const at::Tensor rows = LinearIndices(indices, tuple_dims).reshape({batches, tuples}).add(batch_offsets);
  const at::Tensor flat = data.reshape({batches * slots, Product(slice_dims)});
  return {flat.index_select(0, rows.reshape({-1}))
              .reshape(Concatenated(index_sizes.slice(0, indices.dim() - 1), slice_dims))};
}

// NonZero: the coordinates of the non-zero elements, one row per axis ([rank, count], int64).
std::vector<at::Tensor> NonZero(NodeContext& node) {
  const at::Tensor& input = node.input(0);
  return {at::nonzero(input.dim() == 0 ? input.reshape({1}) : input).t()};
}

std::vector<at::Tensor> OneHot(NodeContext& node) {
  const at::Tensor& indices = node.input(0);
  const double depth_value = ToScalar(node.input(1));
  if (!(depth_value >= 1 && depth_value <= static_cast<double>(kMaxTensorElements))) {
    throw OnnxError("depth must be a positive number");
  }
  const auto depth = static_cast<int64_t>(depth_value);
  const at::Tensor values = node.input(2).reshape({-1});
  if (values.numel() != 2) throw OnnxError("values must hold [off_value, on_value]");
  const int64_t axis = NormalizeAxis(node.attribute_int("axis", -1), indices.dim() + 1);
  std::vector<int64_t> shape(indices.sizes().begin(), indices.sizes().end());
  shape.push_back(depth);
  CheckAllocation(shape, "OneHot");
  at::Tensor index = indices.to(at::kLong);
  index = at::where(index < 0, index + depth, index);
  const at::Tensor hot = index.unsqueeze(-1).eq(at::arange(depth, at::kLong)).movedim(-1, axis);
  return {at::where(hot, values[1], values[0])};
}

std::vector<at::Tensor> Compress(NodeContext& node) {
  const at::Tensor& input = node.input(0);
  const bool has_axis = node.has_attribute("axis");
  const at::Tensor data = has_axis ? input : input.reshape({-1});
  const int64_t axis = has_axis ? NormalizeAxis(node.attribute_int("axis", 0), input.dim()) : 0;
  at::Tensor condition = node.input(1);
  if (condition.dim() != 1) throw OnnxError("condition must be 1-D");
  condition = condition.to(at::kBool);
  const int64_t size = data.size(axis);
  if (condition.numel() > size) {
    if (condition.slice(0, size).any().item<bool>()) throw OnnxError("condition selects past the end of the axis");
    condition = condition.slice(0, 0, size);
  }
  return {data.index_select(axis, at::nonzero(condition).reshape({-1}))};
}

// Unique: the distinct values (or slices along `axis`), sorted or in order of first occurrence, with the index
// of each one's first occurrence, each input position's index in the result, and each one's count.
std::vector<at::Tensor> Unique(NodeContext& node) {
  const at::Tensor& input = node.input(0);
  const bool has_axis = node.has_attribute("axis");
  const int64_t axis = has_axis ? NormalizeAxis(node.attribute_int("axis", 0), input.dim()) : 0;
  auto [values, inverse, counts] =
      has_axis ? at::unique_dim(input, axis, true, true, true) : at::_unique2(input.reshape({-1}), true, true, true);
  inverse = inverse.reshape({-1});
  // Positions grouped by unique value, in input order within each group: each group's first is its first occurrence.
  const at::Tensor grouped_positions = std::get<1>(at::sort(inverse, /*stable=*/true, 0, /*descending=*/false));
  at::Tensor first = grouped_positions.index_select(0, counts.cumsum(0).sub_(counts));
  if (node.attribute_int("sorted", 1) == 0) {  // reorder by first occurrence
    const at::Tensor order = first.argsort();
    const at::Tensor rank = at::empty_like(order).scatter_(0, order, at::arange(order.size(0), at::kLong));
    values = values.index_select(axis, order);
    first = first.index_select(0, order);
    counts = counts.index_select(0, order);
    inverse = rank.index_select(0, inverse);
  }
  return {values, first, inverse, counts};
}

// ReverseSequence: reverses the first sequence_lens[b] steps along time_axis of each batch entry b.
std::vector<at::Tensor> ReverseSequence(NodeContext& node) {
  const at::Tensor& input = node.input(0);
  const int64_t batch_axis = node.attribute_int("batch_axis", 1);
  const int64_t time_axis = node.attribute_int("time_axis", 0);
  if (input.dim() < 2 || batch_axis + time_axis != 1 || batch_axis * time_axis != 0) {
    throw OnnxError("batch_axis and time_axis must be 0 and 1 (either way) of an input of rank 2 or more");
  }
  const at::Tensor batch_major = batch_axis == 0 ? input : input.transpose(0, 1);  // [batch, time, ...]
  const int64_t batches = batch_major.size(0), steps = batch_major.size(1);
  const at::Tensor lengths = node.input(1).to(at::kLong).reshape({-1, 1});
  if (lengths.size(0) != batches) throw OnnxError("sequence_lens must have one length per batch entry");
  if (batches > 0 && (lengths.min().item<int64_t>() < 0 || lengths.max().item<int64_t>() > steps)) {
    throw OnnxError("sequence lengths must be in [0, " + std::to_string(steps) + "]");
  }
  if (input.numel() == 0) return {input};
  const at::Tensor time = at::arange(steps, at::kLong).unsqueeze(0);
  const at::Tensor source = at::where(time < lengths, lengths - 1 - time, time);  // [batch, time]
  const at::Tensor rows = batch_major.reshape({batches, steps, -1});
  const at::Tensor reversed =
      rows.gather(1, source.unsqueeze(2).expand({batches, steps, rows.size(2)})).view(batch_major.sizes());
  return {batch_axis == 0 ? reversed : reversed.transpose(0, 1)};
}

}  // namespace

void RegisterIndexingOperators(OperatorRegistry& registry) {
  registry.Add("Slice", 1, kMaxOpset, Slice);
  registry.Add("Gather", 1, kMaxOpset, Gather);
  registry.Add("GatherElements", 11, kMaxOpset, GatherElements);
  registry.Add("GatherND", 11, kMaxOpset, GatherND);
  registry.Add("NonZero", 9, kMaxOpset, NonZero);
  registry.Add("OneHot", 9, kMaxOpset, OneHot);
  registry.Add("Compress", 9, kMaxOpset, Compress);
  registry.Add("Unique", 11, kMaxOpset, Unique);
  registry.Add("ReverseSequence", 10, kMaxOpset, ReverseSequence);
  RegisterScatterOperators(registry);
}

}  // namespace quarry::ml::onnx
