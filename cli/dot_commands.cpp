// The shell's dot commands (see dot_commands.hpp).
#include "dot_commands.hpp"

#include <functional>
#include <sstream>
#include <vector>

#include "shell.hpp"

namespace quarry::cli {

namespace {

using Arguments = std::vector<std::string>;

struct DotCommand {
  const char* name;
  const char* usage;
  const char* description;
  std::function<bool(Shell&, const Arguments&)> run;
};

std::string QuoteLiteral(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    quoted += c;
    if (c == '\'') quoted += '\'';
  }
  return quoted + "'";
}

bool ParseSwitch(Shell& shell, const Arguments& arguments, const char* command, bool& value) {
  if (arguments.size() == 1 && (arguments[0] == "on" || arguments[0] == "off")) {
    value = arguments[0] == "on";
    return true;
  }
  shell.err() << "Error: usage: ." << command << " on|off\n";
  return false;
}

const std::vector<DotCommand>& Commands();

bool Help(Shell& shell, const Arguments&) {
  for (const auto& command : Commands()) {
    std::string usage = std::string(".") + command.name + (*command.usage ? " " : "") + command.usage;
    shell.out() << usage << std::string(usage.size() < 24 ? 24 - usage.size() : 1, ' ') << command.description << '\n';
  }
  return true;
}

bool Tables(Shell& shell, const Arguments& arguments) {
  std::string sql =
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema NOT IN "
      "('information_schema', 'pg_catalog') AND NOT starts_with(table_name, '__quarry')";
  if (!arguments.empty()) {
    sql += " AND table_name LIKE " + QuoteLiteral(arguments[0]);
  }
  return shell.RunStatement(sql + " ORDER BY name");
}

bool Schema(Shell& shell, const Arguments& arguments) {
  std::string filter = arguments.empty() ? "" : " AND name LIKE " + QuoteLiteral(arguments[0]);
  const std::string previous = shell.format_name();
  shell.SetFormat("line");
  const bool succeeded = shell.RunStatement(
      "SELECT sql FROM (SELECT table_name AS name, sql FROM duckdb_tables() WHERE NOT internal UNION ALL "
      "SELECT view_name, sql FROM duckdb_views() WHERE NOT internal) WHERE sql IS NOT NULL AND NOT starts_with(name, "
      "'__quarry')" +
      filter + " ORDER BY name");
  shell.SetFormat(previous);
  return succeeded;
}

bool Mode(Shell& shell, const Arguments& arguments) {
  if (arguments.empty()) {
    shell.out() << "current output mode: " << shell.format_name() << '\n';
    return true;
  }
  if (!shell.SetFormat(arguments[0])) {
    std::string names;
    for (const auto& name : OutputFormatNames()) names += " " + name;
    shell.err() << "Error: unknown mode '" << arguments[0] << "', expected one of:" << names << '\n';
    return false;
  }
  return true;
}

bool Timer(Shell& shell, const Arguments& arguments) {
  bool enabled = false;
  if (!ParseSwitch(shell, arguments, "timer", enabled)) return false;
  shell.SetTimer(enabled);
  return true;
}

bool Progress(Shell& shell, const Arguments& arguments) {
  bool enabled = false;
  if (!ParseSwitch(shell, arguments, "progress", enabled)) return false;
  shell.EnableProgressBar(enabled);
  return true;
}

bool MaxRows(Shell& shell, const Arguments& arguments) {
  if (arguments.size() == 1) {
    try {
      const long long rows = std::stoll(arguments[0]);
      if (rows > 0) {
        shell.SetMaxRows(static_cast<uint64_t>(rows));
        return true;
      }
    } catch (const std::exception&) {
    }
  }
  shell.err() << "Error: usage: .maxrows COUNT (a positive number)\n";
  return false;
}

bool Read(Shell& shell, const Arguments& arguments) {
  if (arguments.size() != 1) {
    shell.err() << "Error: usage: .read FILE\n";
    return false;
  }
  return shell.RunFile(arguments[0], true);
}

bool Quit(Shell& shell, const Arguments&) {
  shell.RequestQuit();
  return true;
}

const std::vector<DotCommand>& Commands() {
  static const std::vector<DotCommand> commands = {
      {"help", "", "show this list", Help},
      {"tables", "[PATTERN]", "list tables and views (names LIKE PATTERN)", Tables},
      {"schema", "[PATTERN]", "show CREATE statements of tables and views", Schema},
      {"mode", "[FORMAT]", "set the output format: box csv json jsonl line markdown", Mode},
      {"maxrows", "COUNT", "rows a box shows before eliding the middle", MaxRows},
      {"timer", "on|off", "print the time each statement takes", Timer},
      {"progress", "on|off", "show a progress bar on statements running over 2 s", Progress},
      {"read", "FILE", "run the statements in FILE", Read},
      {"quit", "", "leave the shell (also .exit or Ctrl-D)", Quit},
      {"exit", "", "leave the shell", Quit},
  };
  return commands;
}

// Splits a dot command's arguments on spaces; "double" or 'single' quotes keep spaces in one argument.
Arguments SplitArguments(const std::string& text) {
  Arguments arguments;
  std::string current;
  bool in_word = false;
  char quote = 0;
  for (char c : text) {
    if (quote) {
      if (c == quote)
        quote = 0;
      else
        current += c;
    } else if (c == '"' || c == '\'') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word) arguments.push_back(current);
      current.clear();
      in_word = false;
    } else {
      current += c;
      in_word = true;
    }
  }
  if (in_word) arguments.push_back(current);
  return arguments;
}

}  // namespace

bool RunDotCommand(Shell& shell, const std::string& line) {
  Arguments words = SplitArguments(line.substr(1));
  // A dot command ends at the line's end; a trailing ';' is forgiven.
  if (!words.empty() && !words.back().empty() && words.back().back() == ';') {
    words.back().pop_back();
    if (words.back().empty()) words.pop_back();
  }
  if (words.empty()) {
    shell.err() << "Error: empty dot command; try .help\n";
    return false;
  }
  const std::string name = words[0];
  words.erase(words.begin());
  for (const auto& command : Commands()) {
    if (name == command.name) {
      return command.run(shell, words);
    }
  }
  shell.err() << "Error: unknown command \"." << name << "\"; try .help\n";
  return false;
}

}  // namespace quarry::cli
