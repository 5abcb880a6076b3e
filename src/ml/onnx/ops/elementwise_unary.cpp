// ONNX operators: unary elementwise math (Sqrt, Exp, Sin, Round, ...), activations (Relu, Sigmoid, LeakyRelu,
// Elu, Selu, Celu, HardSigmoid, HardSwish, Softplus, ...), Clip, IsNaN and IsInf. Each keeps its input's type
// (16-bit floats are computed in float32, which ATen's CPU kernels need); IsNaN and IsInf return bool.
#include <c10/util/Optional.h>

#include "ml/onnx/kernel.hpp"
#include "ml/onnx/ops/elementwise_util.hpp"
#include "ml/onnx/vector_activations.hpp"

namespace quarry::ml::onnx {
namespace {

// A unary operator: its result for input x (attributes read from the node).
using UnaryCompute = at::Tensor (*)(const NodeContext& node, const at::Tensor& x);

struct UnaryOperator {
  const char* name;
  int since;  // the operator's first opset; later versions only add input types
  UnaryCompute compute;
};

at::Tensor HardSigmoid(const NodeContext& node, const at::Tensor& x) {
  const double alpha = node.attribute_float("alpha", 0.2f);
  const double beta = node.attribute_float("beta", 0.5f);
  return at::mul(x, alpha).add_(beta).clamp_(0, 1);
}

at::Tensor Selu(const NodeContext& node, const at::Tensor& x) {
  const double alpha = node.attribute_float("alpha", 1.67326319217681884765625f);
  const double gamma = node.attribute_float("gamma", 1.05070102214813232421875f);
  return at::elu(x, alpha, gamma);
}

// Shrink: x + bias below -lambd, x - bias above lambd, else 0 (integers computed in float, then cast back).
at::Tensor Shrink(const NodeContext& node, const at::Tensor& x) {
  const double lambd = node.attribute_float("lambd", 0.5f);
  const double bias = node.attribute_float("bias", 0.0f);
  const at::Tensor value = IsIntegral(x) ? x.to(at::kFloat) : x;
  const at::Tensor zero = at::zeros({}, value.options());
  return at::where(value < -lambd, value + bias, at::where(value > lambd, value - bias, zero)).to(x.scalar_type());
}

// Operators that keep their input's type, computed in float32 for 16-bit floats.
const UnaryOperator kUnaryOperators[] = {
    {"Abs", 1, [](const NodeContext&, const at::Tensor& x) { return at::abs(x); }},
    {"Neg", 1, [](const NodeContext&, const at::Tensor& x) { return at::neg(x); }},
    {"Sign", 9, [](const NodeContext&, const at::Tensor& x) { return at::sign(x); }},
    {"Reciprocal", 1, [](const NodeContext&, const at::Tensor& x) { return at::reciprocal(x); }},
    {"Floor", 1, [](const NodeContext&, const at::Tensor& x) { return at::floor(x); }},
    {"Ceil", 1, [](const NodeContext&, const at::Tensor& x) { return at::ceil(x); }},
    {"Round", 11, [](const NodeContext&, const at::Tensor& x) { return at::round(x); }},  // half to even
    {"Sqrt", 1, [](const NodeContext&, const at::Tensor& x) { return at::sqrt(x); }},
    {"Exp", 1, [](const NodeContext&, const at::Tensor& x) { return at::exp(x); }},
    {"Log", 1, [](const NodeContext&, const at::Tensor& x) { return at::log(x); }},
    {"Erf", 9, [](const NodeContext&, const at::Tensor& x) { return at::erf(x); }},
    {"Sin", 7, [](const NodeContext&, const at::Tensor& x) { return at::sin(x); }},
    {"Cos", 7, [](const NodeContext&, const at::Tensor& x) { return at::cos(x); }},
    {"Tan", 7, [](const NodeContext&, const at::Tensor& x) { return at::tan(x); }},
    {"Asin", 7, [](const NodeContext&, const at::Tensor& x) { return at::asin(x); }},
    {"Acos", 7, [](const NodeContext&, const at::Tensor& x) { return at::acos(x); }},
    {"Atan", 7, [](const NodeContext&, const at::Tensor& x) { return at::atan(x); }},
    {"Sinh", 9, [](const NodeContext&, const at::Tensor& x) { return at::sinh(x); }},
    {"Cosh", 9, [](const NodeContext&, const at::Tensor& x) { return at::cosh(x); }},
    {"Tanh", 1, [](const NodeContext&, const at::Tensor& x) { return at::tanh(x); }},
    {"Asinh", 9, [](const NodeContext&, const at::Tensor& x) { return at::asinh(x); }},
    {"Acosh", 9, [](const NodeContext&, const at::Tensor& x) { return at::acosh(x); }},
    {"Atanh", 9, [](const NodeContext&, const at::Tensor& x) { return at::atanh(x); }},
    {"Relu", 1, [](const NodeContext&, const at::Tensor& x) { return at::relu(x); }},
    {"Sigmoid", 1, [](const NodeContext&, const at::Tensor& x) { return at::sigmoid(x); }},
    {"HardSwish", 14, [](const NodeContext&, const at::Tensor& x) { return at::hardswish(x); }},
    {"Softsign", 1, [](const NodeContext&, const at::Tensor& x) { return at::div(x, at::abs(x).add_(1)); }},
    {"Softplus", 1, [](const NodeContext&, const at::Tensor& x) { return at::softplus(x, 1, 20); }},
    {"LeakyRelu", 1,
     [](const NodeContext& node, const at::Tensor& x) {
       return at::leaky_relu(x, node.attribute_float("alpha", 0.01f));
     }},
    {"Elu", 1,
     [](const NodeContext& node, const at::Tensor& x) { return at::elu(x, node.attribute_float("alpha", 1.0f)); }},
    {"Celu", 12,
     [](const NodeContext& node, const at::Tensor& x) { return at::celu(x, node.attribute_float("alpha", 1.0f)); }},
    {"ThresholdedRelu", 10,
     [](const NodeContext& node, const at::Tensor& x) {
       return at::threshold(x, node.attribute_float("alpha", 1.0f), 0);
     }},
    {"HardSigmoid", 1, HardSigmoid},
    {"Selu", 1, Selu},
    {"Shrink", 9, Shrink},
};

// at::clamp with the bounds given; neither bound is the identity.
at::Tensor ClampBetween(const at::Tensor& x, const c10::optional<at::Scalar>& low,
                        const c10::optional<at::Scalar>& high) {
  if (!low && !high) return x;
  return ComputeInFloat(x, [&](const at::Tensor& value) { return at::clamp(value, low, high); });
}

// The plan's fusion of x * Clip(x + 3, 0, 6) / 6 (graph_fusion.cpp): ATen's hardswish computes exactly
// that, in that order; in place when x's memory is free.
std::vector<at::Tensor> FusedHardSwish(NodeContext& node) {
  const bool in_place = node.input_is_exclusive(0);  // before any copy of the tensor adds a reference
  at::Tensor x = node.input(0);
  if (!x.is_floating_point()) throw OnnxError("hard-swish needs a floating-point input");
  return {in_place ? at::hardswish_(x) : at::hardswish(x)};
}

// `function` of the node's input in one vectorized pass (vector_activations.hpp); in place when x's memory is
// free. 16-bit floats are computed in float32 by ATen (`aten`).
std::vector<at::Tensor> ApplyFusedFunction(NodeContext& node, VectorFunction function, const char* name,
                                           at::Tensor (*aten)(const at::Tensor&)) {
  const bool in_place = node.input_is_exclusive(0);  // before any copy of the tensor adds a reference
  at::Tensor x = node.input(0);
  if (!x.is_floating_point()) throw OnnxError(std::string(name) + " needs a floating-point input");
  if (x.scalar_type() != at::kFloat && x.scalar_type() != at::kDouble) return {ComputeInFloat(x, aten)};
  at::Tensor y = in_place ? x : x.clone();
  ApplyVectorFunctionInPlace(function, y);
  return {y};
}

// The plan's fusion of Mul(x, Sigmoid(x)) (graph_fusion.cpp): x / (1 + exp(-x)).
std::vector<at::Tensor> FusedSiLU(NodeContext& node) {
  return ApplyFusedFunction(node, VectorFunction::kSilu, "SiLU", [](const at::Tensor& x) { return at::silu(x); });
}

// The plan's fusion of x * 0.5 * (1 + erf(x / √2)) (graph_fusion.cpp): the erf GELU.
std::vector<at::Tensor> FusedGelu(NodeContext& node) {
  return ApplyFusedFunction(node, VectorFunction::kGelu, "GELU", [](const at::Tensor& x) { return at::gelu(x); });
}

// Clip before opset 11: bounds are the float attributes min and max.
std::vector<at::Tensor> ClipWithAttributes(NodeContext& node) {
  c10::optional<at::Scalar> low, high;
  if (node.has_attribute("min")) low = at::Scalar(static_cast<double>(node.attribute_float("min", 0)));
  if (node.has_attribute("max")) high = at::Scalar(static_cast<double>(node.attribute_float("max", 0)));
  return {ClampBetween(node.input(0), low, high)};
}

// A one-value optional bound input of Clip, keeping its type (int64 bounds stay exact).
c10::optional<at::Scalar> BoundInput(const NodeContext& node, size_t i) {
  if (!node.has_input(i)) return c10::nullopt;
  const at::Tensor& bound = node.input(i);
  if (bound.numel() != 1) throw OnnxError("the bounds of Clip must be scalars");
  return bound.item();
}

// Clip from opset 11: bounds are the optional inputs min and max.
std::vector<at::Tensor> ClipWithInputs(NodeContext& node) {
  return {ClampBetween(node.input(0), BoundInput(node, 1), BoundInput(node, 2))};
}

std::vector<at::Tensor> IsNaN(NodeContext& node) {
  return {at::isnan(node.input(0))};
}

std::vector<at::Tensor> IsInf(NodeContext& node) {
  const at::Tensor& x = node.input(0);
  const bool positive = node.attribute_int("detect_positive", 1) != 0;
  const bool negative = node.attribute_int("detect_negative", 1) != 0;
  if (positive && negative) return {at::isinf(x)};
  if (positive) return {at::isposinf(x)};
  if (negative) return {at::isneginf(x)};
  return {at::zeros(x.sizes(), x.options().dtype(at::kBool))};
}

}  // namespace

void RegisterUnaryElementwiseOperators(OperatorRegistry& registry) {
  for (const UnaryOperator& op : kUnaryOperators) {
    registry.Add(op.name, op.since, kMaxOpset, [compute = op.compute](NodeContext& node) -> std::vector<at::Tensor> {
      return {ComputeInFloat(node.input(0), [&](const at::Tensor& x) { return compute(node, x); })};
    });
  }
  registry.Add("HardSwish", 1, kMaxOpset, FusedHardSwish, kFusedDomain);
  registry.Add("SiLU", 1, kMaxOpset, FusedSiLU, kFusedDomain);
  registry.Add("Gelu", 1, kMaxOpset, FusedGelu, kFusedDomain);
  registry.Add("Clip", 1, 10, ClipWithAttributes);
  registry.Add("Clip", 11, kMaxOpset, ClipWithInputs);
  registry.Add("IsNaN", 9, kMaxOpset, IsNaN);
  registry.Add("IsInf", 10, kMaxOpset, IsInf);
}

}  // namespace quarry::ml::onnx
