// Task heads over one output row: TopPredictions (softmax, then the k most probable classes) and
// EmbeddingRow (optional L2 normalization).
#include "ml/classification.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace quarry::ml {

std::vector<Prediction> TopPredictions(const float* row, int64_t width, const ModelSpec& spec,
                                       const std::vector<Label>& labels) {
  if (width <= 0) return {};
  std::vector<float> probabilities(row, row + width);
  if (spec.output == OutputKind::kLogits) {
    // Stable softmax: subtract the largest logit so exp() never overflows; sum in double.
    float largest = -std::numeric_limits<float>::infinity();
    for (float value : probabilities) {
      if (value > largest) largest = value;
    }
    double sum = 0;
    for (float& value : probabilities) {
      value = std::isinf(largest) ? (value == largest ? 1.0f : 0.0f) : std::exp(value - largest);
      sum += value;
    }
    for (float& value : probabilities) value = static_cast<float>(value / sum);
  }

  const int64_t k = std::clamp<int64_t>(spec.top_k, 0, width);
  std::vector<int64_t> order(static_cast<size_t>(width));
  std::iota(order.begin(), order.end(), int64_t{0});
  // NaN ranks last, so the order stays a strict weak ordering.
  auto rank = [&](int64_t i) {
    const float p = probabilities[i];
    return std::isnan(p) ? -std::numeric_limits<float>::infinity() : p;
  };
  std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int64_t a, int64_t b) {
    const float ra = rank(a);
    const float rb = rank(b);
    return ra > rb || (ra == rb && a < b);
  });

  std::vector<Prediction> predictions;
  predictions.reserve(static_cast<size_t>(k));
  for (int64_t i = 0; i < k; ++i) {
    const int64_t index = order[i];
    Prediction prediction;
    if (index < static_cast<int64_t>(labels.size())) {
      prediction.class_name = labels[index].class_name;
      prediction.description = labels[index].description;
    } else {
      prediction.class_name = std::to_string(index);
    }
    prediction.probability = probabilities[index];
    predictions.push_back(std::move(prediction));
  }
  return predictions;
}

std::vector<float> EmbeddingRow(const float* row, int64_t width, const ModelSpec& spec) {
  if (width <= 0) return {};
  std::vector<float> embedding(row, row + width);
  if (spec.normalize) {
    double squares = 0;
    for (float value : embedding) squares += static_cast<double>(value) * value;
    if (squares > 0) {
      const double scale = 1.0 / std::sqrt(squares);
      for (float& value : embedding) value = static_cast<float>(value * scale);
    }
  }
  return embedding;
}

}  // namespace quarry::ml
