// ONNX operators: reductions (ReduceSum, ReduceMean, ReduceMax, ReduceMin, ReduceProd, ReduceL1, ReduceL2,
// ReduceLogSum, ReduceLogSumExp, ReduceSumSquare), ArgMax/ArgMin, Softmax/LogSoftmax/Hardmax, CumSum and TopK.
// Results keep the input's type (ArgMax, ArgMin and TopK's indices are int64); 16-bit floats are computed
// in float32, which ATen's CPU kernels need. float32 Softmax and LogSoftmax run on oneDNN directly (onednn/).
#include <algorithm>
#include <numeric>
#include <optional>

#include <c10/util/accumulate.h>

#include "ml/onnx/kernel.hpp"
#include "ml/onnx/onednn/onednn_softmax.hpp"
#include "ml/onnx/ops/elementwise_util.hpp"

namespace quarry::ml::onnx {
namespace {

// ---- Reduce* ----

// A reduction of x over `dims` (normalized, distinct, possibly all of x's).
using Reducer = at::Tensor (*)(const at::Tensor& x, at::IntArrayRef dims, bool keepdim);

struct ReduceOperator {
  const char* name;
  Reducer reduce;
};

// Sums keep x's type (ATen would widen integers to int64).
at::Tensor Sum(const at::Tensor& x, at::IntArrayRef dims, bool keepdim) {
  return at::sum(x, dims, keepdim, x.scalar_type());
}

at::Tensor SumSquare(const at::Tensor& x, at::IntArrayRef dims, bool keepdim) {
  return Sum(x * x, dims, keepdim);
}

// Integer means divide truncating, keeping the type.
at::Tensor Mean(const at::Tensor& x, at::IntArrayRef dims, bool keepdim) {
  if (!IsIntegral(x)) return at::mean(x, dims, keepdim);
  int64_t count = 1;
  for (int64_t dim : dims) count *= x.size(dim);
  return at::div(Sum(x, dims, keepdim), count, "trunc");
}

// at::prod reduces one dimension at a time: keep them all, then drop the reduced ones.
at::Tensor Product(const at::Tensor& x, at::IntArrayRef dims, bool keepdim) {
  if (x.dim() == 0) return x;
  at::Tensor result = x;
  for (int64_t dim : dims) result = at::prod(result, dim, /*keepdim=*/true, x.scalar_type());
  if (keepdim) return result;
  std::vector<int64_t> shape;
  for (int64_t dim = 0; dim < x.dim(); dim++) {
    if (std::find(dims.begin(), dims.end(), dim) == dims.end()) shape.push_back(x.size(dim));
  }
  return result.reshape(shape);
}

// sqrt of the sum of squares, in x's type (integers round toward zero).
at::Tensor EuclideanNorm(const at::Tensor& x, at::IntArrayRef dims, bool keepdim) {
  const at::Tensor norm = at::sqrt(SumSquare(x, dims, keepdim));
  return norm.scalar_type() == x.scalar_type() ? norm : norm.to(x.scalar_type());
}

const ReduceOperator kReduceOperators[] = {
    {"ReduceMean", Mean},
    {"ReduceMax", [](const at::Tensor& x, at::IntArrayRef dims, bool keepdim) { return at::amax(x, dims, keepdim); }},
    {"ReduceMin", [](const at::Tensor& x, at::IntArrayRef dims, bool keepdim) { return at::amin(x, dims, keepdim); }},
    {"ReduceProd", Product},
    {"ReduceL1",
     [](const at::Tensor& x, at::IntArrayRef dims, bool keepdim) { return Sum(at::abs(x), dims, keepdim); }},
    {"ReduceL2", EuclideanNorm},
    {"ReduceLogSum",
     [](const at::Tensor& x, at::IntArrayRef dims, bool keepdim) { return at::log(Sum(x, dims, keepdim)); }},
    {"ReduceLogSumExp",
     [](const at::Tensor& x, at::IntArrayRef dims, bool keepdim) { return at::logsumexp(x, dims, keepdim); }},
    {"ReduceSumSquare", SumSquare},
};

// The dimensions to reduce, normalized and sorted; nullopt when the node is the identity (empty axes
// with noop_with_empty_axes). Empty axes otherwise mean every dimension.
std::optional<std::vector<int64_t>> ReducedDimensions(const NodeContext& node, const std::vector<int64_t>& axes,
                                                      int64_t rank) {
  if (axes.empty()) {
    if (node.attribute_int("noop_with_empty_axes", 0) != 0) return std::nullopt;
    std::vector<int64_t> all(static_cast<size_t>(rank));
    std::iota(all.begin(), all.end(), 0);
    return all;
  }
  std::vector<int64_t> dims;
  for (int64_t axis : axes) dims.push_back(NormalizeAxis(axis, rank));
  std::sort(dims.begin(), dims.end());
  if (std::adjacent_find(dims.begin(), dims.end()) != dims.end()) throw OnnxError("axes repeat a dimension");
  return dims;
}

// Reduce* with the axes of the `axes` attribute (every Reduce* up to opset 17 but ReduceSum from 13) or of
// the optional second input.
Kernel ReduceKernel(Reducer reduce, bool axes_from_input) {
  return [reduce, axes_from_input](NodeContext& node) -> std::vector<at::Tensor> {
    const at::Tensor& x = node.input(0);
    const std::vector<int64_t> axes = axes_from_input
                                          ? (node.has_input(1) ? ToInt64Vector(node.input(1)) : std::vector<int64_t>{})
                                          : node.attribute_ints("axes");
    const auto dims = ReducedDimensions(node, axes, x.dim());
    if (!dims) return {x};
    const bool keepdim = node.attribute_int("keepdims", 1) != 0;
    return {ComputeInFloat(x, [&](const at::Tensor& value) { return reduce(value, *dims, keepdim); })};
  };
}

// ---- ArgMax, ArgMin ----

// The int64 index of the largest (or smallest) value along `axis`; the first one among equals, or the last
// with select_last_index.
Kernel ArgExtremeKernel(bool largest) {
  return [largest](NodeContext& node) -> std::vector<at::Tensor> {
    const at::Tensor x = WidenHalfPrecision(node.input(0));
    const int64_t axis = NormalizeAxis(node.attribute_int("axis", 0), x.dim());
    const bool keepdim = node.attribute_int("keepdims", 1) != 0;
    auto arg = [&](const at::Tensor& values) {
      return largest ? at::argmax(values, axis, keepdim) : at::argmin(values, axis, keepdim);
    };
    if (node.attribute_int("select_last_index", 0) == 0) return {arg(x)};
    return {at::rsub(arg(x.flip(axis)), x.size(axis) - 1)};
  };
}

// ---- Softmax, LogSoftmax, Hardmax ----

using AlongAxis = at::Tensor (*)(const at::Tensor& x, int64_t dim);

// 1 at the (first) largest value along dim, 0 elsewhere.
at::Tensor Hardmax(const at::Tensor& x, int64_t dim) {
  return at::zeros_like(x).scatter_(dim, at::argmax(x, dim, /*keepdim=*/true), 1);
}

// Before opset 13 these operators see x as 2-D, [prod(shape[:axis]), prod(shape[axis:])] (axis defaults
// to 1), and work along its rows; from 13 they work along `axis` (default -1).
Kernel SoftmaxKernel(AlongAxis along) {
  return [along](NodeContext& node) -> std::vector<at::Tensor> {
    const at::Tensor& x = node.input(0);
    return {ComputeInFloat(x, [&](const at::Tensor& value) {
      if (node.opset() >= 13) return along(value, NormalizeAxis(node.attribute_int("axis", -1), value.dim()));
      const int64_t axis = NormalizeAxis(node.attribute_int("axis", 1), value.dim());
      if (axis == value.dim() - 1) return along(value, axis);
      const int64_t rows = c10::multiply_integers(value.sizes().slice(0, axis));
      const int64_t columns = c10::multiply_integers(value.sizes().slice(axis));
      return along(value.reshape({rows, columns}), 1).reshape(value.sizes());
    })};
  };
}

// ---- CumSum ----

// Sums along `axis` (a one-value input), in x's type; `exclusive` leaves each value out of its own sum,
// `reverse` sums from the end.
std::vector<at::Tensor> CumulativeSum(NodeContext& node) {
  const at::Tensor& x = node.input(0);
  const int64_t axis = NormalizeAxis(static_cast<int64_t>(ToScalar(node.input(1))), x.dim());
  const bool exclusive = node.attribute_int("exclusive", 0) != 0;
  const bool reverse = node.attribute_int("reverse", 0) != 0;
  return {ComputeInFloat(x, [&](const at::Tensor& value) {
    const at::Tensor ordered = reverse ? value.flip(axis) : value;
    at::Tensor sums = at::cumsum(ordered, axis, value.scalar_type());
    const int64_t length = value.size(axis);
    if (exclusive && length > 0) {
      at::Tensor shifted = at::zeros_like(sums);
      shifted.narrow(axis, 1, length - 1).copy_(sums.narrow(axis, 0, length - 1));
      sums = shifted;
    }
    return reverse ? sums.flip(axis) : sums;
  })};
}

// ---- TopK ----

// The k largest (or smallest) values along `axis` and their int64 indices, ordered; among equal values
// the lower index comes first (a stable sort). k is an attribute before opset 10, then a one-value input.
std::vector<at::Tensor> TopK(NodeContext& node) {
  const at::Tensor& x = node.input(0);
  int64_t k = node.attribute_int("k", -1);
  if (node.opset() >= 10) {
    const std::vector<int64_t> values = ToInt64Vector(node.input(1));
    if (values.size() != 1) throw OnnxError("k must be one value");
    k = values[0];
  }
  const int64_t axis = NormalizeAxis(node.attribute_int("axis", -1), x.dim());
  if (k < 0 || k > x.size(axis)) {
    throw OnnxError("k = " + std::to_string(k) + " is out of range for a dimension of " + std::to_string(x.size(axis)));
  }
  const bool largest = node.attribute_int("largest", 1) != 0;
  auto [values, indices] = at::sort(x, /*stable=*/true, axis, /*descending=*/largest);
  return {values.narrow(axis, 0, k), indices.narrow(axis, 0, k)};
}

}  // namespace

void RegisterReductionOperators(OperatorRegistry& registry) {
  for (const ReduceOperator& op : kReduceOperators) registry.Add(op.name, 1, kMaxOpset, ReduceKernel(op.reduce, false));
  registry.Add("ReduceSum", 1, 12, ReduceKernel(Sum, false));
  registry.Add("ReduceSum", 13, kMaxOpset, ReduceKernel(Sum, true));
  registry.Add("ArgMax", 1, kMaxOpset, ArgExtremeKernel(true));
  registry.Add("ArgMin", 1, kMaxOpset, ArgExtremeKernel(false));
  registry.Add("Softmax", 1, kMaxOpset, SoftmaxKernel([](const at::Tensor& x, int64_t dim) {
                 at::Tensor y = onednn::Softmax(x, dim, false);
                 return y.defined() ? y : at::softmax(x, dim);
               }));
  registry.Add("LogSoftmax", 1, kMaxOpset, SoftmaxKernel([](const at::Tensor& x, int64_t dim) {
                 at::Tensor y = onednn::Softmax(x, dim, true);
                 return y.defined() ? y : at::log_softmax(x, dim);
               }));
  registry.Add("Hardmax", 1, kMaxOpset, SoftmaxKernel(Hardmax));
  registry.Add("CumSum", 11, kMaxOpset, CumulativeSum);
  registry.Add("TopK", 1, kMaxOpset, TopK);
}

}  // namespace quarry::ml::onnx
