// Aggregations split over a job's shares (see distributed_statement.hpp): each worker groups its share
// and computes partial aggregates (count, sum, min, max, and avg as a sum and a count); rank 0
// combines them (counts and sums add up, minima and maxima of minima and maxima, avg = sum / count),
// then applies HAVING, ORDER BY and LIMIT. Sums of floating-point values add in another order than one
// process would, so their last digits may differ; integers and decimals are exact.
#pragma once

#include <optional>
#include <set>
#include <string>

#include "api/distributed_statement.hpp"

namespace duckdb {
class ClientContext;
class ParsedExpression;
class SelectNode;
}  // namespace duckdb

namespace quarry {

// Whether `expression` is per-row work: no aggregate, window or subquery anywhere in it (macros are
// looked into). `context` must be in a transaction. (distributed_statement.cpp)
bool IsPerRow(duckdb::ClientContext& context, const duckdb::ParsedExpression& expression, int depth = 0);

// Fills statement.worker_sql (without share files yet) and statement.final_sql for a grouped or
// aggregating SELECT `node`, or returns why it cannot be split. `context` must be in a transaction.
// `wide_sums`: the partial sums (by column name, "__qa3") that are 128-bit integers: Parquet has no
// such type, so they travel as DECIMAL(38, 0) and are combined back into HUGEINT (found by binding the
// worker's query of a first plan).
std::optional<std::string> PlanAggregation(duckdb::ClientContext& context, const duckdb::SelectNode& node,
                                           const std::set<std::string>& wide_sums, DistributedStatement& statement);

}  // namespace quarry
