// JobLog — the durable record of one job in its job folder (on a file system every process sees):
// the shares of files the job cut its listing into, and which of them are committed with which output
// files. A job killed at any moment and resumed with the same folder redoes exactly the shares that
// are not committed: a share counts as done from the moment its commit record is on disk.
//
// The log is one file, job.log, of text records appended with one write() each and made durable
// (fdatasync) before Append returns. Each record is a line "<crc32 in hex> <fields separated by tabs>";
// a line that is cut short or fails its checksum at the end of the file is what a crash mid-append
// leaves, and is dropped (the file is truncated to the last whole record when the log is opened to go
// on); a bad record before the end is corruption and an error naming its line.
//
// One process writes a job's log (the coordinator); an exclusive lock (job.lock) keeps a second
// coordinator off the same folder. Not thread-safe: one thread uses a JobLog.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace quarry::cluster {

// A share: files of the listing, contiguous in path order, from `first_path` to `last_path`.
struct ShareRecord {
  uint64_t id = 0;
  std::string first_path;
  std::string last_path;
  uint64_t files = 0;
  uint64_t bytes = 0;
};

// What a share left when it was committed: the attempt whose answer won and the names of its staged
// output files (output_commit.hpp publishes them as PublishedName(share, name); none for a query
// whose rows went to the coordinator).
struct CommitRecord {
  uint64_t share = 0;
  uint32_t attempt = 0;
  std::vector<std::string> outputs;
};

// Everything the log holds, as read when it was opened plus what was appended since.
struct JobState {
  std::string fingerprint;                 // what the job is (its SQL and settings): a resume must match
  std::map<uint64_t, ShareRecord> shares;  // every share defined, by id
  std::map<uint64_t, CommitRecord> commits;
  bool finished = false;  // the job's last step (the manifest) is done
  uint64_t next_share_id() const { return shares.empty() ? 0 : shares.rbegin()->first + 1; }
};

class JobLog {
 public:
  // Opens the job folder `folder` (created if missing) for the job `fingerprint`. A folder that holds
  // a log already is an error unless `resume`; a resumed log of another job (another fingerprint) is an
  // error too. With `resume` and no log yet, the job starts from the beginning.
  static Result<std::unique_ptr<JobLog>> Open(const std::string& folder, const std::string& fingerprint, bool resume);
  ~JobLog();
  JobLog(const JobLog&) = delete;
  JobLog& operator=(const JobLog&) = delete;

  const JobState& state() const { return state_; }
  const std::string& folder() const { return folder_; }

  // Appends a share's definition. Not made durable on its own: a commit after it, which is durable,
  // makes it durable too (records reach the disk in order), and a share with no commit is cut again on
  // resume anyway.
  Result<bool> DefineShare(const ShareRecord& share);
  // Appends the commits (in one write) and returns once they are durable: a group commit.
  // REQUIRES: each share was defined. A share committed already is refused (an Error): first wins.
  Result<bool> Commit(const std::vector<CommitRecord>& commits);
  // The job's last record, durable.
  Result<bool> Finish();

  // The log's file name inside a job folder.
  static constexpr const char* kFileName = "job.log";

 private:
  JobLog(std::string folder, int descriptor, int lock_descriptor)
      : folder_(std::move(folder)), descriptor_(descriptor), lock_descriptor_(lock_descriptor) {}
  // Appends records in one write; durable (fdatasync) when `durable`.
  Result<bool> Append(const std::vector<std::vector<std::string>>& records, bool durable);

  std::string folder_;
  int descriptor_;
  int lock_descriptor_;
  JobState state_;
};

// CRC-32 (IEEE) of `text`: the checksum of each record.
uint32_t Crc32(std::string_view text);

}  // namespace quarry::cluster
