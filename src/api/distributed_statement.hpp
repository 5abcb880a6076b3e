// How a statement runs in a job over many processes (src/api/cluster_session.cpp): on every rank
// (set-up: CREATE/DROP MODEL, SET, macros), on rank 0 alone (anything the rules do not cover: right,
// just not faster), or as shares of files on the workers. A statement runs as shares when it is a
// query over one of quarry's file table functions (read_images, read_audio, read_text, read_video,
// read_pdf) with only per-row work above the scan — projections, filters, model functions — and at
// most ORDER BY and LIMIT on top, or COPY of such a query (without ORDER BY/LIMIT) TO a folder as
// Parquet. Each worker runs the query without ORDER BY/LIMIT over its share's files (the table
// function's `share_files`); rank 0 applies ORDER BY/LIMIT to the gathered rows.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace duckdb {
class ClientContext;
}

namespace quarry {

struct DistributedStatement {
  enum class Kind { kCoordinator, kEverywhere, kShares };
  Kind kind = Kind::kCoordinator;
  std::string reason;  // kCoordinator: why the statement is not split

  // kShares: the table function's listing.
  std::vector<std::string> patterns;
  bool recursive = false;
  bool hive_partitioning = true;
  // The query each share runs, with kShareFilesMarker where the list of the share's files goes.
  std::string worker_sql;
  // For a query: what rank 0 runs over the gathered rows, with kPartsMarker where they are read:
  // "SELECT * FROM <parts> ORDER BY ... LIMIT ...", or the second half of a split aggregation.
  std::string final_sql;
  // For COPY: the folder the part files go to, and the COPY options for each part (FORMAT parquet...).
  std::optional<std::string> copy_folder;
  std::string copy_options;
};

// The table name in DistributedStatement::final_sql where the gathered rows go.
inline constexpr const char* kPartsMarker = "__quarry_parts__";

// The quoted marker in DistributedStatement::worker_sql that ShareFilesSql replaces.
inline constexpr const char* kShareFilesMarker = "'__quarry_share_files__'";

// How `sql` (one statement) runs in a job, decided on rank 0's connection.
DistributedStatement PlanDistributed(duckdb::ClientContext& context, const std::string& sql);

// A share's SQL: worker_sql with the files as a list literal in place of the marker.
std::string ShareFilesSql(const std::string& worker_sql, const std::vector<std::string>& files);

// Rank 0's SQL: final_sql reading `parts` (a table expression) in place of kPartsMarker.
std::string FinalSql(const std::string& final_sql, const std::string& parts);

}  // namespace quarry
