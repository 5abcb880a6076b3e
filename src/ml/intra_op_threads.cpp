// IntraOpThreadScope (see intra_op_threads.hpp).
#include "ml/intra_op_threads.hpp"

#include <sched.h>

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
// How long the peak is remembered: 1.5 times the longest time a thread spent between two calls lately
// (decoding its next chunk), within [kMinPeakMemory, kMaxPeakMemory]. Long enough that a thread
// decoding still counts; short enough that once the other threads have finished their last chunk, the
// one left gets every core for its remaining batches instead of leaving them idle.
constexpr int64_t kMinPeakMemory = 50'000'000;     // ns
constexpr int64_t kMaxPeakMemory = 1'000'000'000;  // ns
constexpr int64_t kGapMemory = 2'000'000'000;      // ns: a gap this old no longer counts
std::atomic<int64_t> recent_gap{0};
std::atomic<int64_t> recent_gap_time{0};

int64_t Now() {
  return std::chrono::steady_clock::now().time_since_epoch().count();
}

// When this thread's last call ended (0: it has made none).
thread_local int64_t last_exit = 0;

// Records the time this thread spent outside calls before this one; returns how long to remember peaks.
int64_t PeakMemory(int64_t now) {
  if (last_exit != 0) {
    const int64_t gap = now - last_exit;
    if (gap < kMaxPeakMemory && (gap >= recent_gap.load() || now - recent_gap_time.load() > kGapMemory)) {
      recent_gap = gap;
      recent_gap_time = now;
    }
  }
  return std::clamp(recent_gap.load() * 3 / 2, kMinPeakMemory, kMaxPeakMemory);
}

// The cores this process may run on: its CPU affinity (a launcher that binds each rank of a job to a
// core, a cgroup cpuset), else every core of the machine.
int UsableCores() {
  static const int cores = [] {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
    return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  }();
  return cores;
}

}  // namespace

IntraOpThreadScope::IntraOpThreadScope() {
  const int running = ++running_calls;
  const int64_t now = Now();
  const int64_t peak_memory = PeakMemory(now);
  int peak = recent_peak.load();
  if (running >= peak || now - recent_peak_time.load() > peak_memory) {
    recent_peak = peak = running;
    recent_peak_time = now;
  }
  threads_ = std::max(1, UsableCores() / std::max(running, peak));
  thread_local int configured = 0;
  if (configured != threads_) {
    omp_set_num_threads(threads_);  // this thread's setting only
    configured = threads_;
  }
}

IntraOpThreadScope::~IntraOpThreadScope() {
  --running_calls;
  last_exit = Now();
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
