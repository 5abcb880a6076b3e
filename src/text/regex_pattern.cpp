// Oniguruma behind RegexPattern (see regex_pattern.hpp).
#include "text/regex_pattern.hpp"

#include <oniguruma.h>

#include <mutex>

#include "text/utf8.hpp"

namespace quarry::text {
namespace {

void InitializeOniguruma() {
  static std::once_flag once;
  std::call_once(once, [] {
    OnigEncoding encodings[] = {ONIG_ENCODING_UTF8};
    onig_initialize(encodings, 1);
  });
}

// Escapes every character Rust's regex::escape escapes, so a literal compiles to itself.
std::string EscapeLiteral(std::string_view literal) {
  std::string escaped;
  for (char c : literal) {
    if (std::string_view("\\.+*?()|[]{}^$#&-~").find(c) != std::string_view::npos) escaped.push_back('\\');
    escaped.push_back(c);
  }
  return escaped;
}

}  // namespace

Result<std::shared_ptr<const RegexPattern>> RegexPattern::Compile(std::string_view pattern) {
  InitializeOniguruma();
  if (FindInvalidUtf8(pattern)) return Error{"regular expression is not valid UTF-8"};
  OnigRegex regex = nullptr;
  OnigErrorInfo error_info;
  auto begin = reinterpret_cast<const OnigUChar*>(pattern.data());
  int status = onig_new(&regex, begin, begin + pattern.size(), ONIG_OPTION_NONE, ONIG_ENCODING_UTF8,
                        ONIG_SYNTAX_DEFAULT, &error_info);
  if (status != ONIG_NORMAL) {
    OnigUChar message[ONIG_MAX_ERROR_MESSAGE_LEN];
    onig_error_code_to_str(message, status, &error_info);
    return Error{"invalid regular expression /" + std::string(pattern) + "/: " + reinterpret_cast<char*>(message)};
  }
  return std::shared_ptr<const RegexPattern>(new RegexPattern(regex));
}

Result<std::shared_ptr<const RegexPattern>> RegexPattern::Literal(std::string_view literal) {
  return Compile(EscapeLiteral(literal));
}

RegexPattern::~RegexPattern() {
  onig_free(static_cast<OnigRegex>(regex_));
}

void RegexPattern::FindAll(std::string_view text, std::vector<std::pair<size_t, size_t>>& matches) const {
  auto regex = static_cast<OnigRegex>(regex_);
  OnigRegion* region = onig_region_new();
  auto begin = reinterpret_cast<const OnigUChar*>(text.data());
  auto end = begin + text.size();
  size_t search_from = 0;
  bool have_previous = false;
  size_t previous_end = 0;
  while (search_from <= text.size()) {
    onig_region_clear(region);
    int found = onig_search(regex, begin, end, begin + search_from, end, region, ONIG_OPTION_NONE);
    if (found < 0) break;  // ONIG_MISMATCH, or a search error (treated as no further match)
    auto start = static_cast<size_t>(region->beg[0]);
    auto stop = static_cast<size_t>(region->end[0]);
    if (start == stop && have_previous && previous_end == stop) {
      search_from += search_from < text.size() ? Utf8Length(text[search_from]) : 1;
      continue;
    }
    search_from = stop;
    have_previous = true;
    previous_end = stop;
    matches.emplace_back(start, stop);
  }
  onig_region_free(region, 1);
}

}  // namespace quarry::text
