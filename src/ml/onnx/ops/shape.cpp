// ONNX operators of the shape family that move data without computing on it: Reshape, Flatten, Transpose,
// Squeeze, Unsqueeze, Concat, Split, Shape, Size, Expand, Tile, Identity, DepthToSpace and SpaceToDepth.
// Most return ATen views of their input. The family's value-producing operators (Constant, Range, Pad,
// Dropout, ...) are in shape_values.cpp.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <string>

#include "ml/onnx/kernel.hpp"
#include "ml/onnx/ops/shape_util.hpp"

namespace quarry::ml::onnx {

std::vector<int64_t> IntListInput(const at::Tensor& tensor, std::string_view what) {
  if (tensor.dim() > 1) throw OnnxError(std::string(what) + " must be a 1-D tensor");
  if (at::isFloatingType(tensor.scalar_type()) || tensor.scalar_type() == at::kBool) {
    throw OnnxError(std::string(what) + " must be an integer tensor");
  }
  return ToInt64Vector(tensor);
}

std::optional<std::vector<int64_t>> IntsFromInputOrAttribute(const NodeContext& node, size_t index,
                                                             std::string_view attribute) {
  if (node.has_input(index)) return IntListInput(node.input(index), attribute);
  if (node.has_attribute(attribute)) return node.attribute_ints(attribute);
  return std::nullopt;
}

namespace {

std::string ShapeText(at::IntArrayRef shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); i++) text += (i > 0 ? "," : "") + std::to_string(shape[i]);
  return text + "]";
}

int64_t MultiplyChecked(int64_t a, int64_t b, std::string_view what) {
  int64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) throw OnnxError(std::string(what) + ": the shape overflows");
  return product;
}

// Reshape's target shape: 0 copies the input's dimension (unless allow_zero), one -1 is inferred.
std::vector<int64_t> ReshapeTarget(const at::Tensor& input, std::vector<int64_t> shape, bool allow_zero) {
  std::optional<size_t> inferred;
  bool has_zero = false;
  int64_t known = 1;
  for (size_t i = 0; i < shape.size(); i++) {
    int64_t& dimension = shape[i];
    if (dimension == -1) {
      if (inferred.has_value()) throw OnnxError("the shape has more than one -1");
      inferred = i;
      continue;
    }
    if (dimension == 0 && !allow_zero) {
      if (static_cast<int64_t>(i) >= input.dim()) {
        throw OnnxError("shape " + ShapeText(shape) + " copies dimension " + std::to_string(i) +
                        ", which the input of rank " + std::to_string(input.dim()) + " lacks");
      }
      dimension = input.size(static_cast<int64_t>(i));
    } else if (dimension < 0) {
      throw OnnxError("the shape has a negative dimension " + std::to_string(dimension));
    }
    has_zero = has_zero || dimension == 0;
    known = MultiplyChecked(known, dimension, "Reshape");
  }
  const int64_t elements = input.numel();
  if (inferred.has_value()) {
    if (has_zero) throw OnnxError("a -1 dimension cannot be inferred next to a zero dimension");
    if (elements % known != 0) {
      throw OnnxError("cannot reshape " + ShapeText(input.sizes()) + " into " + ShapeText(shape));
    }
    shape[*inferred] = elements / known;
  } else if (known != elements) {
    throw OnnxError("cannot reshape " + ShapeText(input.sizes()) + " into " + ShapeText(shape));
  }
  return shape;
}

// Reshape: the target shape is an input from opset 5, an attribute before.
std::vector<at::Tensor> Reshape(NodeContext& node) {
  const at::Tensor& input = node.input(0);
  const auto shape = IntsFromInputOrAttribute(node, 1, "shape");
  if (!shape.has_value()) throw OnnxError("missing the target shape");
  const bool allow_zero = node.attribute_int("allowzero", 0) != 0;
  return {input.reshape(ReshapeTarget(input, *shape, allow_zero))};
}

std::vector<at::Tensor> Flatten(NodeContext& node) {
  const at::Tensor& input = node.input(0);
  const int64_t rank = input.dim();
  int64_t axis = node.attribute_int("axis", 1);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis > rank) throw OnnxError("axis is out of range for rank " + std::to_string(rank));
  const auto sizes = input.sizes();
  const int64_t outer = std::accumulate(sizes.begin(), sizes.begin() + axis, int64_t{1}, std::multiplies<>());
  const int64_t inner = std::accumulate(sizes.begin() + axis, sizes.end(), int64_t{1}, std::multiplies<>());
  return {input.reshape({outer, inner})};
}

std::vector<at::Tensor> Transpose(NodeContext& node) {
  const at::Tensor& input = node.input(0);
  const int64_t rank = input.dim();
  std::vector<int64_t> permutation(rank);
  std::iota(permutation.rbegin(), permutation.rend(), 0);
  permutation = node.attribute_ints("perm", permutation);
  std::vector<bool> seen(rank, false);
  if (static_cast<int64_t>(permutation.size()) != rank) throw OnnxError("perm does not match the input's rank");
  for (int64_t& axis : permutation) {
    axis = NormalizeAxis(axis, rank);
    if (seen[axis]) throw OnnxError("perm is not a permutation");
    seen[axis] = true;
  }
  return {input.permute(permutation)};
}

// Normalized, distinct axes for a tensor of `rank` (Squeeze's input rank, Unsqueeze's output rank).
std::vector<bool> AxisMask(const std::vector<int64_t>& axes, int64_t rank) {
  std::vector<bool> mask(rank, false);
  for (int64_t axis : axes) {
    const int64_t normalized = NormalizeAxis(axis, rank);
    if (mask[normalized]) throw OnnxError("axis " + std::to_string(axis) + " is repeated");
    mask[normalized] = true;
  }
  return mask;
}

at::Tensor SqueezeAxes(const at::Tensor& input, const std::optional<std::vector<int64_t>>& axes) {
  std::vector<bool> removed(input.dim(), false);
  if (axes.has_value()) {
    removed = AxisMask(*axes, input.dim());
  } else {
    for (int64_t i = 0; i < input.dim(); i++) removed[i] = input.size(i) == 1;
  }
  std::vector<int64_t> shape;
  for (int64_t i = 0; i < input.dim(); i++) {
    if (!removed[i]) {
      shape.push_back(input.size(i));
    } else if (input.size(i) != 1) {
      throw OnnxError("cannot squeeze axis " + std::to_string(i) + " of size " + std::to_string(input.size(i)));
    }
  }
  return input.reshape(shape);
}

// Squeeze: axes are an input from opset 13, an attribute before.
std::vector<at::Tensor> Squeeze(NodeContext& node) {
  return {SqueezeAxes(node.input(0), IntsFromInputOrAttribute(node, 1, "axes"))};
}

at::Tensor InsertAxes(const at::Tensor& input, const std::vector<int64_t>& axes) {
  const int64_t rank = input.dim() + static_cast<int64_t>(axes.size());
  const std::vector<bool> inserted = AxisMask(axes, rank);
  std::vector<int64_t> shape;
  int64_t next = 0;
  for (int64_t i = 0; i < rank; i++) shape.push_back(inserted[i] ? 1 : input.size(next++));
  return input.reshape(shape);
}

// Unsqueeze: axes are an input from opset 13, an attribute before.
std::vector<at::Tensor> Unsqueeze(NodeContext& node) {
  const auto axes = IntsFromInputOrAttribute(node, 1, "axes");
  if (!axes.has_value()) throw OnnxError("missing axes");
  return {InsertAxes(node.input(0), *axes)};
}

std::vector<at::Tensor> Concat(NodeContext& node) {
  if (node.opset() >= 4 && !node.has_attribute("axis")) throw OnnxError("missing attribute 'axis'");
  std::vector<at::Tensor> inputs;
  for (size_t i = 0; i < node.input_count(); i++) {
    if (node.has_input(i)) inputs.push_back(node.input(i));
  }
  if (inputs.empty()) throw OnnxError("Concat needs at least one input");
  const int64_t rank = inputs[0].dim();
  for (const auto& input : inputs) {
    if (input.dim() != rank) throw OnnxError("the inputs have different ranks");
  }
  return {at::cat(inputs, NormalizeAxis(node.attribute_int("axis", 1), rank))};
}

// Split: sizes are an input from opset 13 (and optionally at opset 1), an attribute in between; without
// them the axis splits into equal parts, one per output.
std::vector<at::Tensor> Split(NodeContext& node) {
  const at::Tensor& input = node.input(0);
  const int64_t axis = NormalizeAxis(node.attribute_int("axis", 0), input.dim());
  const int64_t length = input.size(axis);
  const auto parts = static_cast<int64_t>(node.output_count());
  std::vector<int64_t> sizes = IntsFromInputOrAttribute(node, 1, "split").value_or(std::vector<int64_t>{});
  if (sizes.empty()) {
    if (parts == 0 || length % parts != 0) {
      throw OnnxError("axis of size " + std::to_string(length) + " cannot be split into " + std::to_string(parts) +
                      " equal parts");
    }
    sizes.assign(parts, length / parts);
  }
  if (static_cast<int64_t>(sizes.size()) != parts) throw OnnxError("split has a different length than the outputs");
  int64_t total = 0;
  for (int64_t size : sizes) {
    if (size < 0) throw OnnxError("split has a negative size");
    total += size;
    if (total > length) break;
  }
  if (total != length) throw OnnxError("split does not add up to the axis size " + std::to_string(length));
  return at::split_with_sizes(input, sizes, axis);
}

std::vector<at::Tensor> Shape(NodeContext& node) {
  const at::IntArrayRef sizes = node.input(0).sizes();
  const auto rank = static_cast<int64_t>(sizes.size());
  auto clamp_to_rank = [rank](int64_t position) {
    return std::clamp(position < 0 ? position + rank : position, int64_t{0}, rank);
  };
  const int64_t start = clamp_to_rank(node.attribute_int("start", 0));
  const int64_t end = std::max(start, clamp_to_rank(node.attribute_int("end", rank)));
  return {at::tensor(sizes.slice(start, end - start), at::kLong)};
}

std::vector<at::Tensor> Size(NodeContext& node) {
  return {at::scalar_tensor(node.input(0).numel(), at::kLong)};
}

std::vector<at::Tensor> Identity(NodeContext& node) {
  return {node.input(0)};
}

// Expand: the input and the shape broadcast against each other (numpy rules, both ways).
std::vector<at::Tensor> Expand(NodeContext& node) {
  const at::Tensor& input = node.input(0);
  const std::vector<int64_t> shape = IntListInput(node.input(1), "shape");
  const auto rank = static_cast<int64_t>(std::max<size_t>(shape.size(), input.dim()));
  std::vector<int64_t> result(rank);
  for (int64_t i = 0; i < rank; i++) {
    const int64_t from_input = i - (rank - input.dim());
    const int64_t from_shape = i - (rank - static_cast<int64_t>(shape.size()));
    const int64_t a = from_input >= 0 ? input.size(from_input) : 1;
    const int64_t b = from_shape >= 0 ? shape[from_shape] : 1;
    if (b < 0) throw OnnxError("the shape has a negative dimension " + std::to_string(b));
    if (a != b && a != 1 && b != 1) {
      throw OnnxError("cannot broadcast " + ShapeText(input.sizes()) + " to " + ShapeText(shape));
    }
    result[i] = a == 1 ? b : a;
  }
  CheckAllocation(result, "Expand");
  return {input.expand(result)};
}

at::Tensor Repeat(const at::Tensor& input, const std::vector<int64_t>& repeats) {
  if (static_cast<int64_t>(repeats.size()) != input.dim()) throw OnnxError("repeats must have one value per axis");
  std::vector<int64_t> shape(repeats.size());
  for (size_t i = 0; i < repeats.size(); i++) {
    if (repeats[i] < 0) throw OnnxError("repeats has a negative value");
    shape[i] = MultiplyChecked(input.size(static_cast<int64_t>(i)), repeats[i], "Tile");
  }
  CheckAllocation(shape, "Tile");
  return input.repeat(repeats);
}

std::vector<at::Tensor> Tile(NodeContext& node) {
  return {Repeat(node.input(0), IntListInput(node.input(1), "repeats"))};
}

// Tile before opset 6: `tiles` copies along one `axis`, both given as scalar inputs.
std::vector<at::Tensor> TileAlongAxis(NodeContext& node) {
  const at::Tensor& input = node.input(0);
  // The scalars may be floats: convert only values an int64 can hold.
  auto integer = [](const at::Tensor& scalar, const char* what) {
    const double value = ToScalar(scalar);
    if (!(std::fabs(value) <= static_cast<double>(kMaxTensorElements)))
      throw OnnxError(std::string(what) + " is out of range");
    return static_cast<int64_t>(value);
  };
  std::vector<int64_t> repeats(input.dim(), 1);
  repeats[NormalizeAxis(integer(node.input(2), "axis"), input.dim())] = integer(node.input(1), "tiles");
  return {Repeat(input, repeats)};
}

int64_t BlockSize(const NodeContext& node) {
  const int64_t block = node.attribute_int("blocksize", 0);
  if (block <= 0) throw OnnxError("blocksize must be positive");
  return block;
}

std::vector<at::Tensor> DepthToSpace(NodeContext& node) {
  const at::Tensor& input = node.input(0);
  if (input.dim() != 4) throw OnnxError("the input must be 4-D");
  const int64_t block = BlockSize(node);
  const int64_t n = input.size(0), c = input.size(1), h = input.size(2), w = input.size(3);
  if (block > c || c % (block * block) != 0) throw OnnxError("channels are not divisible by blocksize squared");
  const int64_t depth = c / (block * block);
  const std::string mode = node.attribute_string("mode", "DCR");
  at::Tensor blocks;
  if (mode == "DCR") {
    blocks = input.reshape({n, block, block, depth, h, w}).permute({0, 3, 4, 1, 5, 2});
  } else if (mode == "CRD") {
    blocks = input.reshape({n, depth, block, block, h, w}).permute({0, 1, 4, 2, 5, 3});
  } else {
    throw OnnxError("unknown mode '" + mode + "'");
  }
  return {blocks.reshape({n, depth, h * block, w * block})};
}

std::vector<at::Tensor> SpaceToDepth(NodeContext& node) {
  const at::Tensor& input = node.input(0);
  if (input.dim() != 4) throw OnnxError("the input must be 4-D");
  const int64_t block = BlockSize(node);
  const int64_t n = input.size(0), c = input.size(1), h = input.size(2), w = input.size(3);
  if (h % block != 0 || w % block != 0) throw OnnxError("height and width are not divisible by blocksize");
  return {input.reshape({n, c, h / block, block, w / block, block})
              .permute({0, 3, 5, 1, 2, 4})
              .reshape({n, c * block * block, h / block, w / block})};
}

}  // namespace

void RegisterShapeOperators(OperatorRegistry& registry) {
  registry.Add("Reshape", 1, kMaxOpset, Reshape);
  registry.Add("Flatten", 1, kMaxOpset, Flatten);
  registry.Add("Transpose", 1, kMaxOpset, Transpose);
  registry.Add("Squeeze", 1, kMaxOpset, Squeeze);
  registry.Add("Unsqueeze", 1, kMaxOpset, Unsqueeze);
  registry.Add("Concat", 1, kMaxOpset, Concat);
  registry.Add("Split", 1, kMaxOpset, Split);
  registry.Add("Shape", 1, kMaxOpset, Shape);
  registry.Add("Size", 1, kMaxOpset, Size);
  registry.Add("Identity", 1, kMaxOpset, Identity);
  registry.Add("Expand", 8, kMaxOpset, Expand);
  registry.Add("Tile", 1, 5, TileAlongAxis);
  registry.Add("Tile", 6, kMaxOpset, Tile);
  registry.Add("DepthToSpace", 1, kMaxOpset, DepthToSpace);
  registry.Add("SpaceToDepth", 1, kMaxOpset, SpaceToDepth);
  RegisterShapeValueOperators(registry);
}

}  // namespace quarry::ml::onnx
