// GraphPlan::AssignBlockedLayouts: which values stay in oneDNN's blocked layout between steps (see
// onednn/blocked_layout.hpp for the layout and why).
//
// A step whose kernel takes blocked inputs (OperatorSchema::takes_blocked: Conv, ConvAdd, Mul,
// GlobalAveragePool) may return its output blocked when every reader of that output takes it blocked at the
// position it reads it: so a chain of convolutions, with the squeeze-and-excitation gates and residual sums
// between them, passes blocked tensors along, and the first and last of them reorder from and to the plain
// layout. Only regions with two convolutions or more stay blocked (one convolution alone saves less than the
// reorders around it cost). The decision is only permission: a kernel that cannot compute a case blocked returns it
// plain, and Run turns a blocked value plain for any reader that does not take it (and for graph outputs), so a wrong
// guess costs time, never a result. Convolutions block their outputs from onednn::kBlockedMinBatch on, and at every
// batch in a region where no dense spatial convolution reads a blocked value (Step::blocks_small_batches).
#include <cstdlib>
#include <cstring>
#include <vector>

#include "ml/onnx/graph_plan.hpp"
#include "ml/onnx/onednn/onednn_primitives.hpp"

namespace quarry::ml::onnx {

namespace {

bool BlockedLayoutAllowed() {
  const char* setting = std::getenv("QUARRY_ONNX_BLOCKED");
  return onednn::Enabled() && (setting == nullptr || std::strcmp(setting, "0") != 0);
}

bool TakesBlocked(const OperatorSchema& schema, size_t input) {
  for (size_t position : schema.takes_blocked) {
    if (position == input) return true;
  }
  return false;
}

bool IsConvolution(const OperatorSchema& schema) {
  return schema.op_type == "Conv" || schema.op_type == "ConvAdd";
}

// Whether `weights` (a convolution's, undefined when not constant) may be a dense spatial one: a kernel wider than
// 1x1 over more than one input channel a group. oneDNN's blocked kernels for those are slower than its
// channels-last ones at small batches; its 1x1 and depthwise blocked kernels are not.
bool MayBeDenseSpatial(const at::Tensor& weights) {
  if (!weights.defined() || weights.dim() < 3) return true;
  int64_t window = 1;
  for (int64_t d = 2; d < weights.dim(); d++) window *= weights.size(d);
  return window > 1 && weights.size(1) > 1;
}

// A disjoint-set forest over steps: the regions of steps that blocked values connect.
struct Regions {
  explicit Regions(size_t count) : parent(count) {
    for (size_t i = 0; i < count; i++) parent[i] = i;
  }
  size_t Find(size_t step) {
    while (parent[step] != step) step = parent[step] = parent[parent[step]];
    return step;
  }
  void Join(size_t a, size_t b) { parent[Find(a)] = Find(b); }
  std::vector<size_t> parent;
};

}  // namespace

bool GraphPlan::ReadsBlocked(const Step& step, size_t input) const {
  if (!TakesBlocked(*step.schema, input)) return false;
  if (step.schema->op_type != "Mul" || step.inputs.size() != 2) return true;
  // Mul computes a blocked activation times a per-channel gate; a constant other operand must be one (1, C, 1, 1).
  const int other = step.inputs[1 - input];
  if (other < 0 || !constants_[other].defined()) return true;
  const at::Tensor& constant = constants_[other];
  return constant.dim() == 4 && constant.size(0) == 1 && constant.size(2) == 1 && constant.size(3) == 1;
}

void GraphPlan::AssignBlockedLayouts() {
  if (!BlockedLayoutAllowed()) return;
  const std::vector<int> reads = ReadCounts();  // steps, subgraphs and graph outputs
  std::vector<int> blocked_reads(reads.size(), 0);
  std::vector<std::vector<size_t>> readers(reads.size());
  for (size_t s = 0; s < steps_.size(); s++) {
    const Step& step = steps_[s];
    for (size_t i = 0; i < step.inputs.size(); i++) {
      if (step.inputs[i] < 0 || !ReadsBlocked(step, i)) continue;
      blocked_reads[step.inputs[i]]++;
      readers[step.inputs[i]].push_back(s);
    }
  }
  // Candidates: every reader takes the output blocked. A region of candidates and their readers is kept blocked
  // only when it holds two convolutions or more: around a lone one, the reorders into and out of the blocked
  // layout cost more than its kernel saves (PP-OCR's recognizer scales each convolution's output by a constant).
  std::vector<bool> candidate(steps_.size(), false);
  Regions regions(steps_.size());
  for (size_t s = 0; s < steps_.size(); s++) {
    const Step& step = steps_[s];
    if (step.schema->takes_blocked.empty() || step.outputs.empty() || step.outputs[0] < 0) continue;
    const int slot = step.outputs[0];
    candidate[s] = reads[slot] > 0 && blocked_reads[slot] == reads[slot];
    if (!candidate[s]) continue;
    for (size_t reader : readers[slot]) regions.Join(s, reader);
  }
  std::vector<int> convolutions(steps_.size(), 0);
  for (size_t s = 0; s < steps_.size(); s++) {
    if (IsConvolution(*steps_[s].schema)) convolutions[regions.Find(s)]++;
  }
  for (size_t s = 0; s < steps_.size(); s++) {
    steps_[s].may_block_output = candidate[s] && convolutions[regions.Find(s)] >= 2;
  }
  // At small batches a region blocks only when no dense spatial convolution in it reads blocked data (one reading
  // the plain picture, a stem, may still write blocked).
  std::vector<bool> slow_at_small_batches(steps_.size(), false);
  const std::vector<int> producers = Producers();
  for (size_t s = 0; s < steps_.size(); s++) {
    const Step& step = steps_[s];
    if (!IsConvolution(*step.schema) || step.inputs.size() < 2 || step.inputs[0] < 0) continue;
    const int producer = producers[step.inputs[0]];
    if (producer < 0 || !steps_[producer].may_block_output) continue;
    const int weights = step.inputs[1];
    if (MayBeDenseSpatial(weights >= 0 ? constants_[weights] : at::Tensor())) {
      slow_at_small_batches[regions.Find(s)] = true;
    }
  }
  for (size_t s = 0; s < steps_.size(); s++) {
    steps_[s].blocks_small_batches = steps_[s].may_block_output && !slow_at_small_batches[regions.Find(s)];
  }
}

size_t GraphPlan::blocked_count(bool at_small_batches) const {
  size_t count = 0;
  for (const Step& step : steps_) count += (at_small_batches ? step.blocks_small_batches : step.may_block_output);
  return count;
}

}  // namespace quarry::ml::onnx
