// Split behaviors (see pre_tokenized_text.hpp), as Hugging Face's NormalizedString::split.
#include "text/pre_tokenized_text.hpp"

#include <algorithm>

namespace quarry::text {

std::vector<ByteRange> ApplySplitBehavior(const MatchSpans& spans, SplitBehavior behavior) {
  std::vector<ByteRange> kept;
  kept.reserve(spans.size());
  switch (behavior) {
    case SplitBehavior::kIsolated:
      for (const auto& [range, is_match] : spans) kept.push_back(range);
      break;
    case SplitBehavior::kRemoved:
      for (const auto& [range, is_match] : spans) {
        if (!is_match) kept.push_back(range);
      }
      break;
    case SplitBehavior::kContiguous: {
      bool previous_match = false;
      for (const auto& [range, is_match] : spans) {
        if (is_match == previous_match && !kept.empty()) {
          kept.back().second = range.second;
        } else {
          kept.push_back(range);
        }
        previous_match = is_match;
      }
      break;
    }
    case SplitBehavior::kMergedWithPrevious: {
      bool previous_match = false;
      for (const auto& [range, is_match] : spans) {
        if (is_match && !previous_match && !kept.empty()) {
          kept.back().second = range.second;
        } else {
          kept.push_back(range);
        }
        previous_match = is_match;
      }
      break;
    }
    case SplitBehavior::kMergedWithNext: {
      bool previous_match = false;
      for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
        const auto& [range, is_match] = *it;
        if (is_match && !previous_match && !kept.empty()) {
          kept.back().first = range.first;
        } else {
          kept.push_back(range);
        }
        previous_match = is_match;
      }
      std::reverse(kept.begin(), kept.end());
      break;
    }
  }
  return kept;
}

}  // namespace quarry::text
