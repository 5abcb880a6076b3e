// Added tokens (tokenizer.json's "added_tokens"): strings such as "<|im_start|>" or "[MASK]" that are
// matched in the raw or normalized text before any splitting and become one token each, honouring
// single_word, lstrip and rstrip; special ones can be skipped when decoding. Ids follow Hugging Face's
// rule (the model's id for a token it knows, else the next id after the vocabulary).
// Immutable after construction; thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "text/normalizers.hpp"
#include "text/pre_tokenized_text.hpp"
#include "text/token_model.hpp"
#include "text/tokenizer_json.hpp"
#include "text/vocabulary.hpp"

namespace quarry::text {

struct AddedToken {
  std::string content;
  bool single_word = false;
  bool lstrip = false;
  bool rstrip = false;
  bool normalized = true;
  bool special = false;
};

class AddedVocabulary {
 public:
  // `tokens` is tokenizer.json's "added_tokens" list; `normalizer` (may be null) normalizes the
  // patterns of normalized tokens. Throws TokenizerFormatError.
  AddedVocabulary(const Json& tokens, const TokenModel& model, const Normalizer* normalizer);
  ~AddedVocabulary();

  // The input cut at added tokens: first those matched in the raw text, then, in the remaining pieces
  // once normalized, those matched in normalized text (AddedVocabulary::extract_and_normalize). The
  // pieces carry alignments to `text` when `track_offsets`.
  PreTokenizedText ExtractAndNormalize(std::string_view text, const Normalizer* normalizer, bool track_offsets) const;

  std::optional<uint32_t> TokenToId(std::string_view token) const;
  const AddedToken* TokenOfId(uint32_t id) const;
  bool IsSpecial(std::string_view content) const;

 private:
  class Matcher;
  void SplitOnMatches(PreTokenizedText& pieces, const Matcher& matcher) const;

  std::unordered_map<uint32_t, AddedToken> tokens_by_id_;
  std::unordered_map<std::string, uint32_t, StringViewHash, std::equal_to<>> ids_by_content_;
  std::unique_ptr<Matcher> raw_matcher_;
  std::unique_ptr<Matcher> normalized_matcher_;
};

}  // namespace quarry::text
