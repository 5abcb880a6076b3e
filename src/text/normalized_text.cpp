// Aligned text and its rewriter (see normalized_text.hpp).
#include "text/normalized_text.hpp"

#include <algorithm>

#include "text/utf8.hpp"

namespace quarry::text {

NormalizedText AlignedInput(std::string_view text, bool track) {
  NormalizedText aligned;
  aligned.text = std::string(text);
  if (track) {
    // Every byte of a character maps to the whole character (NormalizedString::from).
    aligned.alignments.resize(text.size());
    for (size_t start = 0; start < text.size();) {
      size_t end = std::min(text.size(), start + Utf8Length(text[start]));
      for (size_t i = start; i < end; ++i) aligned.alignments[i] = {start, end};
      start = end;
    }
  }
  return aligned;
}

NormalizedText SliceOf(const NormalizedText& source, size_t begin, size_t end) {
  NormalizedText slice;
  slice.text = source.text.substr(begin, end - begin);
  if (!source.alignments.empty()) {
    slice.alignments.assign(source.alignments.begin() + begin, source.alignments.begin() + end);
  }
  return slice;
}

TextRewriter::TextRewriter(const NormalizedText& source) : source_(source), tracked_(!source.alignments.empty()) {
  out_.text.reserve(source.text.size());
  if (tracked_) out_.alignments.reserve(source.alignments.size());
}

void TextRewriter::Replace(char32_t c) {
  AppendUtf8(out_.text, c);
  if (position_ >= source_.text.size()) {
    // Past the source's end (changes that consume more than there is): a new code point instead.
    if (tracked_)
      out_.alignments.resize(out_.text.size(), position_ == 0 ? ByteRange{0, 0} : source_.alignments.back());
    return;
  }
  if (tracked_) out_.alignments.resize(out_.text.size(), source_.alignments[position_]);
  position_ += Utf8Length(source_.text[position_]);
}

void TextRewriter::Insert(char32_t c) {
  AppendUtf8(out_.text, c);
  if (tracked_) {
    ByteRange alignment =
        position_ == 0 ? ByteRange{0, 0} : source_.alignments[std::min(position_, source_.alignments.size()) - 1];
    out_.alignments.resize(out_.text.size(), alignment);
  }
}

void TextRewriter::Skip(size_t count) {
  for (size_t i = 0; i < count && position_ < source_.text.size(); ++i)
    position_ += Utf8Length(source_.text[position_]);
}

void TextRewriter::SkipTo(size_t end) {
  position_ = std::min(end, source_.text.size());
}

void TextRewriter::Apply(char32_t c, int change) {
  if (change > 0) {
    Insert(c);
  } else {
    Replace(c);
    Skip(static_cast<size_t>(-change));
  }
}

void TextRewriter::CopyTo(size_t end) {
  out_.text.append(source_.text, position_, end - position_);
  if (tracked_) {
    out_.alignments.insert(out_.alignments.end(), source_.alignments.begin() + position_,
                           source_.alignments.begin() + end);
  }
  position_ = end;
}

char32_t TextRewriter::Peek() const {
  size_t position = position_;
  return DecodeUtf8(source_.text, position);
}

NormalizedText TextRewriter::Finish() {
  return std::move(out_);
}

void ApplyChanges(NormalizedText& text, const std::vector<ChangedCodePoint>& changes) {
  TextRewriter rewriter(text);
  for (const ChangedCodePoint& item : changes) rewriter.Apply(item.c, item.change);
  text = rewriter.Finish();
}

void PrependText(NormalizedText& text, std::string_view prefix) {
  if (text.text.empty() || prefix.empty()) return;
  TextRewriter rewriter(text);
  char32_t first = rewriter.Peek();
  size_t position = 0;
  rewriter.Replace(DecodeUtf8(prefix, position));
  while (position < prefix.size()) rewriter.Insert(DecodeUtf8(prefix, position));
  rewriter.Insert(first);
  rewriter.CopyTo(text.text.size());
  text = rewriter.Finish();
}

}  // namespace quarry::text
