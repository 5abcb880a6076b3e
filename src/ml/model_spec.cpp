// ParseModelSpec: the checked options of CREATE MODEL (see model_spec.hpp).
#include "ml/model_spec.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

namespace quarry::ml {

namespace {

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// Parses an integer option in [low, high].
Result<int32_t> IntegerOption(const std::string& key, const std::string& value, int32_t low, int32_t high) {
  int32_t number = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error != std::errc() || end != value.data() + value.size() || number < low || number > high) {
    return Error{"option " + key + " must be an integer between " + std::to_string(low) + " and " +
                 std::to_string(high) + ", got '" + value + "'"};
  }
  return number;
}

// Looks `value` up in `choices`; an Error listing them otherwise.
template <typename T>
Result<T> ChoiceOption(const std::string& key, const std::string& value, const std::map<std::string, T>& choices) {
  auto found = choices.find(Lower(value));
  if (found != choices.end()) return found->second;
  std::string names;
  for (const auto& [name, unused] : choices) names += (names.empty() ? "'" : ", '") + name + "'";
  return Error{"option " + key + " must be one of " + names + ", got '" + value + "'"};
}

Result<bool> BooleanOption(const std::string& key, const std::string& value) {
  return ChoiceOption<bool>(key, value, {{"true", true}, {"false", false}, {"1", true}, {"0", false}});
}

}  // namespace

std::string ModelTaskName(ModelTask task) {
  switch (task) {
    case ModelTask::kImageClassification:
      return "image_classification";
    case ModelTask::kEmbedding:
      return "embedding";
    case ModelTask::kTensor:
      return "tensor";
    case ModelTask::kTextEmbedding:
      return "text_embedding";
    case ModelTask::kTextClassification:
      return "text_classification";
    case ModelTask::kTokenClassification:
      return "token_classification";
  }
  return "unknown";
}

bool IsTextTask(ModelTask task) {
  return task == ModelTask::kTextEmbedding || task == ModelTask::kTextClassification ||
         task == ModelTask::kTokenClassification;
}

Result<ModelSpec> ParseModelSpec(const std::string& name, const std::string& path,
                                 const std::vector<std::pair<std::string, std::string>>& options) {
  ModelSpec spec;
  spec.name = name;
  spec.path = path;
  spec.options = options;
  bool has_task = false;
  std::vector<std::string> seen;
  for (const auto& [raw_key, value] : options) {
    const std::string key = Lower(raw_key);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      return Error{"option " + key + " is given twice"};
    }
    seen.push_back(key);
    if (key == "task") {
      auto task = ChoiceOption<ModelTask>(key, value,
                                          {{"image_classification", ModelTask::kImageClassification},
                                           {"embedding", ModelTask::kEmbedding},
                                           {"tensor", ModelTask::kTensor},
                                           {"text_embedding", ModelTask::kTextEmbedding},
                                           {"text_classification", ModelTask::kTextClassification},
                                           {"token_classification", ModelTask::kTokenClassification}});
      if (!task.ok()) return Error{task.error()};
      spec.task = task.value();
      has_task = true;
    } else if (key == "labels") {
      if (value.empty()) return Error{"option labels must name a file"};
      spec.labels_path = value;
    } else if (key == "preprocess") {
      auto preset = ChoiceOption<PreprocessPreset>(key, value,
                                                   {{"torchvision", PreprocessPreset::kTorchvision},
                                                    {"inception", PreprocessPreset::kInception},
                                                    {"caffe", PreprocessPreset::kCaffe},
                                                    {"none", PreprocessPreset::kNone}});
      if (!preset.ok()) return Error{preset.error()};
      spec.preset = preset.value();
    } else if (key == "resize") {
      auto resize = ChoiceOption<ResizeMode>(key, value,
                                             {{"stretch", ResizeMode::kStretch},
                                              {"center_crop", ResizeMode::kCenterCrop},
                                              {"letterbox", ResizeMode::kLetterbox}});
      if (!resize.ok()) return Error{resize.error()};
      spec.resize = resize.value();
    } else if (key == "input_size") {
      auto size = IntegerOption(key, value, 8, 4096);
      if (!size.ok()) return Error{size.error()};
      spec.input_size = size.value();
    } else if (key == "top_k") {
      auto top_k = IntegerOption(key, value, 1, 100000);
      if (!top_k.ok()) return Error{top_k.error()};
      spec.top_k = top_k.value();
    } else if (key == "output") {
      auto output = ChoiceOption<OutputKind>(
          key, value, {{"logits", OutputKind::kLogits}, {"probabilities", OutputKind::kProbabilities}});
      if (!output.ok()) return Error{output.error()};
      spec.output = output.value();
    } else if (key == "normalize") {
      auto normalize = BooleanOption(key, value);
      if (!normalize.ok()) return Error{normalize.error()};
      spec.normalize = normalize.value();
    } else if (key == "batch_size") {
      auto batch = IntegerOption(key, value, 1, 4096);
      if (!batch.ok()) return Error{batch.error()};
      spec.batch_size = batch.value();
    } else if (key == "tokenizer") {
      if (value.empty()) return Error{"option tokenizer must name a tokenizer.json file"};
      spec.tokenizer_path = value;
    } else if (key == "max_length") {
      auto length = IntegerOption(key, value, 2, 1 << 20);
      if (!length.ok()) return Error{length.error()};
      spec.max_length = length.value();
    } else if (key == "pooling") {
      auto pooling = ChoiceOption<Pooling>(
          key, value, {{"mean", Pooling::kMean}, {"cls", Pooling::kCls}, {"none", Pooling::kNone}});
      if (!pooling.ok()) return Error{pooling.error()};
      spec.pooling = pooling.value();
    } else if (key == "overflow") {
      auto overflow =
          ChoiceOption<Overflow>(key, value, {{"truncate", Overflow::kTruncate}, {"windows", Overflow::kWindows}});
      if (!overflow.ok()) return Error{overflow.error()};
      spec.overflow = overflow.value();
    } else if (key == "stride") {
      auto stride = IntegerOption(key, value, 0, 1 << 20);
      if (!stride.ok()) return Error{stride.error()};
      spec.stride = stride.value();
    } else {
      return Error{"unknown option '" + raw_key +
                   "'; the options are task, labels, preprocess, resize, input_size, top_k, output, normalize, "
                   "batch_size, tokenizer, max_length, pooling, overflow, stride"};
    }
  }
  if (!has_task) {
    return Error{
        "option task is required: 'image_classification', 'embedding', 'tensor', 'text_embedding', "
        "'text_classification' or 'token_classification'"};
  }
  auto given = [&](const char* key) { return std::find(seen.begin(), seen.end(), key) != seen.end(); };
  const bool text = IsTextTask(spec.task);
  const bool classifies = spec.task == ModelTask::kImageClassification || spec.task == ModelTask::kTextClassification ||
                          spec.task == ModelTask::kTokenClassification;
  for (const char* only : {"labels", "output"}) {
    if (!classifies && given(only)) {
      return Error{std::string("option ") + only + " applies to the classification tasks only"};
    }
  }
  if (given("top_k") && spec.task != ModelTask::kImageClassification && spec.task != ModelTask::kTextClassification) {
    return Error{"option top_k applies to tasks 'image_classification' and 'text_classification' only"};
  }
  if (given("normalize") && spec.task != ModelTask::kEmbedding && spec.task != ModelTask::kTextEmbedding) {
    return Error{"option normalize applies to tasks 'embedding' and 'text_embedding' only"};
  }
  if (given("pooling") && spec.task != ModelTask::kTextEmbedding) {
    return Error{"option pooling applies to task 'text_embedding' only"};
  }
  for (const char* only : {"tokenizer", "max_length", "overflow", "stride"}) {
    if (!text && given(only)) return Error{std::string("option ") + only + " applies to the text tasks only"};
  }
  for (const char* only : {"preprocess", "resize", "input_size"}) {
    if (text && given(only)) return Error{std::string("option ") + only + " applies to image tasks only"};
  }
  if (text && spec.tokenizer_path.empty()) {
    return Error{"option tokenizer is required for task '" + ModelTaskName(spec.task) +
                 "': the model's tokenizer.json"};
  }
  if (given("stride") && spec.overflow != Overflow::kWindows) {
    return Error{"option stride applies to overflow = 'windows' only"};
  }
  if (spec.stride >= spec.max_length / 2) {
    return Error{"option stride must be less than half of max_length (" + std::to_string(spec.max_length) + ")"};
  }
  return spec;
}

}  // namespace quarry::ml
