// SentencePiece's normalizer as tokenizer.json carries it ("Precompiled": the model's
// precompiled_charsmap, base64), as T5, XLM-R, mBART and ALBERT use it. The charsmap is a Darts
// double-array trie over UTF-8 whose values point into a block of NUL-terminated replacement strings.
// Each grapheme cluster shorter than 6 bytes is looked up whole, else code point by code point, and the
// first (shortest) prefix match gives the replacement, as Hugging Face's spm_precompiled does. Every
// read of the file's arrays is bounds-checked: a bad charsmap is an error at load or leaves text as is,
// never a crash.
#include <unicode/brkiter.h>
#include <unicode/utext.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

#include "common/base64.hpp"
#include "text/normalizers.hpp"
#include "text/utf8.hpp"

namespace quarry::text {
namespace {

class DoubleArrayTrie {
 public:
  explicit DoubleArrayTrie(std::vector<uint32_t> units) : units_(std::move(units)) {}

  // The value of the shortest key that is a prefix of `key` (stopping at a NUL byte), if any.
  std::optional<uint32_t> FirstPrefixValue(std::string_view key) const {
    size_t node = 0;
    if (units_.empty()) return std::nullopt;
    node ^= Offset(units_[0]);
    for (char character : key) {
      auto byte = static_cast<uint8_t>(character);
      if (byte == 0) break;
      node ^= byte;
      if (node >= units_.size()) return std::nullopt;
      uint32_t unit = units_[node];
      if (Label(unit) != byte) return std::nullopt;
      node ^= Offset(unit);
      if (HasLeaf(unit)) {
        if (node >= units_.size()) return std::nullopt;
        return Value(units_[node]);
      }
    }
    return std::nullopt;
  }

 private:
  static bool HasLeaf(uint32_t unit) { return ((unit >> 8) & 1) == 1; }
  static uint32_t Value(uint32_t unit) { return unit & ((1u << 31) - 1); }
  static uint32_t Label(uint32_t unit) { return unit & ((1u << 31) | 0xFF); }
  static size_t Offset(uint32_t unit) { return static_cast<size_t>(unit >> 10) << ((unit & (1u << 9)) >> 6); }

  std::vector<uint32_t> units_;
};

// Extended grapheme clusters of UTF-8 text (ICU's character break iterator, one per thread).
template <typename Visit>
void ForEachGrapheme(const std::string& text, Visit visit) {
  thread_local std::unique_ptr<icu::BreakIterator> iterator = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> created(
        icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), status));
    return U_SUCCESS(status) ? std::move(created) : nullptr;
  }();
  UErrorCode status = U_ZERO_ERROR;
  UText* utext = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
  if (iterator == nullptr || U_FAILURE(status)) {
    // No break iterator: every code point its own cluster.
    for (size_t position = 0; position < text.size();) {
      size_t start = position;
      position += Utf8Length(text[position]);
      visit(std::string_view(text).substr(start, position - start));
    }
    if (utext != nullptr) utext_close(utext);
    return;
  }
  iterator->setText(utext, status);
  int32_t start = iterator->first();
  for (int32_t end = iterator->next(); end != icu::BreakIterator::DONE; start = end, end = iterator->next()) {
    visit(std::string_view(text).substr(static_cast<size_t>(start), static_cast<size_t>(end - start)));
  }
  utext_close(utext);
}

class PrecompiledNormalizer final : public Normalizer {
 public:
  PrecompiledNormalizer(DoubleArrayTrie trie, std::string replacements)
      : trie_(std::move(trie)), replacements_(std::move(replacements)) {}

  void Normalize(NormalizedText& text) const override {
    std::vector<ChangedCodePoint> changes;
    changes.reserve(text.text.size());
    bool modified = false;
    ForEachGrapheme(text.text, [&](std::string_view grapheme) {
      if (grapheme.size() < 6) {
        if (auto replacement = Replacement(grapheme)) {
          modified = true;
          Replace(changes, grapheme, *replacement);
          return;
        }
      }
      for (size_t position = 0; position < grapheme.size();) {
        size_t start = position;
        char32_t c = DecodeUtf8(grapheme, position);
        std::string_view part = grapheme.substr(start, position - start);
        if (auto replacement = Replacement(part)) {
          modified = true;
          Replace(changes, part, *replacement);
        } else {
          changes.push_back({c, 0});
        }
      }
    });
    if (modified) ApplyChanges(text, changes);
  }

 private:
  // The replacement of the chunk's first matching prefix: the NUL-terminated string the trie points to.
  std::optional<std::string_view> Replacement(std::string_view chunk) const {
    auto index = trie_.FirstPrefixValue(chunk);
    if (!index || *index >= replacements_.size()) return std::nullopt;
    std::string_view rest = std::string_view(replacements_).substr(*index);
    std::string_view replacement = rest.substr(0, std::min(rest.find('\0'), rest.size()));
    // An index into the middle of a character (a bad file) is no replacement.
    if (FindInvalidUtf8(replacement)) return std::nullopt;
    return replacement;
  }

  // Hugging Face's replace(): the new code points replace the old ones one for one; extra new ones are
  // new; fewer new ones drop the rest of the old with the last change (even one pushed before).
  static void Replace(std::vector<ChangedCodePoint>& changes, std::string_view old_part, std::string_view new_part) {
    auto old_count = static_cast<int>(CountCodePoints(old_part));
    size_t first_new = changes.size();
    for (size_t position = 0; position < new_part.size();) changes.push_back({DecodeUtf8(new_part, position), 0});
    int difference = static_cast<int>(changes.size() - first_new) - old_count;
    if (difference > 0) {
      for (size_t i = changes.size() - static_cast<size_t>(difference); i < changes.size(); ++i) changes[i].change = 1;
    } else if (difference < 0 && !changes.empty()) {
      changes.back().change += difference;
    }
  }

  DoubleArrayTrie trie_;
  std::string replacements_;  // valid UTF-8, entries ending in NUL
};

}  // namespace

std::unique_ptr<Normalizer> PrecompiledNormalizerFromJson(const Json& json) {
  const char* part = "normalizer Precompiled";
  auto charsmap = DecodeBase64(JsonString(json, "precompiled_charsmap", part));
  if (!charsmap) throw TokenizerFormatError(std::string(part) + ": precompiled_charsmap is not base64");
  const std::string& bytes = *charsmap;
  if (bytes.size() < 4) throw TokenizerFormatError(std::string(part) + ": precompiled_charsmap is too short");
  uint32_t trie_bytes = 0;
  for (int i = 3; i >= 0; --i) trie_bytes = (trie_bytes << 8) | static_cast<uint8_t>(bytes[static_cast<size_t>(i)]);
  if (trie_bytes / 4 * 4 > bytes.size() - 4) {
    throw TokenizerFormatError(std::string(part) + ": precompiled_charsmap's trie is longer than the charsmap");
  }
  std::vector<uint32_t> units(trie_bytes / 4);
  for (size_t i = 0; i < units.size(); ++i) {
    const auto* unit = reinterpret_cast<const uint8_t*>(bytes.data() + 4 + i * 4);  // little-endian
    units[i] = unit[0] | (unit[1] << 8) | (unit[2] << 16) | (static_cast<uint32_t>(unit[3]) << 24);
  }
  std::string replacements = bytes.substr(4 + units.size() * 4);
  if (auto invalid = FindInvalidUtf8(replacements)) {
    throw TokenizerFormatError(std::string(part) + ": precompiled_charsmap's strings are not UTF-8 at byte " +
                               std::to_string(*invalid));
  }
  return std::make_unique<PrecompiledNormalizer>(DoubleArrayTrie(std::move(units)), std::move(replacements));
}

}  // namespace quarry::text
