// ModelSpec — what CREATE MODEL ... WITH (...) says about a model, checked: its task, how images are
// prepared for it (preset, resize mode, input size), how outputs are read (labels, top_k, softmax or
// not, L2 normalization), and the batch size. Parsing rejects unknown options and bad values with a
// message naming the option, so mistakes surface at CREATE time, not at query time.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace quarry::ml {

enum class ModelTask {
  kImageClassification,
  kEmbedding,
  kTensor,
  kTextEmbedding,        // VARCHAR -> FLOAT[H]: pooled (mean over the attention mask, or the first token)
  kTextClassification,   // VARCHAR -> top classes, as image_classification
  kTokenClassification,  // VARCHAR -> one label per token
};

// Whether the task takes text (tokenized with the model's tokenizer).
bool IsTextTask(ModelTask task);

// How a text model's per-token output [N, T, H] becomes one vector per text.
enum class Pooling {
  kMean,  // mean over the tokens the attention mask keeps (sentence-transformers)
  kCls,   // the first token's vector
  kNone,  // the model pools itself: its output is [N, H]
};

// What a text longer than max_length tokens gives.
enum class Overflow {
  kTruncate,  // the first max_length tokens (as the tokenizer's truncation direction says), one result
  kWindows,   // every window of max_length tokens (overlapping by `stride`), a list with one result each
};

// How pixels become the model's input tensor [N, 3, S, S] (see preprocessing.hpp for the formulas).
enum class PreprocessPreset {
  kTorchvision,  // RGB, x / 255, then (x - mean) / std with ImageNet's mean and std
  kInception,    // RGB, x / 127.5 - 1 (Keras' preprocess_input for Inception/MobileNet)
  kCaffe,        // BGR, x - ImageNet's mean in 0..255 (Keras' 'caffe' mode: 103.939, 116.779, 123.68)
  kNone,         // RGB, x as 0..255 floats
};

// How an image of any size becomes S × S.
enum class ResizeMode {
  kStretch,     // resize to S × S, aspect ratio not kept
  kCenterCrop,  // resize the shorter side to S (aspect kept), then crop the center S × S (torchvision)
  kLetterbox,   // resize the longer side to S (aspect kept), pad the rest with zeros (after normalization: 0)
};

enum class OutputKind { kLogits, kProbabilities };

struct ModelSpec {
  std::string name;
  std::string path;
  ModelTask task = ModelTask::kImageClassification;
  std::string labels_path;  // image_classification: optional; without it classes are indexes
  PreprocessPreset preset = PreprocessPreset::kTorchvision;
  ResizeMode resize = ResizeMode::kCenterCrop;
  int32_t input_size = 224;
  int32_t top_k = 5;
  OutputKind output = OutputKind::kLogits;  // logits: softmax is applied
  bool normalize = false;                   // embedding: L2-normalize
  int32_t batch_size = 16;
  // Text tasks: the tokenizer.json, the most tokens a model input holds (special tokens included), the
  // pooling (text_embedding) and what a longer text gives.
  std::string tokenizer_path;
  int32_t max_length = 512;
  Pooling pooling = Pooling::kMean;
  Overflow overflow = Overflow::kTruncate;
  int32_t stride = 0;  // tokens consecutive windows share (overflow = 'windows')
  // The options as written, for quarry_models() and for persisting the model.
  std::vector<std::pair<std::string, std::string>> options;
};

// Checks the options of CREATE MODEL name FROM 'path' WITH (options). Keys are case-insensitive;
// values are the literal text (strings unquoted).
Result<ModelSpec> ParseModelSpec(const std::string& name, const std::string& path,
                                 const std::vector<std::pair<std::string, std::string>>& options);

// "image_classification", "embedding", "tensor", "text_embedding", "text_classification",
// "token_classification".
std::string ModelTaskName(ModelTask task);

}  // namespace quarry::ml
