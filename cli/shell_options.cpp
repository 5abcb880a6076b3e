// ParseShellOptions: the shell's command line (see shell_options.hpp).
#include "shell_options.hpp"

#include <algorithm>

#include "output_format.hpp"

namespace quarry::cli {

namespace {

std::string JoinedFormatNames() {
  std::string joined;
  for (const auto& name : OutputFormatNames()) {
    joined += (joined.empty() ? "" : "|") + name;
  }
  return joined;
}

}  // namespace

std::string ShellUsage() {
  return "Usage: quarry [DATABASE] [OPTIONS]\n"
         "Runs SQL over pictures, audio and text files, with models as SQL functions.\n"
         "DATABASE is a database file (created if missing); without it the database is in memory.\n"
         "\n"
         "Options:\n"
         "  -c SQL             run SQL (statements or a dot command); may repeat, runs in order\n"
         "  -f FILE            run the statements in FILE; may repeat\n"
         "  --format FORMAT    output format: " +
         JoinedFormatNames() +
         " (default box)\n"
         "  --readonly         open the database read-only\n"
         "  --job-dir DIR      under mpirun or srun: the job's folder on a shared file system, holding\n"
         "                     its log and results (default: a new folder under .quarry-jobs/)\n"
         "  --resume           under mpirun or srun: go on with the job in --job-dir (required), redoing\n"
         "                     only what was not committed\n"
         "  --version          print the versions of quarry and DuckDB\n"
         "  -h, --help         print this help\n"
         "\n"
         "Without -c or -f, statements are read from the terminal (type .help) or standard input.\n"
         "With -c or -f, the first error is printed to standard error and quarry exits with status 1.\n";
}

std::optional<ShellOptions> ParseShellOptions(const std::vector<std::string>& arguments, std::string& error) {
  ShellOptions options;
  bool has_database = false;
  for (size_t i = 0; i < arguments.size(); i++) {
    const std::string& argument = arguments[i];
    auto take_value = [&](const std::string& option) -> std::optional<std::string> {
      if (i + 1 >= arguments.size()) {
        error = "option " + option + " needs a value";
        return std::nullopt;
      }
      return arguments[++i];
    };
    if (argument == "-c" || argument == "-f") {
      auto value = take_value(argument);
      if (!value) return std::nullopt;
      options.commands.push_back(
          {argument == "-c" ? ShellCommand::Kind::kSql : ShellCommand::Kind::kFile, std::move(*value)});
    } else if (argument == "--format" || argument.rfind("--format=", 0) == 0) {
      std::string format;
      if (argument == "--format") {
        auto value = take_value(argument);
        if (!value) return std::nullopt;
        format = *value;
      } else {
        format = argument.substr(9);
      }
      const auto& names = OutputFormatNames();
      if (std::find(names.begin(), names.end(), format) == names.end()) {
        error = "unknown format '" + format + "', expected one of " + JoinedFormatNames();
        return std::nullopt;
      }
      options.format = format;
    } else if (argument == "--job-dir") {
      auto value = take_value(argument);
      if (!value) return std::nullopt;
      options.job_folder = *value;
    } else if (argument == "--resume") {
      options.resume = true;
    } else if (argument == "--readonly" || argument == "-readonly") {
      options.read_only = true;
    } else if (argument == "--version" || argument == "-version") {
      options.show_version = true;
    } else if (argument == "-h" || argument == "--help" || argument == "-help") {
      options.show_help = true;
    } else if (!argument.empty() && argument[0] == '-' && argument != "-") {
      error = "unknown option '" + argument + "' (see quarry --help)";
      return std::nullopt;
    } else if (!has_database) {
      options.database = argument;
      has_database = true;
    } else {
      error = "unexpected argument '" + argument + "': only one database may be given";
      return std::nullopt;
    }
  }
  return options;
}

}  // namespace quarry::cli
