// ShareScheduler — the coordinator's side of a job: it cuts the job's file listing into shares as
// workers ask for work (consecutive files in path order, up to a number of bytes or files, so a share
// is small enough that skew and slow workers do not stall the job), records each share in the job log,
// and takes the first finished attempt of each share as its answer.
//
// Stragglers: once no new share is left, a worker that asks gets a second attempt of the share that
// has run longest with a single attempt; whichever attempt finishes first wins, the other's output is
// discarded. A worker that fails or dies gives its shares back, to be issued again.
//
// Resume: built over the job log of an interrupted run, the listing leaves out the files of committed
// shares (ExcludeCommitted) and new shares continue the log's numbering, so a resumed job redoes
// exactly what was not committed. (A file added during the interruption between the first and last
// file of a committed share is not picked up: the job's input is the listing it started with.)
//
// Transport-agnostic (the MPI coordinator and tests drive it); not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/job_log.hpp"
#include "common/result.hpp"
#include "io/file_list.hpp"

namespace quarry::cluster {

// How big a share is: it closes once it holds `target_bytes` or `max_files`.
struct ShareSize {
  uint64_t target_bytes = 64ull << 20;
  uint64_t max_files = 256;
};

// A share handed to a worker.
struct ShareTask {
  uint64_t share = 0;
  uint32_t attempt = 0;
  std::vector<io::ListedFile> files;
};

// The answer to a worker asking for work.
struct Assignment {
  enum class Kind { kShare, kWait, kDone };
  Kind kind = Kind::kDone;
  ShareTask task;  // for kShare
};

class ShareScheduler {
 public:
  // `listing`: the job's files in path order (started with ExcludeCommitted(log.state()) on a resume).
  // `log` outlives the scheduler.
  ShareScheduler(std::unique_ptr<io::FileListing> listing, JobLog& log, ShareSize size,
                 std::function<std::chrono::steady_clock::time_point()> clock = std::chrono::steady_clock::now);

  // Work for `worker`: a share (new, returned by a failed worker, or a straggler's second attempt),
  // kWait when every share left is running twice already, kDone when every share is committed.
  Result<Assignment> Next(int worker);

  // `worker` finished attempt `attempt` of `share` with `outputs` (published names). Returns whether it
  // is the first answer of the share: the caller then commits it (CommitWinners) and publishes its
  // files; otherwise the caller discards the attempt's output.
  bool Finished(int worker, uint64_t share, uint32_t attempt, std::vector<std::string> outputs);

  // Makes the winners reported since the last call durable in the job log (one group commit).
  Result<bool> CommitWinners();

  // `worker` failed `share` (or died: Failed for each of its shares): the attempt is dropped, and the
  // share is issued again unless another attempt still runs or it is committed.
  void Failed(int worker, uint64_t share, uint32_t attempt);

  // The shares `worker` is running, as (share, attempt).
  std::vector<std::pair<uint64_t, uint32_t>> RunningOn(int worker) const;

  bool done() const { return listing_done_ && shares_.empty() && winners_.empty(); }
  uint64_t shares_issued() const { return shares_issued_; }
  uint64_t attempts_issued() const { return attempts_issued_; }

 private:
  // A share not answered yet: waiting to be issued (no attempts) or running.
  struct Running {
    std::vector<io::ListedFile> files;
    uint32_t next_attempt = 0;
    std::map<uint32_t, std::pair<int, std::chrono::steady_clock::time_point>> attempts;  // attempt -> worker, start
  };
  Result<std::optional<uint64_t>> CutShare();
  ShareTask Issue(uint64_t share, int worker);

  std::unique_ptr<io::FileListing> listing_;
  JobLog& log_;
  ShareSize size_;
  std::function<std::chrono::steady_clock::time_point()> clock_;
  std::optional<io::ListedFile> carried_;  // a file read past the end of the last share
  bool listing_done_ = false;
  std::deque<uint64_t> pending_;        // shares to issue again (their attempts failed)
  std::map<uint64_t, Running> shares_;  // every share not answered yet
  std::vector<CommitRecord> winners_;   // answered, not yet committed
  uint64_t shares_issued_ = 0;
  uint64_t attempts_issued_ = 0;
};

// The exclusion predicate (io::FileListOptions::exclude) that leaves out the files of the shares
// `state` holds committed: paths between a committed share's first and last path.
std::function<bool(const std::string&)> ExcludeCommitted(const JobState& state);

}  // namespace quarry::cluster
