// Helpers shared by the shape family's files (shape.cpp, shape_values.cpp) and the registration of the
// family's second file.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "ml/onnx/kernel.hpp"

namespace quarry::ml::onnx {

// A shape or list of ints (from an int32/int64 input) as a vector; throws when the input is not 0-D or 1-D.
std::vector<int64_t> IntListInput(const at::Tensor& tensor, std::string_view what);

// A list of ints given as input `index` (newer opsets) or as attribute `attribute` (older ones), or nullopt
// when the node has neither. Converters sometimes keep the older form at a newer opset (Slice, Squeeze and
// Split with attributes in opset 11+ models), so kernels accept both whatever the opset.
std::optional<std::vector<int64_t>> IntsFromInputOrAttribute(const NodeContext& node, size_t index,
                                                             std::string_view attribute);

// Constant, ConstantOfShape, Range, EyeLike, Trilu, Dropout, Pad (shape_values.cpp).
void RegisterShapeValueOperators(OperatorRegistry& registry);

}  // namespace quarry::ml::onnx
