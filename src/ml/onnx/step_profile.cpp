// StepProfile: per-operator-type totals of step times (see step_profile.hpp).
#include "ml/onnx/step_profile.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>

namespace quarry::ml::onnx {
namespace {

struct Totals {
  std::mutex mutex;
  std::map<std::string, StepTotal> by_type;
};

Totals& GlobalTotals() {
  static auto* totals = new Totals();  // never destroyed: the exit handler reads it
  return *totals;
}

int64_t NowNanoseconds() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The time steps nested in the step now running on this thread (its subgraphs' steps) took so far.
thread_local int64_t children_nanoseconds = 0;

}  // namespace

namespace {

// QUARRY_ONNX_PROFILE, read once: empty or "0" is off, "nodes" times nodes apart, anything else operator types.
const std::string& ProfileSetting() {
  static const std::string setting = [] {
    const char* value = std::getenv("QUARRY_ONNX_PROFILE");
    return std::string(value == nullptr || std::string(value) == "0" ? "" : value);
  }();
  return setting;
}

}  // namespace

bool StepProfileEnabled() {
  static const bool enabled = [] {
    const bool on = !ProfileSetting().empty();
    if (on) std::atexit([] { PrintStepProfile(stderr); });
    return on;
  }();
  return enabled;
}

bool StepProfileByNode() {
  return ProfileSetting() == "nodes";
}

StepTimer::StepTimer() : start_(NowNanoseconds()), outer_children_(children_nanoseconds) {
  children_nanoseconds = 0;
}

void StepTimer::End(const std::string& op_type) {
  const int64_t elapsed = NowNanoseconds() - start_;
  const int64_t exclusive = elapsed - children_nanoseconds;
  children_nanoseconds = outer_children_ + elapsed;
  Totals& totals = GlobalTotals();
  std::lock_guard<std::mutex> lock(totals.mutex);
  StepTotal& total = totals.by_type[op_type];
  total.op_type = op_type;
  total.nanoseconds += exclusive;
  total.count++;
}

std::vector<StepTotal> StepProfileTotals() {
  Totals& totals = GlobalTotals();
  std::vector<StepTotal> result;
  {
    std::lock_guard<std::mutex> lock(totals.mutex);
    for (const auto& [type, total] : totals.by_type) result.push_back(total);
  }
  std::sort(result.begin(), result.end(),
            [](const StepTotal& a, const StepTotal& b) { return a.nanoseconds > b.nanoseconds; });
  return result;
}

void ResetStepProfile() {
  Totals& totals = GlobalTotals();
  std::lock_guard<std::mutex> lock(totals.mutex);
  totals.by_type.clear();
}

void PrintStepProfile(std::FILE* out) {
  const std::vector<StepTotal> totals = StepProfileTotals();
  int64_t sum = 0;
  for (const auto& total : totals) sum += total.nanoseconds;
  std::fprintf(out, "QUARRY_ONNX_PROFILE %-32s %12s %7s %9s\n", "op_type", "ms", "share", "steps");
  for (const auto& total : totals) {
    std::fprintf(out, "QUARRY_ONNX_PROFILE %-32s %12.3f %6.1f%% %9lld\n", total.op_type.c_str(),
                 static_cast<double>(total.nanoseconds) / 1e6,
                 sum > 0 ? 100.0 * static_cast<double>(total.nanoseconds) / static_cast<double>(sum) : 0.0,
                 static_cast<long long>(total.count));
  }
}

}  // namespace quarry::ml::onnx
