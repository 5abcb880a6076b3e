// The text between the steps of a tokenizer pipeline: the input cut into pieces, each either normal
// text still to be split and tokenized, or one added token already matched (whose id is known and
// which later steps leave alone) — Hugging Face's PreTokenizedString. Each piece carries the input
// ranges of its bytes when the encoding tracks offsets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "text/normalized_text.hpp"

namespace quarry::text {

// `text` and, when tracked, `alignments` (NormalizedText).
struct TextPiece : NormalizedText {
  // Whether the piece begins where the input began (Metaspace's prepend_scheme "first").
  bool at_input_start = false;
  // An added token matched by the added vocabulary: `text` is its content, `added_token_id` its id.
  bool is_added_token = false;
  uint32_t added_token_id = 0;
};

using PreTokenizedText = std::vector<TextPiece>;

// How a split treats the delimiters it finds (tokenizer.json's "behavior").
enum class SplitBehavior { kRemoved, kIsolated, kMergedWithPrevious, kMergedWithNext, kContiguous };

// A pattern's matches over a text as consecutive (range, is_match) spans covering all of it, as Hugging
// Face's Pattern::find_matches returns them.
using MatchSpans = std::vector<std::pair<ByteRange, bool>>;

// The ranges a split by `spans` under `behavior` keeps (NormalizedString::split).
std::vector<ByteRange> ApplySplitBehavior(const MatchSpans& spans, SplitBehavior behavior);

// Spans of `text` where each code point for which `is_delimiter` holds is a match of its own.
template <typename Predicate>
MatchSpans MatchCodePoints(std::string_view text, Predicate is_delimiter);

// Replaces every piece that is not an added token by the non-empty sub-pieces `split` returns as byte
// ranges of its text (PreTokenizedString::split).
template <typename SplitFunction>
void SplitPieces(PreTokenizedText& pieces, SplitFunction split) {
  PreTokenizedText result;
  result.reserve(pieces.size());
  for (TextPiece& piece : pieces) {
    if (piece.is_added_token) {
      result.push_back(std::move(piece));
      continue;
    }
    for (const ByteRange& range : split(piece)) {
      if (range.second <= range.first) continue;
      TextPiece sub;
      static_cast<NormalizedText&>(sub) = SliceOf(piece, range.first, range.second);
      sub.at_input_start = piece.at_input_start && range.first == 0;
      result.push_back(std::move(sub));
    }
  }
  pieces = std::move(result);
}

}  // namespace quarry::text

#include "text/utf8.hpp"

namespace quarry::text {

template <typename Predicate>
MatchSpans MatchCodePoints(std::string_view text, Predicate is_delimiter) {
  MatchSpans spans;
  if (text.empty()) {
    spans.push_back({{0, 0}, false});
    return spans;
  }
  size_t last_offset = 0;
  size_t position = 0;
  while (position < text.size()) {
    size_t start = position;
    char32_t c = DecodeUtf8(text, position);
    if (is_delimiter(c)) {
      if (last_offset < start) spans.push_back({{last_offset, start}, false});
      spans.push_back({{start, position}, true});
      last_offset = position;
    }
  }
  if (last_offset < text.size()) spans.push_back({{last_offset, text.size()}, false});
  return spans;
}

}  // namespace quarry::text
