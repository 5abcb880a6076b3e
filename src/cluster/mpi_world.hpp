// MpiWorld — the processes of one job under an MPI launcher (mpirun, or Slurm's srun): this process's
// rank, the number of ranks, and messages of bytes between them. Rank 0 coordinates; the others work.
// Only src/cluster/mpi_*.cpp include mpi.h.
//
// Launched(): whether this process was started by an MPI launcher (Open MPI's or PMIx's environment),
// so a program started by hand never initializes MPI. One MpiWorld per process, made and used by one
// thread; it finalizes MPI when destroyed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace quarry::cluster {

class MpiWorld {
 public:
  static bool Launched();
  // Initializes MPI. REQUIRES: at most one per process.
  static Result<std::unique_ptr<MpiWorld>> Start(int* argc, char*** argv);
  ~MpiWorld();
  MpiWorld(const MpiWorld&) = delete;
  MpiWorld& operator=(const MpiWorld&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  // This machine's name, for messages that name a rank ("rank 3 on node7").
  const std::string& host() const { return host_; }

  // Sends `bytes` to `rank` with `tag` (blocking until the buffer can be reused).
  void Send(int rank, int tag, const std::string& bytes);
  // Receives the next message with `tag` from any rank: the sender's rank and the bytes.
  std::pair<int, std::string> Receive(int tag);
  // Whether a message with `tag` waits to be received.
  bool Waiting(int tag);

  // Ends the job on every rank with `code` (after an error that leaves no clean way out).
  [[noreturn]] void Abort(int code);

 private:
  MpiWorld(int rank, int size, std::string host) : rank_(rank), size_(size), host_(std::move(host)) {}
  int rank_;
  int size_;
  std::string host_;
};

// Bytes of a message: numbers and strings written and read in order.
class MessageWriter {
 public:
  MessageWriter& U64(uint64_t value);
  MessageWriter& String(const std::string& value);
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

class MessageReader {
 public:
  explicit MessageReader(const std::string& bytes) : bytes_(bytes) {}
  // Each returns false (and reads nothing more) past the end of a malformed message.
  bool U64(uint64_t& value);
  bool String(std::string& value);

 private:
  const std::string& bytes_;
  size_t offset_ = 0;
};

}  // namespace quarry::cluster
