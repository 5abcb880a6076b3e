// FileScan — the machinery shared by the table functions that yield one row per file (read_images,
// read_audio, read_text): listing (folders, globs, lists; `recursive`, `hive_partitioning`), the
// `path` and `error` columns, `drop_invalid`, Hive partition columns, projection pushdown (down to
// struct fields), parallel scans over files on all DuckDB threads, output chunks bounded in bytes,
// cardinality and progress.
//
// A reader supplies only what differs: its columns between `path` and `error`, its own named
// parameters, and how to fill one row from one file (FileRowReader). Column layout of every such
// function: path, <reader columns>, error, <partition columns>.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "duckdb.hpp"
#include "io/file_list.hpp"

namespace quarry {

// What one row of a reader's columns should hold, and where to write it.
struct RowRequest {
  // Per reader column: the output vector, or nullptr when the query does not read that column.
  std::vector<duckdb::Vector*> columns;
  // Per reader column: the projected struct fields (no children: the whole column).
  std::vector<const duckdb::ColumnIndex*> indexes;
  // Whether the query asks if the file is valid (it reads `error`, or drop_invalid is set): the reader
  // must then do whatever work proves validity, even if no column of its own is read.
  bool validate = false;
  duckdb::idx_t row = 0;
};

struct RowOutcome {
  std::optional<std::string> error;  // why the file is invalid; the reader wrote its invalid form
  uint64_t bytes = 0;                // bytes of payload written (images' pixels, audio samples, text)
};

// Reads one kind of file into rows. Made at bind time; shared read-only by all scanning threads.
class FileRowReader {
 public:
  virtual ~FileRowReader() = default;
  // The columns between `path` and `error`.
  virtual std::vector<std::pair<std::string, duckdb::LogicalType>> Columns() const = 0;
  // Fills row request.row of the requested columns for `file`. Never throws for bad file contents:
  // returns the reason in RowOutcome::error instead.
  virtual RowOutcome ReadRow(const io::ListedFile& file, const RowRequest& request) const = 0;
  // A hint from the optimizer, before the scan starts: every use of the reader's picture column needs
  // it only at least `side` pixels wide and high (a model's input size), so a reader that can decode
  // smaller (JPEG DCT scaling) may. Readers without pictures ignore it.
  virtual void HintMinimumPictureSide(int32_t side) {}
};

// The reader of a file table function's bind data, or nullptr when `bind_data` is not a file scan's.
FileRowReader* FileScanReader(duckdb::FunctionData* bind_data);

// Makes the reader from the function's bind input (its own named parameters). Throws DuckDB's
// BinderException / InvalidInputException for bad arguments.
using FileRowReaderFactory = duckdb::unique_ptr<FileRowReader> (*)(duckdb::ClientContext& context,
                                                                   duckdb::TableFunctionBindInput& input);

// Describes one file table function for MakeFileTableFunction.
struct FileTableFunctionSpec {
  std::string name;
  FileRowReaderFactory make_reader;
  // The reader's own named parameters (the common ones are added: recursive, hive_partitioning,
  // drop_invalid).
  std::vector<std::pair<std::string, duckdb::LogicalType>> named_parameters;
};

// A table function taking a VARCHAR path/glob or a VARCHAR[] of them, with the spec's reader.
duckdb::TableFunctionSet MakeFileTableFunction(const FileTableFunctionSpec& spec);

// Upper bound on the payload bytes of one output chunk: a chunk closes once it passes this, so a
// folder of 50-megapixel photos does not hold 2,048 of them in memory at once.
constexpr uint64_t kMaxChunkPayloadBytes = 16ull << 20;

}  // namespace quarry
