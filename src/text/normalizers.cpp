// The normalizers of tokenizer.json (see normalizers.hpp). Each rewrites the text through a
// TextRewriter with the same replace / insert / skip steps as Hugging Face's, so that alignments
// (offsets) come out as theirs do.
#include "text/normalizers.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "text/regex_pattern.hpp"
#include "text/unicode_properties.hpp"
#include "text/utf8.hpp"

namespace quarry::text {
namespace {

// Rebuilds `text` code point by code point: `step(rewriter, c)` consumes `c` from the rewriter's source.
template <typename Step>
void RewriteCodePoints(NormalizedText& text, Step step) {
  TextRewriter rewriter(text);
  while (rewriter.position() < text.text.size()) step(rewriter, rewriter.Peek());
  text = rewriter.Finish();
}

// `c` replaced by `replacement` (one or more code points, UTF-8): the first replaces, the rest are new.
void ReplaceBy(TextRewriter& rewriter, std::string_view replacement) {
  size_t position = 0;
  rewriter.Replace(DecodeUtf8(replacement, position));
  while (position < replacement.size()) rewriter.Insert(DecodeUtf8(replacement, position));
}

void Lowercase(NormalizedText& text) {
  std::string lowered;
  RewriteCodePoints(text, [&](TextRewriter& rewriter, char32_t c) {
    if (c < 0x80) {
      rewriter.Replace(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
      return;
    }
    lowered.clear();
    AppendLowercase(lowered, c);
    if (lowered.empty()) {
      rewriter.Skip(1);
    } else {
      ReplaceBy(rewriter, lowered);
    }
  });
}

// `segment` in `form` with each code point's change, as unicode-normalization-alignments derives them:
// a decomposition's first code point replaces its source and the rest are new; canonical ordering
// moves code points with their changes; a composition folds the absorbed code point's change into the
// composite (one input code point more dropped when the absorbed one was not new).
std::vector<ChangedCodePoint> NormalizeWithChanges(NormalizationForm form, const std::u32string& segment) {
  bool compatibility = form == NormalizationForm::kNfkc || form == NormalizationForm::kNfkd;
  std::vector<ChangedCodePoint> decomposed;
  for (char32_t c : segment) {
    std::u32string parts = Decompose(c, compatibility);
    for (size_t i = 0; i < parts.size(); ++i) decomposed.push_back({parts[i], i == 0 ? 0 : 1});
  }
  for (size_t i = 0; i < decomposed.size();) {
    if (CombiningClass(decomposed[i].c) == 0) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < decomposed.size() && CombiningClass(decomposed[j].c) != 0) ++j;
    std::stable_sort(decomposed.begin() + i, decomposed.begin() + j,
                     [](const auto& a, const auto& b) { return CombiningClass(a.c) < CombiningClass(b.c); });
    i = j;
  }
  if (form == NormalizationForm::kNfd || form == NormalizationForm::kNfkd) return decomposed;
  // Canonical composition (the unicode-normalization crate's Recompositions).
  std::vector<ChangedCodePoint> composed;
  std::vector<ChangedCodePoint> pending;  // non-starters after the starter that did not compose
  std::optional<ChangedCodePoint> starter;
  int last_class = -1;  // of the last pending code point; -1 when none
  auto flush = [&] {
    if (starter) composed.push_back(*starter);
    composed.insert(composed.end(), pending.begin(), pending.end());
    pending.clear();
    last_class = -1;
  };
  for (const ChangedCodePoint& item : decomposed) {
    int item_class = CombiningClass(item.c);
    if (!starter) {
      if (item_class != 0) {
        composed.push_back(item);
      } else {
        starter = item;
      }
      continue;
    }
    if (last_class < 0 || last_class < item_class) {
      if (char32_t composite = ComposePair(starter->c, item.c)) {
        starter->c = composite;
        starter->change += item.change - 1;
        continue;
      }
    }
    if (item_class == 0) {
      flush();
      starter = item;
      continue;
    }
    last_class = item_class;
    pending.push_back(item);
  }
  flush();
  return composed;
}

// Unicode normalization. Tracked text is normalized one normalization segment at a time, with the
// changes of NormalizeWithChanges; should they not give ICU's text or not cover the segment, the
// segment's first code points replace its inputs in order instead.
void NormalizeForm(NormalizationForm form, NormalizedText& text) {
  if (text.alignments.empty()) {
    text.text = text::Normalize(form, text.text);
    return;
  }
  TextRewriter rewriter(text);
  const std::string& source = text.text;
  size_t start = 0;
  std::u32string segment;
  while (start < source.size()) {
    size_t end = start;
    segment.clear();
    while (true) {
      segment.push_back(DecodeUtf8(source, end));
      if (end >= source.size()) break;
      size_t probe = end;
      if (HasNormalizationBoundaryBefore(form, DecodeUtf8(source, probe))) break;
    }
    if (segment.size() == 1 && segment[0] < 0x80) {
      rewriter.CopyTo(end);
      start = end;
      continue;
    }
    std::string normalized = text::Normalize(form, std::string_view(source).substr(start, end - start));
    std::vector<ChangedCodePoint> changes = NormalizeWithChanges(form, segment);
    std::string from_changes;
    int consumed = 0;
    for (const ChangedCodePoint& item : changes) {
      AppendUtf8(from_changes, item.c);
      consumed += item.change > 0 ? 0 : 1 - item.change;
    }
    if (from_changes == normalized && consumed == static_cast<int>(segment.size())) {
      for (const ChangedCodePoint& item : changes) rewriter.Apply(item.c, item.change);
      start = end;
      continue;
    }
    size_t position = 0;
    size_t produced = 0;
    while (position < normalized.size()) {
      char32_t c = DecodeUtf8(normalized, position);
      if (produced < segment.size()) {
        rewriter.Replace(c);
      } else {
        rewriter.Insert(c);
      }
      ++produced;
    }
    if (produced < segment.size()) rewriter.SkipTo(end);
    start = end;
  }
  text = rewriter.Finish();
}

class UnicodeNormalizer final : public Normalizer {
 public:
  explicit UnicodeNormalizer(NormalizationForm form) : form_(form) {}
  void Normalize(NormalizedText& text) const override { NormalizeForm(form_, text); }

 private:
  NormalizationForm form_;
};

class LowercaseNormalizer final : public Normalizer {
 public:
  void Normalize(NormalizedText& text) const override { Lowercase(text); }
};

void StripCombiningMarks(NormalizedText& text, bool (*is_mark)(char32_t)) {
  RewriteCodePoints(text, [&](TextRewriter& rewriter, char32_t c) {
    if (is_mark(c)) {
      rewriter.Skip(1);
    } else {
      rewriter.Replace(c);
    }
  });
}

class StripAccentsNormalizer final : public Normalizer {
 public:
  void Normalize(NormalizedText& text) const override { StripCombiningMarks(text, IsCombiningMark); }
};

// BERT's: removes control characters and maps whitespace to spaces, puts spaces around CJK ideographs,
// strips accents (NFD, then drops non-spacing marks) and lowercases.
class BertNormalizer final : public Normalizer {
 public:
  BertNormalizer(bool clean_text, bool handle_chinese_chars, bool strip_accents, bool lowercase)
      : clean_text_(clean_text),
        handle_chinese_chars_(handle_chinese_chars),
        strip_accents_(strip_accents),
        lowercase_(lowercase) {}

  void Normalize(NormalizedText& text) const override {
    if (clean_text_) {
      RewriteCodePoints(text, [](TextRewriter& rewriter, char32_t c) {
        bool control = c != '\t' && c != '\n' && c != '\r' && IsLegacyOther(c);
        if (c == 0 || c == 0xFFFD || control) {
          rewriter.Skip(1);
        } else {
          rewriter.Replace(c == '\t' || c == '\n' || c == '\r' || IsWhitespace(c) ? U' ' : c);
        }
      });
    }
    if (handle_chinese_chars_) {
      RewriteCodePoints(text, [](TextRewriter& rewriter, char32_t c) {
        if (IsChineseCharacter(c)) {
          rewriter.Replace(' ');
          rewriter.Insert(c);
          rewriter.Insert(' ');
        } else {
          rewriter.Replace(c);
        }
      });
    }
    if (strip_accents_) {
      NormalizeForm(NormalizationForm::kNfd, text);
      StripCombiningMarks(text, IsLegacyNonspacingMark);
    }
    if (lowercase_) Lowercase(text);
  }

 private:
  static bool IsChineseCharacter(char32_t c) {
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
           (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
  }

  bool clean_text_;
  bool handle_chinese_chars_;
  bool strip_accents_;
  bool lowercase_;
};

// Replaces every match of a literal or regular expression by `content`.
class ReplaceNormalizer final : public Normalizer {
 public:
  ReplaceNormalizer(std::shared_ptr<const RegexPattern> pattern, std::string content)
      : pattern_(std::move(pattern)), content_(std::move(content)) {}

  // A match's replacement is new text after the match (NormalizedString::replace): it takes the
  // alignment of the match's last byte.
  void Normalize(NormalizedText& text) const override {
    std::vector<std::pair<size_t, size_t>> matches;
    pattern_->FindAll(text.text, matches);
    if (matches.empty()) return;
    TextRewriter rewriter(text);
    for (const auto& [start, end] : matches) {
      rewriter.CopyTo(start);
      rewriter.SkipTo(end);
      size_t position = 0;
      while (position < content_.size()) rewriter.Insert(DecodeUtf8(content_, position));
    }
    rewriter.CopyTo(text.text.size());
    text = rewriter.Finish();
  }

 private:
  std::shared_ptr<const RegexPattern> pattern_;
  std::string content_;
};

class PrependNormalizer final : public Normalizer {
 public:
  explicit PrependNormalizer(std::string prefix) : prefix_(std::move(prefix)) {}
  void Normalize(NormalizedText& text) const override { PrependText(text, prefix_); }

 private:
  std::string prefix_;
};

// Removes leading and/or trailing whitespace.
class StripNormalizer final : public Normalizer {
 public:
  StripNormalizer(bool left, bool right) : left_(left), right_(right) {}
  void Normalize(NormalizedText& normalized) const override {
    const std::string& text = normalized.text;
    size_t begin = 0;
    size_t end = text.size();
    if (left_) {
      while (begin < end) {
        size_t next = begin;
        if (!IsWhitespace(DecodeUtf8(text, next))) break;
        begin = next;
      }
    }
    if (right_) {
      while (end > begin) {
        size_t start = end - 1;
        while (start > begin && (static_cast<uint8_t>(text[start]) & 0xC0) == 0x80) --start;
        size_t next = start;
        if (!IsWhitespace(DecodeUtf8(text, next))) break;
        end = start;
      }
    }
    normalized = SliceOf(normalized, begin, end);
  }

 private:
  bool left_;
  bool right_;
};

class SequenceNormalizer final : public Normalizer {
 public:
  explicit SequenceNormalizer(std::vector<std::unique_ptr<Normalizer>> steps) : steps_(std::move(steps)) {}
  void Normalize(NormalizedText& text) const override {
    for (const auto& step : steps_) step->Normalize(text);
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> steps_;
};

}  // namespace

std::unique_ptr<Normalizer> ByteLevelNormalizer();
std::unique_ptr<Normalizer> PrecompiledNormalizerFromJson(const Json& json);  // precompiled_normalizer.cpp

std::unique_ptr<Normalizer> NormalizerFromJson(const Json& json) {
  if (json.is_null()) return nullptr;
  std::string type = JsonType(json, "normalizer");
  if (type == "NFC") return std::make_unique<UnicodeNormalizer>(NormalizationForm::kNfc);
  if (type == "NFD") return std::make_unique<UnicodeNormalizer>(NormalizationForm::kNfd);
  if (type == "NFKC") return std::make_unique<UnicodeNormalizer>(NormalizationForm::kNfkc);
  if (type == "NFKD") return std::make_unique<UnicodeNormalizer>(NormalizationForm::kNfkd);
  if (type == "Lowercase") return std::make_unique<LowercaseNormalizer>();
  if (type == "StripAccents") return std::make_unique<StripAccentsNormalizer>();
  if (type == "BertNormalizer") {
    const char* part = "normalizer BertNormalizer";
    bool lowercase = JsonBool(json, "lowercase", part, true);
    return std::make_unique<BertNormalizer>(JsonBool(json, "clean_text", part, true),
                                            JsonBool(json, "handle_chinese_chars", part, true),
                                            JsonBool(json, "strip_accents", part, lowercase), lowercase);
  }
  if (type == "Replace") {
    const char* part = "normalizer Replace";
    return std::make_unique<ReplaceNormalizer>(JsonPattern(json, part), JsonString(json, "content", part));
  }
  if (type == "Prepend") return std::make_unique<PrependNormalizer>(JsonString(json, "prepend", "normalizer Prepend"));
  if (type == "Strip") {
    return std::make_unique<StripNormalizer>(JsonBool(json, "strip_left", "normalizer Strip", true),
                                             JsonBool(json, "strip_right", "normalizer Strip", true));
  }
  if (type == "ByteLevel") return ByteLevelNormalizer();
  if (type == "Sequence") {
    return std::make_unique<SequenceNormalizer>(
        JsonSteps<Normalizer>(json, "normalizers", "normalizer Sequence", NormalizerFromJson));
  }
  if (type == "Precompiled") return PrecompiledNormalizerFromJson(json);
  throw TokenizerFormatError("unknown normalizer type '" + type + "'");
}

}  // namespace quarry::text
