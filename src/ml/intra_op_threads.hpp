// IntraOpThreadScope — gives each running model call a fair share of the cores as intra-op threads.
//
// DuckDB runs a model function on as many threads as the query's pipeline has chunks for: all of its
// threads over read_images, a single one over glob() (one chunk). libtorch's intra-op parallelism
// reads OpenMP's per-thread setting, so each call sets, for its own thread only, cores / (the most model
// calls running at once in this process lately: within 1.5 times the longest recent pause of a thread
// between calls, 50 ms to 1 s): two parallel chunks on 2 cores get 1 thread each, a lone chunk gets 2,
// and the last chunk of a query, once the other threads are done, gets 2 again.
// DuckDB threads × intra-op threads thus stays at the core count instead of oversubscribing (2 × 2 on
// 2 cores cost 40% more CPU for the same work). Thread-safe; the count is process-wide.
#pragma once

#include <cstdint>
#include <functional>

namespace quarry::ml {

class IntraOpThreadScope {
 public:
  IntraOpThreadScope();
  ~IntraOpThreadScope();
  IntraOpThreadScope(const IntraOpThreadScope&) = delete;
  IntraOpThreadScope& operator=(const IntraOpThreadScope&) = delete;

  // The intra-op threads this call was given.
  int threads() const { return threads_; }

 private:
  int threads_ = 1;
};

// Runs body(i) for each i in [0, count) on the calling thread's intra-op threads (OpenMP's, which
// libtorch's kernels use too, as an IntraOpThreadScope set them), so work between model calls, such as
// decoding a batch's pictures, shares the cores without starting more threads than there are. `body` must
// not throw.
void ParallelFor(int64_t count, const std::function<void(int64_t)>& body);

}  // namespace quarry::ml
