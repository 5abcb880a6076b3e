// libFuzzer target for the shell's StatementSplitter (cli/statement_splitter.cpp).
// Feeds the input in pieces cut at fuzzer-chosen places and checks that the statements found do not
// depend on how the input was cut, and that every statement is non-empty text taken from the input.
// fuzz-sources: cli/statement_splitter.cpp
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "statement_splitter.hpp"

namespace {

std::vector<std::string> SplitAll(const std::string& text, size_t piece) {
  quarry::cli::StatementSplitter splitter;
  std::vector<std::string> statements;
  for (size_t at = 0; at < text.size(); at += piece) {
    splitter.Append(std::string_view(text).substr(at, piece));
    while (auto statement = splitter.Next()) statements.push_back(*statement);
  }
  if (auto rest = splitter.TakeRest()) statements.push_back(*rest);
  return statements;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t piece = 1 + data[0] % 16;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto whole = SplitAll(text, text.size() + 1);
  const auto pieces = SplitAll(text, piece);
  if (whole != pieces) std::abort();
  for (const auto& statement : whole) {
    if (statement.empty() || text.find(statement) == std::string::npos) std::abort();
  }
  return 0;
}
