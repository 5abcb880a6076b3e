// Drives a DuckDB pending query to its result without busy-waiting the calling thread.
//
// DuckDB's own Query() loops on ExecuteTask(); when the query's only task runs on a worker thread,
// ExecuteTask() answers NO_TASKS_AVAILABLE at once and the caller spins at 100% of a core for the
// whole query (seen on 1.4.4). On 2 cores that halves the throughput of a model running on the worker.
// This driver executes tasks itself while there are any and otherwise sleeps with a short, growing
// back-off (up to 1 ms), so an idle caller costs nothing and a finished query is noticed within 1 ms.
#pragma once

#include "duckdb.hpp"

namespace quarry {

// Runs `pending` until its result is ready and returns it, as PendingQueryResult::Execute() does;
// returns nullptr when execution failed (the error is then in pending.GetErrorObject()).
duckdb::unique_ptr<duckdb::QueryResult> DriveToResult(duckdb::PendingQueryResult& pending);

}  // namespace quarry
