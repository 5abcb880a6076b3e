// Normalizers: the first step of a tokenizer, rewriting text before it is split (tokenizer.json's
// "normalizer"): NFC, NFD, NFKC, NFKD, Lowercase, StripAccents, BertNormalizer, Replace, Prepend, Strip,
// ByteLevel, Precompiled (SentencePiece) and Sequence, each as Hugging Face's tokenizers defines it. Immutable once
// built; safe to use from many threads.
#pragma once

#include <memory>
#include <string>

#include "text/normalized_text.hpp"
#include "text/tokenizer_json.hpp"

namespace quarry::text {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  // Rewrites `text` (valid UTF-8; stays valid), keeping its alignments when tracked.
  virtual void Normalize(NormalizedText& text) const = 0;
};

// The normalizer a tokenizer.json "normalizer" object describes; null for JSON null. Throws
// TokenizerFormatError for an unknown type or a bad field.
std::unique_ptr<Normalizer> NormalizerFromJson(const Json& json);

}  // namespace quarry::text
