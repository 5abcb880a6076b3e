// Shell — runs statements and dot commands against one connection and prints their results.
//
// Input arrives as text (a -c argument, a file, standard input) or line by line from a LineEditor;
// either way it goes through one StatementSplitter, so multi-line statements and several statements
// per line behave the same everywhere. Results go to `out` in the current format, errors (with their
// position in the statement) to `err`. One Shell per session; not thread-safe.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "line_editor.hpp"
#include "output_format.hpp"
#include "quarry/cluster.hpp"
#include "quarry/database.hpp"
#include "statement_splitter.hpp"

namespace quarry::cli {

class Shell {
 public:
  Shell(Database& database, std::ostream& out, std::ostream& err);

  // Runs every statement and dot command in `text`. When `stop_on_error`, returns false at the first
  // error; otherwise reports errors and goes on (returning false if any happened).
  bool RunText(std::string_view text, bool stop_on_error);
  // Runs the file at `path` as RunText does.
  bool RunFile(const std::string& path, bool stop_on_error);
  // Reads from the terminal until .quit or end of input.
  void RunInteractive(LineEditor& editor);

  // One SQL statement; prints its result or its error. Returns whether it succeeded. An exception while
  // running or printing (a value no format can render) is reported as an error, never passed on.
  bool RunStatement(const std::string& sql);
  // One dot command line (".mode csv"); returns whether it succeeded.
  bool RunDotCommand(const std::string& line);

  // Settings the dot commands and the command line change.
  bool SetFormat(const std::string& name);
  const std::string& format_name() const { return format_name_; }
  void SetTimer(bool enabled) { timer_ = enabled; }
  void SetMaxRows(uint64_t rows);
  void EnableProgressBar(bool enabled) { connection_.EnableProgressBar(enabled); }
  void RequestQuit() { quit_ = true; }
  // Runs statements as rank 0 of a job over many processes (nullptr: alone, the default).
  void SetCluster(Cluster* cluster) { cluster_ = cluster; }
  bool quit_requested() const { return quit_; }

  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }

 private:
  Cluster* cluster_ = nullptr;
  // Feeds one line of input: a dot command when no statement is pending, otherwise SQL.
  bool RunLine(const std::string& line, bool stop_on_error);
  // RunStatement's work, which may throw.
  bool QueryAndPrint(const std::string& sql);
  FormatSettings CurrentFormatSettings() const;

  Connection connection_;
  std::ostream& out_;
  std::ostream& err_;
  StatementSplitter splitter_;
  std::unique_ptr<OutputFormat> format_;
  std::string format_name_;
  uint64_t max_rows_ = 40;
  bool timer_ = false;
  bool quit_ = false;
};

}  // namespace quarry::cli
