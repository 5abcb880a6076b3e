// OutputFormat — how the shell prints a result: box, csv, json, jsonl, markdown or line.
//
// Row formats implement three hooks (header, one row, footer) and stream rows as the query produces
// them; the box format draws DuckDB's boxed table, which needs all rows first. Formats write to any
// std::ostream and hold no state between results, so one instance serves a whole session.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "quarry/query_result.hpp"

namespace quarry::cli {

struct FormatSettings {
  uint64_t max_width = 0;  // box: the terminal width (0: DuckDB's guess)
  uint64_t max_rows = 40;  // box: rows shown before eliding the middle
};

class OutputFormat {
 public:
  virtual ~OutputFormat() = default;

  // Writes every (remaining) row of `result` to `out`.
  virtual void Write(QueryResult& result, std::ostream& out);
  // Whether results for this format should be streamed rather than computed whole first.
  virtual bool streams() const { return true; }

 protected:
  virtual void WriteHeader(const std::vector<std::string>& names, std::ostream& out) {}
  virtual void WriteRow(const std::vector<std::string>& names, const std::vector<Value>& row, uint64_t index,
                        std::ostream& out) = 0;
  virtual void WriteFooter(uint64_t row_count, std::ostream& out) {}
};

// The format called `name`, or nullptr when there is none.
std::unique_ptr<OutputFormat> MakeOutputFormat(std::string_view name, const FormatSettings& settings);
// The names MakeOutputFormat knows, for help texts and errors.
const std::vector<std::string>& OutputFormatNames();

}  // namespace quarry::cli
