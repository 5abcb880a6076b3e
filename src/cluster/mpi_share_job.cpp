// A job's shares over MPI (see mpi_share_job.hpp).
//
// Messages: a worker sends kRequestTag messages "report + ask" (a report of the share it finished, if
// any: share, attempt, whether it worked, its error or its staged output names); rank 0 answers with a
// kAssignTag message (kind; for a share: its id, attempt and files as path and size).
#include "cluster/mpi_share_job.hpp"

#include <map>

#include "cluster/output_commit.hpp"

namespace quarry::cluster {

namespace {

constexpr int kRequestTag = 1;
constexpr int kAssignTag = 2;

enum class AssignKind : uint64_t { kShare = 0, kDone = 1 };

struct Report {
  bool present = false;
  uint64_t share = 0;
  uint64_t attempt = 0;
  bool worked = false;
  std::string error;
  std::vector<std::string> outputs;
};

std::string EncodeReport(const Report& report) {
  MessageWriter writer;
  writer.U64(report.present ? 1 : 0);
  if (!report.present) return writer.bytes();
  writer.U64(report.share).U64(report.attempt).U64(report.worked ? 1 : 0).String(report.error);
  writer.U64(report.outputs.size());
  for (const auto& name : report.outputs) writer.String(name);
  return writer.bytes();
}

std::optional<Report> DecodeReport(const std::string& bytes) {
  MessageReader reader(bytes);
  Report report;
  uint64_t present = 0, worked = 0, count = 0;
  if (!reader.U64(present)) return std::nullopt;
  report.present = present != 0;
  if (!report.present) return report;
  if (!reader.U64(report.share) || !reader.U64(report.attempt) || !reader.U64(worked) || !reader.String(report.error) ||
      !reader.U64(count)) {
    return std::nullopt;
  }
  report.worked = worked != 0;
  for (uint64_t i = 0; i < count; i++) {
    std::string name;
    if (!reader.String(name)) return std::nullopt;
    report.outputs.push_back(std::move(name));
  }
  return report;
}

std::string EncodeShare(const ShareTask& task) {
  MessageWriter writer;
  writer.U64(static_cast<uint64_t>(AssignKind::kShare)).U64(task.share).U64(task.attempt).U64(task.files.size());
  for (const auto& file : task.files) writer.String(file.path).U64(file.size);
  return writer.bytes();
}

std::string EncodeDone() {
  return MessageWriter().U64(static_cast<uint64_t>(AssignKind::kDone)).bytes();
}

}  // namespace

Result<CoordinatorReport> RunCoordinator(MpiWorld& world, ShareScheduler& scheduler, const std::string& output,
                                         const CommitObserver& on_commit, int max_failures) {
  CoordinatorReport report;
  std::vector<int> asking;  // workers waiting for an answer
  int working = world.size() - 1;
  std::map<uint64_t, int> failures;
  std::optional<std::string> stop;  // the error that stops the job
  while (working > 0) {
    // One message, then every other one already there: their commits go to the log together.
    std::vector<std::pair<int, std::string>> messages = {world.Receive(kRequestTag)};
    while (messages.size() < 1024 && world.Waiting(kRequestTag)) messages.push_back(world.Receive(kRequestTag));
    std::vector<CommitRecord> winners;
    for (auto& [worker, bytes] : messages) {
      asking.push_back(worker);
      auto decoded = DecodeReport(bytes);
      if (!decoded) {
        stop = "rank " + std::to_string(worker) + " sent a malformed message";
        continue;
      }
      const Report& done = *decoded;
      if (!done.present) continue;
      const auto attempt = static_cast<uint32_t>(done.attempt);
      if (!done.worked) {
        scheduler.Failed(worker, done.share, attempt);
        if (++failures[done.share] >= max_failures && !stop) {
          stop = "share " + std::to_string(done.share) + " failed " + std::to_string(max_failures) +
                 " times, last on rank " + std::to_string(worker) + ": " + done.error;
        }
        continue;
      }
      if (scheduler.Finished(worker, done.share, attempt, done.outputs)) {
        winners.push_back(CommitRecord{done.share, attempt, done.outputs});
      } else if (!output.empty()) {
        auto discarded = DiscardAttempt(output, done.share, attempt);  // a second attempt that lost
        if (!discarded.ok() && !stop) stop = discarded.error();
      }
    }
    auto committed = scheduler.CommitWinners();
    if (!committed.ok()) return Error{committed.error()};
    if (on_commit && !winners.empty()) on_commit(report.shares + winners.size());
    for (const auto& winner : winners) {
      if (!winner.outputs.empty()) {
        auto published = PublishShare(output, winner.share, winner.attempt, winner.outputs);
        if (!published.ok()) return Error{published.error()};
        for (const auto& name : winner.outputs) report.published.push_back(PublishedName(winner.share, name));
      }
      report.shares++;
    }
    std::vector<int> still_asking;
    for (int worker : asking) {
      if (stop) {
        world.Send(worker, kAssignTag, EncodeDone());
        working--;
        continue;
      }
      auto next = scheduler.Next(worker);
      if (!next.ok()) {
        stop = next.error();
        world.Send(worker, kAssignTag, EncodeDone());
        working--;
        continue;
      }
      switch (next.value().kind) {
        case Assignment::Kind::kShare:
          world.Send(worker, kAssignTag, EncodeShare(next.value().task));
          break;
        case Assignment::Kind::kWait:
          still_asking.push_back(worker);
          break;
        case Assignment::Kind::kDone:
          world.Send(worker, kAssignTag, EncodeDone());
          working--;
          break;
      }
    }
    asking = std::move(still_asking);
  }
  report.attempts = scheduler.attempts_issued();
  if (stop) return Error{*stop};
  return report;
}

Result<bool> RunWorker(MpiWorld& world, const ShareWork& work) {
  Report report;  // nothing finished yet: the first message only asks
  while (true) {
    world.Send(0, kRequestTag, EncodeReport(report));
    auto [from, bytes] = world.Receive(kAssignTag);
    MessageReader reader(bytes);
    uint64_t kind = 0, count = 0;
    ShareTask task;
    uint64_t attempt = 0;
    if (!reader.U64(kind)) return Error{"a malformed message from rank 0"};
    if (kind == static_cast<uint64_t>(AssignKind::kDone)) return true;
    if (!reader.U64(task.share) || !reader.U64(attempt) || !reader.U64(count)) {
      return Error{"a malformed share from rank 0"};
    }
    task.attempt = static_cast<uint32_t>(attempt);
    for (uint64_t i = 0; i < count; i++) {
      io::ListedFile file;
      if (!reader.String(file.path) || !reader.U64(file.size)) return Error{"a malformed share from rank 0"};
      task.files.push_back(std::move(file));
    }
    auto outputs = work(task);
    report = Report{true,
                    task.share,
                    task.attempt,
                    outputs.ok(),
                    outputs.ok() ? "" : outputs.error(),
                    outputs.ok() ? std::move(outputs).value() : std::vector<std::string>{}};
  }
}

}  // namespace quarry::cluster
