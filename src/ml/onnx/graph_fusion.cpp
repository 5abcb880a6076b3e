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
// - A Relu that alone reads the output of a node whose kernel applies fused activations (Conv, Add)
//   becomes that node's activation.
#include <onnx/onnx_pb.h>

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

void GraphPlan::FuseHardSwish() {
  const OperatorSchema* fused = Operators().Find(kFusedDomain, "HardSwish", 1);
  if (fused == nullptr) return;
  const std::vector<int> reads = ReadCounts();
  const std::vector<int> producer = Producers();
  // The float scalar constant in `slot`, if it is one.
  auto scalar = [this](int slot) -> std::optional<double> {
    if (slot < 0 || !constants_[slot].defined()) return std::nullopt;
    const at::Tensor& value = constants_[slot];
    if (value.numel() != 1 || value.scalar_type() != at::kFloat) return std::nullopt;
    return value.item<double>();
  };
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

void GraphPlan::FuseActivations() {
  const std::vector<int> reads = ReadCounts();
  std::vector<int> producer(slot_names_.size(), -1);
  std::vector<bool> fused_away(steps_.size(), false);
  for (size_t i = 0; i < steps_.size(); i++) {
    Step& step = steps_[i];
    if (IsOperator(*step.node, "Relu") && step.inputs.size() == 1 && step.outputs.size() == 1 && step.inputs[0] >= 0 &&
        step.outputs[0] >= 0 && reads[step.inputs[0]] == 1 && producer[step.inputs[0]] >= 0) {
      Step& into = steps_[producer[step.inputs[0]]];
      if (into.schema->applies_fused_activation && into.activation == FusedActivation::kNone &&
          into.outputs.size() == 1) {
        into.outputs[0] = step.outputs[0];
        into.activation = FusedActivation::kRelu;
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
