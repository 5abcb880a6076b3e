// Pre-tokenizers: split normalized text into the words a model tokenizes one at a time
// (tokenizer.json's "pre_tokenizer"): ByteLevel, Whitespace, WhitespaceSplit, BertPreTokenizer,
// Punctuation, Metaspace, Digits, Split (by a literal or an Oniguruma regex), CharDelimiterSplit and
// Sequence, each as Hugging Face's tokenizers defines it. Immutable once built; thread-safe.
#pragma once

#include <memory>

#include "text/pre_tokenized_text.hpp"
#include "text/tokenizer_json.hpp"

namespace quarry::text {

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  // Splits every piece that is not an added token; may also rewrite them (ByteLevel, Metaspace).
  virtual void PreTokenize(PreTokenizedText& pieces) const = 0;
};

// The pre-tokenizer a tokenizer.json "pre_tokenizer" object describes; null for JSON null. Throws
// TokenizerFormatError for an unknown type or a bad field.
std::unique_ptr<PreTokenizer> PreTokenizerFromJson(const Json& json);

// tokenizer.json's behavior names ("Isolated", "MergedWithPrevious", ...).
SplitBehavior SplitBehaviorFromJson(const Json& object, const char* part);

}  // namespace quarry::text
