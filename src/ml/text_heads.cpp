// Pooling and token labels over a text model's output (see text_heads.hpp).
#include "ml/text_heads.hpp"

#include <tuple>

#include "ml/classification.hpp"

namespace quarry::ml {

std::vector<float> PoolTextRow(const Tensor& output, int64_t row, const text::Encoding& encoding, Pooling pooling) {
  if (pooling == Pooling::kNone || output.shape.size() == 2) {
    const int64_t width = output.row_width();
    return std::vector<float>(output.values.begin() + row * width, output.values.begin() + (row + 1) * width);
  }
  const int64_t length = output.shape[1];
  const int64_t hidden = output.shape[2];
  const float* base = output.values.data() + row * length * hidden;
  std::vector<float> pooled(static_cast<size_t>(hidden), 0.0f);
  if (pooling == Pooling::kCls) {
    std::copy(base, base + hidden, pooled.begin());
    return pooled;
  }
  // Mean over the tokens the mask keeps, summed in double (sentence-transformers clamps the count at 1e-9).
  std::vector<double> sum(static_cast<size_t>(hidden), 0.0);
  double kept = 0;
  for (int64_t t = 0; t < length && t < static_cast<int64_t>(encoding.size()); ++t) {
    if (encoding.attention_mask[t] == 0) continue;
    kept += 1;
    for (int64_t h = 0; h < hidden; ++h) sum[h] += base[t * hidden + h];
  }
  for (int64_t h = 0; h < hidden; ++h) pooled[h] = static_cast<float>(sum[h] / std::max(kept, 1e-9));
  return pooled;
}

std::vector<TokenLabel> LabelTokens(const Tensor& output, int64_t row, const text::Encoding& encoding,
                                    const ModelSpec& spec, const std::vector<Label>& labels) {
  const int64_t length = output.shape[1];
  const int64_t classes = output.shape[2];
  ModelSpec top_one = spec;
  top_one.top_k = 1;
  std::vector<TokenLabel> tokens;
  for (int64_t t = 0; t < length && t < static_cast<int64_t>(encoding.size()); ++t) {
    if (encoding.special_tokens_mask[t] != 0) continue;
    const float* logits = output.values.data() + (row * length + t) * classes;
    std::vector<Prediction> best = TopPredictions(logits, classes, top_one, labels);
    if (best.empty()) continue;
    TokenLabel token{encoding.ids[t], best[0].class_name, best[0].probability};
    if (static_cast<size_t>(t) < encoding.offsets.size()) std::tie(token.start, token.end) = encoding.offsets[t];
    tokens.push_back(std::move(token));
  }
  return tokens;
}

}  // namespace quarry::ml
