// GraphPlan — an ONNX graph prepared for repeated execution: nodes in topological order with their
// kernels resolved for the model's opset, values in numbered slots, each intermediate freed after its
// last use, and initializer-only subgraphs folded into constants at load, as is shape arithmetic that
// the declared input shapes decide (shape_folding.cpp); subgraphs see their enclosing graphs' constants
// as constants. Between convolutions, values may stay in oneDNN's blocked layout (onednn/blocked_layout.hpp;
// AssignBlockedLayouts). Some patterns become one step (graph_fusion.cpp): a Relu, HardSwish, SiLU or GELU that
// alone reads the output of a Conv, an Add or a fused MatMul+Add, hard-swish spelled out as
// Add/Clip/Mul/Div, SiLU spelled out as Sigmoid/Mul, GELU spelled out with Erf, and a MatMul by a
// constant matrix whose product alone gets a constant bias added (one inner product). A node
// gets the last reference to an input it is the last to read, so kernels may compute in place
// (NodeContext::input_is_exclusive). Subgraphs of If/Loop/Scan are planned once too, reading values of
// enclosing graphs by name.
//
// A plan is immutable after Build(): Run() may be called from several threads at once.
#pragma once

#include <ATen/ATen.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ml/onnx/kernel.hpp"

namespace onnx {
class GraphProto;
class NodeProto;
}  // namespace onnx

namespace quarry::ml::onnx {

struct ShapeFact;
class ShapeAnalysis;

class GraphPlan {
 public:
  // Plans `graph` (which must outlive the plan) for the model's opset imports (domain → version).
  // `outer_names` are the values visible from enclosing graphs (empty for the main graph).
  // Throws OnnxError for cycles, undefined values and operators without a kernel at their opset.
  static std::unique_ptr<GraphPlan> Build(const ::onnx::GraphProto& graph, const std::map<std::string, int>& opsets,
                                          const std::vector<std::string>& outer_names);
  // The same, for a subgraph: `outer_constants` are the enclosing graphs' constant values by name.
  // A main graph (no outer names) folds with its inputs' declared shapes; Run() then checks them.
  static std::unique_ptr<GraphPlan> Build(const ::onnx::GraphProto& graph, const std::map<std::string, int>& opsets,
                                          const std::vector<std::string>& outer_names,
                                          const std::unordered_map<std::string, at::Tensor>& outer_constants);

  // The graph's inputs that are not initializers, and its outputs, by name.
  const std::vector<std::string>& input_names() const { return input_names_; }
  const std::vector<std::string>& output_names() const { return output_names_; }

  // Runs the graph on `inputs` (in input_names() order). `outer` resolves names of enclosing graphs.
  // Throws OnnxError (node name and type first) or c10::Error.
  using OuterLookup = std::function<at::Tensor(const std::string& name)>;
  std::vector<at::Tensor> Run(const std::vector<at::Tensor>& inputs, const OuterLookup* outer = nullptr) const;

  // Counts for Describe(): nodes left to run, nodes folded into constants at load.
  size_t node_count() const { return steps_.size(); }
  size_t folded_count() const { return folded_count_; }
  // Steps whose output may stay in oneDNN's blocked layout (AssignBlockedLayouts): from batch 4 on, or at any batch.
  size_t blocked_count(bool at_small_batches = false) const;

 private:
  struct Step {
    const ::onnx::NodeProto* node = nullptr;
    const OperatorSchema* schema = nullptr;
    int opset = 0;
    std::vector<int> inputs;          // slot per input, -1 for a missing optional one
    std::vector<int> outputs;         // slot per output, -1 for an unnamed one
    std::vector<int> release;         // slots whose last use is this step
    std::vector<size_t> handed_over;  // inputs whose value the step gets (not a copy): last use, read once
    FusedActivation activation = FusedActivation::kNone;
    bool has_subgraph = false;          // an If/Loop/Scan: runs with a SubgraphRunner, never folded
    bool may_block_output = false;      // every reader of output 0 takes it in the blocked layout
    bool blocks_small_batches = false;  // ... at any batch: its region has no dense spatial convolution inside
    std::shared_ptr<KernelMemo> memo = std::make_shared<KernelMemo>();  // the kernel's, across runs
  };

  GraphPlan() = default;
  int SlotOf(const std::string& name);
  void FoldConstants();
  // Runs `step`'s kernel on `inputs` (by input position) at load; false when it throws or leaves a
  // used output undefined.
  bool RunOnValues(const Step& step, const std::vector<at::Tensor>& inputs, std::vector<at::Tensor>& outputs) const;
  // Shape folding (shape_folding.cpp): folds the steps the declared input shapes decide, then drops
  // steps nothing reads. InferFacts: what `step` gives from what is known of its inputs (false: nothing).
  void FoldShapes(const ::onnx::GraphProto& graph, bool use_declared_inputs);
  bool InferFacts(const Step& step, const std::vector<const ShapeFact*>& in, std::vector<ShapeFact>& out,
                  ShapeAnalysis& analysis) const;
  void DropUnreadSteps();
  // Throws OnnxError when an input's rank or a fixed dimension differs from declared_shapes_.
  void CheckDeclaredShapes(const std::vector<at::Tensor>& inputs) const;
  // Graph rewrites (graph_fusion.cpp).
  void FuseHardSwish();
  void FuseSiLU();
  void FuseGelu();
  void FuseMatMulAdd();
  void FuseConvAdd();
  void FuseActivations();
  // The blocked layout (blocked_layout_plan.cpp): lets a step return output 0 blocked where every reader takes it
  // so; off when QUARRY_ONNX_BLOCKED is "0" (read at each Build) or oneDNN is off.
  void AssignBlockedLayouts();
  // Whether `step` takes input `input` blocked (its schema's takes_blocked; for Mul, unless the other operand is a
  // constant that is no per-channel gate).
  bool ReadsBlocked(const Step& step, size_t input) const;
  // The step producing each slot (-1: none); the step producing `slot` when it is an `op_type` node with
  // one output that only one reader reads, else -1.
  std::vector<int> Producers() const;
  // The float32 one-value constant in `slot`, if it is one.
  std::optional<double> FloatScalar(int slot) const;
  int SoleProducer(int slot, const char* op_type, const std::vector<int>& producer,
                   const std::vector<int>& reads) const;
  void DropSteps(const std::vector<bool>& dropped);
  // How often each slot is read: by steps, by subgraphs (by name), as a graph output.
  std::vector<int> ReadCounts() const;
  void ComputeReleases();
  // Runs `step` on `values` (by slot). `blocked` (by slot, null outside Run): the logical channel count of each
  // value in the blocked layout, 0 for plain ones; `output_blocked` receives output 0's.
  std::vector<at::Tensor> RunStep(const Step& step, std::vector<at::Tensor>& values, const OuterLookup& lookup,
                                  const std::vector<int64_t>* blocked = nullptr,
                                  int64_t* output_blocked = nullptr) const;

  std::vector<std::string> input_names_;
  std::vector<std::string> output_names_;
  std::vector<int> input_slots_;
  std::vector<int> output_slots_;
  std::unordered_map<std::string, int> slot_of_;
  std::vector<std::string> slot_names_;
  std::vector<at::Tensor> constants_;                     // by slot; undefined where not constant
  std::vector<std::pair<int, std::string>> outer_slots_;  // slots filled from enclosing graphs
  std::vector<Step> steps_;
  std::unordered_map<const ::onnx::GraphProto*, std::unique_ptr<GraphPlan>> subgraphs_;
  size_t folded_count_ = 0;
  // Inputs (by position) whose declared shapes shape folding relied on: -1 for a symbolic dimension.
  std::vector<std::pair<size_t, std::vector<int64_t>>> declared_shapes_;
};

}  // namespace quarry::ml::onnx
