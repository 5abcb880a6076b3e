// LineEditor on libedit's readline interface (see line_editor.hpp).
#include "line_editor.hpp"

#include <editline/readline.h>
#include <cstdio>
#include <cstdlib>

namespace quarry::cli {

LineEditor::LineEditor(std::string history_path) : history_path_(std::move(history_path)) {
  using_history();
  stifle_history(10000);
  if (!history_path_.empty()) {
    read_history(history_path_.c_str());
  }
}

LineEditor::~LineEditor() {
  if (!history_path_.empty()) {
    write_history(history_path_.c_str());
  }
}

std::optional<std::string> LineEditor::ReadLine(const std::string& prompt) {
  char* line = readline(prompt.c_str());
  if (line == nullptr) {
    return std::nullopt;
  }
  std::string result(line);
  std::free(line);
  return result;
}

void LineEditor::AddHistory(const std::string& entry) {
  if (!entry.empty()) {
    add_history(entry.c_str());
  }
}

std::string LineEditor::DefaultHistoryPath() {
  const char* home = std::getenv("HOME");
  return home ? std::string(home) + "/.quarry_history" : std::string();
}

}  // namespace quarry::cli
