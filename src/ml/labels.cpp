// ReadLabels: class label files in either layout (WordNet "n01440764 tench, Tinca tinca" lines, or one
// name per line), told apart by the first words of the lines.
#include "ml/labels.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace quarry::ml {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

std::string Trim(const std::string& text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && IsSpace(text[begin])) ++begin;
  while (end > begin && IsSpace(text[end - 1])) --end;
  return text.substr(begin, end - begin);
}

// A WordNet-style class identifier: letters, digits, '_', '-', '.', ':' with at least one digit
// ("n01440764", "class_7"), so that "great white shark" reads as a name, not as class "great".
bool LooksLikeIdentifier(const std::string& word) {
  bool has_digit = false;
  for (char c : word) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isdigit(byte)) {
      has_digit = true;
    } else if (!std::isalpha(byte) && c != '_' && c != '-' && c != '.' && c != ':') {
      return false;
    }
  }
  return has_digit;
}

// Splits a trimmed line into its first word and the (trimmed) rest.
std::pair<std::string, std::string> SplitFirstWord(const std::string& line) {
  const auto space = std::find_if(line.begin(), line.end(), IsSpace);
  if (space == line.end()) return {line, ""};
  return {std::string(line.begin(), space), Trim(std::string(space, line.end()))};
}

}  // namespace

Result<std::vector<Label>> ReadLabels(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot read labels file: " + path};
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(Trim(line));
  if (in.bad()) return Error{"cannot read labels file: " + path};
  if (!lines.empty() && lines[0].rfind("\xEF\xBB\xBF", 0) == 0) lines[0] = Trim(lines[0].substr(3));  // BOM
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  if (lines.empty()) return Error{"labels file is empty: " + path};

  // WordNet layout when every non-blank line is an identifier followed by more text.
  const bool wordnet = std::all_of(lines.begin(), lines.end(), [](const std::string& text) {
    if (text.empty()) return true;
    auto [first, rest] = SplitFirstWord(text);
    return !rest.empty() && LooksLikeIdentifier(first);
  });
  std::vector<Label> labels;
  labels.reserve(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    if (wordnet && !lines[i].empty()) {
      auto [first, rest] = SplitFirstWord(lines[i]);
      labels.push_back(Label{std::move(first), std::move(rest)});
    } else {
      labels.push_back(Label{std::to_string(i), lines[i]});
    }
  }
  return labels;
}

}  // namespace quarry::ml
