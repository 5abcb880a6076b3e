// LoadedModel — a model ready to serve a SQL function: its checked spec, its runtime, its labels, and
// the width of its output row, probed once at load. Loading is where mistakes surface: a missing file,
// a file the runtime cannot load, labels that do not match the output width, an input size the model
// rejects — each an Error naming the problem, so CREATE MODEL fails instead of a later query.
//
// Immutable after Load() and shared (std::shared_ptr<const LoadedModel>) by every thread running the
// model's SQL function.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "ml/builtin_models.hpp"
#include "ml/labels.hpp"
#include "ml/model_runtime.hpp"
#include "ml/model_spec.hpp"
#include "text/encoding.hpp"
#include "text/tokenizer.hpp"

namespace quarry::ml {

class LoadedModel {
 public:
  // `models_folder` is the built-in models folder, where labels = 'imagenet' finds its class names.
  static Result<std::shared_ptr<const LoadedModel>> Load(const ModelSpec& spec,
                                                         const std::string& models_folder = BuiltinModelsFolder());

  const ModelSpec& spec() const { return spec_; }
  const ModelRuntime& runtime() const { return *runtime_; }
  const std::vector<Label>& labels() const { return labels_; }
  // Values per output row; 0 when unknown before the first batch (task 'tensor').
  int64_t output_width() const { return output_width_; }

  // Runs a batch; when the whole batch fails, runs its rows one by one so one bad row does not take
  // the batch with it (a model that failed its load-time batch of spec().batch_size zero images runs
  // every batch row by row straight away). Returns one result per row: the output row, or the row's
  // Error.
  std::vector<Result<std::vector<float>>> RunRows(const Tensor& batch) const;

  // Text tasks: the tokenizer, the inputs the model takes (in order), and the encodings of one text: one
  // (truncated to max_length tokens) or, with overflow = 'windows', one per window. Invalid UTF-8 or a
  // word the tokenizer cannot encode is an Error.
  const text::Tokenizer& tokenizer() const { return *tokenizer_; }
  const std::vector<std::string>& text_inputs() const { return text_inputs_; }
  Result<std::vector<text::Encoding>> EncodeText(std::string_view text) const;
  // The id padding uses (the tokenizer file's, else 0).
  int64_t pad_id() const { return pad_id_; }

 private:
  ModelSpec spec_;
  std::shared_ptr<ModelRuntime> runtime_;
  std::vector<Label> labels_;
  int64_t output_width_ = 0;
  bool takes_batches_ = true;  // image tasks: whether a batch of batch_size zero images ran at load
  std::shared_ptr<const text::Tokenizer> tokenizer_;
  std::vector<std::string> text_inputs_;
  int64_t pad_id_ = 0;
  text::TruncationDirection truncation_direction_ = text::TruncationDirection::kRight;

  // Image tasks: runs one batch of spec_.batch_size zero images, so that the first call of that shape
  // (libtorch and oneDNN generate kernels and lay out weights for it: resnet18's first batch of 16 takes
  // twice as long as the next) is paid here and not by the first query. False when the model fails on
  // it (a model exported for one image at a time).
  bool WarmUp() const;

  // Loads the tokenizer, checks the model's inputs and probes its output (text tasks).
  static Result<bool> LoadTextParts(LoadedModel& model);
};

}  // namespace quarry::ml
