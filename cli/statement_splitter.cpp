// StatementSplitter: a small lexer that finds statement terminators (see statement_splitter.hpp).
#include "statement_splitter.hpp"

#include <cctype>

namespace quarry::cli {

namespace {

std::string Trim(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) {
    begin++;
  }
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) {
    end--;
  }
  return std::string(text.substr(begin, end - begin));
}

constexpr size_t kUndecided = static_cast<size_t>(-1);

// Length of a dollar-quote tag ($$ or $name$) starting at text[at]; 0 when there is none; kUndecided
// when the text ends before it can tell (more input may complete the tag).
size_t DollarTagLength(const std::string& text, size_t at) {
  size_t i = at + 1;
  while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) {
    i++;
  }
  if (i == text.size()) {
    return kUndecided;
  }
  if (text[i] == '$' && !(i > at + 1 && std::isdigit(static_cast<unsigned char>(text[at + 1])))) {
    return i - at + 1;
  }
  return 0;
}

}  // namespace

void StatementSplitter::Append(std::string_view text) {
  buffer_.append(text);
  Scan();
}

std::optional<std::string> StatementSplitter::Next() {
  if (complete_.empty()) {
    return std::nullopt;
  }
  std::string statement = std::move(complete_.front());
  complete_.pop_front();
  return statement;
}

std::optional<std::string> StatementSplitter::TakeRest() {
  // Scan what waited for more input (a lone '-', '/' or '$' at the end) now that none will come.
  end_of_input_ = true;
  Scan();
  end_of_input_ = false;
  const bool has_content = statement_has_content_;
  std::string rest = Trim(buffer_);
  buffer_.clear();
  scanned_ = 0;
  statement_has_content_ = false;
  state_ = State::kCode;
  block_comment_depth_ = 0;
  dollar_tag_.clear();
  if (!has_content) {
    return std::nullopt;
  }
  return rest;
}

void StatementSplitter::FinishStatement(size_t end) {
  if (statement_has_content_) {
    complete_.push_back(Trim(std::string_view(buffer_).substr(0, end)));
  }
  buffer_.erase(0, end + 1);
  scanned_ = 0;
  statement_has_content_ = false;
}

void StatementSplitter::Scan() {
  while (scanned_ < buffer_.size()) {
    const size_t i = scanned_;
    const char c = buffer_[i];
    const char next = i + 1 < buffer_.size() ? buffer_[i + 1] : '\0';
    // Two-character tokens need the next character; wait for more input when it has not come yet.
    const bool at_end = i + 1 >= buffer_.size() && !end_of_input_;
    switch (state_) {
      case State::kCode:
        if (c == ';') {
          FinishStatement(i);
          continue;
        }
        if ((c == '-' || c == '/') && at_end) {
          return;
        }
        if (c == '-' && next == '-') {
          state_ = State::kLineComment;
          scanned_ += 2;
          continue;
        }
        if (c == '/' && next == '*') {
          state_ = State::kBlockComment;
          block_comment_depth_ = 1;
          scanned_ += 2;
          continue;
        }
        if (!std::isspace(static_cast<unsigned char>(c))) {
          statement_has_content_ = true;
        }
        if (c == '\'') {
          state_ = State::kSingleQuote;
        } else if (c == '"') {
          state_ = State::kDoubleQuote;
        } else if (c == '$') {
          const size_t length = DollarTagLength(buffer_, i);
          if (length == kUndecided && !end_of_input_) {
            return;
          }
          if (length != kUndecided && length > 0) {
            dollar_tag_ = buffer_.substr(i, length);
            state_ = State::kDollarQuote;
            scanned_ += length;
            continue;
          }
        }
        scanned_++;
        break;
      case State::kSingleQuote:
      case State::kDoubleQuote:
        // A doubled quote ('' or "") inside stays inside: leaving and re-entering gives the same result.
        if (c == (state_ == State::kSingleQuote ? '\'' : '"')) {
          state_ = State::kCode;
        }
        scanned_++;
        break;
      case State::kLineComment:
        if (c == '\n') {
          state_ = State::kCode;
        }
        scanned_++;
        break;
      case State::kBlockComment:
        if (at_end && (c == '*' || c == '/')) {
          return;
        }
        if (c == '*' && next == '/') {
          scanned_ += 2;
          if (--block_comment_depth_ == 0) {
            state_ = State::kCode;
          }
          continue;
        }
        if (c == '/' && next == '*') {
          block_comment_depth_++;
          scanned_ += 2;
          continue;
        }
        scanned_++;
        break;
      case State::kDollarQuote:
        if (buffer_.compare(i, dollar_tag_.size(), dollar_tag_) == 0) {
          scanned_ += dollar_tag_.size();
          state_ = State::kCode;
          continue;
        }
        if (c == '$' && buffer_.size() - i < dollar_tag_.size() && !end_of_input_) {
          return;  // the closing tag may be cut by the end of input
        }
        scanned_++;
        break;
    }
  }
}

}  // namespace quarry::cli
