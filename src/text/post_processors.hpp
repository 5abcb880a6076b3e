// Post-processors: the special tokens a model expects around one text or a pair of texts
// (tokenizer.json's "post_processor"): TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel
// (nothing to add to ids; it trims offsets) and Sequence, as Hugging Face's tokenizers defines them.
// Immutable; thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "text/encoding.hpp"
#include "text/tokenizer_json.hpp"

namespace quarry::text {

class PostProcessor {
 public:
  virtual ~PostProcessor() = default;
  // How many tokens Process adds with special tokens on (so truncation leaves room for them).
  virtual size_t AddedTokens(bool is_pair) const = 0;
  // The sequences with special tokens added (or, without them, only with their type ids set), in
  // order; the caller concatenates them. `sequences` holds one or two encodings.
  virtual std::vector<Encoding> Process(std::vector<Encoding> sequences, bool add_special_tokens) const = 0;
  // Whether the byte-level offsets of each sequence are trimmed of spaces before Process (ByteLevel's
  // and RobertaProcessing's trim_offsets), and then their add_prefix_space; nullopt when not.
  virtual std::optional<bool> TrimsOffsets() const { return std::nullopt; }
};

// Moves each token's offsets past the leading and before the trailing spaces ('Ġ' or whitespace) of its
// text (encoding.tokens), except the one space add_prefix_space put before the first token
// (byte_level::process_offsets).
void TrimByteLevelOffsets(Encoding& encoding, bool add_prefix_space);

// The post-processor a tokenizer.json "post_processor" object describes; null for JSON null. Throws
// TokenizerFormatError.
std::unique_ptr<PostProcessor> PostProcessorFromJson(const Json& json);

}  // namespace quarry::text
