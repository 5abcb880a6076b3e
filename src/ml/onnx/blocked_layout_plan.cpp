// GraphPlan::AssignBlockedLayouts: which values stay in oneDNN's blocked layout between steps (see
// onednn/blocked_layout.hpp for the layout and why).
//
// A step whose kernel takes blocked inputs (OperatorSchema::takes_blocked: Conv, ConvAdd, Mul,
// GlobalAveragePool) may return its output blocked when every reader of that output takes it blocked at the
// position it reads it: so a chain of convolutions, with the squeeze-and-excitation gates and residual sums
// between them, passes blocked tensors along, and the first and last of them reorder from and to the plain
// layout. The decision is only permission: a kernel that cannot compute a case blocked returns it plain, and
// Run turns a blocked value plain for any reader that does not take it (and for graph outputs), so a wrong
// guess costs time, never a result.
#include <cstdlib>
#include <cstring>

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

}  // namespace

void GraphPlan::AssignBlockedLayouts() {
  if (!BlockedLayoutAllowed()) return;
  const std::vector<int> reads = ReadCounts();  // steps, subgraphs and graph outputs
  std::vector<int> blocked_reads(reads.size(), 0);
  for (const Step& step : steps_) {
    for (size_t i = 0; i < step.inputs.size(); i++) {
      if (step.inputs[i] >= 0 && TakesBlocked(*step.schema, i)) blocked_reads[step.inputs[i]]++;
    }
  }
  for (Step& step : steps_) {
    if (step.schema->takes_blocked.empty() || step.outputs.empty() || step.outputs[0] < 0) continue;
    const int slot = step.outputs[0];
    step.may_block_output = reads[slot] > 0 && blocked_reads[slot] == reads[slot];
  }
}

size_t GraphPlan::blocked_count() const {
  size_t count = 0;
  for (const Step& step : steps_) count += step.may_block_output ? 1 : 0;
  return count;
}

}  // namespace quarry::ml::onnx
