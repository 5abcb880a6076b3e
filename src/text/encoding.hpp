// What a tokenizer produces for one text: the token ids and the per-token vectors a model takes
// beside them (token type ids, attention mask, which tokens are special) and, when asked for, where
// each token is in the input. A plain value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace quarry::text {

struct Encoding {
  std::vector<uint32_t> ids;
  std::vector<uint32_t> type_ids;
  std::vector<uint8_t> special_tokens_mask;  // 1 for tokens the post-processor or padding added
  std::vector<uint8_t> attention_mask;       // 0 for padding
  // Only when offsets are tracked (else empty): each token's characters [first, second) in its input
  // text, counted in code points from 0 (Hugging Face's char offsets); (0, 0) for added special tokens.
  std::vector<std::pair<uint32_t, uint32_t>> offsets;
  // With offsets: each token's text (an added token's is the text it matched, spaces it stripped
  // included; "" for special tokens the post-processor or padding added).
  std::vector<std::string> tokens;

  size_t size() const { return ids.size(); }
  // Appends the tokens of `other`.
  void Append(const Encoding& other);
  // Tokens [begin, end) of this encoding.
  Encoding Slice(size_t begin, size_t end) const;
};

// An encoding of `ids` with every type id `type_id`, nothing special, all attended.
Encoding EncodingOf(std::vector<uint32_t> ids, uint32_t type_id);

enum class TruncationDirection { kRight, kLeft };

// The windows of at most `max_length` tokens a too-long encoding is cut into, consecutive windows
// sharing `stride` tokens (Hugging Face's Encoding::truncate: the first window is what truncation
// keeps, the others are its "overflowing" encodings). REQUIRES: stride < max_length.
std::vector<Encoding> TruncationWindows(const Encoding& encoding, size_t max_length, size_t stride,
                                        TruncationDirection direction);

}  // namespace quarry::text
