// quarry::Cluster: a job's statements over MPI ranks (see include/quarry/cluster.hpp).
//
// Rank 0 sends workers commands (kCommandTag): run a statement here too (kEverywhere, answered on
// kReplyTag with the worker's error, if any), take part in a split statement (kShares: then the share
// protocol of src/cluster/mpi_share_job.hpp runs until every share is committed), or leave (kExit).
// A worker runs each share as COPY (the statement over the share's files) TO a Parquet file in the
// attempt's staging folder; rank 0 publishes the winners and reads the gathered rows back (a query) or
// leaves them as the COPY's part files.
#include "quarry/cluster.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "api/api_impl.hpp"
#include "api/distributed_statement.hpp"
#include "cluster/mpi_share_job.hpp"
#include "cluster/output_commit.hpp"
#include "duckdb/parser/statement/explain_statement.hpp"

namespace quarry {

namespace {

constexpr int kCommandTag = 3;
constexpr int kReplyTag = 4;
enum class Command : uint64_t { kEverywhere = 0, kShares = 1, kExit = 2 };

QueryResult ErrorResult(const std::string& message) {
  return QueryResult(
      std::make_unique<QueryResult::Impl>(duckdb::ErrorData(duckdb::ExceptionType::INVALID_INPUT, message)));
}

// Runs `sql` to the end; its error message, if any.
std::optional<std::string> Run(Connection& connection, const std::string& sql) {
  QueryResult result = connection.Query(sql);
  if (!result.ok()) return result.error().type + " Error: " + result.error().message;
  return std::nullopt;
}

std::string Quoted(const std::string& text) {
  return duckdb::KeywordHelper::WriteQuoted(text, '\'');
}

// Published part files in share order (their names carry the share number).
void SortByShare(std::vector<std::string>& files) {
  std::sort(files.begin(), files.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  });
}

// The size of a share: 64 MiB or 64 files; QUARRY_SHARE_MAX_FILES sets the file count (smaller shares
// spread small jobs over more workers; the tests use it to have many shares).
cluster::ShareSize JobShareSize() {
  cluster::ShareSize size{64ull << 20, 64};
  if (const char* files = std::getenv("QUARRY_SHARE_MAX_FILES")) size.max_files = std::max(1L, std::atol(files));
  return size;
}

// Fault injection for the tests (tests/cluster/distributed_sql_test.sh): QUARRY_FAULT_KILL_AT_SHARE=N
// makes the worker that runs share N kill itself (SIGKILL) after writing its rows, before reporting;
// QUARRY_FAULT_KILL_COORDINATOR_AFTER=N makes rank 0 kill itself once N shares of a statement are
// committed, before it publishes them.
void MaybeDieAt(uint64_t share) {
  const char* at = std::getenv("QUARRY_FAULT_KILL_AT_SHARE");
  if (at && std::strtoull(at, nullptr, 10) == share) ::kill(::getpid(), SIGKILL);
}
void MaybeDieAfterCommits(uint64_t committed) {
  const char* after = std::getenv("QUARRY_FAULT_KILL_COORDINATOR_AFTER");
  if (after && committed >= std::strtoull(after, nullptr, 10)) ::kill(::getpid(), SIGKILL);
}

// The statement under a plain EXPLAIN (not ANALYZE), if `sql` is one.
std::optional<std::string> ExplainedStatement(duckdb::ClientContext& context, const std::string& sql) {
  try {
    auto statements = context.ParseStatements(sql);
    if (statements.size() != 1 || statements[0]->type != duckdb::StatementType::EXPLAIN_STATEMENT) return std::nullopt;
    auto& explain = statements[0]->Cast<duckdb::ExplainStatement>();
    if (explain.explain_type != duckdb::ExplainType::EXPLAIN_STANDARD) return std::nullopt;
    return explain.stmt->ToString();
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

class Cluster::Impl {
 public:
  explicit Impl(ClusterOptions options) : options_(std::move(options)) {
    auto world = cluster::MpiWorld::Start(nullptr, nullptr);
    if (!world.ok()) throw std::runtime_error(world.error());
    world_ = std::move(world).value();
  }

  QueryResult Query(Connection& connection, const std::string& sql) {
    auto& context = *connection.impl().connection.context;
    if (auto explained = ExplainedStatement(context, sql)) return Explain(connection, *explained);
    const DistributedStatement plan = PlanDistributed(context, sql);
    switch (plan.kind) {
      case DistributedStatement::Kind::kCoordinator:
        return connection.Query(sql);
      case DistributedStatement::Kind::kEverywhere:
        return RunEverywhere(connection, sql);
      case DistributedStatement::Kind::kShares:
        return RunShares(connection, sql, plan);
    }
    return connection.Query(sql);
  }

  void Finish() {
    for (int rank = 1; rank < world_->size(); rank++) {
      world_->Send(rank, kCommandTag, cluster::MessageWriter().U64(static_cast<uint64_t>(Command::kExit)).bytes());
    }
  }

  int Serve(Database& database) {
    Connection connection(database);
    while (true) {
      auto [from, bytes] = world_->Receive(kCommandTag);
      cluster::MessageReader reader(bytes);
      uint64_t command = 0;
      if (!reader.U64(command) || command == static_cast<uint64_t>(Command::kExit)) return 0;
      if (command == static_cast<uint64_t>(Command::kEverywhere)) {
        std::string sql;
        reader.String(sql);
        auto error = Run(connection, sql);
        const std::string reply = error ? "on " + world_->host() + ": " + *error : "";
        world_->Send(0, kReplyTag, cluster::MessageWriter().String(reply).bytes());
        continue;
      }
      std::string worker_sql, output, copy_options;
      reader.String(worker_sql);
      reader.String(output);
      reader.String(copy_options);
      auto done = cluster::RunWorker(*world_, [&](const cluster::ShareTask& task) {
        return RunShare(connection, task, worker_sql, output, copy_options);
      });
      if (!done.ok()) return 1;
    }
  }

  int rank() const { return world_->rank(); }
  int size() const { return world_->size(); }

 private:
  Result<std::vector<std::string>> RunShare(Connection& connection, const cluster::ShareTask& task,
                                            const std::string& worker_sql, const std::string& output,
                                            const std::string& copy_options) {
    std::vector<std::string> files;
    for (const auto& file : task.files) files.push_back(file.path);
    const std::string staging = cluster::StagingFolder(output, task.share, task.attempt);
    std::error_code created;
    std::filesystem::create_directories(staging, created);
    if (created) return Error{"cannot create '" + staging + "': " + created.message()};
    const std::string copy = "COPY (" + ShareFilesSql(worker_sql, files) + ") TO " + Quoted(staging + "/rows.parquet") +
                             " (" + copy_options + ")";
    if (auto error = Run(connection, copy)) {
      return Error{"rank " + std::to_string(world_->rank()) + " on " + world_->host() + ": " + *error};
    }
    auto sealed = cluster::SealAttempt(output, task.share, task.attempt);
    if (!sealed.ok()) return Error{sealed.error()};
    MaybeDieAt(task.share);
    return std::vector<std::string>{"rows.parquet"};
  }

  // EXPLAIN in a job: where the statement runs, and what each side runs (explain_key, explain_value).
  QueryResult Explain(Connection& connection, const std::string& statement) {
    auto& context = *connection.impl().connection.context;
    const DistributedStatement plan = PlanDistributed(context, statement);
    std::vector<std::pair<std::string, std::string>> rows;
    const std::string workers = "ranks 1-" + std::to_string(world_->size() - 1);
    switch (plan.kind) {
      case DistributedStatement::Kind::kCoordinator:
        rows.emplace_back("job", "rank 0 alone: " + plan.reason);
        break;
      case DistributedStatement::Kind::kEverywhere:
        rows.emplace_back("job", "every rank (rank 0 and " + workers + ")");
        break;
      case DistributedStatement::Kind::kShares: {
        rows.emplace_back("job", "shares of files on " + workers + ", answers committed by rank 0");
        std::string worker = plan.worker_sql;
        const auto at = worker.find(kShareFilesMarker);
        if (at != std::string::npos) worker.replace(at, std::string(kShareFilesMarker).size(), "<the share's files>");
        rows.emplace_back("each share", plan.copy_folder
                                            ? "COPY (" + worker + ") TO a part file (" + plan.copy_options + ")"
                                            : worker);
        rows.emplace_back("rank 0", plan.copy_folder ? "publishes the part files in " + *plan.copy_folder +
                                                           " and writes _quarry_manifest.json last"
                                                     : FinalSql(plan.final_sql, "<the shares' rows>"));
        break;
      }
    }
    std::string values;
    for (const auto& [key, value] : rows) {
      values += (values.empty() ? "" : ", ") + std::string("(") + Quoted(key) + ", " + Quoted(value) + ")";
    }
    return connection.Query("SELECT * FROM (VALUES " + values + ") AS job(explain_key, explain_value)");
  }

  QueryResult RunEverywhere(Connection& connection, const std::string& sql) {
    for (int rank = 1; rank < world_->size(); rank++) {
      world_->Send(rank, kCommandTag,
                   cluster::MessageWriter().U64(static_cast<uint64_t>(Command::kEverywhere)).String(sql).bytes());
    }
    std::string failures;
    for (int answered = 1; answered < world_->size(); answered++) {
      auto [rank, bytes] = world_->Receive(kReplyTag);
      cluster::MessageReader reader(bytes);
      std::string error;
      reader.String(error);
      if (!error.empty()) failures += "\n  rank " + std::to_string(rank) + ": " + error;
    }
    QueryResult result = connection.Query(sql);
    if (failures.empty()) return result;
    const std::string here = result.ok() ? ""
                                         : "\n  rank 0 on " + world_->host() + ": " + result.error().type +
                                               " Error: " + result.error().message;
    return ErrorResult("the statement failed on ranks of the job:" + here + failures);
  }

  QueryResult RunShares(Connection& connection, const std::string& sql, const DistributedStatement& plan) {
    if (options_.job_folder.empty()) {
      char stamp[32];
      const std::time_t now = std::time(nullptr);
      std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", std::gmtime(&now));
      options_.job_folder = ".quarry-jobs/" + std::string(stamp) + "-" + std::to_string(::getpid());
      std::cerr << "quarry: job folder " << options_.job_folder << " (--job-dir " << options_.job_folder
                << " --resume goes on with this job)\n";
    }
    const std::string folder = options_.job_folder + "/statement-" + std::to_string(++statements_);
    auto log = cluster::JobLog::Open(folder, sql, options_.resume);
    if (!log.ok()) return ErrorResult(log.error());
    const std::string output = plan.copy_folder ? *plan.copy_folder : folder + "/rows";
    std::error_code created;
    std::filesystem::create_directories(output, created);
    if (created) return ErrorResult("cannot create '" + output + "': " + created.message());
    auto recovered = cluster::RecoverOutputs(output, log.value()->state());
    if (!recovered.ok()) return ErrorResult(recovered.error());
    std::vector<std::string> files = recovered.value();
    if (!log.value()->state().finished) {
      io::FileListOptions list_options;
      list_options.recursive = plan.recursive;
      list_options.hive_partitioning = plan.hive_partitioning;
      list_options.exclude = cluster::ExcludeCommitted(log.value()->state());
      auto listing = io::FileListing::Start(plan.patterns, list_options);
      if (!listing.ok()) return connection.Query(sql);  // DuckDB's own error for the same mistake
      const std::string copy_options = plan.copy_folder ? plan.copy_options : "FORMAT parquet";
      for (int rank = 1; rank < world_->size(); rank++) {
        world_->Send(rank, kCommandTag,
                     cluster::MessageWriter()
                         .U64(static_cast<uint64_t>(Command::kShares))
                         .String(plan.worker_sql)
                         .String(output)
                         .String(copy_options)
                         .bytes());
      }
      cluster::ShareScheduler scheduler(std::move(listing).value(), *log.value(), JobShareSize());
      auto report = cluster::RunCoordinator(*world_, scheduler, output, MaybeDieAfterCommits);
      if (!report.ok()) return ErrorResult(report.error());
      files.insert(files.end(), report.value().published.begin(), report.value().published.end());
      SortByShare(files);
      auto finished = cluster::FinishJob(*log.value(), output, files);
      if (!finished.ok()) return ErrorResult(finished.error());
    }
    SortByShare(files);
    std::string list;
    for (const auto& file : files) list += (list.empty() ? "" : ", ") + Quoted(output + "/" + file);
    if (plan.copy_folder) {
      // What COPY answers (the rows written), as a statement that changed rows, not a query's result.
      auto& duck = connection.impl().connection;
      auto count = duck.Query(files.empty() ? "SELECT 0::BIGINT AS Count"
                                            : "SELECT count(*) AS Count FROM read_parquet([" + list + "])");
      auto impl = std::make_unique<QueryResult::Impl>(std::move(count), duck.context);
      impl->returns_rows = false;
      return QueryResult(std::move(impl));
    }
    const std::string parts = files.empty() ? "(" + ShareFilesSql(plan.worker_sql, {}) + ")"
                                            : "read_parquet([" + list + "], union_by_name := true)";
    return connection.Query(FinalSql(plan.final_sql, parts));
  }

  ClusterOptions options_;
  std::unique_ptr<cluster::MpiWorld> world_;
  uint64_t statements_ = 0;
};

bool Cluster::Launched() {
  return cluster::MpiWorld::Launched();
}
Cluster::Cluster(ClusterOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Cluster::~Cluster() = default;
int Cluster::rank() const {
  return impl_->rank();
}
int Cluster::size() const {
  return impl_->size();
}
QueryResult Cluster::Query(Connection& connection, const std::string& sql) {
  return impl_->Query(connection, sql);
}
void Cluster::Finish() {
  impl_->Finish();
}
int Cluster::Serve(Database& database) {
  return impl_->Serve(database);
}

}  // namespace quarry
