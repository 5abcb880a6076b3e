// MarkdownFormat — a GitHub-flavoured Markdown table; '|' in values escaped, line breaks as <br>.
#pragma once

#include "output_format.hpp"

namespace quarry::cli {

class MarkdownFormat : public OutputFormat {
 protected:
  void WriteHeader(const std::vector<std::string>& names, std::ostream& out) override;
  void WriteRow(const std::vector<std::string>& names, const std::vector<Value>& row, uint64_t index,
                std::ostream& out) override;
};

}  // namespace quarry::cli
