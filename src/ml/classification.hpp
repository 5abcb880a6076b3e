// Reading a classifier's output row: softmax (unless the model outputs probabilities), then the top k
// classes with their labels. Also the embedding head (optional L2 normalization).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ml/labels.hpp"
#include "ml/model_spec.hpp"

namespace quarry::ml {

struct Prediction {
  std::string class_name;   // the label's class, or the index as text without labels
  std::string description;  // the label's description, or empty
  float probability = 0;
};

// The top_k predictions of one output row of `width` values, most probable first (ties: lower index).
std::vector<Prediction> TopPredictions(const float* row, int64_t width, const ModelSpec& spec,
                                       const std::vector<Label>& labels);

// The embedding of one output row, L2-normalized when spec.normalize (a zero vector stays zero).
std::vector<float> EmbeddingRow(const float* row, int64_t width, const ModelSpec& spec);

}  // namespace quarry::ml
