// Text on its way through a tokenizer together with where each of its bytes came from in the input
// (Hugging Face's NormalizedString alignments), so that every token can name the characters of the
// input it stands for. Tracking is optional: without it (`alignments` empty) the steps only rewrite
// the text, at no extra cost.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace quarry::text {

// A byte range [first, second).
using ByteRange = std::pair<size_t, size_t>;

struct NormalizedText {
  std::string text;
  // One entry per byte of `text`: the byte range of the input it came from; empty when not tracked.
  std::vector<ByteRange> alignments;

  // The input's range for text[begin, end) (the first byte's start to the last byte's end, as
  // Hugging Face's convert_offsets). REQUIRES: alignments tracked, begin < end <= text.size().
  ByteRange OriginalRange(size_t begin, size_t end) const {
    return {alignments[begin].first, alignments[end - 1].second};
  }
};

// Input text aligned to itself (each byte to its character's range) when `track`; else untracked.
NormalizedText AlignedInput(std::string_view text, bool track);

// text[begin, end) with its alignments.
NormalizedText SliceOf(const NormalizedText& source, size_t begin, size_t end);

// Rewrites a NormalizedText code point by code point with Hugging Face's alignment rules
// (NormalizedString::transform): a code point that replaces the next source code point takes its
// alignment; an inserted one takes the alignment of the source byte just before; skipped source code
// points disappear. Call Finish once; the source must outlive the rewriter.
class TextRewriter {
 public:
  explicit TextRewriter(const NormalizedText& source);

  // `c` replaces the next source code point.
  void Replace(char32_t c);
  // `c` is new, after the source consumed so far.
  void Insert(char32_t c);
  // Drops the next `count` source code points.
  void Skip(size_t count);
  // Drops the source up to byte `end`.
  void SkipTo(size_t end);
  // One Hugging Face change (ChangedCodePoint): Insert, or Replace then Skip the dropped ones.
  void Apply(char32_t c, int change);
  // Keeps the source up to byte `end` unchanged.
  void CopyTo(size_t end);
  // The next source code point (REQUIRES: position() < source size).
  char32_t Peek() const;
  size_t position() const { return position_; }

  NormalizedText Finish();

 private:
  const NormalizedText& source_;
  const bool tracked_;
  size_t position_ = 0;
  NormalizedText out_;
};

// A code point of rewritten text and its change against the source, as Hugging Face's transform reads
// them: 0 replaces the next source code point, 1 is new, -N replaces the next one and drops N more.
struct ChangedCodePoint {
  char32_t c;
  int change;
};

// Rewrites `text` into `changes` (NormalizedString::transform over the whole text); source code points
// the changes do not reach are dropped.
void ApplyChanges(NormalizedText& text, const std::vector<ChangedCodePoint>& changes);

// Prepends `prefix` as Hugging Face's NormalizedString::prepend does (the prefix and the first code
// point share the first code point's alignment); nothing for empty text.
void PrependText(NormalizedText& text, std::string_view prefix);

}  // namespace quarry::text
