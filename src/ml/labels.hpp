// Class labels of a classifier, from a text file: either "n01440764 tench, Tinca tinca" lines (class =
// the first word, description = the rest) or one name per line (class = the line's index, description
// = the name). Blank lines at the end are ignored.
#pragma once

#include <string>
#include <vector>

#include "common/result.hpp"

namespace quarry::ml {

// `labels = 'imagenet'`: the 1,000 ImageNet class names scripts/setup extracts from
// @tensorflow-models/mobilenet (class = the index 0..999, description = the names, e.g. "tench, Tinca tinca").
inline constexpr const char* kImagenetLabels = "imagenet";

struct Label {
  std::string class_name;
  std::string description;
};

// Reads the file; an unreadable or empty file is an Error naming it. The two layouts are told apart
// by whether every non-blank line's first word looks like an identifier followed by more text (WordNet
// style); an identifier is letters, digits, '_', '-', '.', ':' with at least one digit, so a file of
// multi-word names ("great white shark") reads as names.
Result<std::vector<Label>> ReadLabels(const std::string& path);

}  // namespace quarry::ml
