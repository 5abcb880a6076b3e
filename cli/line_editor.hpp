// LineEditor — reads lines from the terminal with editing and a persistent history (libedit).
// One per interactive session; not thread-safe (libedit's state is global).
#pragma once

#include <optional>
#include <string>

namespace quarry::cli {

class LineEditor {
 public:
  // Loads the history from `history_path` (none when empty) and saves it there on destruction.
  explicit LineEditor(std::string history_path);
  ~LineEditor();
  LineEditor(const LineEditor&) = delete;
  LineEditor& operator=(const LineEditor&) = delete;

  // Reads one line after showing `prompt`; nullopt at end of input (Ctrl-D).
  std::optional<std::string> ReadLine(const std::string& prompt);
  // Adds an entry (a whole statement, possibly multi-line) to the history.
  void AddHistory(const std::string& entry);

  // ~/.quarry_history, or empty when HOME is not set.
  static std::string DefaultHistoryPath();

 private:
  std::string history_path_;
};

}  // namespace quarry::cli
