// LineFormat: .mode line output (see line_format.hpp).
#include "line_format.hpp"

#include <algorithm>

namespace quarry::cli {

void LineFormat::WriteRow(const std::vector<std::string>& names, const std::vector<Value>& row, uint64_t index,
                          std::ostream& out) {
  size_t width = 0;
  for (const auto& name : names) {
    width = std::max(width, name.size());
  }
  if (index > 0) {
    out << '\n';
  }
  for (size_t i = 0; i < row.size(); i++) {
    out << std::string(width - names[i].size(), ' ') << names[i] << " = " << row[i].ToString() << '\n';
  }
}

}  // namespace quarry::cli
