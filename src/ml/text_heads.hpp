// Reading a text model's output for one text: pooling per-token vectors into one (mean over the
// attention mask, as sentence-transformers does, or the first token), and one label per token for token
// classification. Plain functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ml/labels.hpp"
#include "ml/model_spec.hpp"
#include "ml/tensor.hpp"
#include "text/encoding.hpp"

namespace quarry::ml {

// The pooled vector of row `row` of `output` ([N, T, H], or [N, H] for Pooling::kNone) for a text
// whose encoding is `encoding` (its first encoding.size() positions are real tokens).
std::vector<float> PoolTextRow(const Tensor& output, int64_t row, const text::Encoding& encoding, Pooling pooling);

struct TokenLabel {
  uint32_t token_id;
  std::string label;  // the label's class, or the class index as text
  float probability;
  // The token's characters [start, end) in the text, counted in code points from 0 ((0, 0) when the
  // encoding has no offsets).
  uint32_t start = 0;
  uint32_t end = 0;
};

// One label per token of `encoding` that is not a special token, from row `row` of logits or
// probabilities [N, T, C] (softmax unless spec.output says probabilities).
std::vector<TokenLabel> LabelTokens(const Tensor& output, int64_t row, const text::Encoding& encoding,
                                    const ModelSpec& spec, const std::vector<Label>& labels);

}  // namespace quarry::ml
