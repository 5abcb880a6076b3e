// ONNX operators: control flow — If, Loop and Scan, whose bodies are subgraphs that the executor planned
// at load (NodeContext::RunSubgraph runs them, values of enclosing graphs visible by name).
//
// Loops are bounded: a Loop that has run kMaxLoopIterations times without its condition turning false
// is an error, not a hang, and stacked scan outputs are checked like any other allocation.
#include <onnx/onnx_pb.h>

#include "ml/onnx/kernel.hpp"

namespace quarry::ml::onnx {
namespace {

constexpr int64_t kMaxLoopIterations = 1'000'000;

bool IsTrue(const at::Tensor& condition) {
  if (condition.numel() != 1)
    throw OnnxError("condition must hold one value, got " + std::to_string(condition.numel()));
  return ToScalar(condition) != 0;  // NaN is true, as a cast to bool makes it
}

std::vector<at::Tensor> If(NodeContext& node) {
  const bool condition = IsTrue(node.input(0));
  return node.RunSubgraph(node.attribute_graph(condition ? "then_branch" : "else_branch"), {});
}

// Stacks per-iteration values along a new axis 0 (an empty loop gives an empty tensor).
at::Tensor StackScanOutput(const std::vector<at::Tensor>& values) {
  if (values.empty()) return at::empty({0});
  std::vector<int64_t> shape(values[0].sizes().begin(), values[0].sizes().end());
  shape.insert(shape.begin(), static_cast<int64_t>(values.size()));
  CheckAllocation(shape, "Loop scan output");
  return at::stack(values, 0);
}

// Loop: inputs (M, cond, v_initial...), body (iteration, cond, v...) → (cond, v..., scan outputs...).
std::vector<at::Tensor> Loop(NodeContext& node) {
  const ::onnx::GraphProto& body = node.attribute_graph("body");
  const int64_t max_trips =
      node.has_input(0) ? static_cast<int64_t>(ToScalar(node.input(0))) : std::numeric_limits<int64_t>::max();
  bool condition = node.has_input(1) ? IsTrue(node.input(1)) : true;
  std::vector<at::Tensor> carried;
  for (size_t i = 2; i < node.input_count(); i++) carried.push_back(node.input(i));
  const size_t carried_count = carried.size();
  if (body.output_size() < static_cast<int>(1 + carried_count)) {
    throw OnnxError("the body has " + std::to_string(body.output_size()) + " outputs, needs at least " +
                    std::to_string(1 + carried_count));
  }
  const size_t scan_count = static_cast<size_t>(body.output_size()) - 1 - carried_count;
  std::vector<std::vector<at::Tensor>> scans(scan_count);
  int64_t iteration = 0;
  for (; iteration < max_trips && condition; iteration++) {
    if (iteration >= kMaxLoopIterations) {
      throw OnnxError("the loop ran " + std::to_string(kMaxLoopIterations) + " iterations without ending");
    }
    std::vector<at::Tensor> inputs;
    inputs.push_back(at::scalar_tensor(iteration, at::kLong));
    inputs.push_back(at::scalar_tensor(condition, at::kBool));
    for (const auto& value : carried) inputs.push_back(value);
    std::vector<at::Tensor> outputs = node.RunSubgraph(body, inputs);
    condition = IsTrue(outputs[0]);
    for (size_t i = 0; i < carried_count; i++) carried[i] = outputs[1 + i];
    for (size_t i = 0; i < scan_count; i++) scans[i].push_back(outputs[1 + carried_count + i]);
  }
  std::vector<at::Tensor> results = std::move(carried);
  for (const auto& values : scans) results.push_back(StackScanOutput(values));
  return results;
}

// Scan (opset 9+): inputs (initial states..., scan inputs...), attributes num_scan_inputs, axes and
// directions per scan input and output; body (states..., slices...) → (states..., scan output slices...).
std::vector<at::Tensor> Scan(NodeContext& node) {
  const ::onnx::GraphProto& body = node.attribute_graph("body");
  const int64_t scan_inputs = node.attribute_int("num_scan_inputs", 0);
  const int64_t input_count = static_cast<int64_t>(node.input_count());
  if (scan_inputs < 1 || scan_inputs > input_count)
    throw OnnxError("bad num_scan_inputs " + std::to_string(scan_inputs));
  const int64_t state_count = input_count - scan_inputs;
  const auto input_axes = node.attribute_ints("scan_input_axes", std::vector<int64_t>(scan_inputs, 0));
  const auto input_directions = node.attribute_ints("scan_input_directions", std::vector<int64_t>(scan_inputs, 0));
  const int64_t scan_outputs = body.output_size() - state_count;
  if (scan_outputs < 0) throw OnnxError("the body has fewer outputs than states");
  const auto output_axes = node.attribute_ints("scan_output_axes", std::vector<int64_t>(scan_outputs, 0));
  const auto output_directions = node.attribute_ints("scan_output_directions", std::vector<int64_t>(scan_outputs, 0));
  if (static_cast<int64_t>(input_axes.size()) != scan_inputs ||
      static_cast<int64_t>(input_directions.size()) != scan_inputs ||
      static_cast<int64_t>(output_axes.size()) != scan_outputs ||
      static_cast<int64_t>(output_directions.size()) != scan_outputs) {
    throw OnnxError("scan axes and directions must list one entry per scan input and output");
  }
  std::vector<at::Tensor> states;
  for (int64_t i = 0; i < state_count; i++) states.push_back(node.input(i));
  std::vector<at::Tensor> sequences;
  int64_t length = -1;
  for (int64_t i = 0; i < scan_inputs; i++) {
    const at::Tensor& input = node.input(state_count + i);
    const int64_t axis = NormalizeAxis(input_axes[i], input.dim());
    at::Tensor sequence = input.movedim(axis, 0);
    if (input_directions[i] != 0) sequence = sequence.flip({0});
    if (length >= 0 && sequence.size(0) != length) throw OnnxError("scan inputs differ in length");
    length = sequence.size(0);
    sequences.push_back(sequence);
  }
  std::vector<std::vector<at::Tensor>> collected(scan_outputs);
  for (int64_t step = 0; step < length; step++) {
    std::vector<at::Tensor> inputs(states);
    for (const auto& sequence : sequences) inputs.push_back(sequence[step]);
    std::vector<at::Tensor> outputs = node.RunSubgraph(body, inputs);
    for (int64_t i = 0; i < state_count; i++) states[i] = outputs[i];
    for (int64_t i = 0; i < scan_outputs; i++) collected[i].push_back(outputs[state_count + i]);
  }
  std::vector<at::Tensor> results = std::move(states);
  for (int64_t i = 0; i < scan_outputs; i++) {
    at::Tensor stacked = StackScanOutput(collected[i]);
    if (output_directions[i] != 0) stacked = stacked.flip({0});
    const int64_t axis = NormalizeAxis(output_axes[i], stacked.dim());
    results.push_back(stacked.movedim(0, axis).contiguous());
  }
  return results;
}

}  // namespace

void RegisterControlFlowOperators(OperatorRegistry& registry) {
  registry.Add("If", 1, kMaxOpset, If);
  registry.Add("Loop", 1, kMaxOpset, Loop);
  registry.Add("Scan", 9, kMaxOpset, Scan);
}

}  // namespace quarry::ml::onnx
