// The normalizers of tokenizer.json (see normalizers.hpp).
#include "text/normalizers.hpp"

#include <vector>

#include "text/regex_pattern.hpp"
#include "text/unicode_properties.hpp"
#include "text/utf8.hpp"

namespace quarry::text {
namespace {

// Rebuilds `text` from its code points through `map`, which appends what each becomes.
template <typename Map>
void MapCodePoints(std::string& text, Map map) {
  std::string out;
  out.reserve(text.size());
  size_t position = 0;
  while (position < text.size()) map(out, DecodeUtf8(text, position));
  text = std::move(out);
}

class UnicodeNormalizer final : public Normalizer {
 public:
  explicit UnicodeNormalizer(NormalizationForm form) : form_(form) {}
  void Normalize(std::string& text) const override { text = text::Normalize(form_, text); }

 private:
  NormalizationForm form_;
};

class LowercaseNormalizer final : public Normalizer {
 public:
  void Normalize(std::string& text) const override {
    MapCodePoints(text, [](std::string& out, char32_t c) { AppendLowercase(out, c); });
  }
};

class StripAccentsNormalizer final : public Normalizer {
 public:
  void Normalize(std::string& text) const override {
    MapCodePoints(text, [](std::string& out, char32_t c) {
      if (!IsCombiningMark(c)) AppendUtf8(out, c);
    });
  }
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

  void Normalize(std::string& text) const override {
    if (clean_text_) {
      MapCodePoints(text, [](std::string& out, char32_t c) {
        bool control = c != '\t' && c != '\n' && c != '\r' && IsLegacyOther(c);
        if (c == 0 || c == 0xFFFD || control) return;
        if (c == '\t' || c == '\n' || c == '\r' || IsWhitespace(c)) c = ' ';
        AppendUtf8(out, c);
      });
    }
    if (handle_chinese_chars_) {
      MapCodePoints(text, [](std::string& out, char32_t c) {
        if (IsChineseCharacter(c)) {
          out.push_back(' ');
          AppendUtf8(out, c);
          out.push_back(' ');
        } else {
          AppendUtf8(out, c);
        }
      });
    }
    if (strip_accents_) {
      text = text::Normalize(NormalizationForm::kNfd, text);
      MapCodePoints(text, [](std::string& out, char32_t c) {
        if (!IsLegacyNonspacingMark(c)) AppendUtf8(out, c);
      });
    }
    if (lowercase_) {
      MapCodePoints(text, [](std::string& out, char32_t c) { AppendLowercase(out, c); });
    }
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

  void Normalize(std::string& text) const override {
    std::vector<std::pair<size_t, size_t>> matches;
    pattern_->FindAll(text, matches);
    if (matches.empty()) return;
    std::string out;
    out.reserve(text.size());
    size_t last = 0;
    for (const auto& [start, end] : matches) {
      out.append(text, last, start - last);
      out.append(content_);
      last = end;
    }
    out.append(text, last, std::string::npos);
    text = std::move(out);
  }

 private:
  std::shared_ptr<const RegexPattern> pattern_;
  std::string content_;
};

class PrependNormalizer final : public Normalizer {
 public:
  explicit PrependNormalizer(std::string prefix) : prefix_(std::move(prefix)) {}
  void Normalize(std::string& text) const override {
    if (!text.empty()) text.insert(0, prefix_);
  }

 private:
  std::string prefix_;
};

// Removes leading and/or trailing whitespace.
class StripNormalizer final : public Normalizer {
 public:
  StripNormalizer(bool left, bool right) : left_(left), right_(right) {}
  void Normalize(std::string& text) const override {
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
    text = text.substr(begin, end - begin);
  }

 private:
  bool left_;
  bool right_;
};

class SequenceNormalizer final : public Normalizer {
 public:
  explicit SequenceNormalizer(std::vector<std::unique_ptr<Normalizer>> steps) : steps_(std::move(steps)) {}
  void Normalize(std::string& text) const override {
    for (const auto& step : steps_) step->Normalize(text);
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> steps_;
};

}  // namespace

std::unique_ptr<Normalizer> ByteLevelNormalizer();

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
  if (type == "Precompiled") {
    throw TokenizerFormatError("normalizer Precompiled (SentencePiece's charsmap) is not supported yet");
  }
  throw TokenizerFormatError("unknown normalizer type '" + type + "'");
}

}  // namespace quarry::text
