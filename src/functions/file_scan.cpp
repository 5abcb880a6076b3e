// FileScan: bind, parallel scan, projection and progress for one-row-per-file table functions
// (see file_scan.hpp).
#include "functions/file_scan.hpp"

#include "functions/documented_function.hpp"
#include "functions/file_access.hpp"
#include "functions/query_file_store.hpp"

#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <set>

#include "duckdb/common/column_index.hpp"
#include "duckdb/function/table_function.hpp"
#include "duckdb/main/client_context.hpp"
#include "duckdb/main/extension/extension_loader.hpp"
#include "duckdb/parser/parsed_data/create_table_function_info.hpp"

namespace quarry {

namespace {

using duckdb::idx_t;

// The spec travels with the function as its info, so bind can find the reader's factory.
struct SpecInfo : public duckdb::TableFunctionInfo {
  explicit SpecInfo(FileTableFunctionSpec spec_p) : spec(std::move(spec_p)) {}
  FileTableFunctionSpec spec;
};

// Files listed at bind time, to find the partition columns and size the scan, before the scan lists
// (again, while it reads) whatever the listing holds beyond them.
constexpr size_t kFilesListedAtBind = 4096;

struct FileScanBindData : public duckdb::TableFunctionData {
  std::string function_name;
  std::vector<std::string> patterns;                           // local patterns, listed by io::FileListing
  std::vector<std::pair<std::string, uint64_t>> remote_files;  // files remote patterns named (DuckDB's glob)
  io::FileListOptions list_options;
  std::shared_ptr<QueryFileStore> files;
  // The first files of the listing (all of them when `complete`), with partition values sized to
  // partition_keys: the partition columns are those the first files have.
  std::vector<io::ListedFile> first_files;
  bool complete = false;
  std::vector<std::string> partition_keys;
  duckdb::unique_ptr<FileRowReader> reader;
  idx_t reader_column_count = 0;
  bool drop_invalid = false;
  uint32_t parts_per_file = 1;
  // The most rows in one output chunk (HintRowsPerChunk: a model's batch size).
  idx_t rows_per_chunk = STANDARD_VECTOR_SIZE;
  // Units of work (a part of a file) when the listing is complete.
  idx_t Units() const { return first_files.size() * parts_per_file; }
};

}  // namespace

namespace {

// The cursor of a one-row reader: ReadRow once.
class OneRowCursor : public FileRowCursor {
 public:
  OneRowCursor(const FileRowReader& reader, const io::ListedFile& file) : reader_(reader), file_(file) {}
  bool Next(const RowRequest& request, RowOutcome& outcome) override {
    if (done_) return false;
    done_ = true;
    outcome = reader_.ReadRow(file_, request);
    return true;
  }
  double Progress() const override { return done_ ? 1.0 : 0.0; }

 private:
  const FileRowReader& reader_;
  const io::ListedFile& file_;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<FileRowCursor> FileRowReader::Open(const io::ListedFile& file, const FilePart&, ReaderThreadState*,
                                                   const RowRequest&) const {
  return std::make_unique<OneRowCursor>(*this, file);
}

RowOutcome FileRowReader::ReadRow(const io::ListedFile&, const RowRequest&) const {
  throw duckdb::InternalException("FileRowReader: a reader yielding many rows per file must override Open");
}

FileRowReader* FileScanReader(duckdb::FunctionData* bind_data) {
  auto* data = dynamic_cast<FileScanBindData*>(bind_data);
  return data != nullptr ? data->reader.get() : nullptr;
}

void HintRowsPerChunk(duckdb::FunctionData* bind_data, idx_t rows) {
  auto* data = dynamic_cast<FileScanBindData*>(bind_data);
  if (data != nullptr && rows > 0 && rows < STANDARD_VECTOR_SIZE) data->rows_per_chunk = rows;
}

namespace {

// Which source column an output column is.
struct OutputColumn {
  enum class Kind { kPath, kReader, kError, kPartition, kNone } kind = Kind::kNone;
  idx_t index = 0;  // reader column or partition index
  duckdb::ColumnIndex column_index;
};

struct FileScanGlobalState : public duckdb::GlobalTableFunctionState {
  // Claims of files: from the bind's list when it is complete, else from a listing made for this scan.
  std::atomic<idx_t> next_file{0};
  std::mutex listing_mutex;
  std::unique_ptr<io::FileListing> listing;
  std::optional<io::ListedFile> splitting;  // a file from the listing whose parts are being handed out
  uint32_t next_part = 0;
  std::atomic<idx_t> files_listed{0};
  std::atomic<bool> listing_done{false};
  std::atomic<idx_t> files_done{0};
  // The parts done of the files being read (millionths of a file, summed over threads), so a long video
  // or PDF moves the progress bar before it ends.
  std::atomic<int64_t> partial_millionths{0};
  idx_t max_threads = 1;
  std::vector<OutputColumn> outputs;
  bool validate = false;

  idx_t MaxThreads() const override { return max_threads; }
};

std::vector<std::string> PatternsFrom(const duckdb::Value& argument, const std::string& function_name) {
  if (argument.IsNull()) {
    throw duckdb::BinderException("%s: the path argument must not be NULL", function_name);
  }
  std::vector<std::string> patterns;
  if (argument.type().id() == duckdb::LogicalTypeId::LIST) {
    for (const auto& child : duckdb::ListValue::GetChildren(argument)) {
      if (child.IsNull()) throw duckdb::BinderException("%s: the path list must not hold NULL", function_name);
      patterns.push_back(child.ToString());
    }
    if (patterns.empty()) throw duckdb::BinderException("%s: the path list is empty", function_name);
  } else {
    patterns.push_back(argument.ToString());
  }
  return patterns;
}

bool BooleanParameter(duckdb::TableFunctionBindInput& input, const std::string& name, bool fallback) {
  auto found = input.named_parameters.find(name);
  if (found == input.named_parameters.end()) return fallback;
  if (found->second.IsNull()) throw duckdb::BinderException("%s must not be NULL", name);
  return duckdb::BooleanValue::Get(found->second.DefaultCastAs(duckdb::LogicalType::BOOLEAN));
}

std::unique_ptr<io::FileListing> StartListing(const FileScanBindData& data, const std::string& function_name) {
  auto listing = io::FileListing::Start(data.patterns, data.list_options, data.remote_files);
  if (!listing.ok()) throw duckdb::IOException("%s: %s", function_name, listing.error());
  return std::move(listing).value();
}

std::optional<io::ListedFile> NextListed(io::FileListing& listing, const std::string& function_name) {
  auto next = listing.Next();
  if (!next.ok()) throw duckdb::IOException("%s: %s", function_name, next.error());
  return std::move(next).value();
}

duckdb::unique_ptr<duckdb::FunctionData> FileScanBind(duckdb::ClientContext& context,
                                                      duckdb::TableFunctionBindInput& input,
                                                      duckdb::vector<duckdb::LogicalType>& return_types,
                                                      duckdb::vector<std::string>& names) {
  const auto& spec = input.info->Cast<SpecInfo>().spec;
  auto data = duckdb::make_uniq<FileScanBindData>();
  io::FileListOptions options;
  options.recursive = BooleanParameter(input, "recursive", false);
  options.hive_partitioning = BooleanParameter(input, "hive_partitioning", true);
  data->drop_invalid = BooleanParameter(input, "drop_invalid", false);
  // share_files: the files of one share of a distributed job (src/api/cluster_session.cpp): the
  // listing of the patterns, as always (partition columns included), limited to these files.
  auto share_files = input.named_parameters.find("share_files");
  const bool share = share_files != input.named_parameters.end() && !share_files->second.IsNull();
  std::function<bool(const std::string&)> outside_share;
  if (share) {
    std::set<std::string> files;
    for (const auto& file : duckdb::ListValue::GetChildren(share_files->second)) files.insert(file.ToString());
    outside_share = [files = std::move(files)](const std::string& path) { return files.count(path) == 0; };
  }
  data->reader = spec.make_reader(context, input);

  data->function_name = spec.name;
  const auto patterns = PatternsFrom(input.inputs[0], spec.name);
  CheckPatternAccess(context, patterns);  // DuckDB's access settings, as for its own readers
  data->files = std::make_shared<QueryFileStore>(context);
  for (const auto& pattern : patterns) {
    if (!IsRemotePath(pattern)) {
      data->patterns.push_back(pattern);
      continue;
    }
    try {
      for (auto& file : data->files->GlobRemote(pattern)) data->remote_files.push_back(std::move(file));
    } catch (const std::exception& error) {
      throw duckdb::IOException("%s: %s", spec.name, duckdb::ErrorData(error).RawMessage());
    }
  }
  data->list_options = options;
  auto listing = StartListing(*data, spec.name);
  while (data->first_files.size() < kFilesListedAtBind) {
    auto next = NextListed(*listing, spec.name);
    if (!next) {
      data->complete = true;
      break;
    }
    data->first_files.push_back(std::move(*next));
  }
  data->partition_keys = listing->partition_keys();
  for (auto& file : data->first_files) file.partition_values.resize(data->partition_keys.size());
  if (share) {
    // A share: the columns (partition keys) are those of the whole listing, as above; the rows are the
    // share's files, all listed now, their partition values placed under the whole listing's keys.
    data->list_options.exclude = outside_share;
    auto share_listing = StartListing(*data, spec.name);
    std::vector<io::ListedFile> files;
    while (auto next = NextListed(*share_listing, spec.name)) files.push_back(std::move(*next));
    const auto& share_keys = share_listing->partition_keys();
    for (auto& file : files) {
      std::vector<std::optional<std::string>> values(data->partition_keys.size());
      for (size_t k = 0; k < share_keys.size() && k < file.partition_values.size(); k++) {
        auto at = std::find(data->partition_keys.begin(), data->partition_keys.end(), share_keys[k]);
        if (at != data->partition_keys.end()) values[at - data->partition_keys.begin()] = file.partition_values[k];
      }
      file.partition_values = std::move(values);
    }
    data->first_files = std::move(files);
    data->complete = true;
  }
  const idx_t threads = duckdb::TaskScheduler::GetScheduler(context).NumberOfThreads();
  const idx_t files_at_once = std::max<idx_t>(1, std::min<idx_t>(threads, data->first_files.size()));
  data->reader->SetThreadsPerFile(std::max<idx_t>(1, threads / files_at_once));
  data->parts_per_file = std::max<uint32_t>(1, data->reader->PartsPerFile());

  names.push_back(spec.path_column);
  return_types.push_back(duckdb::LogicalType::VARCHAR);
  for (auto& [name, type] : data->reader->Columns()) {
    names.push_back(name);
    return_types.push_back(type);
    data->reader_column_count++;
  }
  names.push_back("error");
  return_types.push_back(duckdb::LogicalType::VARCHAR);
  for (const auto& key : data->partition_keys) {
    if (std::find(names.begin(), names.end(), key) != names.end()) {
      throw duckdb::BinderException("%s: the partition folder '%s=' clashes with the column '%s'", spec.name, key, key);
    }
    names.push_back(key);
    return_types.push_back(duckdb::LogicalType::VARCHAR);
  }
  return data;
}

duckdb::unique_ptr<duckdb::GlobalTableFunctionState> FileScanInitGlobal(duckdb::ClientContext& context,
                                                                        duckdb::TableFunctionInitInput& input) {
  const auto& data = input.bind_data->Cast<FileScanBindData>();
  auto state = duckdb::make_uniq<FileScanGlobalState>();
  const idx_t threads = duckdb::TaskScheduler::GetScheduler(context).NumberOfThreads();
  state->max_threads = data.complete ? std::max<idx_t>(1, std::min<idx_t>(threads, data.Units())) : threads;
  if (!data.complete) state->listing = StartListing(data, data.function_name);
  const idx_t error_column = 1 + data.reader_column_count;
  for (const auto& column_index : input.column_indexes) {
    OutputColumn output;
    output.column_index = column_index;
    const idx_t id = column_index.GetPrimaryIndex();
    if (column_index.IsRowIdColumn()) {
      output.kind = OutputColumn::Kind::kNone;
    } else if (id == 0) {
      output.kind = OutputColumn::Kind::kPath;
    } else if (id < error_column) {
      output.kind = OutputColumn::Kind::kReader;
      output.index = id - 1;
    } else if (id == error_column) {
      output.kind = OutputColumn::Kind::kError;
      state->validate = true;
    } else if (id - error_column - 1 < data.partition_keys.size()) {
      output.kind = OutputColumn::Kind::kPartition;
      output.index = id - error_column - 1;
    }
    state->outputs.push_back(std::move(output));
  }
  state->validate = state->validate || data.drop_invalid;
  return state;
}

// A scanning thread's state: the reader's per-thread state and the file it is in the middle of.
struct FileScanLocalState : public duckdb::LocalTableFunctionState {
  std::unique_ptr<ReaderThreadState> reader_state;
  std::unique_ptr<FileRowCursor> cursor;
  int64_t reported_millionths = 0;  // this thread's share of partial_millionths
  std::optional<io::ListedFile> file;
  FilePart part;
};

duckdb::unique_ptr<duckdb::LocalTableFunctionState> FileScanInitLocal(duckdb::ExecutionContext&,
                                                                      duckdb::TableFunctionInitInput& input,
                                                                      duckdb::GlobalTableFunctionState*) {
  const auto& data = input.bind_data->Cast<FileScanBindData>();
  auto state = duckdb::make_uniq<FileScanLocalState>();
  state->reader_state = data.reader->InitThread();
  return state;
}

// Claims the next unit of work for a scanning thread (a file, or a part of one), or false when none is
// left. Partition values come in the order of the bind's partition columns (keys the first files did
// not have are left out).
bool ClaimWork(const FileScanBindData& data, FileScanGlobalState& state, FileScanLocalState& local) {
  const uint32_t parts = data.parts_per_file;
  if (data.complete) {
    const idx_t unit = state.next_file.fetch_add(1);
    if (unit >= data.Units()) return false;
    local.file = data.first_files[unit / parts];
    local.part = FilePart{static_cast<uint32_t>(unit % parts), parts};
    return true;
  }
  std::lock_guard lock(state.listing_mutex);
  if (state.splitting) {
    local.file = *state.splitting;
    local.part = FilePart{state.next_part++, parts};
    if (state.next_part == parts) state.splitting.reset();
    return true;
  }
  if (state.listing_done) return false;
  auto next = NextListed(*state.listing, data.function_name);
  if (!next) {
    state.listing_done = true;
    return false;
  }
  state.files_listed++;
  const auto& keys = state.listing->partition_keys();
  std::vector<std::optional<std::string>> values(data.partition_keys.size());
  for (size_t i = 0; i < next->partition_values.size(); i++) {
    if (!next->partition_values[i]) continue;
    const auto column = std::find(data.partition_keys.begin(), data.partition_keys.end(), keys[i]);
    if (column != data.partition_keys.end()) {
      values[static_cast<size_t>(column - data.partition_keys.begin())] = std::move(next->partition_values[i]);
    }
  }
  next->partition_values = std::move(values);
  local.file = std::move(next);
  local.part = FilePart{0, parts};
  if (parts > 1) {
    state.splitting = local.file;
    state.next_part = 1;
  }
  return true;
}

// Writes the scan's own columns (path, error, partitions) of `row` for a row of `file`.
void WriteScanColumns(const FileScanGlobalState& state, const io::ListedFile& file, const RowOutcome& outcome,
                      duckdb::DataChunk& output, idx_t row) {
  for (idx_t k = 0; k < state.outputs.size(); k++) {
    const auto& column = state.outputs[k];
    auto& vector = output.data[k];
    switch (column.kind) {
      case OutputColumn::Kind::kPath:
        duckdb::FlatVector::GetData<duckdb::string_t>(vector)[row] = duckdb::StringVector::AddString(vector, file.path);
        break;
      case OutputColumn::Kind::kError:
        if (outcome.error) {
          duckdb::FlatVector::GetData<duckdb::string_t>(vector)[row] =
              duckdb::StringVector::AddString(vector, *outcome.error);
          duckdb::FlatVector::SetNull(vector, row, false);
        } else {
          duckdb::FlatVector::SetNull(vector, row, true);
        }
        break;
      case OutputColumn::Kind::kPartition: {
        const auto& value = file.partition_values[column.index];
        if (value) {
          duckdb::FlatVector::GetData<duckdb::string_t>(vector)[row] = duckdb::StringVector::AddString(vector, *value);
        }
        duckdb::FlatVector::SetNull(vector, row, !value.has_value());
        break;
      }
      case OutputColumn::Kind::kReader:
      case OutputColumn::Kind::kNone:
        break;
    }
  }
}

// The most rows the next chunk may take. One-row-per-file readers with a complete listing take their
// files in shrinking steps towards the end (guided self-scheduling: a chunk takes at most the unclaimed
// files over twice the threads), so the threads finish together instead of one decoding a last
// chunk of a hundred pictures while the others idle. A model's batch (rows_per_chunk) is kept whole.
idx_t ChunkRows(const FileScanBindData& data, const FileScanGlobalState& state) {
  if (!data.complete || !data.reader->OneRowPerFile() || data.rows_per_chunk != STANDARD_VECTOR_SIZE) {
    return data.rows_per_chunk;
  }
  const idx_t claimed = std::min(state.next_file.load(), data.Units());
  const idx_t unclaimed = data.Units() - claimed;
  const idx_t step = 2 * state.max_threads;
  return std::clamp<idx_t>((unclaimed + step - 1) / step, 1, data.rows_per_chunk);
}

void FileScanFunction(duckdb::ClientContext& context, duckdb::TableFunctionInput& input, duckdb::DataChunk& output) {
  const auto& data = input.bind_data->Cast<FileScanBindData>();
  auto& state = input.global_state->Cast<FileScanGlobalState>();
  auto& local = input.local_state->Cast<FileScanLocalState>();

  RowRequest request;
  request.columns.assign(data.reader_column_count, nullptr);
  request.indexes.assign(data.reader_column_count, nullptr);
  request.validate = state.validate;
  request.files = data.files.get();
  bool reader_needed = state.validate || !data.reader->OneRowPerFile();
  for (idx_t k = 0; k < state.outputs.size(); k++) {
    const auto& column = state.outputs[k];
    if (column.kind == OutputColumn::Kind::kReader) {
      request.columns[column.index] = &output.data[k];
      request.indexes[column.index] = &column.column_index;
      reader_needed = true;
    }
  }

  const idx_t chunk_rows = ChunkRows(data, state);
  idx_t row = 0;
  uint64_t payload = 0;
  while (row < chunk_rows && payload < kMaxChunkPayloadBytes) {
    if (!local.file) {
      if (!ClaimWork(data, state, local)) break;
      CheckFileAccess(context, local.file->path, duckdb::FileType::FILE_TYPE_REGULAR);
      if (reader_needed) {
        local.cursor = data.reader->Open(*local.file, local.part, local.reader_state.get(), request);
      }
    }
    RowOutcome outcome;
    bool has_row = true;
    if (local.cursor) {
      request.row = row;
      has_row = local.cursor->Next(request, outcome);
    }
    if (has_row && !(outcome.error && data.drop_invalid)) {  // a dropped row is overwritten by the next
      payload += outcome.bytes;
      WriteScanColumns(state, *local.file, outcome, output, row);
      row++;
    }
    if (!has_row || !local.cursor) {
      // The file is done: its last row (for a one-row file without a cursor, its only row) is out.
      local.cursor.reset();
      local.file.reset();
      state.partial_millionths.fetch_sub(local.reported_millionths);
      local.reported_millionths = 0;
      state.files_done.fetch_add(1);
    } else if (!data.reader->OneRowPerFile()) {
      const auto millionths = static_cast<int64_t>(local.cursor->Progress() * 1e6);
      state.partial_millionths.fetch_add(millionths - local.reported_millionths);
      local.reported_millionths = millionths;
    }
  }
  output.SetCardinality(row);
}

double FileScanProgress(duckdb::ClientContext&, const duckdb::FunctionData* bind_data,
                        const duckdb::GlobalTableFunctionState* global_state) {
  const auto& data = bind_data->Cast<FileScanBindData>();
  const auto& state = global_state->Cast<FileScanGlobalState>();
  // While the listing goes on, the files listed so far stand for the total (the bar moves back when
  // more are found: DuckDB shows the largest value reported).
  const double total =
      static_cast<double>(data.complete ? data.Units() : (state.files_listed.load() + 1) * data.parts_per_file);
  if (total == 0) return 100.0;
  const double partial = std::max<double>(0, static_cast<double>(state.partial_millionths.load()) / 1e6);
  const double done = static_cast<double>(state.files_done.load()) + partial;
  const double limit = data.complete || state.listing_done ? 100.0 : 99.0;
  return std::min(limit, 100.0 * done / total);
}

duckdb::unique_ptr<duckdb::NodeStatistics> FileScanCardinality(duckdb::ClientContext&,
                                                               const duckdb::FunctionData* bind_data) {
  const auto& data = bind_data->Cast<FileScanBindData>();
  // Beyond the files listed at bind time the count is unknown: the estimate takes ten times as many.
  const auto files = data.complete ? data.first_files.size() : 10 * data.first_files.size();
  if (data.reader->OneRowPerFile() && data.complete) return duckdb::make_uniq<duckdb::NodeStatistics>(files, files);
  if (data.reader->OneRowPerFile()) return duckdb::make_uniq<duckdb::NodeStatistics>(files);
  return duckdb::make_uniq<duckdb::NodeStatistics>(
      static_cast<idx_t>(static_cast<double>(files) * data.reader->EstimatedRowsPerFile()));
}

}  // namespace

namespace {

// What EXPLAIN shows under the scan: the patterns, how many files were listed at bind, and the
// reader's own details (read_images: a decode size the optimizer chose for a model's input).
duckdb::InsertionOrderPreservingMap<std::string> FileScanToString(duckdb::TableFunctionToStringInput& input) {
  duckdb::InsertionOrderPreservingMap<std::string> result;
  if (!input.bind_data) return result;
  const auto& data = input.bind_data->Cast<FileScanBindData>();
  std::string patterns;
  for (const auto& pattern : data.patterns) patterns += (patterns.empty() ? "" : ", ") + pattern;
  if (!data.remote_files.empty()) {
    patterns += (patterns.empty() ? "" : ", ") + std::to_string(data.remote_files.size()) + " remote files";
  }
  result["Files"] = patterns;
  result["Listed"] = std::to_string(data.first_files.size()) + (data.complete ? " files" : "+ files (streamed)");
  for (auto& [name, value] : data.reader->ExplainDetails()) result[name] = value;
  if (data.rows_per_chunk != STANDARD_VECTOR_SIZE) {
    result["Chunks"] = std::to_string(data.rows_per_chunk) + " rows (a model's batch)";
  }
  return result;
}

}  // namespace

duckdb::TableFunctionSet MakeFileTableFunction(const FileTableFunctionSpec& spec) {
  duckdb::TableFunctionSet set(spec.name);
  auto info = duckdb::make_shared_ptr<SpecInfo>(spec);
  const duckdb::vector<duckdb::LogicalType> arguments = {duckdb::LogicalType::VARCHAR,
                                                         duckdb::LogicalType::LIST(duckdb::LogicalType::VARCHAR)};
  for (const auto& argument : arguments) {
    duckdb::TableFunction function(spec.name, {argument}, FileScanFunction, FileScanBind, FileScanInitGlobal,
                                   FileScanInitLocal);
    function.projection_pushdown = true;
    function.filter_pushdown = false;
    function.table_scan_progress = FileScanProgress;
    function.cardinality = FileScanCardinality;
    function.to_string = FileScanToString;
    function.named_parameters["recursive"] = duckdb::LogicalType::BOOLEAN;
    function.named_parameters["hive_partitioning"] = duckdb::LogicalType::BOOLEAN;
    function.named_parameters["drop_invalid"] = duckdb::LogicalType::BOOLEAN;
    function.named_parameters["share_files"] = duckdb::LogicalType::LIST(duckdb::LogicalType::VARCHAR);
    for (const auto& [name, type] : spec.named_parameters) function.named_parameters[name] = type;
    function.function_info = info;
    set.AddFunction(std::move(function));
  }
  return set;
}

void RegisterFileTableFunction(duckdb::ExtensionLoader& loader, const FileTableFunctionSpec& spec, bool replace) {
  RegisterDocumentedTableFunction(loader, MakeFileTableFunction(spec), spec.description, spec.example, replace);
}

}  // namespace quarry
