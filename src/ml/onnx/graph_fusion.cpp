// GraphPlan's rewrites of its steps after constant folding (see graph_plan.hpp): patterns that become one
// step, so a model's elementwise tail costs one pass over memory instead of several.
//
// - Hard-swish spelled out, as paddle2onnx and older exporters write it: with x any value,
//     a = Add(x, 3); c = Clip(a, 0, 6); m = Mul(x, c); y = Div(m, 6)
//   (constants 3 and 6 as float scalars, either operand order for Add and Mul) → y = hardswish(x), one
//   ATen kernel computing x * min(max(x + 3, 0), 6) / 6 in the same order, in place when it may.
//   a, c and m must have no other reader. PP-OCRv4 has 24 in its detector, 28 in its recognizer.
// - SiLU (Swish) spelled out, as torch exports torch.nn.SiLU: s = Sigmoid(x); y = Mul(x, s) (either
//   operand order) → y = silu(x), one pass, in place when it may. s must have no other reader. 49 in
//   efficientnet_b0. (A squeeze-excitation gate, Mul(x, Sigmoid(y)) with y another value, is not one.)
// - GELU spelled out with erf, as torch exports torch.nn.GELU and as Hugging Face models write it, with
//   e = Erf(Div(x, √2)) (or Erf(Mul(x, 1/√2))) and a = Add(e, 1) (operands either way):
//     y = Mul(Mul(x, a), 0.5)   or   y = Mul(Mul(x, 0.5), a)
//   → y = gelu(x), ATen's one vectorized pass (its erf alone is a slow scalar loop here). The parts must
//   have no other reader. 18 in convnext_tiny, 12 in swin_t.
// - A convolution's output added to another value, as residual networks do: r any value, c only read by a
//     y = Add(c, r)  (either order), c = Conv(x, w[, b]) with no fused activation
//   → y = ConvAdd(x, w, b, r) at the Add's place, with the Conv's attributes: the convolution adds r as it
//   writes (ops/convolution.cpp). Of two such Convs (a projection shortcut) the later one takes the Add.
//   16 in resnet50.
// - A Relu that alone reads the output of a node whose kernel applies fused activations (Conv, Add)
//   becomes that node's activation.
#include <onnx/onnx_pb.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "ml/onnx/graph_plan.hpp"

namespace quarry::ml::onnx {
namespace {

bool IsOperator(const ::onnx::NodeProto& node, const char* op_type) {
  return node.op_type() == op_type && (node.domain().empty() || node.domain() == "ai.onnx");
}

std::optional<float> FloatAttribute(const ::onnx::NodeProto& node, const std::string& name) {
  for (const auto& attribute : node.attribute()) {
    if (attribute.name() == name && attribute.type() == ::onnx::AttributeProto::FLOAT) return attribute.f();
  }
  return std::nullopt;
}

// The activation a one-input step computes, by its kernel (fusions before may have replaced the node's
// own operator): Relu, HardSwish (ONNX's or the fused spelled-out one), the fused SiLU and GELU, Sigmoid (one
// that is not half of a SiLU: those fused before), and HardSigmoid with PyTorch's alpha and beta.
FusedActivation ActivationComputedBy(const OperatorSchema& schema, const ::onnx::NodeProto& node) {
  const bool onnx = schema.domain.empty() || schema.domain == "ai.onnx";
  if (onnx && schema.op_type == "Relu") return FusedActivation::kRelu;
  if (onnx && schema.op_type == "Sigmoid") return FusedActivation::kSigmoid;
  if (onnx && schema.op_type == "HardSigmoid" && FloatAttribute(node, "alpha") == kHardSigmoidAlpha &&
      FloatAttribute(node, "beta").value_or(0.5f) == kHardSigmoidBeta) {
    return FusedActivation::kHardSigmoid;
  }
  if ((onnx || schema.domain == kFusedDomain) && schema.op_type == "HardSwish") return FusedActivation::kHardSwish;
  if (schema.domain == kFusedDomain && schema.op_type == "SiLU") return FusedActivation::kSilu;
  if (schema.domain == kFusedDomain && schema.op_type == "Gelu") return FusedActivation::kGelu;
  return FusedActivation::kNone;
}

}  // namespace

void GraphPlan::DropSteps(const std::vector<bool>& dropped) {
  std::vector<Step> kept;
  kept.reserve(steps_.size());
  for (size_t i = 0; i < steps_.size(); i++) {
    if (!dropped[i]) kept.push_back(std::move(steps_[i]));
  }
  steps_ = std::move(kept);
}

std::vector<int> GraphPlan::Producers() const {
  std::vector<int> producer(slot_names_.size(), -1);
  for (size_t i = 0; i < steps_.size(); i++) {
    for (int slot : steps_[i].outputs) {
      if (slot >= 0) producer[slot] = static_cast<int>(i);
    }
  }
  return producer;
}

int GraphPlan::SoleProducer(int slot, const char* op_type, const std::vector<int>& producer,
                            const std::vector<int>& reads) const {
  if (slot < 0 || producer[slot] < 0 || reads[slot] != 1) return -1;
  const Step& step = steps_[producer[slot]];
  return IsOperator(*step.node, op_type) && step.outputs.size() == 1 ? producer[slot] : -1;
}

std::optional<double> GraphPlan::FloatScalar(int slot) const {
  if (slot < 0 || !constants_[slot].defined()) return std::nullopt;
  const at::Tensor& value = constants_[slot];
  if (value.numel() != 1 || value.scalar_type() != at::kFloat) return std::nullopt;
  return value.item<double>();
}

void GraphPlan::FuseHardSwish() {
  const OperatorSchema* fused = Operators().Find(kFusedDomain, "HardSwish", 1);
  if (fused == nullptr) return;
  const std::vector<int> reads = ReadCounts();
  const std::vector<int> producer = Producers();
  auto scalar = [this](int slot) { return FloatScalar(slot); };
  auto sole = [&](int slot, const char* op_type) { return SoleProducer(slot, op_type, producer, reads); };

  std::vector<bool> dropped(steps_.size(), false);
  for (Step& divide : steps_) {
    if (!IsOperator(*divide.node, "Div") || divide.inputs.size() != 2 || scalar(divide.inputs[1]) != 6.0) continue;
    const int multiply = sole(divide.inputs[0], "Mul");
    if (multiply < 0 || steps_[multiply].inputs.size() != 2) continue;
    for (int side = 0; side < 2; side++) {
      const int x = steps_[multiply].inputs[1 - side];
      const int clip = sole(steps_[multiply].inputs[side], "Clip");
      if (x < 0 || clip < 0 || steps_[clip].inputs.empty()) continue;
      const Step& clip_step = steps_[clip];
      const bool bounds_0_6 =
          clip_step.opset < 11
              ? FloatAttribute(*clip_step.node, "min") == 0.0F && FloatAttribute(*clip_step.node, "max") == 6.0F
              : clip_step.inputs.size() == 3 && scalar(clip_step.inputs[1]) == 0.0 &&
                    scalar(clip_step.inputs[2]) == 6.0;
      const int add = sole(clip_step.inputs[0], "Add");
      if (!bounds_0_6 || add < 0 || steps_[add].inputs.size() != 2) continue;
      const auto& add_inputs = steps_[add].inputs;
      const bool adds_3_to_x =
          (add_inputs[0] == x && scalar(add_inputs[1]) == 3.0) || (add_inputs[1] == x && scalar(add_inputs[0]) == 3.0);
      if (!adds_3_to_x) continue;
      divide.inputs = {x};
      divide.schema = fused;
      dropped[multiply] = dropped[clip] = dropped[add] = true;
      break;
    }
  }
  DropSteps(dropped);
}

void GraphPlan::FuseSiLU() {
  const OperatorSchema* fused = Operators().Find(kFusedDomain, "SiLU", 1);
  if (fused == nullptr) return;
  const std::vector<int> reads = ReadCounts();
  const std::vector<int> producer = Producers();
  std::vector<bool> dropped(steps_.size(), false);
  for (Step& multiply : steps_) {
    if (!IsOperator(*multiply.node, "Mul") || multiply.inputs.size() != 2) continue;
    for (int side = 0; side < 2; side++) {
      const int x = multiply.inputs[1 - side];
      const int sigmoid = SoleProducer(multiply.inputs[side], "Sigmoid", producer, reads);
      if (x < 0 || sigmoid < 0 || steps_[sigmoid].inputs != std::vector<int>{x}) continue;
      multiply.inputs = {x};
      multiply.schema = fused;
      dropped[sigmoid] = true;
      break;
    }
  }
  DropSteps(dropped);
}

void GraphPlan::FuseGelu() {
  const OperatorSchema* fused = Operators().Find(kFusedDomain, "Gelu", 1);
  if (fused == nullptr) return;
  const std::vector<int> reads = ReadCounts();
  const std::vector<int> producer = Producers();
  auto sole = [&](int slot, const char* op_type) { return SoleProducer(slot, op_type, producer, reads); };
  auto near = [this](int slot, double value) {
    const std::optional<double> constant = FloatScalar(slot);
    return constant && std::abs(*constant - value) <= 1e-6 * value;
  };
  // The other operand of the two-input step `step` when one of them is the constant `value`, else -1.
  auto times_constant = [&](int step, double value) {
    if (step < 0 || steps_[step].inputs.size() != 2) return -1;
    const auto& inputs = steps_[step].inputs;
    if (near(inputs[1], value)) return inputs[0];
    return near(inputs[0], value) ? inputs[1] : -1;
  };
  // The steps computing `slot` = 1 + erf(x / √2) for this one reader (Add, Erf, Div or Mul), or {}.
  auto erf_term = [&](int slot, int x) -> std::vector<int> {
    const int add = sole(slot, "Add");
    const int erf = add < 0 ? -1 : sole(times_constant(add, 1.0), "Erf");
    if (erf < 0 || steps_[erf].inputs.size() != 1) return {};
    const int divide = sole(steps_[erf].inputs[0], "Div");
    if (divide >= 0 && steps_[divide].inputs.size() == 2 && steps_[divide].inputs[0] == x &&
        near(steps_[divide].inputs[1], std::sqrt(2.0))) {
      return {add, erf, divide};
    }
    const int multiply = sole(steps_[erf].inputs[0], "Mul");
    if (multiply >= 0 && times_constant(multiply, std::sqrt(0.5)) == x) return {add, erf, multiply};
    return {};
  };

  std::vector<bool> dropped(steps_.size(), false);
  for (Step& outer : steps_) {
    if (!IsOperator(*outer.node, "Mul") || outer.inputs.size() != 2) continue;
    std::vector<int> parts;
    int x = -1;
    for (int side = 0; side < 2 && parts.empty(); side++) {
      const int inner = sole(outer.inputs[side], "Mul");
      if (inner < 0 || steps_[inner].inputs.size() != 2) continue;
      if (near(outer.inputs[1 - side], 0.5)) {  // (x * (1 + erf)) * 0.5
        for (int x_side = 0; x_side < 2 && parts.empty(); x_side++) {
          x = steps_[inner].inputs[x_side];
          parts = erf_term(steps_[inner].inputs[1 - x_side], x);
        }
      } else if (x = times_constant(inner, 0.5); x >= 0) {  // (x * 0.5) * (1 + erf)
        parts = erf_term(outer.inputs[1 - side], x);
      }
      if (!parts.empty()) parts.push_back(inner);
    }
    if (parts.empty() || x < 0) continue;
    outer.inputs = {x};
    outer.schema = fused;
    for (int part : parts) dropped[part] = true;
  }
  DropSteps(dropped);
}

void GraphPlan::FuseMatMulAdd() {
  const OperatorSchema* fused = Operators().Find(kFusedDomain, "MatMulAdd", 1);
  if (fused == nullptr) return;
  const std::vector<int> reads = ReadCounts();
  const std::vector<int> producer = Producers();
  std::vector<bool> dropped(steps_.size(), false);
  for (Step& add : steps_) {
    if (!IsOperator(*add.node, "Add") || add.inputs.size() != 2 || add.outputs.size() != 1) continue;
    for (int side = 0; side < 2; side++) {
      const int multiply = SoleProducer(add.inputs[side], "MatMul", producer, reads);
      const int bias = add.inputs[1 - side];
      if (multiply < 0 || bias < 0 || !constants_[bias].defined() || steps_[multiply].inputs.size() != 2) continue;
      const int weight = steps_[multiply].inputs[1];
      if (weight < 0 || !constants_[weight].defined()) continue;
      const at::Tensor& w = constants_[weight];
      const at::Tensor& b = constants_[bias];
      // A float32 matrix and one bias value per output column (shape (N) or (1, ..., 1, N)).
      if (w.dim() != 2 || w.scalar_type() != at::kFloat || b.scalar_type() != at::kFloat || b.dim() < 1 ||
          b.size(-1) != w.size(1) || b.numel() != w.size(1)) {
        continue;
      }
      add.inputs = {steps_[multiply].inputs[0], weight, bias};
      add.schema = fused;
      dropped[multiply] = true;
      break;
    }
  }
  DropSteps(dropped);
}

void GraphPlan::FuseConvAdd() {
  const OperatorSchema* fused = Operators().Find(kFusedDomain, "ConvAdd", 1);
  if (fused == nullptr) return;
  const std::vector<int> reads = ReadCounts();
  const std::vector<int> producer = Producers();
  std::vector<bool> dropped(steps_.size(), false);
  for (Step& add : steps_) {
    if (!IsOperator(*add.node, "Add") || add.inputs.size() != 2 || add.outputs.size() != 1 ||
        add.activation != FusedActivation::kNone) {
      continue;
    }
    int convolution = -1, residual = -1;
    for (int side = 0; side < 2; side++) {
      const int candidate = SoleProducer(add.inputs[side], "Conv", producer, reads);
      if (candidate < 0 || candidate <= convolution || add.inputs[1 - side] < 0) continue;
      const Step& step = steps_[candidate];
      if (step.activation != FusedActivation::kNone || step.inputs.size() < 2 || step.inputs.size() > 3) continue;
      convolution = candidate;
      residual = add.inputs[1 - side];
    }
    if (convolution < 0) continue;
    const Step& step = steps_[convolution];
    std::vector<int> inputs = step.inputs;
    inputs.resize(3, -1);
    inputs.push_back(residual);
    add.node = step.node;
    add.opset = step.opset;
    add.inputs = std::move(inputs);
    add.schema = fused;
    dropped[convolution] = true;
  }
  DropSteps(dropped);
}

void GraphPlan::FuseActivations() {
  const std::vector<int> reads = ReadCounts();
  std::vector<int> producer(slot_names_.size(), -1);
  std::vector<bool> fused_away(steps_.size(), false);
  for (size_t i = 0; i < steps_.size(); i++) {
    Step& step = steps_[i];
    const FusedActivation activation = ActivationComputedBy(*step.schema, *step.node);
    if (activation != FusedActivation::kNone && step.inputs.size() == 1 && step.outputs.size() == 1 &&
        step.inputs[0] >= 0 && step.outputs[0] >= 0 && reads[step.inputs[0]] == 1 && producer[step.inputs[0]] >= 0) {
      Step& into = steps_[producer[step.inputs[0]]];
      if (into.schema->applies_fused_activation && into.activation == FusedActivation::kNone &&
          into.outputs.size() == 1) {
        into.outputs[0] = step.outputs[0];
        into.activation = activation;
        producer[step.outputs[0]] = producer[step.inputs[0]];
        fused_away[i] = true;
        continue;
      }
    }
    for (int slot : step.outputs) {
      if (slot >= 0) producer[slot] = static_cast<int>(i);
    }
  }
  DropSteps(fused_away);
}

}  // namespace quarry::ml::onnx
