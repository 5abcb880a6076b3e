// GraphPlan: planning (order, kernels, lifetimes, constant folding) and execution (see graph_plan.hpp).
#include "ml/onnx/graph_plan.hpp"

#include <onnx/onnx_pb.h>

#include <c10/util/Exception.h>

#include <algorithm>
#include <optional>
#include <set>
#include <unordered_set>

#include "ml/onnx/onednn/blocked_layout.hpp"
#include "ml/onnx/step_profile.hpp"
#include "ml/onnx/tensor_proto.hpp"

namespace quarry::ml::onnx {
namespace {

// Operators whose outputs differ run to run: never folded into constants.
bool IsNondeterministic(const std::string& op_type) {
  static const std::set<std::string> kRandom = {"RandomNormal",      "RandomUniform", "RandomNormalLike",
                                                "RandomUniformLike", "Multinomial",   "Bernoulli"};
  return kRandom.count(op_type) > 0;
}

std::string NodeLabel(const ::onnx::NodeProto& node) {
  std::string name = node.name().empty() ? (node.output_size() > 0 ? node.output(0) : std::string("?")) : node.name();
  return "node '" + name + "' (" + node.op_type() + ")";
}

// A step's operator type in QUARRY_ONNX_PROFILE's totals: "Conv", "Conv+Relu", "quarry.fused.HardSwish".
std::string ProfileLabel(const OperatorSchema& schema, FusedActivation activation) {
  std::string label = schema.domain.empty() ? schema.op_type : schema.domain + "." + schema.op_type;
  if (activation != FusedActivation::kNone) label += std::string("+") + ActivationName(activation);
  return label;
}

// Names a node's subgraphs read from enclosing scopes (used but not defined inside them), recursively.
void CollectSubgraphReads(const ::onnx::GraphProto& graph, std::unordered_set<std::string>& reads) {
  std::unordered_set<std::string> defined;
  for (const auto& input : graph.input()) defined.insert(input.name());
  for (const auto& initializer : graph.initializer()) defined.insert(initializer.name());
  for (const auto& node : graph.node()) {
    for (const auto& output : node.output()) defined.insert(output);
  }
  std::unordered_set<std::string> used;
  for (const auto& node : graph.node()) {
    for (const auto& input : node.input()) used.insert(input);
    for (const auto& attribute : node.attribute()) {
      if (attribute.has_g()) CollectSubgraphReads(attribute.g(), used);
      for (const auto& subgraph : attribute.graphs()) CollectSubgraphReads(subgraph, used);
    }
  }
  for (const auto& output : graph.output()) used.insert(output.name());
  for (const auto& name : used) {
    if (!name.empty() && defined.count(name) == 0) reads.insert(name);
  }
}

std::vector<std::string> ImplicitInputs(const ::onnx::NodeProto& node) {
  std::unordered_set<std::string> reads;
  for (const auto& attribute : node.attribute()) {
    if (attribute.has_g()) CollectSubgraphReads(attribute.g(), reads);
    for (const auto& subgraph : attribute.graphs()) CollectSubgraphReads(subgraph, reads);
  }
  return std::vector<std::string>(reads.begin(), reads.end());
}

bool HasSubgraph(const ::onnx::NodeProto& node) {
  for (const auto& attribute : node.attribute()) {
    if (attribute.has_g() || attribute.graphs_size() > 0) return true;
  }
  return false;
}

// c10::Error's what() carries a backtrace: keep its first line.
std::string FirstLine(const std::string& text) {
  const size_t end = text.find('\n');
  return end == std::string::npos ? text : text.substr(0, end);
}

}  // namespace

int GraphPlan::SlotOf(const std::string& name) {
  auto found = slot_of_.find(name);
  if (found != slot_of_.end()) return found->second;
  const int slot = static_cast<int>(slot_names_.size());
  slot_of_.emplace(name, slot);
  slot_names_.push_back(name);
  constants_.emplace_back();
  return slot;
}

std::unique_ptr<GraphPlan> GraphPlan::Build(const ::onnx::GraphProto& graph, const std::map<std::string, int>& opsets,
                                            const std::vector<std::string>& outer_names) {
  return Build(graph, opsets, outer_names, {});
}

std::unique_ptr<GraphPlan> GraphPlan::Build(const ::onnx::GraphProto& graph, const std::map<std::string, int>& opsets,
                                            const std::vector<std::string>& outer_names,
                                            const std::unordered_map<std::string, at::Tensor>& outer_constants) {
  std::unique_ptr<GraphPlan> plan(new GraphPlan());
  if (graph.sparse_initializer_size() > 0) throw OnnxError("sparse initializers are not supported");

  for (const auto& initializer : graph.initializer()) {
    const int slot = plan->SlotOf(initializer.name());
    plan->constants_[slot] = TensorFromProto(initializer);
  }
  for (const auto& input : graph.input()) {
    if (plan->slot_of_.count(input.name()) > 0 && plan->constants_[plan->slot_of_[input.name()]].defined()) continue;
    plan->input_names_.push_back(input.name());
    plan->input_slots_.push_back(plan->SlotOf(input.name()));
  }
  std::unordered_set<std::string> available(plan->slot_names_.begin(), plan->slot_names_.end());
  const std::unordered_set<std::string> outer(outer_names.begin(), outer_names.end());

  // Every value a node produces, to tell "defined later" (ordering) from "never defined" (an error).
  std::unordered_set<std::string> produced;
  for (const auto& node : graph.node()) {
    for (const auto& output : node.output()) {
      if (output.empty()) continue;
      if (!produced.insert(output).second || available.count(output) > 0) {
        throw OnnxError("value '" + output + "' is defined more than once");
      }
    }
  }

  // Kahn's algorithm over the nodes, keeping the file's order among ready nodes.
  const int node_count = graph.node_size();
  std::vector<std::vector<std::string>> reads(node_count);
  for (int i = 0; i < node_count; i++) {
    const auto& node = graph.node(i);
    for (const auto& input : node.input()) {
      if (!input.empty()) reads[i].push_back(input);
    }
    for (auto& name : ImplicitInputs(node)) reads[i].push_back(std::move(name));
    for (const auto& name : reads[i]) {
      if (available.count(name) == 0 && produced.count(name) == 0 && outer.count(name) == 0) {
        throw OnnxError("value '" + name + "' read by " + NodeLabel(node) + " is never defined");
      }
    }
  }
  std::vector<bool> done(node_count, false);
  std::vector<int> order;
  order.reserve(node_count);
  for (bool progress = true; progress && static_cast<int>(order.size()) < node_count;) {
    progress = false;
    for (int i = 0; i < node_count; i++) {
      if (done[i]) continue;
      bool ready = true;
      for (const auto& name : reads[i]) {
        if (available.count(name) == 0 && !(outer.count(name) > 0 && produced.count(name) == 0)) {
          ready = false;
          break;
        }
      }
      if (!ready) continue;
      done[i] = true;
      progress = true;
      order.push_back(i);
      for (const auto& output : graph.node(i).output()) available.insert(output);
    }
  }
  if (static_cast<int>(order.size()) < node_count) {
    for (int i = 0; i < node_count; i++) {
      if (!done[i]) throw OnnxError("the graph has a cycle through " + NodeLabel(graph.node(i)));
    }
  }

  // Names visible to subgraphs: everything here plus everything visible here.
  std::vector<std::string> visible(outer_names);
  for (const auto& name : available) visible.push_back(name);

  for (int index : order) {
    const auto& node = graph.node(index);
    Step step;
    step.node = &node;
    const std::string domain = node.domain() == "ai.onnx" ? "" : node.domain();
    auto opset = opsets.find(domain);
    if (opset == opsets.end()) {
      throw OnnxError(NodeLabel(node) + " uses domain '" + domain + "', which the model does not import");
    }
    step.opset = opset->second;
    step.schema = Operators().Find(domain, node.op_type(), step.opset);
    if (step.schema == nullptr) {
      throw OnnxError("operator " + (domain.empty() ? "" : domain + ".") + node.op_type() + " at opset " +
                      std::to_string(step.opset) + " is not supported by quarry's ONNX executor (" + NodeLabel(node) +
                      ")");
    }
    for (const auto& input : node.input()) step.inputs.push_back(input.empty() ? -1 : plan->SlotOf(input));
    for (const auto& output : node.output()) step.outputs.push_back(output.empty() ? -1 : plan->SlotOf(output));
    for (const auto& name : reads[index]) plan->SlotOf(name);  // implicit reads get slots for lifetimes
    step.has_subgraph = HasSubgraph(node);
    plan->steps_.push_back(std::move(step));
  }
  // Slots no node or input defines come from enclosing graphs.
  for (size_t slot = 0; slot < plan->slot_names_.size(); slot++) {
    const std::string& name = plan->slot_names_[slot];
    if (plan->constants_[slot].defined() || produced.count(name) > 0) continue;
    bool is_input = false;
    for (int input_slot : plan->input_slots_) is_input = is_input || input_slot == static_cast<int>(slot);
    if (is_input) continue;
    auto constant = outer_constants.find(name);
    if (constant != outer_constants.end()) {
      plan->constants_[slot] = constant->second;
    } else {
      plan->outer_slots_.emplace_back(static_cast<int>(slot), name);
    }
  }
  for (const auto& output : graph.output()) {
    if (available.count(output.name()) == 0 && outer.count(output.name()) == 0) {
      throw OnnxError("graph output '" + output.name() + "' is never defined");
    }
    plan->output_names_.push_back(output.name());
    plan->output_slots_.push_back(plan->SlotOf(output.name()));
  }
  plan->FoldConstants();
  plan->FoldShapes(graph, outer_names.empty());
  // Subgraphs are planned after folding, with every constant visible here as a constant there.
  std::unordered_map<std::string, at::Tensor> constants_inside(outer_constants);
  for (size_t slot = 0; slot < plan->constants_.size(); slot++) {
    if (plan->constants_[slot].defined()) constants_inside[plan->slot_names_[slot]] = plan->constants_[slot];
  }
  for (const Step& step : plan->steps_) {
    for (const auto& attribute : step.node->attribute()) {
      if (attribute.has_g()) {
        plan->subgraphs_[&attribute.g()] = Build(attribute.g(), opsets, visible, constants_inside);
      }
      for (const auto& subgraph : attribute.graphs()) {
        plan->subgraphs_[&subgraph] = Build(subgraph, opsets, visible, constants_inside);
      }
    }
  }
  plan->FuseHardSwish();
  plan->FuseSiLU();
  plan->FuseGelu();
  plan->FuseMatMulAdd();
  plan->FuseConvAdd();
  plan->FuseActivations();
  plan->AssignBlockedLayouts();
  plan->ComputeReleases();
  return plan;
}

void GraphPlan::FoldConstants() {
  std::vector<Step> remaining;
  for (auto& step : steps_) {
    bool foldable = !IsNondeterministic(step.node->op_type()) && !step.has_subgraph;
    for (int slot : step.inputs) foldable = foldable && (slot < 0 || constants_[slot].defined());
    if (foldable) {
      std::vector<at::Tensor> inputs;
      for (int slot : step.inputs) inputs.push_back(slot < 0 ? at::Tensor() : constants_[slot]);
      std::vector<at::Tensor> outputs;
      if (RunOnValues(step, inputs, outputs)) {
        for (size_t i = 0; i < step.outputs.size(); i++) {
          if (step.outputs[i] >= 0) constants_[step.outputs[i]] = outputs[i];
        }
        folded_count_++;
        continue;
      }
    }
    remaining.push_back(std::move(step));
  }
  steps_ = std::move(remaining);
}

bool GraphPlan::RunOnValues(const Step& step, const std::vector<at::Tensor>& inputs,
                            std::vector<at::Tensor>& outputs) const {
  if (IsNondeterministic(step.node->op_type()) || step.has_subgraph) return false;
  Step probe;
  probe.node = step.node;
  probe.schema = step.schema;
  probe.opset = step.opset;
  probe.activation = step.activation;
  for (size_t i = 0; i < step.inputs.size(); i++) probe.inputs.push_back(step.inputs[i] < 0 ? -1 : static_cast<int>(i));
  std::vector<at::Tensor> values(inputs);
  const OuterLookup no_outer = [](const std::string& name) -> at::Tensor {
    throw OnnxError("value '" + name + "' is not constant");
  };
  try {
    outputs = RunStep(probe, values, no_outer);
  } catch (const std::exception&) {
    // Not foldable after all (e.g. an error that needs the node's context): run it at query time,
    // where the same error reaches the user with the node's name.
    return false;
  }
  for (size_t i = 0; i < step.outputs.size(); i++) {
    if (step.outputs[i] >= 0 && (i >= outputs.size() || !outputs[i].defined())) return false;
  }
  return true;
}

void GraphPlan::CheckDeclaredShapes(const std::vector<at::Tensor>& inputs) const {
  for (const auto& [index, declared] : declared_shapes_) {
    const at::Tensor& input = inputs[index];
    bool matches = input.defined() && input.dim() == static_cast<int64_t>(declared.size());
    for (size_t d = 0; matches && d < declared.size(); d++) {
      matches = declared[d] < 0 || input.size(static_cast<int64_t>(d)) == declared[d];
    }
    if (matches) continue;
    std::string text = "[";
    for (size_t d = 0; d < declared.size(); d++) {
      text += (d > 0 ? ", " : "") + (declared[d] < 0 ? std::string("?") : std::to_string(declared[d]));
    }
    std::string got = "[";
    if (input.defined()) {
      for (int64_t d = 0; d < input.dim(); d++) got += (d > 0 ? ", " : "") + std::to_string(input.size(d));
    }
    throw OnnxError("input '" + input_names_[index] + "' has shape " + got + "], but the model declares " + text + "]");
  }
}

std::vector<int> GraphPlan::ReadCounts() const {
  std::vector<int> reads(slot_names_.size(), 0);
  for (const Step& step : steps_) {
    for (int slot : step.inputs) {
      if (slot >= 0) reads[slot]++;
    }
    if (!step.has_subgraph) continue;
    for (const auto& name : ImplicitInputs(*step.node)) reads[slot_of_.at(name)]++;
  }
  for (int slot : output_slots_) reads[slot]++;
  return reads;
}

void GraphPlan::ComputeReleases() {
  std::vector<int> last_use(slot_names_.size(), -1);
  for (size_t i = 0; i < steps_.size(); i++) {
    for (int slot : steps_[i].inputs) {
      if (slot >= 0) last_use[slot] = static_cast<int>(i);
    }
    // Subgraphs read enclosing values by name: keep those alive through the node.
    if (steps_[i].has_subgraph) {
      for (const auto& name : ImplicitInputs(*steps_[i].node)) last_use[slot_of_.at(name)] = static_cast<int>(i);
    }
    for (int slot : steps_[i].outputs) {
      if (slot >= 0 && last_use[slot] < static_cast<int>(i)) last_use[slot] = static_cast<int>(i);
    }
  }
  for (int slot : output_slots_) last_use[slot] = -1;
  for (size_t slot = 0; slot < last_use.size(); slot++) {
    if (last_use[slot] >= 0 && !constants_[slot].defined())
      steps_[last_use[slot]].release.push_back(static_cast<int>(slot));
  }
  // A step that is the last to read a value, reading it once and not from a subgraph, gets the value
  // itself, so its kernel may overwrite it.
  for (Step& step : steps_) {
    if (step.has_subgraph) continue;
    for (size_t i = 0; i < step.inputs.size(); i++) {
      const int slot = step.inputs[i];
      if (slot < 0 || std::count(step.inputs.begin(), step.inputs.end(), slot) != 1) continue;
      if (std::count(step.release.begin(), step.release.end(), slot) == 1) step.handed_over.push_back(i);
    }
  }
}

std::vector<at::Tensor> GraphPlan::RunStep(const Step& step, std::vector<at::Tensor>& values, const OuterLookup& lookup,
                                           const std::vector<int64_t>* blocked, int64_t* output_blocked) const {
  std::vector<at::Tensor> inputs;
  inputs.reserve(step.inputs.size());
  for (int slot : step.inputs) inputs.push_back(slot < 0 ? at::Tensor() : values[slot]);
  // Blocked values go as they are to the inputs the kernel takes them at; any other reader gets them plain.
  std::vector<int64_t> channels;
  for (size_t i = 0; blocked != nullptr && i < step.inputs.size(); i++) {
    const int slot = step.inputs[i];
    if (slot < 0 || (*blocked)[slot] == 0) continue;
    const auto& takes = step.schema->takes_blocked;
    if (std::find(takes.begin(), takes.end(), i) != takes.end()) {
      channels.resize(step.inputs.size(), 0);
      channels[i] = (*blocked)[slot];
    } else {
      inputs[i] = onednn::ToPlain(inputs[i], (*blocked)[slot]);
    }
  }
  for (size_t i : step.handed_over) values[step.inputs[i]].reset();
  // Subgraphs see this graph's values first, then the enclosing graphs'.
  SubgraphRunner runner;
  if (step.has_subgraph) {
    runner = [this, &values, &lookup, blocked](const ::onnx::GraphProto& graph,
                                               const std::vector<at::Tensor>& subgraph_inputs) {
      auto found = subgraphs_.find(&graph);
      if (found == subgraphs_.end()) throw OnnxError("subgraph was not planned");
      const OuterLookup inner = [this, &values, &lookup, blocked](const std::string& name) {
        auto slot = slot_of_.find(name);
        if (slot != slot_of_.end() && values[slot->second].defined()) {
          const int64_t channels = blocked != nullptr ? (*blocked)[slot->second] : 0;
          return channels > 0 ? onednn::ToPlain(values[slot->second], channels) : values[slot->second];
        }
        return lookup(name);
      };
      return found->second->Run(subgraph_inputs, &inner);
    };
  }
  try {
    NodeContext context(*step.node, step.opset, std::move(inputs), step.has_subgraph ? &runner : nullptr,
                        step.activation, step.memo.get(), std::move(channels),
                        step.may_block_output && output_blocked != nullptr, step.blocks_small_batches);
    std::vector<at::Tensor> outputs = step.schema->kernel(context);
    if (output_blocked != nullptr) *output_blocked = context.output_blocked();
    return outputs;
  } catch (const OnnxError& error) {
    throw OnnxError(NodeLabel(*step.node) + ": " + error.what());
  } catch (const c10::Error& error) {
    throw OnnxError(NodeLabel(*step.node) + ": " + FirstLine(error.what_without_backtrace()));
  } catch (const std::exception& error) {
    throw OnnxError(NodeLabel(*step.node) + ": " + FirstLine(error.what()));
  }
}

std::vector<at::Tensor> GraphPlan::Run(const std::vector<at::Tensor>& inputs, const OuterLookup* outer) const {
  if (inputs.size() != input_slots_.size()) {
    throw OnnxError("the graph takes " + std::to_string(input_slots_.size()) + " inputs, got " +
                    std::to_string(inputs.size()));
  }
  CheckDeclaredShapes(inputs);
  std::vector<at::Tensor> values(constants_);
  for (size_t i = 0; i < inputs.size(); i++) values[input_slots_[i]] = inputs[i];
  const OuterLookup no_outer = [](const std::string& name) -> at::Tensor {
    throw OnnxError("value '" + name + "' is not defined");
  };
  const OuterLookup& lookup = outer != nullptr ? *outer : no_outer;
  for (const auto& [slot, name] : outer_slots_) values[slot] = lookup(name);

  const bool profiling = StepProfileEnabled();
  std::vector<int64_t> blocked(values.size(), 0);  // logical channels of the values in the blocked layout
  for (const auto& step : steps_) {
    std::optional<StepTimer> timer;
    if (profiling) timer.emplace();
    int64_t output_blocked = 0;
    std::vector<at::Tensor> outputs = RunStep(step, values, lookup, &blocked, &output_blocked);
    if (profiling) {
      const std::string type = ProfileLabel(*step.schema, step.activation);
      timer->End(StepProfileByNode() ? (step.node->name().empty() ? "(unnamed)" : step.node->name()) + " " + type
                                     : type);
    }
    for (size_t i = 0; i < step.outputs.size(); i++) {
      if (step.outputs[i] < 0) continue;
      if (i >= outputs.size()) {
        throw OnnxError(NodeLabel(*step.node) + ": produced " + std::to_string(outputs.size()) +
                        " outputs, but output " + std::to_string(i) + " is used");
      }
      values[step.outputs[i]] = std::move(outputs[i]);
      blocked[step.outputs[i]] = i == 0 ? output_blocked : 0;
    }
    for (int slot : step.release) values[slot].reset();
  }
  std::vector<at::Tensor> results;
  results.reserve(output_slots_.size());
  for (size_t i = 0; i < output_slots_.size(); i++) {
    const int slot = output_slots_[i];
    if (!values[slot].defined()) throw OnnxError("graph output '" + output_names_[i] + "' was not produced");
    results.push_back(blocked[slot] > 0 ? onednn::ToPlain(values[slot], blocked[slot]) : values[slot]);
  }
  return results;
}

}  // namespace quarry::ml::onnx
