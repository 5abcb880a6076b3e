// FileScan — the machinery shared by the file table functions: those yielding one row per file
// (read_images, read_audio, read_text) and those yielding a stream of rows per file (read_video: a row
// per frame; read_pdf: a row per page). It does the listing (folders, globs, lists; `recursive`,
// `hive_partitioning`), the `path` and `error` columns, `drop_invalid`, Hive partition columns,
// projection pushdown (down to struct fields), parallel claim of files by all DuckDB threads (a thread
// keeps its file until the file's rows are done), output chunks bounded in bytes, cardinality and
// progress.
//
// A reader supplies only what differs: its columns between `path` and `error`, its own named
// parameters, and how to fill rows from one file: ReadRow for one-row readers, or Open returning a
// FileRowCursor for readers yielding 0..n rows. Column layout of every such function:
// path, <reader columns>, error, <partition columns>.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "duckdb.hpp"
#include "io/file_list.hpp"
#include "io/file_store.hpp"

namespace duckdb {
class ExtensionLoader;
}

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
  // Where the file's bytes come from: the DuckDB file system of the query's context (QueryFileStore).
  const io::FileStore* files = &io::LocalFileStore();
};

struct RowOutcome {
  std::optional<std::string> error;  // why the file is invalid; the reader wrote its invalid form
  uint64_t bytes = 0;                // bytes of payload written (images' pixels, audio samples, text)
};

// The rows of one open file, yielded one at a time. Made by FileRowReader::Open on a scanning thread and
// used by that thread only; it may keep the file's decoder open between calls (and between output
// chunks). Never throws for bad file contents: a file that cannot be opened is one error row, an item
// that fails inside a file (a corrupt frame, a page that does not render) is an error row for that item.
class FileRowCursor {
 public:
  virtual ~FileRowCursor() = default;
  // Writes the file's next row into request.row of the requested columns and returns true, or returns
  // false when the file has no more rows (writing nothing).
  virtual bool Next(const RowRequest& request, RowOutcome& outcome) = 0;
  // How much of the file is done, 0..1 (for progress).
  virtual double Progress() const { return 0; }
};

// A part of one file, for readers that split a file so several threads read it at once (the pages of a
// PDF, the time range of a video read with fps :=): the cursor of part `index` of `count` yields only
// that part's rows. Parts of one file never yield the same row; a file that cannot be opened is one
// error row, yielded by part 0 alone.
struct FilePart {
  uint32_t index = 0;
  uint32_t count = 1;
  // The slice [begin, end) of `total` items that this part takes (contiguous, sizes differing by <= 1).
  std::pair<size_t, size_t> Slice(size_t total) const { return {total * index / count, total * (index + 1) / count}; }
};

// State a reader keeps on one scanning thread across files (decoder contexts to reuse). Optional.
class ReaderThreadState {
 public:
  virtual ~ReaderThreadState() = default;
};

// Reads one kind of file into rows. Made at bind time; shared read-only by all scanning threads.
class FileRowReader {
 public:
  virtual ~FileRowReader() = default;
  // The columns between `path` and `error`.
  virtual std::vector<std::pair<std::string, duckdb::LogicalType>> Columns() const = 0;
  // Whether each file is exactly one row. Then a query that reads none of the reader's columns (nor
  // `error`) is answered from the listing alone; otherwise every file is opened to count its rows.
  virtual bool OneRowPerFile() const { return true; }
  // A guess of the rows per file, for the planner's cardinality estimate.
  virtual double EstimatedRowsPerFile() const { return 1; }
  // After listing: how many of DuckDB's threads each file being read may use (its threads divided by
  // the files read at once), for readers whose decoder has threads of its own (video).
  virtual void SetThreadsPerFile(duckdb::idx_t threads) {}
  // Into how many parts the scan splits each file (after SetThreadsPerFile; 1: files are not split).
  virtual uint32_t PartsPerFile() const { return 1; }
  // Per-thread state for Open (none by default).
  virtual std::unique_ptr<ReaderThreadState> InitThread() const { return nullptr; }
  // Opens part `part` of `file` for its rows (`file` stays valid as long as the cursor). `thread` is
  // this thread's InitThread() result. `request` holds the
  // columns and validate flag every Next will get (not the rows or vectors). The default yields the
  // one row ReadRow fills.
  virtual std::unique_ptr<FileRowCursor> Open(const io::ListedFile& file, const FilePart& part,
                                              ReaderThreadState* thread, const RowRequest& request) const;
  // For one-row readers: fills row request.row of the requested columns for `file`. Never throws for
  // bad file contents: returns the reason in RowOutcome::error instead.
  virtual RowOutcome ReadRow(const io::ListedFile& file, const RowRequest& request) const;
  // A hint from the optimizer, before the scan starts: every use of the reader's picture column needs
  // it only at least `side` pixels wide and high (a model's input size), so a reader that can decode
  // smaller (JPEG DCT scaling) may. Readers without pictures ignore it.
  virtual void HintMinimumPictureSide(int32_t side) {}
  // A hint from the optimizer: every use of the reader's picture column is image_resize(image, width,
  // height) (stretch, Pillow's bilinear), so a reader may hand over the pictures already resized, with
  // the same bytes. True when it will (the optimizer then drops the calls, copies by then); readers
  // without pictures, or told otherwise by the user (size :=), return false.
  virtual bool HintExactResize(int32_t width, int32_t height) { return false; }
  // What EXPLAIN shows of this reader's settings, as (name, value) pairs: e.g. how it decodes.
  virtual std::vector<std::pair<std::string, std::string>> ExplainDetails() const { return {}; }
};

// For readers: writes row `row` of a scalar reader column that the query may not read (`vector` null):
// the value, or NULL for nullopt.
template <class T>
void WriteReaderScalar(duckdb::Vector* vector, duckdb::idx_t row, std::optional<T> value) {
  if (!vector) return;
  if (value) duckdb::FlatVector::GetData<T>(*vector)[row] = *value;
  duckdb::FlatVector::SetNull(*vector, row, !value.has_value());
}

// The reader of a file table function's bind data, or nullptr when `bind_data` is not a file scan's.
FileRowReader* FileScanReader(duckdb::FunctionData* bind_data);

// A hint from the optimizer for a file scan's bind data (others ignore it): its rows go to a function
// that works in batches of `rows` (a model), so each output chunk holds at most that many. Every batch
// but a file's or the scan's last is then full, and DuckDB's threads share the work in steps of one
// batch rather than of up to 2,048 rows (a thread left alone with a long last chunk idles the others).
void HintRowsPerChunk(duckdb::FunctionData* bind_data, duckdb::idx_t rows);

// Makes the reader from the function's bind input (its own named parameters). Throws DuckDB's
// BinderException / InvalidInputException for bad arguments.
using FileRowReaderFactory = duckdb::unique_ptr<FileRowReader> (*)(duckdb::ClientContext& context,
                                                                   duckdb::TableFunctionBindInput& input);

// Describes one file table function for MakeFileTableFunction.
struct FileTableFunctionSpec {
  std::string name;
  // The name of the first column, the file's path.
  std::string path_column = "path";
  FileRowReaderFactory make_reader;
  // The reader's own named parameters (the common ones are added: recursive, hive_partitioning,
  // drop_invalid).
  std::vector<std::pair<std::string, duckdb::LogicalType>> named_parameters;
  // Its documentation in duckdb_functions().
  std::string description;
  std::string example;
};

// A table function taking a VARCHAR path/glob or a VARCHAR[] of them, with the spec's reader.
duckdb::TableFunctionSet MakeFileTableFunction(const FileTableFunctionSpec& spec);

// Registers MakeFileTableFunction(spec) with its description and example; `replace`: in place of a
// function of the same name DuckDB already has.
void RegisterFileTableFunction(duckdb::ExtensionLoader& loader, const FileTableFunctionSpec& spec,
                               bool replace = false);

// Upper bound on the payload bytes of one output chunk: a chunk closes once it passes this, so a
// folder of 50-megapixel photos does not hold 2,048 of them in memory at once.
constexpr uint64_t kMaxChunkPayloadBytes = 16ull << 20;

}  // namespace quarry
