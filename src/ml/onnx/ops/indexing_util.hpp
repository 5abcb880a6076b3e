// Helpers shared by the indexing family's files (indexing.cpp, indexing_scatter.cpp): ONNX index tensors
// (negative values count from the end) checked and normalized before ATen reads or writes through them,
// and the registration of the family's second file.
#pragma once

#include <ATen/ATen.h>

#include "ml/onnx/kernel.hpp"

namespace quarry::ml::onnx {

// `indices` (int32/int64) as int64 in [0, size): negative values wrap once; anything else out of range
// throws OnnxError.
at::Tensor NormalizeIndices(const at::Tensor& indices, int64_t size);

// Index tuples along the last axis of `tuples` (length dims.size()) as row-major linear offsets into a
// tensor of shape `dims`; the result has tuples' shape without its last axis. Checked like NormalizeIndices.
at::Tensor LinearIndices(const at::Tensor& tuples, at::IntArrayRef dims);

// ScatterElements, Scatter, ScatterND (indexing_scatter.cpp).
void RegisterScatterOperators(OperatorRegistry& registry);

}  // namespace quarry::ml::onnx
