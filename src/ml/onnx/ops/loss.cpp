// ONNX operators: training losses that inference graphs keep, NegativeLogLikelihoodLoss and
// SoftmaxCrossEntropyLoss (the latter is log-softmax over the class axis followed by the former).
// Inputs are [N, C] or [N, C, d1, ..., dk] with targets [N] or [N, d1, ..., dk]; the loss is taken
// elementwise, weighted per class, with target values equal to ignore_index contributing nothing, then
// reduced ("none", "sum", or "mean" = weighted sum / sum of the weights).
#include <optional>
#include <string>

#include "ml/onnx/kernel.hpp"
#include "ml/onnx/ops/elementwise_util.hpp"

namespace quarry::ml::onnx {
namespace {

struct LossOptions {
  std::string reduction;
  std::optional<int64_t> ignore_index;
};

LossOptions ReadLossOptions(const NodeContext& node) {
  LossOptions options{node.attribute_string("reduction", "mean"), std::nullopt};
  if (options.reduction != "none" && options.reduction != "sum" && options.reduction != "mean") {
    throw OnnxError("unknown reduction '" + options.reduction + "'");
  }
  if (node.has_attribute("ignore_index")) options.ignore_index = node.attribute_int("ignore_index", 0);
  return options;
}

// Checks that target has input's shape without the class axis (axis 1).
void CheckTargetShape(const at::Tensor& input, const at::Tensor& target) {
  if (input.dim() < 2) throw OnnxError("the input must have shape [N, C, ...]");
  std::vector<int64_t> expected(input.sizes().begin(), input.sizes().end());
  expected.erase(expected.begin() + 1);
  if (target.sizes() != at::IntArrayRef(expected)) throw OnnxError("the target must have the input's shape without C");
  if (at::isFloatingType(target.scalar_type())) throw OnnxError("the target must hold integers");
}

// The NLL loss of `input` (log-probabilities, float32 or double) at the class indices `target`.
at::Tensor NegativeLogLikelihood(const at::Tensor& input, const at::Tensor& target, const at::Tensor& weight,
                                 const LossOptions& options) {
  CheckTargetShape(input, target);
  const int64_t classes = input.size(1);
  at::Tensor classes_picked = target.to(at::kLong);
  at::Tensor kept;  // bool mask of the targets not ignored, or undefined when none is
  if (options.ignore_index.has_value()) {
    kept = classes_picked.ne(*options.ignore_index);
    classes_picked = classes_picked.masked_fill(kept.logical_not(), 0);
  }
  if (classes_picked.numel() > 0 &&
      (classes_picked.min().item<int64_t>() < 0 || classes_picked.max().item<int64_t>() >= classes)) {
    throw OnnxError("a target is out of the range of classes [0, " + std::to_string(classes) + ")");
  }
  at::Tensor loss = input.gather(1, classes_picked.unsqueeze(1)).squeeze(1).neg();
  at::Tensor weights;  // per element; undefined means all 1
  if (weight.defined()) {
    if (weight.dim() != 1 || weight.size(0) != classes) throw OnnxError("the weight must have shape [C]");
    weights = weight.to(input.scalar_type()).index_select(0, classes_picked.reshape({-1})).view_as(classes_picked);
  }
  if (kept.defined()) weights = weights.defined() ? weights.mul(kept) : kept.to(input.scalar_type());
  if (weights.defined()) loss = loss.mul(weights);
  if (options.reduction == "none") return loss;
  if (options.reduction == "sum") return loss.sum();
  return weights.defined() ? loss.sum().div(weights.sum()) : loss.mean();
}

// 16-bit floats are computed in float32 (ATen's CPU kernels lack log_softmax for them).
at::Tensor OptionalInput(const NodeContext& node, size_t i) {
  return node.has_input(i) ? WidenHalfPrecision(node.input(i)) : at::Tensor();
}

std::vector<at::Tensor> NegativeLogLikelihoodLoss(NodeContext& node) {
  const at::Tensor& input = node.input(0);
  const at::Tensor loss =
      NegativeLogLikelihood(WidenHalfPrecision(input), node.input(1), OptionalInput(node, 2), ReadLossOptions(node));
  return {loss.to(input.scalar_type())};
}

// Outputs the loss and, when wanted, the log-probabilities.
std::vector<at::Tensor> SoftmaxCrossEntropyLoss(NodeContext& node) {
  const at::Tensor& scores = node.input(0);
  if (scores.dim() < 2) throw OnnxError("the scores must have shape [N, C, ...]");
  const at::Tensor log_prob = at::log_softmax(WidenHalfPrecision(scores), 1);
  const at::Tensor loss = NegativeLogLikelihood(log_prob, node.input(1), OptionalInput(node, 2), ReadLossOptions(node));
  std::vector<at::Tensor> outputs = {loss.to(scores.scalar_type())};
  if (node.output_wanted(1)) outputs.push_back(log_prob.to(scores.scalar_type()));
  return outputs;
}

}  // namespace

void RegisterLossOperators(OperatorRegistry& registry) {
  registry.Add("NegativeLogLikelihoodLoss", 12, kMaxOpset, NegativeLogLikelihoodLoss);
  registry.Add("SoftmaxCrossEntropyLoss", 12, kMaxOpset, SoftmaxCrossEntropyLoss);
}

}  // namespace quarry::ml::onnx
