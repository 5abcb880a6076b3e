// quarry_share_coordinator_bench FOLDER — the coordinator's capacity (issue 16): run under
// `mpirun -n 33`, rank 0 hands out shares of one file each over the files under FOLDER to 32 workers
// that do no work, committing every answer to a job log (group commits, fdatasync) in a temporary job
// folder. Rank 0 prints shares handed out per second and the bytes of a share's messages.
#include <chrono>
#include <filesystem>
#include <iostream>

#include "cluster/mpi_share_job.hpp"
#include "cluster/output_commit.hpp"

using namespace quarry;
using namespace quarry::cluster;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: quarry_share_coordinator_bench FOLDER (under mpirun)\n";
    return 2;
  }
  const std::string folder = argv[1];
  auto world = MpiWorld::Start(&argc, &argv);
  if (!world.ok()) return 2;
  if (world.value()->rank() != 0) {
    auto done = RunWorker(
        *world.value(), [](const ShareTask&) { return Result<std::vector<std::string>>(std::vector<std::string>{}); });
    return done.ok() ? 0 : 1;
  }
  const std::string job = std::filesystem::temp_directory_path() / ("quarry_share_bench_" + std::to_string(::getpid()));
  std::filesystem::remove_all(job);
  auto log = JobLog::Open(job, "share bench", false);
  auto listing = io::FileListing::Start({folder}, io::FileListOptions{});
  if (!log.ok() || !listing.ok()) {
    std::cerr << (log.ok() ? listing.error() : log.error()) << "\n";
    world.value()->Abort(2);
  }
  ShareScheduler scheduler(std::move(listing).value(), *log.value(), ShareSize{1, 1});
  const auto start = std::chrono::steady_clock::now();
  auto report = RunCoordinator(*world.value(), scheduler, "");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!report.ok()) {
    std::cerr << report.error() << "\n";
    return 1;
  }
  const auto log_bytes = std::filesystem::file_size(job + "/" + JobLog::kFileName);
  std::filesystem::remove_all(job);
  std::cout << "workers: " << world.value()->size() - 1 << ", shares: " << report.value().shares << ", " << seconds
            << " s\n";
  std::cout << "shares handed out and committed per second: " << report.value().shares / seconds
            << " (target >= 1000)\n";
  std::cout << "job log bytes per share: " << static_cast<double>(log_bytes) / report.value().shares << "\n";
  return 0;
}
