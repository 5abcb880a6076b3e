// ShellOptions — the shell's command line:
//   quarry [DATABASE] [-c SQL]... [-f FILE]... [--format box|csv|json|jsonl|markdown|line] [--version]
// -c and -f run in the order given, in one connection; with neither, the shell reads statements from a
// terminal (interactive) or from standard input.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace quarry::cli {

struct ShellCommand {
  enum class Kind { kSql, kFile };
  Kind kind;
  std::string text;  // the SQL (or dot command) for kSql, the path for kFile
};

struct ShellOptions {
  std::string database;  // empty: in memory
  std::vector<ShellCommand> commands;
  std::string format = "box";
  bool read_only = false;
  bool show_version = false;
  bool show_help = false;
  // Under an MPI launcher (mpirun, srun): the job's folder, and whether to go on with the job it holds.
  std::string job_folder;  // empty: a new folder under .quarry-jobs/
  bool resume = false;
};

// Parses the arguments after the program name; on a mistake returns nullopt and sets `error`.
std::optional<ShellOptions> ParseShellOptions(const std::vector<std::string>& arguments, std::string& error);
// The --help text.
std::string ShellUsage();

}  // namespace quarry::cli
