// libFuzzer target for the job log's reader (src/cluster/job_log.cpp): any bytes as job.log, opened to
// resume. It must either refuse the log with an error or accept it, never crash, and an accepted log
// must take a new record and read back the same state after reopening.
// fuzz-sources: src/cluster/job_log.cpp
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "cluster/job_log.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string folder =
      (std::filesystem::temp_directory_path() / ("quarry_job_log_fuzz_" + std::to_string(::getpid()))).string();
  std::filesystem::create_directories(folder);
  {
    std::ofstream out(folder + "/job.log", std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  auto log = quarry::cluster::JobLog::Open(folder, "fuzz", /*resume=*/true);
  if (log.ok()) {
    const auto shares = log.value()->state().shares.size();
    const auto next = log.value()->state().next_share_id();
    if (!log.value()->DefineShare({next, "a", "b", 1, 1}).ok()) std::abort();
    log.value().reset();
    auto reopened = quarry::cluster::JobLog::Open(folder, "fuzz", true);
    if (!reopened.ok() || reopened.value()->state().shares.size() != shares + 1) std::abort();
  }
  return 0;
}
