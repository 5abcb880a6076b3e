// WordPiece (tokenizer.json's "WordPiece" model, BERT's): greedy longest-match-first from the start of
// the word, later pieces carrying the continuing-subword prefix ("##"); a word with a part no piece
// matches, or longer than max_input_chars_per_word characters, becomes the unknown token.
#include "text/token_model.hpp"
#include "text/utf8.hpp"
#include "text/vocabulary.hpp"

namespace quarry::text {
namespace {

// What WordPiece and WordLevel share: a vocabulary looked up by text, and an unknown token for words it
// does not cover.
class VocabularyWithUnknown : public TokenModel {
 public:
  VocabularyWithUnknown(Vocabulary vocabulary, std::string unk_token)
      : vocabulary_(std::move(vocabulary)), unk_token_(std::move(unk_token)) {}

  std::optional<uint32_t> TokenToId(std::string_view token) const override { return vocabulary_.Find(token); }
  const std::string* IdToToken(uint32_t id) const override { return vocabulary_.TokenOf(id); }
  size_t VocabularySize() const override { return vocabulary_.size(); }

 protected:
  // Appends the unknown token's id for the whole word; false with `error` when the vocabulary lacks it.
  bool AppendUnknown(std::string_view word, std::vector<uint32_t>& ids, std::string& error,
                     std::vector<ByteRange>* ranges) const {
    auto unk_id = vocabulary_.Find(unk_token_);
    if (!unk_id) {
      error = "the unknown token '" + unk_token_ + "' is not in the vocabulary";
      return false;
    }
    ids.push_back(*unk_id);
    if (ranges != nullptr) ranges->push_back({0, word.size()});
    return true;
  }

  Vocabulary vocabulary_;
  std::string unk_token_;
};

class WordPieceModel final : public VocabularyWithUnknown {
 public:
  WordPieceModel(Vocabulary vocabulary, std::string unk_token, std::string prefix, size_t max_input_chars_per_word)
      : VocabularyWithUnknown(std::move(vocabulary), std::move(unk_token)),
        prefix_(std::move(prefix)),
        max_input_chars_per_word_(max_input_chars_per_word) {}

  bool Tokenize(std::string_view word, std::vector<uint32_t>& ids, std::string& error,
                std::vector<ByteRange>* ranges) const override {
    size_t first_new = ids.size();
    size_t first_new_range = ranges != nullptr ? ranges->size() : 0;
    if (CountCodePoints(word) <= max_input_chars_per_word_) {
      std::string candidate;
      size_t start = 0;
      bool matched_all = true;
      while (start < word.size()) {
        size_t end = word.size();
        std::optional<uint32_t> found;
        while (start < end) {
          std::string_view piece = word.substr(start, end - start);
          if (start > 0) {
            candidate.assign(prefix_).append(piece);
            found = vocabulary_.Find(candidate);
          } else {
            found = vocabulary_.Find(piece);
          }
          if (found) break;
          // Drop the last character of the candidate.
          size_t last = end - 1;
          while (last > start && (static_cast<uint8_t>(word[last]) & 0xC0) == 0x80) --last;
          end = last;
        }
        if (!found) {
          matched_all = false;
          break;
        }
        ids.push_back(*found);
        if (ranges != nullptr) ranges->push_back({start, end});
        start = end;
      }
      if (matched_all) return true;
    }
    ids.resize(first_new);
    if (ranges != nullptr) ranges->resize(first_new_range);
    return AppendUnknown(word, ids, error, ranges);
  }

 private:
  std::string prefix_;
  size_t max_input_chars_per_word_;
};

// WordLevel: the whole word is one token, or the unknown token.
class WordLevelModel final : public VocabularyWithUnknown {
 public:
  using VocabularyWithUnknown::VocabularyWithUnknown;

  bool Tokenize(std::string_view word, std::vector<uint32_t>& ids, std::string& error,
                std::vector<ByteRange>* ranges) const override {
    if (auto id = vocabulary_.Find(word)) {
      ids.push_back(*id);
      if (ranges != nullptr) ranges->push_back({0, word.size()});
      return true;
    }
    return AppendUnknown(word, ids, error, ranges);
  }
};

}  // namespace

std::unique_ptr<TokenModel> WordPieceModelFromJson(const Json& json) {
  const char* part = "model WordPiece";
  Vocabulary vocabulary = Vocabulary::FromJsonObject(JsonField(json, "vocab", part), part);
  std::string unk_token = json.contains("unk_token") ? JsonString(json, "unk_token", part) : "[UNK]";
  std::string prefix =
      json.contains("continuing_subword_prefix") ? JsonString(json, "continuing_subword_prefix", part) : "##";
  return std::make_unique<WordPieceModel>(std::move(vocabulary), std::move(unk_token), std::move(prefix),
                                          JsonUnsigned(json, "max_input_chars_per_word", part, 100));
}

std::unique_ptr<TokenModel> WordLevelModelFromJson(const Json& json) {
  const char* part = "model WordLevel";
  Vocabulary vocabulary = Vocabulary::FromJsonObject(JsonField(json, "vocab", part), part);
  std::string unk_token = json.contains("unk_token") ? JsonString(json, "unk_token", part) : "<unk>";
  return std::make_unique<WordLevelModel>(std::move(vocabulary), std::move(unk_token));
}

}  // namespace quarry::text
