// A job's shares over MPI: rank 0 runs RunCoordinator (a ShareScheduler answering the workers' requests,
// committing answers to the job log in groups and publishing their output files), every other rank
// runs RunWorker (ask, do the share, report, ask again). Workers ask for one share at a time, so fast
// workers take more shares and a slow one holds up at most the share it runs, which a second worker
// takes again once nothing else is left.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cluster/mpi_world.hpp"
#include "cluster/share_scheduler.hpp"
#include "common/result.hpp"

namespace quarry::cluster {

// What a worker does with a share: writes its outputs (if any) into StagingFolder(output, share,
// attempt), seals them, and returns their names; or an Error, which fails the attempt.
using ShareWork = std::function<Result<std::vector<std::string>>(const ShareTask& task)>;

struct CoordinatorReport {
  uint64_t shares = 0;    // shares committed by this run
  uint64_t attempts = 0;  // attempts issued (more than shares when stragglers ran twice or attempts failed)
  std::vector<std::string> published;  // output files committed by this run, in commit order
};

// Called after each group commit is durable, before its files are published, with the number of
// shares this run has committed so far (progress; tests stop the coordinator there).
using CommitObserver = std::function<void(uint64_t committed_shares)>;

// Rank 0: hands out every share of `scheduler` to ranks 1..size-1 and returns once all are committed
// and every worker was told the job is done. `output`: the folder the shares' files are published in.
// A share whose attempts fail `max_failures` times stops the job with that share's error.
Result<CoordinatorReport> RunCoordinator(MpiWorld& world, ShareScheduler& scheduler, const std::string& output,
                                         const CommitObserver& on_commit = nullptr, int max_failures = 3);

// Ranks 1..size-1: asks rank 0 for shares and runs `work` on each until told the job is done.
Result<bool> RunWorker(MpiWorld& world, const ShareWork& work);

}  // namespace quarry::cluster
