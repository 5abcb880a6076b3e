// LoadedModel: load, check and run (see loaded_model.hpp).
#include "ml/loaded_model.hpp"

#include <filesystem>

#include "ml/builtin_models.hpp"
#include "ml/model_runtime_registry.hpp"
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

  // Image tasks take [N, 3, S, S]: probe with one zero image to learn the output width and to check
  // that the model accepts the input size at all.
  if (spec.task != ModelTask::kTensor) {
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
  }
  if (!model->labels_.empty() && static_cast<int64_t>(model->labels_.size()) != model->output_width_) {
    return Error{"the labels file '" + spec.labels_path + "' has " + std::to_string(model->labels_.size()) +
                 " labels but the model outputs " + std::to_string(model->output_width_) + " classes"};
  }
  return std::shared_ptr<const LoadedModel>(std::move(model));
}

std::vector<Result<std::vector<float>>> LoadedModel::RunRows(const Tensor& batch) const {
  const int64_t rows = batch.shape.empty() ? 0 : batch.shape[0];
  std::vector<Result<std::vector<float>>> results;
  results.reserve(rows);
  auto output = runtime_->Run(batch);
  if (output.ok() && !output.value().shape.empty() && output.value().shape[0] == rows) {
    for (int64_t row = 0; row < rows; row++) results.emplace_back(Row(output.value(), row));
    return results;
  }
  // The batch failed: one row at a time, so only the rows that fail give errors.
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
