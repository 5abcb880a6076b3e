// A compiled regular expression with Oniguruma's syntax and Unicode tables — the engine Hugging Face's
// tokenizers uses for Split and Replace patterns (\p{L}, look-ahead, (?i:...)), so matches agree.
// A RegexPattern is immutable after Compile and safe to search from many threads at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace quarry::text {

class RegexPattern {
 public:
  // Compiles `pattern` (UTF-8); a syntax error is an Error quoting the pattern and Oniguruma's message.
  static Result<std::shared_ptr<const RegexPattern>> Compile(std::string_view pattern);
  // A pattern matching `literal` exactly (what tokenizer.json's {"String": ...} patterns mean).
  static Result<std::shared_ptr<const RegexPattern>> Literal(std::string_view literal);
  ~RegexPattern();
  RegexPattern(const RegexPattern&) = delete;
  RegexPattern& operator=(const RegexPattern&) = delete;

  // Appends to `matches` the [start, end) byte ranges of successive leftmost matches in `text`, as
  // rust-onig's find_iter: the search resumes at the end of the previous match, and an empty match
  // right where the previous one ended is skipped by one character. `text` must be valid UTF-8.
  void FindAll(std::string_view text, std::vector<std::pair<size_t, size_t>>& matches) const;

 private:
  explicit RegexPattern(void* regex) : regex_(regex) {}
  void* regex_;  // OnigRegex
};

}  // namespace quarry::text
