// Shell: statements in, results and errors out (see shell.hpp).
#include "shell.hpp"

#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "dot_commands.hpp"

namespace quarry::cli {

namespace {

// The connection a Ctrl-C interrupts while a statement runs.
std::atomic<Connection*> running_connection{nullptr};

void InterruptRunningStatement(int) {
  if (Connection* connection = running_connection.load()) {
    connection->Interrupt();
  }
}

// Installs the Ctrl-C handler for the duration of one statement, then restores the previous one.
class InterruptScope {
 public:
  explicit InterruptScope(Connection& connection) {
    running_connection = &connection;
    struct sigaction action {};
    action.sa_handler = InterruptRunningStatement;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &previous_);
  }
  ~InterruptScope() {
    sigaction(SIGINT, &previous_, nullptr);
    running_connection = nullptr;
  }

 private:
  struct sigaction previous_ {};
};

uint64_t TerminalWidth() {
  winsize size{};
  if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  if (const char* columns = std::getenv("COLUMNS")) {
    const long width = std::strtol(columns, nullptr, 10);
    if (width > 0) return static_cast<uint64_t>(width);
  }
  return 120;
}

double Seconds(const timeval& time) {
  return static_cast<double>(time.tv_sec) + time.tv_usec / 1e6;
}

}  // namespace

Shell::Shell(Database& database, std::ostream& out, std::ostream& err) : connection_(database), out_(out), err_(err) {
  SetFormat("box");
}

FormatSettings Shell::CurrentFormatSettings() const {
  FormatSettings settings;
  settings.max_width = TerminalWidth();
  settings.max_rows = max_rows_;
  return settings;
}

bool Shell::SetFormat(const std::string& name) {
  auto format = MakeOutputFormat(name, CurrentFormatSettings());
  if (!format) {
    return false;
  }
  format_ = std::move(format);
  format_name_ = name;
  return true;
}

void Shell::SetMaxRows(uint64_t rows) {
  max_rows_ = rows;
  SetFormat(format_name_);
}

bool Shell::QueryAndPrint(const std::string& sql) {
  // The box needs the terminal width now, not when the format was chosen.
  if (format_name_ == "box") {
    format_ = MakeOutputFormat("box", CurrentFormatSettings());
  }
  QueryOptions options;
  options.stream = format_->streams();
  QueryResult result = cluster_ ? cluster_->Query(connection_, sql) : connection_.Query(sql, options);
  if (result.ok() && result.returns_rows()) {
    format_->Write(result, out_);
  }
  out_.flush();
  if (!result.ok()) {
    err_ << result.error().Describe(sql) << '\n';
    err_.flush();
  }
  return result.ok();
}

bool Shell::RunStatement(const std::string& sql) {
  rusage usage_before{};
  getrusage(RUSAGE_SELF, &usage_before);
  const auto start = std::chrono::steady_clock::now();
  bool succeeded = false;
  {
    InterruptScope interrupt_scope(connection_);
    // The output stream itself may be what threw: only the error stream is written here.
    try {
      succeeded = QueryAndPrint(sql);
    } catch (const std::exception& exception) {
      err_ << "Error: " << exception.what() << '\n';
      err_.flush();
    } catch (...) {
      err_ << "Error: unknown exception while running the statement\n";
      err_.flush();
    }
  }
  if (timer_) {
    rusage usage_after{};
    getrusage(RUSAGE_SELF, &usage_after);
    const double real = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    char line[128];
    std::snprintf(line, sizeof(line), "Run Time (s): real %.3f user %.6f sys %.6f\n", real,
                  Seconds(usage_after.ru_utime) - Seconds(usage_before.ru_utime),
                  Seconds(usage_after.ru_stime) - Seconds(usage_before.ru_stime));
    out_ << line;
    out_.flush();
  }
  return succeeded;
}

bool Shell::RunDotCommand(const std::string& line) {
  return quarry::cli::RunDotCommand(*this, line);
}

bool Shell::RunLine(const std::string& line, bool stop_on_error) {
  bool succeeded = true;
  if (!splitter_.HasPartialStatement()) {
    size_t first = line.find_first_not_of(" \t");
    if (first != std::string::npos && line[first] == '.') {
      return RunDotCommand(line.substr(first));
    }
  }
  splitter_.Append(line);
  splitter_.Append("\n");
  while (auto statement = splitter_.Next()) {
    if (!RunStatement(*statement)) {
      succeeded = false;
      if (stop_on_error) {
        // Drop what follows the failed statement: nothing after the first error runs.
        while (splitter_.Next()) {
        }
        splitter_.TakeRest();
        return false;
      }
    }
    if (quit_) break;
  }
  return succeeded;
}

bool Shell::RunText(std::string_view text, bool stop_on_error) {
  bool succeeded = true;
  size_t begin = 0;
  while (begin <= text.size() && !quit_) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    if (!RunLine(std::string(text.substr(begin, end - begin)), stop_on_error)) {
      succeeded = false;
      if (stop_on_error) return false;
    }
    begin = end + 1;
  }
  // A last statement without ';' still runs, as DuckDB's shell does for -c.
  if (auto rest = splitter_.TakeRest(); rest && !quit_) {
    if (!RunStatement(*rest)) {
      succeeded = false;
    }
  }
  return succeeded;
}

bool Shell::RunFile(const std::string& path, bool stop_on_error) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    err_ << "Error: cannot open \"" << path << "\"\n";
    return false;
  }
  std::stringstream content;
  content << file.rdbuf();
  return RunText(content.str(), stop_on_error);
}

void Shell::RunInteractive(LineEditor& editor) {
  out_ << "quarry " << Version() << " on DuckDB " << DuckDBVersion() << "\n"
       << "Enter \".help\" for usage hints. Statements end with \";\".\n";
  out_.flush();
  std::string entry;  // the statement being typed, for the history
  while (!quit_) {
    const bool continuing = splitter_.HasPartialStatement();
    auto line = editor.ReadLine(continuing ? "   ...> " : "quarry> ");
    if (!line) {
      out_ << '\n';
      break;
    }
    entry += (entry.empty() ? "" : "\n") + *line;
    RunLine(*line, false);
    if (!splitter_.HasPartialStatement()) {
      editor.AddHistory(entry);
      entry.clear();
    }
  }
}

}  // namespace quarry::cli
