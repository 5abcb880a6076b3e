// Decoders: turn tokens back into text (tokenizer.json's "decoder"): ByteLevel, WordPiece, Metaspace,
// Replace, ByteFallback, Fuse, Strip, BPEDecoder, CTC and Sequence, as Hugging Face's tokenizers
// defines them. Immutable; thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "text/tokenizer_json.hpp"

namespace quarry::text {

class Decoder {
 public:
  virtual ~Decoder() = default;
  // One step of the chain: tokens in, tokens out (the last step's are concatenated).
  virtual std::vector<std::string> DecodeChain(std::vector<std::string> tokens) const = 0;
};

// The decoder a tokenizer.json "decoder" object describes; null for JSON null. Throws
// TokenizerFormatError.
std::unique_ptr<Decoder> DecoderFromJson(const Json& json);

}  // namespace quarry::text
