// The quarry shell: parses the command line, opens the database and hands over to Shell.
#include <unistd.h>

#include <iostream>
#include <sstream>

#include "line_editor.hpp"
#include "shell.hpp"
#include "shell_options.hpp"

namespace {

int RunShell(int argc, char** argv) {
  using namespace quarry::cli;
  std::string error;
  auto options = ParseShellOptions(std::vector<std::string>(argv + 1, argv + argc), error);
  if (!options) {
    std::cerr << "quarry: " << error << '\n';
    return 2;
  }
  if (options->show_help) {
    std::cout << ShellUsage();
    return 0;
  }
  if (options->show_version) {
    std::cout << "quarry " << quarry::Version() << " (DuckDB " << quarry::DuckDBVersion() << ")\n";
    return 0;
  }
  std::ios::sync_with_stdio(false);

  // Under mpirun or srun: one job over many processes. Rank 0 is the shell; the others serve it, each
  // with a database in memory (the database file is rank 0's).
  std::unique_ptr<quarry::Cluster> cluster;
  if (quarry::Cluster::Launched()) {
    if (options->resume && options->job_folder.empty()) {
      std::cerr << "quarry: --resume needs the job's folder: --job-dir DIR\n";
      return 2;
    }
    try {
      cluster = std::make_unique<quarry::Cluster>(quarry::ClusterOptions{options->job_folder, options->resume});
    } catch (const std::exception& exception) {
      std::cerr << "quarry: cannot join the job: " << exception.what() << '\n';
      return 1;
    }
    if (!cluster->coordinator()) {
      quarry::Database workspace;
      return cluster->Serve(workspace);
    }
  }
  // However rank 0 ends, the workers are told to.
  struct EndOfJob {
    quarry::Cluster* cluster;
    ~EndOfJob() {
      if (cluster) cluster->Finish();
    }
  } end_of_job{cluster.get()};

  std::unique_ptr<quarry::Database> database;
  try {
    quarry::DatabaseOptions database_options;
    database_options.read_only = options->read_only;
    database = std::make_unique<quarry::Database>(options->database, database_options);
  } catch (const std::exception& exception) {
    std::cerr << "quarry: cannot open database \"" << options->database << "\": " << exception.what() << '\n';
    return 1;
  }

  Shell shell(*database, std::cout, std::cerr);
  shell.SetCluster(cluster.get());
  shell.SetFormat(options->format);
  // DuckDB's progress bar draws on the terminal; it would only garble a pipe or a file.
  shell.EnableProgressBar(isatty(STDOUT_FILENO));

  if (!options->commands.empty()) {
    for (const auto& command : options->commands) {
      const bool succeeded = command.kind == ShellCommand::Kind::kSql ? shell.RunText(command.text, true)
                                                                      : shell.RunFile(command.text, true);
      if (!succeeded) return 1;
      if (shell.quit_requested()) break;
    }
    return 0;
  }
  if (isatty(STDIN_FILENO)) {
    LineEditor editor(LineEditor::DefaultHistoryPath());
    shell.RunInteractive(editor);
    return 0;
  }
  std::stringstream input;
  input << std::cin.rdbuf();
  return shell.RunText(input.str(), true) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  // The shell reports every error itself; this is the last guard, so nothing ends in std::terminate.
  try {
    return RunShell(argc, argv);
  } catch (const std::exception& exception) {
    std::cout.flush();
    std::cerr << "quarry: " << exception.what() << '\n';
  } catch (...) {
    std::cout.flush();
    std::cerr << "quarry: unknown error\n";
  }
  return 1;
}
