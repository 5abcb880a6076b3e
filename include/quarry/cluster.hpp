// quarry::Cluster — this process's part in one job over many processes, started by an MPI launcher
// (`mpirun -n 16 build/quarry results.duckdb -f job.sql`, or Slurm's `srun`). Rank 0 runs the
// statements in order and answers as one process would; the other ranks serve it: set-up statements
// (CREATE MODEL, SET, macros) run on every rank, and a query over a file table function with per-row
// work is cut into shares of files that the workers run, rank 0 ordering and limiting what they send
// (see src/api/distributed_statement.hpp for the rules). The job folder, on a file system every rank
// sees, holds each split statement's log and results, so a job killed at any point and started again
// with `resume` redoes only the shares that were not committed.
//
// One Cluster per process (MPI is initialized once); used by one thread.
#pragma once

#include <memory>
#include <string>

#include "quarry/database.hpp"
#include "quarry/query_result.hpp"

namespace quarry {

struct ClusterOptions {
  // On a file system every rank sees; empty: a new folder .quarry-jobs/<UTC time>-<rank 0's pid>,
  // named on standard error when the first statement is split.
  std::string job_folder;
  bool resume = false;  // go on with the job the folder holds
};

class Cluster {
 public:
  // Whether an MPI launcher started this process (without one, quarry runs alone as always).
  static bool Launched();
  // Joins the job. Throws std::runtime_error when MPI cannot start.
  explicit Cluster(ClusterOptions options);
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  int rank() const;
  int size() const;
  bool coordinator() const { return rank() == 0; }

  // Rank 0: runs one statement of the job on `connection` — split into shares, on every rank, or here
  // alone — and returns its result as Connection::Query would.
  QueryResult Query(Connection& connection, const std::string& sql);
  // Rank 0: ends the job; the workers' Serve returns.
  void Finish();

  // Ranks 1..n-1: runs what rank 0 sends on `database` until rank 0 calls Finish. Returns the process's
  // exit status.
  int Serve(Database& database);

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace quarry
