// The pre-tokenizers of tokenizer.json (see pre_tokenizers.hpp).
#include "text/pre_tokenizers.hpp"

#include <vector>

#include "text/byte_level.hpp"
#include "text/regex_pattern.hpp"
#include "text/unicode_properties.hpp"
#include "text/utf8.hpp"

namespace quarry::text {
namespace {

// The spans of a regex's matches over `text` (Pattern::find_matches for a regex), optionally inverted.
MatchSpans RegexSpans(const RegexPattern& regex, std::string_view text, bool invert) {
  MatchSpans spans;
  if (text.empty()) {
    spans.push_back({{0, 0}, invert});
    return spans;
  }
  std::vector<std::pair<size_t, size_t>> matches;
  regex.FindAll(text, matches);
  size_t previous = 0;
  for (const auto& [start, end] : matches) {
    if (previous != start) spans.push_back({{previous, start}, invert});
    spans.push_back({{start, end}, !invert});
    previous = end;
  }
  if (previous != text.size()) spans.push_back({{previous, text.size()}, invert});
  return spans;
}

class SplitPreTokenizer final : public PreTokenizer {
 public:
  SplitPreTokenizer(std::shared_ptr<const RegexPattern> regex, SplitBehavior behavior, bool invert)
      : regex_(std::move(regex)), behavior_(behavior), invert_(invert) {}

  void PreTokenize(PreTokenizedText& pieces) const override {
    SplitPieces(pieces, [&](const TextPiece& piece) {
      return ApplySplitBehavior(RegexSpans(*regex_, piece.text, invert_), behavior_);
    });
  }

 private:
  std::shared_ptr<const RegexPattern> regex_;
  SplitBehavior behavior_;
  bool invert_;
};

// GPT-2's: optionally a leading space, optionally the GPT-2 regex split, then every byte shown as a
// code point of the byte-level alphabet.
class ByteLevelPreTokenizer final : public PreTokenizer {
 public:
  ByteLevelPreTokenizer(bool add_prefix_space, bool use_regex)
      : add_prefix_space_(add_prefix_space), use_regex_(use_regex) {}

  void PreTokenize(PreTokenizedText& pieces) const override {
    static const std::shared_ptr<const RegexPattern> gpt2_regex =
        RegexPattern::Compile(R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)").value();
    if (add_prefix_space_) {
      for (TextPiece& piece : pieces) {
        if (!piece.is_added_token && !piece.text.empty() && piece.text[0] != ' ') PrependText(piece, " ");
      }
    }
    if (use_regex_) {
      SplitPieces(pieces, [&](const TextPiece& piece) {
        return ApplySplitBehavior(RegexSpans(*gpt2_regex, piece.text, false), SplitBehavior::kIsolated);
      });
    }
    for (TextPiece& piece : pieces) {
      if (!piece.is_added_token) ApplyByteLevel(piece);
    }
  }

 private:
  bool add_prefix_space_;
  bool use_regex_;
};

// Runs of word characters and runs of other non-space characters (the regex \w+|[^\w\s]+); spaces go.
class WhitespacePreTokenizer final : public PreTokenizer {
 public:
  void PreTokenize(PreTokenizedText& pieces) const override {
    SplitPieces(pieces, [](const TextPiece& piece) {
      std::vector<ByteRange> ranges;
      const std::string& text = piece.text;
      enum Kind { kSpace, kWord, kOther };
      auto kind_of = [](char32_t c) { return IsRegexWordCharacter(c) ? kWord : IsWhitespace(c) ? kSpace : kOther; };
      size_t position = 0;
      while (position < text.size()) {
        size_t start = position;
        Kind kind = kind_of(DecodeUtf8(text, position));
        if (kind == kSpace) continue;
        size_t end = position;
        while (end < text.size()) {
          size_t next = end;
          if (kind_of(DecodeUtf8(text, next)) != kind) break;
          end = next;
        }
        ranges.push_back({start, end});
        position = end;
      }
      return ranges;
    });
  }
};

class WhitespaceSplitPreTokenizer final : public PreTokenizer {
 public:
  void PreTokenize(PreTokenizedText& pieces) const override {
    SplitPieces(pieces, [](const TextPiece& piece) {
      return ApplySplitBehavior(MatchCodePoints(piece.text, IsWhitespace), SplitBehavior::kRemoved);
    });
  }
};

bool IsPunctuation(char32_t c) {
  bool ascii_punctuation =
      (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
  return ascii_punctuation || IsLegacyPunctuation(c);
}

// BERT's: split on whitespace (removed), then on punctuation (each its own piece).
class BertPreTokenizer final : public PreTokenizer {
 public:
  void PreTokenize(PreTokenizedText& pieces) const override {
    SplitPieces(pieces, [](const TextPiece& piece) {
      return ApplySplitBehavior(MatchCodePoints(piece.text, IsWhitespace), SplitBehavior::kRemoved);
    });
    SplitPieces(pieces, [](const TextPiece& piece) {
      return ApplySplitBehavior(MatchCodePoints(piece.text, IsPunctuation), SplitBehavior::kIsolated);
    });
  }
};

class PunctuationPreTokenizer final : public PreTokenizer {
 public:
  explicit PunctuationPreTokenizer(SplitBehavior behavior) : behavior_(behavior) {}
  void PreTokenize(PreTokenizedText& pieces) const override {
    SplitPieces(pieces, [&](const TextPiece& piece) {
      return ApplySplitBehavior(MatchCodePoints(piece.text, IsPunctuation), behavior_);
    });
  }

 private:
  SplitBehavior behavior_;
};

class DigitsPreTokenizer final : public PreTokenizer {
 public:
  explicit DigitsPreTokenizer(bool individual_digits) : individual_digits_(individual_digits) {}
  void PreTokenize(PreTokenizedText& pieces) const override {
    SplitBehavior behavior = individual_digits_ ? SplitBehavior::kIsolated : SplitBehavior::kContiguous;
    SplitPieces(pieces, [&](const TextPiece& piece) {
      return ApplySplitBehavior(MatchCodePoints(piece.text, IsNumeric), behavior);
    });
  }

 private:
  bool individual_digits_;
};

class CharDelimiterSplitPreTokenizer final : public PreTokenizer {
 public:
  explicit CharDelimiterSplitPreTokenizer(char32_t delimiter) : delimiter_(delimiter) {}
  void PreTokenize(PreTokenizedText& pieces) const override {
    SplitPieces(pieces, [&](const TextPiece& piece) {
      return ApplySplitBehavior(MatchCodePoints(piece.text, [&](char32_t c) { return c == delimiter_; }),
                                SplitBehavior::kRemoved);
    });
  }

 private:
  char32_t delimiter_;
};

enum class PrependScheme { kAlways, kFirst, kNever };

// SentencePiece's: spaces become the replacement ('▁'), one is prepended as the scheme says, and the
// text splits before each replacement.
class MetaspacePreTokenizer final : public PreTokenizer {
 public:
  MetaspacePreTokenizer(char32_t replacement, PrependScheme scheme, bool split)
      : replacement_(replacement), scheme_(scheme), split_(split) {
    AppendUtf8(replacement_text_, replacement);
  }

  void PreTokenize(PreTokenizedText& pieces) const override {
    for (TextPiece& piece : pieces) {
      if (piece.is_added_token) continue;
      // Each space becomes the replacement, new text after it (NormalizedString::replace).
      TextRewriter rewriter(piece);
      for (size_t i = 0; i < piece.text.size(); ++i) {
        if (piece.text[i] != ' ') continue;
        rewriter.CopyTo(i);
        rewriter.SkipTo(i + 1);
        rewriter.Insert(replacement_);
      }
      rewriter.CopyTo(piece.text.size());
      static_cast<NormalizedText&>(piece) = rewriter.Finish();
      bool starts_with_replacement = piece.text.compare(0, replacement_text_.size(), replacement_text_) == 0;
      bool prepend = scheme_ == PrependScheme::kAlways || (scheme_ == PrependScheme::kFirst && piece.at_input_start);
      if (prepend && !starts_with_replacement) PrependText(piece, replacement_text_);
    }
    if (!split_) return;
    SplitPieces(pieces, [&](const TextPiece& piece) {
      return ApplySplitBehavior(MatchCodePoints(piece.text, [&](char32_t c) { return c == replacement_; }),
                                SplitBehavior::kMergedWithNext);
    });
  }

 private:
  char32_t replacement_;
  std::string replacement_text_;
  PrependScheme scheme_;
  bool split_;
};

class SequencePreTokenizer final : public PreTokenizer {
 public:
  explicit SequencePreTokenizer(std::vector<std::unique_ptr<PreTokenizer>> steps) : steps_(std::move(steps)) {}
  void PreTokenize(PreTokenizedText& pieces) const override {
    for (const auto& step : steps_) step->PreTokenize(pieces);
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> steps_;
};

}  // namespace

SplitBehavior SplitBehaviorFromJson(const Json& object, const char* part) {
  std::string name = JsonString(object, "behavior", part);
  if (name == "Removed") return SplitBehavior::kRemoved;
  if (name == "Isolated") return SplitBehavior::kIsolated;
  if (name == "MergedWithPrevious") return SplitBehavior::kMergedWithPrevious;
  if (name == "MergedWithNext") return SplitBehavior::kMergedWithNext;
  if (name == "Contiguous") return SplitBehavior::kContiguous;
  throw TokenizerFormatError(std::string(part) + ": unknown behavior '" + name + "'");
}

std::unique_ptr<PreTokenizer> PreTokenizerFromJson(const Json& json) {
  if (json.is_null()) return nullptr;
  std::string type = JsonType(json, "pre_tokenizer");
  if (type == "ByteLevel") {
    const char* part = "pre_tokenizer ByteLevel";
    return std::make_unique<ByteLevelPreTokenizer>(JsonBool(json, "add_prefix_space", part, true),
                                                   JsonBool(json, "use_regex", part, true));
  }
  if (type == "Whitespace") return std::make_unique<WhitespacePreTokenizer>();
  if (type == "WhitespaceSplit") return std::make_unique<WhitespaceSplitPreTokenizer>();
  if (type == "BertPreTokenizer") return std::make_unique<BertPreTokenizer>();
  if (type == "Punctuation") {
    SplitBehavior behavior =
        json.contains("behavior") ? SplitBehaviorFromJson(json, "pre_tokenizer Punctuation") : SplitBehavior::kIsolated;
    return std::make_unique<PunctuationPreTokenizer>(behavior);
  }
  if (type == "Digits") {
    return std::make_unique<DigitsPreTokenizer>(JsonBool(json, "individual_digits", "pre_tokenizer Digits", false));
  }
  if (type == "CharDelimiterSplit") {
    return std::make_unique<CharDelimiterSplitPreTokenizer>(
        JsonCharacter(json, "delimiter", "pre_tokenizer CharDelimiterSplit"));
  }
  if (type == "Split") {
    const char* part = "pre_tokenizer Split";
    return std::make_unique<SplitPreTokenizer>(JsonPattern(json, part), SplitBehaviorFromJson(json, part),
                                               JsonBool(json, "invert", part, false));
  }
  if (type == "Metaspace") {
    const char* part = "pre_tokenizer Metaspace";
    PrependScheme scheme = PrependScheme::kAlways;
    if (json.contains("prepend_scheme") && !json["prepend_scheme"].is_null()) {
      std::string name = JsonString(json, "prepend_scheme", part);
      if (name == "always") {
        scheme = PrependScheme::kAlways;
      } else if (name == "first") {
        scheme = PrependScheme::kFirst;
      } else if (name == "never") {
        scheme = PrependScheme::kNever;
      } else {
        throw TokenizerFormatError(std::string(part) + ": unknown prepend_scheme '" + name + "'");
      }
    }
    if (!JsonBool(json, "add_prefix_space", part, true)) {
      if (scheme != PrependScheme::kNever && json.contains("prepend_scheme")) {
        throw TokenizerFormatError(std::string(part) + ": add_prefix_space does not match declared prepend_scheme");
      }
      scheme = PrependScheme::kNever;
    }
    return std::make_unique<MetaspacePreTokenizer>(JsonCharacter(json, "replacement", part), scheme,
                                                   JsonBool(json, "split", part, true));
  }
  if (type == "Sequence") {
    return std::make_unique<SequencePreTokenizer>(
        JsonSteps<PreTokenizer>(json, "pretokenizers", "pre_tokenizer Sequence", PreTokenizerFromJson));
  }
  throw TokenizerFormatError("unknown pre_tokenizer type '" + type + "'");
}

}  // namespace quarry::text
