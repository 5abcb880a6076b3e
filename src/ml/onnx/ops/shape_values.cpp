// ONNX operators of the shape family that produce values: Constant, ConstantOfShape, Range, EyeLike, Trilu,
// Pad and Dropout (identity at inference; numpy-compatible random masks in training mode).
#include <cmath>
#include <random>
#include <string>

#include "ml/onnx/kernel.hpp"
#include "ml/onnx/ops/shape_util.hpp"

namespace quarry::ml::onnx {
namespace {

at::Tensor FloatList(const std::vector<float>& values) {
  return at::tensor(at::ArrayRef<float>(values), at::kFloat);
}

at::Tensor IntList(const std::vector<int64_t>& values) {
  return at::tensor(at::ArrayRef<int64_t>(values), at::kLong);
}

std::vector<at::Tensor> Constant(NodeContext& node) {
  if (node.has_attribute("value")) return {node.attribute_tensor("value")};
  if (node.has_attribute("value_float")) return {at::scalar_tensor(node.attribute_float("value_float", 0), at::kFloat)};
  if (node.has_attribute("value_floats")) return {FloatList(node.attribute_floats("value_floats"))};
  if (node.has_attribute("value_int")) return {at::scalar_tensor(node.attribute_int("value_int", 0), at::kLong)};
  if (node.has_attribute("value_ints")) return {IntList(node.attribute_ints("value_ints"))};
  if (node.has_attribute("sparse_value")) throw OnnxError("sparse constants are not supported");
  if (node.has_attribute("value_string") || node.has_attribute("value_strings")) {
    throw OnnxError("string constants are not supported");
  }
  throw OnnxError("Constant has no value attribute");
}

std::vector<at::Tensor> ConstantOfShape(NodeContext& node) {
  const std::vector<int64_t> shape = IntListInput(node.input(0), "shape");
  CheckAllocation(shape, "ConstantOfShape");
  at::Tensor value = node.has_attribute("value") ? node.attribute_tensor("value") : at::zeros({1}, at::kFloat);
  if (value.numel() != 1) throw OnnxError("value must hold exactly one element");
  return {at::empty(shape, value.options()).fill_(value.reshape({}))};
}

// A one-element integer tensor's value (exact, unlike ToScalar's double).
int64_t IntScalar(const at::Tensor& tensor) {
  if (tensor.numel() != 1) throw OnnxError("expected a scalar, got " + std::to_string(tensor.numel()) + " values");
  return tensor.reshape({}).to(at::kLong).item<int64_t>();
}

// Range's element count, max(ceil((limit - start) / delta), 0), exactly for integer inputs.
int64_t RangeLength(const at::Tensor& start, const at::Tensor& limit, const at::Tensor& delta) {
  if (at::isIntegralType(start.scalar_type(), /*includeBool=*/false)) {
    const int64_t first = IntScalar(start);
    const int64_t last = IntScalar(limit);
    const int64_t step = IntScalar(delta);
    if (step == 0) throw OnnxError("delta must not be zero");
    // 128-bit arithmetic: limit - start and the division cannot overflow for any int64 inputs.
    const __int128 span = static_cast<__int128>(last) - first;
    if (span == 0 || (span > 0) != (step > 0)) return 0;
    const __int128 distance = span > 0 ? span : -span;
    const __int128 stride = step > 0 ? static_cast<__int128>(step) : -static_cast<__int128>(step);
    const __int128 count = (distance + stride - 1) / stride;
    if (count > kMaxTensorElements) throw OnnxError("the range is too long");
    return static_cast<int64_t>(count);
  }
  const double step = ToScalar(delta);
  if (step == 0) throw OnnxError("delta must not be zero");
  const double count = std::ceil((ToScalar(limit) - ToScalar(start)) / step);
  if (!(count < static_cast<double>(kMaxTensorElements) + 1)) throw OnnxError("the range is too long or not finite");
  return count > 0 ? static_cast<int64_t>(count) : 0;
}

std::vector<at::Tensor> Range(NodeContext& node) {
  const at::Tensor& start = node.input(0);
  const at::Tensor& limit = node.input(1);
  const at::Tensor& delta = node.input(2);
  for (const auto* scalar : {&start, &limit, &delta}) {
    if (scalar->numel() != 1) throw OnnxError("start, limit and delta must be scalars");
  }
  const int64_t length = RangeLength(start, limit, delta);
  CheckAllocation({length}, "Range");
  const at::ScalarType type = start.scalar_type();
  const at::ScalarType wide = at::isIntegralType(type, false) ? at::kLong : at::kDouble;
  const at::Tensor steps = at::arange(length, at::TensorOptions().dtype(wide));
  return {steps.mul(delta.reshape({}).to(wide)).add(start.reshape({}).to(wide)).to(type)};
}

std::vector<at::Tensor> EyeLike(NodeContext& node) {
  const at::Tensor& input = node.input(0);
  if (input.dim() != 2) throw OnnxError("the input must be 2-D");
  at::ScalarType type = input.scalar_type();
  if (node.has_attribute("dtype")) type = ScalarTypeFromOnnx(static_cast<int32_t>(node.attribute_int("dtype", 0)));
  at::Tensor result = at::zeros(input.sizes(), at::TensorOptions().dtype(type));
  result.diagonal(node.attribute_int("k", 0)).fill_(1);
  return {result};
}

std::vector<at::Tensor> Trilu(NodeContext& node) {
  const at::Tensor& input = node.input(0);
  if (input.dim() < 2) throw OnnxError("the input must have rank 2 or more");
  const int64_t k = node.has_input(1) ? IntScalar(node.input(1)) : 0;
  return {node.attribute_int("upper", 1) != 0 ? at::triu(input, k) : at::tril(input, k)};
}

// Pad's index along one axis for output positions `begin` before the input's start through `end`
// past its end: reflected (without repeating the edge) or clamped to the edge.
at::Tensor PadIndex(int64_t size, int64_t begin, int64_t end, bool reflect) {
  if (size == 0) throw OnnxError("cannot pad an empty axis in reflect or edge mode");
  at::Tensor index = at::arange(-begin, size + end, at::kLong);
  if (!reflect || size == 1) return index.clamp(0, size - 1);
  const int64_t period = 2 * (size - 1);
  index = index.remainder(period);
  return at::where(index >= size, period - index, index);
}

// Reflect or edge padding of the last axis alone (a signal before an STFT, a sequence): ATen's 1-D pad
// kernels in one call over the other axes flattened, instead of an index tensor and index_select. Undefined when
// the pads are not of that form (other axes, negative pads, a reflection as wide as the axis) or the input is not
// float32/float64.
at::Tensor PadLastAxisOnly(const at::Tensor& input, const std::vector<int64_t>& pads, bool reflect) {
  const int64_t rank = input.dim();
  if (rank < 1 || (input.scalar_type() != at::kFloat && input.scalar_type() != at::kDouble)) return {};
  for (int64_t axis = 0; axis + 1 < rank; axis++) {
    if (pads[axis] != 0 || pads[axis + rank] != 0) return {};
  }
  const int64_t width = input.size(-1), before = pads[rank - 1], after = pads[2 * rank - 1];
  if (before < 0 || after < 0 || width == 0 || input.numel() == 0) return {};
  if (reflect && (before >= width || after >= width)) return {};
  const at::Tensor rows = input.reshape({-1, width});
  const at::Tensor padded =
      reflect ? at::reflection_pad1d(rows, {before, after}) : at::replication_pad1d(rows, {before, after});
  std::vector<int64_t> shape(input.sizes().begin(), input.sizes().end());
  shape.back() = width + before + after;
  return padded.reshape(shape);
}

at::Tensor PadTensor(const at::Tensor& input, const std::vector<int64_t>& pads, const std::string& mode,
                     const at::Tensor& value) {
  const int64_t rank = input.dim();
  if (static_cast<int64_t>(pads.size()) != 2 * rank) throw OnnxError("pads must have two values per axis");
  std::vector<int64_t> shape(rank);
  for (int64_t axis = 0; axis < rank; axis++) {
    int64_t size = 0;
    if (__builtin_add_overflow(input.size(axis), pads[axis], &size) ||
        __builtin_add_overflow(size, pads[axis + rank], &size)) {
      throw OnnxError("pads overflow");
    }
    shape[axis] = size;
  }
  CheckAllocation(shape, "Pad");
  if (mode == "constant") {
    std::vector<int64_t> aten_pads;  // (begin, end) pairs from the last axis to the first
    for (int64_t axis = rank - 1; axis >= 0; axis--) {
      aten_pads.push_back(pads[axis]);
      aten_pads.push_back(pads[axis + rank]);
    }
    return at::constant_pad_nd(input, aten_pads, value.reshape({}).item());
  }
  if (mode != "reflect" && mode != "edge") throw OnnxError("unknown mode '" + mode + "'");
  if (at::Tensor padded = PadLastAxisOnly(input, pads, mode == "reflect"); padded.defined()) return padded;
  at::Tensor result = input;
  for (int64_t axis = 0; axis < rank; axis++) {
    if (pads[axis] == 0 && pads[axis + rank] == 0) continue;
    result = result.index_select(axis, PadIndex(input.size(axis), pads[axis], pads[axis + rank], mode == "reflect"));
  }
  return result;
}

// Pad: pads and the constant value are inputs from opset 11, attributes before (pads was "paddings" at
// opset 1).
std::vector<at::Tensor> Pad(NodeContext& node) {
  auto pads = IntsFromInputOrAttribute(node, 1, "pads");
  if (!pads.has_value()) pads = IntsFromInputOrAttribute(node, 1, "paddings");
  if (!pads.has_value()) throw OnnxError("missing pads");
  at::Tensor value = at::scalar_tensor(node.attribute_float("value", 0), at::kDouble);
  if (node.has_input(2)) {
    value = node.input(2);
    if (value.numel() != 1) throw OnnxError("constant_value must be a scalar");
  }
  return {PadTensor(node.input(0), *pads, node.attribute_string("mode", "constant"), value)};
}

// Training-mode dropout, drawing the keep mask as numpy does after np.random.seed(seed) (MT19937 with
// 53-bit doubles), so seeded models reproduce the ONNX reference.
std::vector<at::Tensor> RandomDropout(const NodeContext& node, const at::Tensor& input, double ratio) {
  if (!(ratio >= 0 && ratio < 1)) throw OnnxError("ratio must be in [0, 1)");
  const auto seed = node.has_attribute("seed") ? static_cast<uint32_t>(node.attribute_int("seed", 0))
                                               : static_cast<uint32_t>(std::random_device{}());
  std::mt19937 generator(seed);
  at::Tensor mask = at::empty(input.sizes(), at::kBool);
  bool* keep = mask.data_ptr<bool>();
  for (int64_t i = 0; i < mask.numel(); i++) {
    const uint32_t high = generator() >> 5, low = generator() >> 6;
    keep[i] = (high * 67108864.0 + low) / 9007199254740992.0 >= ratio;
  }
  const at::Tensor output = input * mask * (1 / (1 - ratio));
  return {output.to(input.scalar_type()), mask};
}

std::vector<at::Tensor> DropoutWithInputs(NodeContext& node) {
  const at::Tensor& input = node.input(0);
  const double ratio = node.has_input(1) ? ToScalar(node.input(1)) : 0.5;
  const bool training = node.has_input(2) && ToScalar(node.input(2)) != 0;
  if (training && ratio != 0) return RandomDropout(node, input, ratio);
  if (!node.output_wanted(1)) return {input};
  return {input, at::ones(input.sizes(), at::kBool)};
}

// Before opset 12 Dropout ran as identity at inference; the mask had the input's type before opset 10.
std::vector<at::Tensor> DropoutForInference(NodeContext& node) {
  const at::Tensor& input = node.input(0);
  if (!node.output_wanted(1)) return {input};
  return {input, at::ones(input.sizes(), node.opset() >= 10 ? at::TensorOptions(at::kBool) : input.options())};
}

}  // namespace

void RegisterShapeValueOperators(OperatorRegistry& registry) {
  registry.Add("Constant", 1, kMaxOpset, Constant);
  registry.Add("ConstantOfShape", 9, kMaxOpset, ConstantOfShape);
  registry.Add("Range", 11, kMaxOpset, Range);
  registry.Add("EyeLike", 9, kMaxOpset, EyeLike);
  registry.Add("Trilu", 14, kMaxOpset, Trilu);
  registry.Add("Pad", 1, kMaxOpset, Pad);
  registry.Add("Dropout", 1, 11, DropoutForInference);
  registry.Add("Dropout", 12, kMaxOpset, DropoutWithInputs);
}

}  // namespace quarry::ml::onnx
