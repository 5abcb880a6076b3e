// Drives a DuckDB pending query without busy-waiting (see query_driver.hpp).
#include "api/query_driver.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

namespace quarry {

duckdb::unique_ptr<duckdb::QueryResult> DriveToResult(duckdb::PendingQueryResult& pending) {
  using duckdb::PendingExecutionResult;
  constexpr auto kFirstPause = std::chrono::microseconds(20);
  constexpr auto kLongestPause = std::chrono::microseconds(1000);
  auto pause = std::chrono::microseconds(0);
  while (true) {
    const auto state = pending.ExecuteTask();
    if (duckdb::PendingQueryResult::IsResultReady(state)) {
      break;
    }
    if (state == PendingExecutionResult::NO_TASKS_AVAILABLE) {
      // Another thread holds the work: wait for it instead of asking again at once.
      pause = pause.count() == 0 ? kFirstPause : std::min(pause * 2, kLongestPause);
      std::this_thread::sleep_for(pause);
    } else if (state == PendingExecutionResult::BLOCKED) {
      pending.WaitForTask();
    } else {
      pause = std::chrono::microseconds(0);
    }
  }
  if (pending.HasError()) {
    return nullptr;
  }
  return pending.Execute();
}

}  // namespace quarry
