// LineFormat — one "column = value" line per column, names right-aligned, rows separated by a blank
// line (SQLite's and DuckDB's .mode line).
#pragma once

#include "output_format.hpp"

namespace quarry::cli {

class LineFormat : public OutputFormat {
 protected:
  void WriteRow(const std::vector<std::string>& names, const std::vector<Value>& row, uint64_t index,
                std::ostream& out) override;
};

}  // namespace quarry::cli
