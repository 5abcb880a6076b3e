// LoadedModel: load, check and run (see loaded_model.hpp).
#include "ml/loaded_model.hpp"

#include <algorithm>
#include <filesystem>

#include "ml/builtin_models.hpp"
#include "ml/model_runtime_registry.hpp"
#include "ml/text_batches.hpp"
#include "ml/torch_warnings.hpp"

namespace quarry::ml {

namespace {

std::string Lowered(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// One output row of `output` (the row-th of its first dimension).
std::vector<float> Row(const Tensor& output, int64_t row) {
  const int64_t width = output.row_width();
  return std::vector<float>(output.values.begin() + row * width, output.values.begin() + (row + 1) * width);
}

}  // namespace

Result<std::shared_ptr<const LoadedModel>> LoadedModel::Load(const ModelSpec& spec, const std::string& models_folder) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(spec.path, error)) {
    return Error{"model file not found: '" + spec.path + "'"};
  }
  SilenceTorchWarnings();
  auto model = std::make_shared<LoadedModel>();
  model->spec_ = spec;
  // The runtime the file's content calls for, whatever its name.
  auto runtime = LoadModelRuntime(spec.path);
  if (!runtime.ok()) return Error{runtime.error()};
  model->runtime_ = runtime.value();

  if (!spec.labels_path.empty()) {
    std::string labels_path = spec.labels_path;
    if (Lowered(labels_path) == kImagenetLabels) {
      auto builtin = BuiltinModelPath(models_folder, "imagenet/labels.txt");
      if (!builtin.ok()) return Error{builtin.error()};
      labels_path = builtin.value();
    }
    auto labels = ReadLabels(labels_path);
    if (!labels.ok()) return Error{labels.error()};
    model->labels_ = std::move(labels).value();
  }

  if (IsTextTask(spec.task)) {
    auto text = LoadTextParts(*model);
    if (!text.ok()) return Error{text.error()};
  }
  // Image tasks take [N, 3, S, S]: probe with one zero image to learn the output width and to check
  // that the model accepts the input size at all.
  if (spec.task != ModelTask::kTensor && !IsTextTask(spec.task)) {
    Tensor probe;
    probe.shape = {1, 3, spec.input_size, spec.input_size};
    probe.values.assign(static_cast<size_t>(probe.element_count()), 0.0f);
    auto output = model->runtime_->Run(probe);
    if (!output.ok()) {
      return Error{"the model does not take a [1, 3, " + std::to_string(spec.input_size) + ", " +
                   std::to_string(spec.input_size) + "] image (input_size): " + output.error()};
    }
    if (output.value().shape.empty() || output.value().shape[0] != 1) {
      return Error{"the model's output " + output.value().ShapeText() + " has no batch dimension"};
    }
    model->output_width_ = output.value().row_width();
    if (model->output_width_ <= 0) return Error{"the model's output is empty"};
    model->takes_batches_ = model->WarmUp();
  }
  if (!model->labels_.empty() && static_cast<int64_t>(model->labels_.size()) != model->output_width_) {
    return Error{"the labels file '" + spec.labels_path + "' has " + std::to_string(model->labels_.size()) +
                 " labels but the model outputs " + std::to_string(model->output_width_) + " classes"};
  }
  return std::shared_ptr<const LoadedModel>(std::move(model));
}

Result<bool> LoadedModel::LoadTextParts(LoadedModel& model) {
  const ModelSpec& spec = model.spec_;
  auto tokenizer = text::Tokenizer::Load(spec.tokenizer_path);
  if (!tokenizer.ok()) return Error{tokenizer.error()};
  model.tokenizer_ = tokenizer.value();
  if (const auto& padding = model.tokenizer_->padding()) model.pad_id_ = padding->pad_id;
  if (const auto& truncation = model.tokenizer_->truncation()) model.truncation_direction_ = truncation->direction;

  std::vector<std::string> names = model.runtime_->InputNames();
  if (names.empty()) return Error{"the model does not name its inputs; a text model takes input_ids (and masks)"};
  for (const std::string& name : names) {
    if (!IsTextModelInput(name)) {
      return Error{"the model takes an input '" + name +
                   "' a text model cannot give (input_ids, attention_mask, token_type_ids, position_ids)"};
    }
  }
  if (std::find(names.begin(), names.end(), "input_ids") == names.end()) {
    return Error{"the model has no input named input_ids"};
  }
  model.text_inputs_ = names;

  // Probe with one short text to learn the output's shape.
  auto probe = model.EncodeText("probe");
  if (!probe.ok()) return Error{"the tokenizer cannot encode a probe text: " + probe.error()};
  std::vector<TextBatch> batches = PlanTextBatches(probe.value(), 1, names, model.pad_id_);
  auto output = model.runtime_->RunNamed(batches[0].inputs);
  if (!output.ok()) return Error{"the model does not run on its tokenizer's ids: " + output.error()};
  const std::vector<int64_t>& shape = output.value().shape;
  const bool per_token = spec.task == ModelTask::kTokenClassification ||
                         (spec.task == ModelTask::kTextEmbedding && spec.pooling != Pooling::kNone);
  const size_t rank = per_token ? 3 : 2;
  if (shape.size() != rank || shape[0] != 1 || (per_token && shape[1] != batches[0].length)) {
    std::string expected = per_token ? "[N, tokens, width]" : "[N, width]";
    std::string hint;
    if (spec.task == ModelTask::kTextEmbedding) {
      hint = per_token ? " (a model that pools itself takes pooling = 'none')"
                       : " (per-token output: use pooling = 'mean' or 'cls')";
    }
    return Error{"the model's output " + output.value().ShapeText() + " is not " + expected + hint};
  }
  model.output_width_ = shape.back();
  if (model.output_width_ <= 0) return Error{"the model's output is empty"};
  return true;
}

Result<std::vector<text::Encoding>> LoadedModel::EncodeText(std::string_view text) const {
  text::TruncationOptions truncation;
  truncation.max_length = static_cast<size_t>(spec_.max_length);
  truncation.stride = static_cast<size_t>(spec_.stride);
  truncation.direction = truncation_direction_;
  // Token classification names where each token is in the text.
  const bool with_offsets = spec_.task == ModelTask::kTokenClassification;
  auto windows = tokenizer_->EncodeWindows(text, true, truncation, with_offsets);
  if (!windows.ok()) return Error{windows.error()};
  std::vector<text::Encoding> encodings = std::move(windows).value();
  if (spec_.overflow == Overflow::kTruncate && encodings.size() > 1) encodings.resize(1);
  for (text::Encoding& encoding : encodings) {
    if (encoding.size() == 0) encoding = text::EncodingOf({static_cast<uint32_t>(pad_id_)}, 0);  // an empty text
  }
  return encodings;
}

bool LoadedModel::WarmUp() const {
  if (spec_.batch_size <= 1) return true;
  Tensor batch;
  batch.shape = {spec_.batch_size, 3, spec_.input_size, spec_.input_size};
  // Beyond 256 MiB of floats the warm-up is skipped: a query's own batches take as long to set up.
  constexpr int64_t kLargestWarmUpValues = int64_t{64} << 20;
  if (batch.element_count() > kLargestWarmUpValues) return true;
  batch.values.assign(static_cast<size_t>(batch.element_count()), 0.0f);
  auto output = runtime_->Run(batch);
  return output.ok() && !output.value().shape.empty() && output.value().shape[0] == spec_.batch_size;
}

std::vector<Result<std::vector<float>>> LoadedModel::RunRows(const Tensor& batch) const {
  const int64_t rows = batch.shape.empty() ? 0 : batch.shape[0];
  std::vector<Result<std::vector<float>>> results;
  results.reserve(rows);
  if (takes_batches_ && rows > 1) {
    auto output = runtime_->Run(batch);
    if (output.ok() && !output.value().shape.empty() && output.value().shape[0] == rows) {
      for (int64_t row = 0; row < rows; row++) results.emplace_back(Row(output.value(), row));
      return results;
    }
  }
  // One row, or the batch failed: one row at a time, so only the rows that fail give errors.
  const int64_t width = batch.row_width();
  Tensor single;
  single.shape = batch.shape;
  single.shape[0] = 1;
  for (int64_t row = 0; row < rows; row++) {
    single.values.assign(batch.values.begin() + row * width, batch.values.begin() + (row + 1) * width);
    auto one = runtime_->Run(single);
    if (one.ok() && !one.value().shape.empty() && one.value().shape[0] == 1) {
      results.emplace_back(Row(one.value(), 0));
    } else {
      results.emplace_back(Error{one.ok() ? "the model's output has no batch dimension" : one.error()});
    }
  }
  return results;
}

}  // namespace quarry::ml
