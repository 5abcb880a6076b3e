// The shell's dot commands (.help, .tables, .schema, .mode, .timer, .maxrows, .read, .quit), each a
// small function over the Shell's public interface, listed in one table with its help text.
#pragma once

#include <string>

namespace quarry::cli {

class Shell;

// Runs one dot command line, e.g. ".mode csv"; prints its own errors. Returns whether it succeeded.
bool RunDotCommand(Shell& shell, const std::string& line);

}  // namespace quarry::cli
