// The model step of a tokenizer: turns one pre-tokenized word into token ids (tokenizer.json's
// "model": BPE, WordPiece, Unigram or WordLevel). Immutable once built and safe to call from many
// threads (a model's caches are per thread).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "text/normalized_text.hpp"
#include "text/tokenizer_json.hpp"

namespace quarry::text {

class TokenModel {
 public:
  virtual ~TokenModel() = default;
  // Appends the ids of `word`'s tokens (word: valid UTF-8, not empty). False, with `error` set, when the
  // word has a character the vocabulary lacks and the model has no unknown token. When `ranges` is not
  // null, appends each new token's byte range in `word` to it (Hugging Face's token offsets).
  virtual bool Tokenize(std::string_view word, std::vector<uint32_t>& ids, std::string& error,
                        std::vector<ByteRange>* ranges) const = 0;
  virtual std::optional<uint32_t> TokenToId(std::string_view token) const = 0;
  // The token's text, or null for an id the vocabulary lacks.
  virtual const std::string* IdToToken(uint32_t id) const = 0;
  virtual size_t VocabularySize() const = 0;
};

// The model a tokenizer.json "model" object describes. Throws TokenizerFormatError.
std::unique_ptr<TokenModel> TokenModelFromJson(const Json& json);

std::unique_ptr<TokenModel> BpeModelFromJson(const Json& json);
std::unique_ptr<TokenModel> WordPieceModelFromJson(const Json& json);
std::unique_ptr<TokenModel> UnigramModelFromJson(const Json& json);
std::unique_ptr<TokenModel> WordLevelModelFromJson(const Json& json);

}  // namespace quarry::text
