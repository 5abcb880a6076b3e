// StatementSplitter — cuts SQL text into complete statements at ';', as the shell reads it line by line.
//
// It knows enough of DuckDB's lexical rules to not cut inside a string ('it''s'), a quoted identifier
// ("a;b"), a dollar-quoted string ($$...$$, $tag$...$tag$), a line comment (-- ...) or a block comment
// (/* ... */, nested). Text is appended as it arrives; complete statements are taken out with Next().
// It does not parse SQL: a statement is whatever lies between two terminators and holds something
// other than whitespace and comments.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace quarry::cli {

class StatementSplitter {
 public:
  // Appends more input (any amount: a line, a file).
  void Append(std::string_view text);
  // Takes out the next complete statement, without its ';' and surrounding whitespace.
  std::optional<std::string> Next();
  // True when unfinished text (not only whitespace or comments) waits for a ';'.
  bool HasPartialStatement() const { return statement_has_content_; }
  // Takes out the unfinished statement at the end of input, if it holds anything; resets the state.
  std::optional<std::string> TakeRest();

 private:
  enum class State { kCode, kSingleQuote, kDoubleQuote, kLineComment, kBlockComment, kDollarQuote };

  void Scan();
  void FinishStatement(size_t end);

  std::string buffer_;  // the unfinished statement's text, scanned up to scanned_
  size_t scanned_ = 0;
  bool statement_has_content_ = false;
  State state_ = State::kCode;
  int block_comment_depth_ = 0;
  std::string dollar_tag_;     // "$tag$" while inside a dollar-quoted string
  bool end_of_input_ = false;  // while TakeRest() scans: no more input will come
  std::deque<std::string> complete_;
};

}  // namespace quarry::cli
