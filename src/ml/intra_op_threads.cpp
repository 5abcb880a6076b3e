// IntraOpThreadScope (see intra_op_threads.hpp).
#include "ml/intra_op_threads.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

namespace quarry::ml {

namespace {

std::atomic<int> running_calls{0};
// The most calls seen running at once lately, and when: threads alternate between decoding (outside a
// call) and inference (inside), so the count at one instant understates how many share the cores.
std::atomic<int> recent_peak{0};
std::atomic<int64_t> recent_peak_time{0};
constexpr int64_t kPeakMemoryNanoseconds = 1'000'000'000;

int64_t Now() {
  return std::chrono::steady_clock::now().time_since_epoch().count();
}

}  // namespace

IntraOpThreadScope::IntraOpThreadScope() {
  const int running = ++running_calls;
  const int64_t now = Now();
  int peak = recent_peak.load();
  if (running >= peak || now - recent_peak_time.load() > kPeakMemoryNanoseconds) {
    recent_peak = peak = running;
    recent_peak_time = now;
  }
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  threads_ = std::max(1, cores / std::max(running, peak));
  thread_local int configured = 0;
  if (configured != threads_) {
    omp_set_num_threads(threads_);  // this thread's setting only
    configured = threads_;
  }
}

IntraOpThreadScope::~IntraOpThreadScope() {
  --running_calls;
}

void ParallelFor(int64_t count, const std::function<void(int64_t)>& body) {
  if (count <= 1 || omp_get_max_threads() == 1) {
    for (int64_t i = 0; i < count; i++) body(i);
    return;
  }
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t i = 0; i < count; i++) body(i);
}

}  // namespace quarry::ml
