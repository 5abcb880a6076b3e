// quarry_mpi_share_check INPUT JOB OUTPUT [--resume] — a job of the commit protocol under a real MPI
// launcher, for tests/cluster/mpi_share_job_test.sh: the files under INPUT are cut into shares; each
// worker writes, for its share, a part file listing the share's paths (one per line); rank 0 commits,
// publishes and finally writes the manifest. The test then checks that the part files list every input
// file exactly once, after clean runs and after runs killed half-way and resumed.
// Test hooks (environment): QUARRY_TEST_WORKER_DIES_AT_SHARE=N — the worker given share N stages its
// file, then kills itself (SIGKILL); QUARRY_TEST_COORDINATOR_DIES_AFTER=N — rank 0 kills itself once
// N shares are committed, before publishing them; QUARRY_TEST_SLOW_RANK=R — rank R takes 200 ms per
// share (a straggler).
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "cluster/mpi_share_job.hpp"
#include "cluster/output_commit.hpp"

namespace {

using namespace quarry;
using namespace quarry::cluster;

long EnvNumber(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::atol(value) : -1;
}

int Coordinate(MpiWorld& world, const std::string& input, const std::string& job, const std::string& output,
               bool resume) {
  auto log = JobLog::Open(job, "mpi_share_check " + input, resume);
  if (!log.ok()) {
    std::cerr << "rank 0: " << log.error() << "\n";
    world.Abort(2);
  }
  auto recovered = RecoverOutputs(output, log.value()->state());
  if (!recovered.ok()) {
    std::cerr << "rank 0: " << recovered.error() << "\n";
    world.Abort(2);
  }
  io::FileListOptions options;
  options.recursive = true;
  options.exclude = ExcludeCommitted(log.value()->state());
  auto listing = io::FileListing::Start({input}, options);
  if (!listing.ok()) {
    std::cerr << "rank 0: " << listing.error() << "\n";
    world.Abort(2);
  }
  ShareScheduler scheduler(std::move(listing).value(), *log.value(), ShareSize{1 << 20, 3});
  const long die_after = EnvNumber("QUARRY_TEST_COORDINATOR_DIES_AFTER");
  auto report = RunCoordinator(world, scheduler, output, [&](uint64_t committed) {
    if (die_after >= 0 && static_cast<long>(committed) >= die_after) ::kill(::getpid(), SIGKILL);
  });
  if (!report.ok()) {
    std::cerr << "rank 0: " << report.error() << "\n";
    return 1;
  }
  std::vector<std::string> files = recovered.value();
  files.insert(files.end(), report.value().published.begin(), report.value().published.end());
  auto finished = FinishJob(*log.value(), output, files);
  if (!finished.ok()) {
    std::cerr << "rank 0: " << finished.error() << "\n";
    return 1;
  }
  std::cout << "committed " << report.value().shares << " shares in " << report.value().attempts << " attempts; "
            << files.size() << " part files\n";
  return 0;
}

int Work(MpiWorld& world, const std::string& output) {
  const long die_at = EnvNumber("QUARRY_TEST_WORKER_DIES_AT_SHARE");
  const bool slow = EnvNumber("QUARRY_TEST_SLOW_RANK") == world.rank();
  auto done = RunWorker(world, [&](const ShareTask& task) -> Result<std::vector<std::string>> {
    if (slow) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const std::string staging = StagingFolder(output, task.share, task.attempt);
    std::filesystem::create_directories(staging);
    std::ofstream out(staging + "/rows.txt");
    for (const auto& file : task.files) out << file.path << "\n";
    out.close();
    if (!out) return Error{"cannot write " + staging + "/rows.txt"};
    auto sealed = SealAttempt(output, task.share, task.attempt);
    if (!sealed.ok()) return Error{sealed.error()};
    if (die_at >= 0 && static_cast<long>(task.share) == die_at) ::kill(::getpid(), SIGKILL);
    return std::vector<std::string>{"rows.txt"};
  });
  if (!done.ok()) {
    std::cerr << "rank " << world.rank() << ": " << done.error() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: quarry_mpi_share_check INPUT JOB OUTPUT [--resume]\n";
    return 2;
  }
  const std::string input = argv[1], job = argv[2], output = argv[3];
  const bool resume = argc > 4 && std::string(argv[4]) == "--resume";
  auto world = MpiWorld::Start(&argc, &argv);
  if (!world.ok()) {
    std::cerr << world.error() << "\n";
    return 2;
  }
  std::filesystem::create_directories(output);
  const int status = world.value()->rank() == 0 ? Coordinate(*world.value(), input, job, output, resume)
                                                : Work(*world.value(), output);
  return status;
}
