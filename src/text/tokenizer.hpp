// A Hugging Face tokenizer read from its tokenizer.json: normalizer, pre-tokenizer, model (BPE,
// WordPiece, Unigram, WordLevel), post-processor, decoder, added tokens, truncation and padding, giving
// the ids Hugging Face's tokenizers library gives for the same file and text. Loading is the only
// expensive step; a loaded Tokenizer is immutable and safe to use from many threads at once.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "text/encoding.hpp"

namespace quarry::text {

class AddedVocabulary;
class Decoder;
class Normalizer;
class PostProcessor;
class PreTokenizer;
class TokenModel;

enum class TruncationStrategy { kLongestFirst, kOnlyFirst, kOnlySecond };

struct TruncationOptions {
  size_t max_length = 512;
  size_t stride = 0;
  TruncationStrategy strategy = TruncationStrategy::kLongestFirst;
  TruncationDirection direction = TruncationDirection::kRight;
};

struct PaddingOptions {
  std::optional<size_t> fixed_length;  // pad to this length; none: to the longest of a batch
  size_t multiple_of = 0;              // then up to a multiple of this (0: no rounding)
  bool pad_left = false;
  uint32_t pad_id = 0;
  uint32_t pad_type_id = 0;
};

class Tokenizer {
 public:
  // Reads and builds the tokenizer in `path`; an unreadable file or one this implementation cannot
  // follow is an Error naming the file and the part ("tokenizer.json: model BPE: merge 7 ...").
  static Result<std::shared_ptr<const Tokenizer>> Load(const std::string& path);
  // The same from the JSON text itself; `name` stands for the file in errors.
  static Result<std::shared_ptr<const Tokenizer>> FromJson(std::string_view json_text, const std::string& name);
  ~Tokenizer();

  // The encoding of `text` (and of `pair` as the second sequence), with special tokens when asked and
  // the file's truncation and padding, and each token's character offsets when `with_offsets`.
  // Invalid UTF-8 is an Error giving the byte offset; so is a word the model cannot tokenize (no
  // unknown token).
  Result<Encoding> Encode(std::string_view text, bool add_special_tokens = true,
                          std::optional<std::string_view> pair = std::nullopt, bool with_offsets = false) const;
  // Like Encode with `truncation` instead of the file's, returning every window a too-long text is cut
  // into (consecutive windows share truncation.stride tokens); special tokens are added to each.
  // Padding is not applied (a batch pads together).
  Result<std::vector<Encoding>> EncodeWindows(std::string_view text, bool add_special_tokens,
                                              const TruncationOptions& truncation, bool with_offsets = false) const;
  // The text of `ids` through the decoder (or the tokens joined by spaces without one), leaving out
  // special tokens when asked; an id the vocabulary lacks is skipped.
  Result<std::string> Decode(const std::vector<uint32_t>& ids, bool skip_special_tokens = true) const;

  std::optional<uint32_t> TokenToId(std::string_view token) const;
  std::optional<std::string> IdToToken(uint32_t id) const;
  // The vocabulary size including added tokens.
  size_t VocabularySize() const;

  const std::optional<TruncationOptions>& truncation() const { return truncation_; }
  const std::optional<PaddingOptions>& padding() const { return padding_; }

 private:
  Tokenizer();
  // The ids of one sequence before post-processing.
  Result<Encoding> EncodeSequence(std::string_view text, uint32_t type_id, bool with_offsets) const;
  // Byte-level offset trimming of one sequence, when the post-processor asks for it.
  void TrimOffsets(Encoding& sequence) const;
  // Special tokens around the sequences, concatenated.
  Encoding PostProcess(std::vector<Encoding> sequences, bool add_special_tokens) const;
  size_t AddedTokenCount(bool is_pair, bool add_special_tokens) const;

  std::unique_ptr<Normalizer> normalizer_;
  std::unique_ptr<PreTokenizer> pre_tokenizer_;
  std::unique_ptr<TokenModel> model_;
  std::unique_ptr<PostProcessor> post_processor_;
  std::unique_ptr<Decoder> decoder_;
  std::unique_ptr<AddedVocabulary> added_vocabulary_;
  std::optional<TruncationOptions> truncation_;
  std::optional<PaddingOptions> padding_;
};

// Pads `encoding` to `length` tokens with the options' pad token (mask 0, special 1).
void PadEncoding(Encoding& encoding, size_t length, const PaddingOptions& options);

}  // namespace quarry::text
