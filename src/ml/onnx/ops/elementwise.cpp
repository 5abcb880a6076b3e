// ONNX operators: the binary elementwise family (Add, Sub, Mul, Div, Pow, Mod, PRelu, BitShift), comparisons
// (Equal, Greater, Less, GreaterOrEqual, LessOrEqual), logic (Not, And, Or, Xor), Where, the variadic Min, Max,
// Sum and Mean, and Cast/CastLike; registers the unary operators of elementwise_unary.cpp too. All broadcast
// numpy-style (opsets before 7 also take the legacy `broadcast`/`axis` attributes).
#include <onnx/onnx_pb.h>

#include <optional>
#include <string>
#include <string_view>

#include "ml/onnx/kernel.hpp"
#include "ml/onnx/ops/elementwise_util.hpp"

namespace quarry::ml::onnx {
namespace {

// A binary operator: its result for inputs a and b (attributes read from the node).
using BinaryCompute = at::Tensor (*)(const NodeContext& node, const at::Tensor& a, const at::Tensor& b);

// A binary operator computed into `target` (one of its inputs), for floating-point inputs.
using InPlaceCompute = void (*)(at::Tensor& target, const at::Tensor& other);

struct BinaryOperator {
  const char* name;
  int since;  // the operator's first opset; later versions only add types and numpy broadcasting
  BinaryCompute compute;
  bool same_types;                    // ONNX requires both inputs to have one type (ATen would promote instead)
  InPlaceCompute in_place = nullptr;  // computes a op= b (or b op= a when commutative)
  bool commutative = false;
};

void RequireSameTypes(const at::Tensor& a, const at::Tensor& b) {
  if (a.scalar_type() != b.scalar_type()) {
    throw OnnxError(std::string("the inputs have different types (") + c10::toString(a.scalar_type()) + " and " +
                    c10::toString(b.scalar_type()) + ")");
  }
}

// Opsets before 7 broadcast only when `broadcast` is set, aligning b's dimensions with a's from `axis` on
// (without `axis`, with a's trailing dimensions, as numpy does).
at::Tensor AlignLegacyBroadcast(const NodeContext& node, const at::Tensor& a, const at::Tensor& b) {
  if (node.opset() >= 7 || node.attribute_int("broadcast", 0) == 0 || !node.has_attribute("axis")) return b;
  const int64_t axis = NormalizeAxis(node.attribute_int("axis", 0), a.dim());
  if (axis + b.dim() > a.dim()) throw OnnxError("the second input does not fit the first from `axis` on");
  std::vector<int64_t> shape(b.sizes().begin(), b.sizes().end());
  shape.resize(static_cast<size_t>(a.dim() - axis), 1);
  return b.reshape(shape);
}

// Integers divide truncating toward zero (C semantics), as ONNX runtimes do; floats divide exactly.
at::Tensor Divide(const NodeContext&, const at::Tensor& a, const at::Tensor& b) {
  return IsIntegral(a) ? at::div(a, b, "trunc") : at::div(a, b);
}

// The result has the base's type, whatever the exponent's; one-value exponents use ATen's scalar fast paths
// (x^2, x^0.5, ...) when they do not change the result's shape.
at::Tensor Power(const NodeContext&, const at::Tensor& base, const at::Tensor& exponent) {
  const bool scalar_exponent = exponent.numel() == 1 && exponent.dim() <= base.dim();
  at::Tensor result = scalar_exponent ? at::pow(base, exponent.item()) : at::pow(base, exponent);
  return result.scalar_type() == base.scalar_type() ? result : result.to(base.scalar_type());
}

// fmod=1: the remainder has the dividend's sign (C fmod); fmod=0: the divisor's sign (Python's %).
at::Tensor Modulo(const NodeContext& node, const at::Tensor& a, const at::Tensor& b) {
  return node.attribute_int("fmod", 0) != 0 ? at::fmod(a, b) : at::remainder(a, b);
}

// Whether slope holds one value per channel (x's dimension 1): broadcast to x's trailing dimensions, or
// before opset 7, a 1-D slope of one value per channel.
bool IsPerChannel(const NodeContext& node, const at::Tensor& x, const at::Tensor& slope) {
  if (x.dim() < 2 || slope.dim() > x.dim() || slope.numel() != x.size(1)) return false;
  if (node.opset() < 7 && slope.dim() == 1) return true;
  const int64_t channel = 1 - (x.dim() - slope.dim());  // slope's dimension aligned with x's channels
  return channel >= 0 && slope.size(channel) == x.size(1);
}

// x where x >= 0, else slope * x; slope broadcasts to x (one value, or one per channel: ATen's prelu kernel).
at::Tensor ParametricRelu(const NodeContext& node, const at::Tensor& x, const at::Tensor& slope) {
  if (slope.numel() == 1 || IsPerChannel(node, x, slope)) {
    return ComputeInFloat(
        x, [&](const at::Tensor& value) { return at::prelu(value, slope.reshape({-1}).to(value.scalar_type())); });
  }
  return at::where(x < 0, x * slope, x);
}

at::Tensor BitShift(const NodeContext& node, const at::Tensor& a, const at::Tensor& b) {
  const std::string direction = node.attribute_string("direction", "");
  if (direction == "LEFT") return at::bitwise_left_shift(a, b);
  if (direction == "RIGHT") return at::bitwise_right_shift(a, b);
  throw OnnxError("direction must be LEFT or RIGHT, not '" + direction + "'");
}

const BinaryOperator kBinaryOperators[] = {
    {"Sub", 1, [](const NodeContext&, const at::Tensor& a, const at::Tensor& b) { return at::sub(a, b); }, true,
     [](at::Tensor& a, const at::Tensor& b) { a.sub_(b); }},
    {"Mul", 1, [](const NodeContext&, const at::Tensor& a, const at::Tensor& b) { return at::mul(a, b); }, true,
     [](at::Tensor& a, const at::Tensor& b) { a.mul_(b); }, true},
    {"Div", 1, Divide, true, [](at::Tensor& a, const at::Tensor& b) { a.div_(b); }},
    {"Pow", 1, Power, false},
    {"Mod", 10, Modulo, true},
    {"PRelu", 1, ParametricRelu, true},
    {"BitShift", 11, BitShift, true},
    {"Equal", 1, [](const NodeContext&, const at::Tensor& a, const at::Tensor& b) { return at::eq(a, b); }, false},
    {"Greater", 1, [](const NodeContext&, const at::Tensor& a, const at::Tensor& b) { return at::gt(a, b); }, false},
    {"Less", 1, [](const NodeContext&, const at::Tensor& a, const at::Tensor& b) { return at::lt(a, b); }, false},
    {"GreaterOrEqual", 12, [](const NodeContext&, const at::Tensor& a, const at::Tensor& b) { return at::ge(a, b); },
     false},
    {"LessOrEqual", 12, [](const NodeContext&, const at::Tensor& a, const at::Tensor& b) { return at::le(a, b); },
     false},
    {"And", 1, [](const NodeContext&, const at::Tensor& a, const at::Tensor& b) { return at::logical_and(a, b); },
     false},
    {"Or", 1, [](const NodeContext&, const at::Tensor& a, const at::Tensor& b) { return at::logical_or(a, b); }, false},
    {"Xor", 1, [](const NodeContext&, const at::Tensor& a, const at::Tensor& b) { return at::logical_xor(a, b); },
     false},
};

// The inputs a binary node may overwrite with its result: the node holds their memory alone (checked
// before any copy of the tensors adds a reference), and they have the result's shape and type.
struct FreeOperands {
  explicit FreeOperands(const NodeContext& node) : exclusive{node.input_is_exclusive(0), node.input_is_exclusive(1)} {}

  // Runs compute(target, other) into a (or b, when `commutative`) if it may take the result; returns
  // the result, or nothing when neither may.
  template <typename InPlace>
  std::optional<at::Tensor> Into(const at::Tensor& a, const at::Tensor& b, bool commutative, InPlace compute) const {
    for (size_t i = 0; i < (commutative ? 2 : 1); i++) {
      at::Tensor target = i == 0 ? a : b;
      const at::Tensor& other = i == 0 ? b : a;
      if (!exclusive[i] || target.scalar_type() != other.scalar_type() ||
          at::infer_size(target.sizes(), other.sizes()) != target.sizes().vec()) {
        continue;
      }
      compute(target, other);
      return target;
    }
    return std::nullopt;
  }

  bool exclusive[2];
};

Kernel BinaryKernel(const BinaryOperator& op) {
  return [op](NodeContext& node) -> std::vector<at::Tensor> {
    const FreeOperands free(node);
    const at::Tensor& a = node.input(0);
    const at::Tensor b = AlignLegacyBroadcast(node, a, node.input(1));
    if (op.same_types) RequireSameTypes(a, b);
    if (op.in_place != nullptr && a.is_floating_point()) {
      if (auto result = free.Into(a, b, op.commutative, op.in_place)) return {*result};
    }
    return {op.compute(node, a, b)};
  };
}

// Add, with a fused activation (a Relu in the same pass, as PyTorch's add_relu) and in place when an
// input's memory is free.
std::vector<at::Tensor> Add(NodeContext& node) {
  const FreeOperands free(node);
  const at::Tensor& a = node.input(0);
  const at::Tensor b = AlignLegacyBroadcast(node, a, node.input(1));
  RequireSameTypes(a, b);
  const FusedActivation activation = node.activation();
  const bool relu = activation == FusedActivation::kRelu;
  auto result = free.Into(a, b, true, [relu](at::Tensor& target, const at::Tensor& other) {
    relu ? at::_add_relu_(target, other) : target.add_(other);
  });
  at::Tensor sum = result ? *result : relu ? at::_add_relu(a, b) : at::add(a, b);
  if (!relu) ApplyActivationInPlace(sum, activation);
  return {sum};
}

// Min, Max, Sum and Mean fold their inputs (one or more, broadcasting) with a binary ATen operation.
using Fold = at::Tensor (*)(const at::Tensor& a, const at::Tensor& b);

at::Tensor FoldInputs(const NodeContext& node, Fold fold) {
  if (node.input_count() == 0) throw OnnxError("expects at least one input");
  at::Tensor result = node.input(0);
  for (size_t i = 1; i < node.input_count(); i++) {
    RequireSameTypes(result, node.input(i));
    result = fold(result, node.input(i));
  }
  return result;
}

at::Tensor Plus(const at::Tensor& a, const at::Tensor& b) {
  return at::add(a, b);
}

Kernel VariadicKernel(Fold fold) {
  return [fold](NodeContext& node) -> std::vector<at::Tensor> { return {FoldInputs(node, fold)}; };
}

std::vector<at::Tensor> Mean(NodeContext& node) {
  const at::Tensor sum = FoldInputs(node, Plus);
  if (node.input_count() == 1) return {sum};
  return {at::div(sum, static_cast<int64_t>(node.input_count()))};
}

std::vector<at::Tensor> Not(NodeContext& node) {
  return {at::logical_not(node.input(0))};
}

std::vector<at::Tensor> Where(NodeContext& node) {
  at::Tensor condition = node.input(0);
  if (condition.scalar_type() != at::kBool) condition = condition.to(at::kBool);
  const at::Tensor& x = node.input(1);
  const at::Tensor& y = node.input(2);
  RequireSameTypes(x, y);
  return {at::where(condition, x, y)};
}

// Cast's target type: the TensorProto.DataType code of `to`, a name such as "FLOAT" before opset 6.
at::ScalarType CastTarget(const NodeContext& node) {
  if (!node.has_attribute("to")) throw OnnxError("missing attribute 'to'");
  if (node.opset() >= 6) return ScalarTypeFromOnnx(static_cast<int32_t>(node.attribute_int("to", 0)));
  const std::string name = node.attribute_string("to", "");
  ::onnx::TensorProto_DataType type;
  if (!::onnx::TensorProto_DataType_Parse(name, &type)) throw OnnxError("unknown data type '" + name + "'");
  return ScalarTypeFromOnnx(type);
}

std::vector<at::Tensor> Cast(NodeContext& node) {
  return {node.input(0).to(CastTarget(node))};
}

std::vector<at::Tensor> CastLike(NodeContext& node) {
  return {node.input(0).to(node.input(1).scalar_type())};
}

}  // namespace

void RegisterElementwiseOperators(OperatorRegistry& registry) {
  for (const BinaryOperator& op : kBinaryOperators) {
    if (std::string_view(op.name) != "Mul") {
      registry.Add(op.name, op.since, kMaxOpset, BinaryKernel(op));
      continue;
    }
    registry.Add(op.name, op.since, kMaxOpset, WithBlockedGate(BinaryKernel(op))).takes_blocked = {0, 1};
  }
  registry.Add("Add", 1, kMaxOpset, Add).applies_fused_activation = true;
  registry.Add("Min", 1, kMaxOpset,
               VariadicKernel([](const at::Tensor& a, const at::Tensor& b) { return at::minimum(a, b); }));
  registry.Add("Max", 1, kMaxOpset,
               VariadicKernel([](const at::Tensor& a, const at::Tensor& b) { return at::maximum(a, b); }));
  registry.Add("Sum", 1, kMaxOpset, VariadicKernel(Plus));
  registry.Add("Mean", 1, kMaxOpset, Mean);
  registry.Add("Not", 1, kMaxOpset, Not);
  registry.Add("Where", 9, kMaxOpset, Where);
  registry.Add("Cast", 1, kMaxOpset, Cast);
  registry.Add("CastLike", 15, kMaxOpset, CastLike);
  RegisterUnaryElementwiseOperators(registry);
}

}  // namespace quarry::ml::onnx
