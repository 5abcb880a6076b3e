// StepProfile — opt-in timing of the executor's steps by operator type, to see where a model's time
// goes. Off unless the environment variable QUARRY_ONNX_PROFILE is set (to anything but "" or "0") when
// the first model runs; then GraphPlan::Run times each step and, at process exit, the totals are
// printed to stderr, slowest operator type first. When off, a run pays one check of a cached flag.
// Times are exclusive: a step that runs subgraphs (If, Loop) counts without their steps, which count
// under their own types. QUARRY_ONNX_PROFILE=nodes times each node apart instead (its name, then its type), to
// compare layer by layer with another engine. Process-wide; thread-safe.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace quarry::ml::onnx {

// Whether QUARRY_ONNX_PROFILE asks for profiling (read once), and whether per node (QUARRY_ONNX_PROFILE=nodes).
bool StepProfileEnabled();
bool StepProfileByNode();

// One operator type's totals (or one node's: "NAME TYPE"): fused steps are named after what they compute
// ("Conv+Relu", "quarry.fused.HardSwish").
struct StepTotal {
  std::string op_type;
  int64_t nanoseconds = 0;
  int64_t count = 0;
};

// Times one step on this thread: made just before the step runs; End() records its exclusive time.
class StepTimer {
 public:
  StepTimer();
  void End(const std::string& op_type);

 private:
  int64_t start_;
  int64_t outer_children_;  // the enclosing step's children's time so far, restored by End()
};

// The totals so far, slowest first.
std::vector<StepTotal> StepProfileTotals();
// Forgets the totals so far (e.g. after a benchmark's warm-up calls).
void ResetStepProfile();
// Prints the totals as a table: op type, milliseconds, share of the total, steps run.
void PrintStepProfile(std::FILE* out);

}  // namespace quarry::ml::onnx
