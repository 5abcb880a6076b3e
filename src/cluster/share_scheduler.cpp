// ShareScheduler: shares of a listing handed to workers, first answer wins (see share_scheduler.hpp).
#include "cluster/share_scheduler.hpp"

#include <algorithm>

namespace quarry::cluster {

ShareScheduler::ShareScheduler(std::unique_ptr<io::FileListing> listing, JobLog& log, ShareSize size,
                               std::function<std::chrono::steady_clock::time_point()> clock)
    : listing_(std::move(listing)), log_(log), size_(size), clock_(std::move(clock)) {}

Result<std::optional<uint64_t>> ShareScheduler::CutShare() {
  Running share;
  uint64_t bytes = 0;
  while (share.files.size() < size_.max_files && bytes < size_.target_bytes) {
    std::optional<io::ListedFile> file;
    if (carried_) {
      file = std::move(carried_);
      carried_.reset();
    } else {
      auto next = listing_->Next();
      if (!next.ok()) return Error{next.error()};
      file = std::move(next).value();
    }
    if (!file) {
      listing_done_ = true;
      break;
    }
    bytes += file->size;
    share.files.push_back(std::move(*file));
  }
  if (share.files.empty()) return std::optional<uint64_t>();
  const ShareRecord record{log_.state().next_share_id(), share.files.front().path, share.files.back().path,
                           share.files.size(), bytes};
  auto defined = log_.DefineShare(record);
  if (!defined.ok()) return Error{defined.error()};
  shares_.emplace(record.id, std::move(share));
  shares_issued_++;
  return std::optional<uint64_t>(record.id);
}

ShareTask ShareScheduler::Issue(uint64_t id, int worker) {
  auto& share = shares_.at(id);
  const uint32_t attempt = share.next_attempt++;
  share.attempts[attempt] = {worker, clock_()};
  attempts_issued_++;
  return ShareTask{id, attempt, share.files};
}

Result<Assignment> ShareScheduler::Next(int worker) {
  Assignment assignment;
  assignment.kind = Assignment::Kind::kShare;
  if (!pending_.empty()) {
    const uint64_t id = pending_.front();
    pending_.pop_front();
    assignment.task = Issue(id, worker);
    return assignment;
  }
  if (!listing_done_) {
    auto cut = CutShare();
    if (!cut.ok()) return Error{cut.error()};
    if (cut.value()) {
      assignment.task = Issue(*cut.value(), worker);
      return assignment;
    }
  }
  // Nothing new: a second attempt of the longest-running share that runs once, on another worker.
  const std::pair<const uint64_t, Running>* straggler = nullptr;
  for (const auto& entry : shares_) {
    const auto& attempts = entry.second.attempts;
    if (attempts.size() != 1 || attempts.begin()->second.first == worker) continue;
    if (!straggler || attempts.begin()->second.second < straggler->second.attempts.begin()->second.second) {
      straggler = &entry;
    }
  }
  if (straggler) {
    assignment.task = Issue(straggler->first, worker);
    return assignment;
  }
  assignment.kind = shares_.empty() && winners_.empty() ? Assignment::Kind::kDone : Assignment::Kind::kWait;
  return assignment;
}

bool ShareScheduler::Finished(int worker, uint64_t id, uint32_t attempt, std::vector<std::string> outputs) {
  auto found = shares_.find(id);
  if (found == shares_.end()) return false;  // answered already (or never issued)
  auto running = found->second.attempts.find(attempt);
  if (running == found->second.attempts.end() || running->second.first != worker) return false;
  shares_.erase(found);  // the other attempts, if any, will lose
  winners_.push_back(CommitRecord{id, attempt, std::move(outputs)});
  return true;
}

Result<bool> ShareScheduler::CommitWinners() {
  if (winners_.empty()) return true;
  auto committed = log_.Commit(winners_);
  if (committed.ok()) winners_.clear();
  return committed;
}

void ShareScheduler::Failed(int worker, uint64_t id, uint32_t attempt) {
  auto found = shares_.find(id);
  if (found == shares_.end()) return;
  auto running = found->second.attempts.find(attempt);
  if (running == found->second.attempts.end() || running->second.first != worker) return;
  found->second.attempts.erase(running);
  if (found->second.attempts.empty()) pending_.push_front(id);
}

std::vector<std::pair<uint64_t, uint32_t>> ShareScheduler::RunningOn(int worker) const {
  std::vector<std::pair<uint64_t, uint32_t>> result;
  for (const auto& [id, share] : shares_) {
    for (const auto& [attempt, run] : share.attempts) {
      if (run.first == worker) result.emplace_back(id, attempt);
    }
  }
  return result;
}

std::function<bool(const std::string&)> ExcludeCommitted(const JobState& state) {
  std::vector<std::pair<std::string, std::string>> ranges;
  for (const auto& [id, commit] : state.commits) {
    auto share = state.shares.find(id);
    if (share != state.shares.end()) ranges.emplace_back(share->second.first_path, share->second.last_path);
  }
  std::sort(ranges.begin(), ranges.end());
  return [ranges = std::move(ranges)](const std::string& path) {
    // The last range starting at or before the path holds it, if any does (ranges do not overlap).
    auto after = std::upper_bound(ranges.begin(), ranges.end(), path,
                                  [](const std::string& p, const auto& range) { return p < range.first; });
    return after != ranges.begin() && path <= std::prev(after)->second;
  };
}

}  // namespace quarry::cluster
