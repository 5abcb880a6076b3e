// SileroVad: loads Silero VAD v5 into quarry's ONNX executor and steps it window by window, carrying
// each stream's 64-sample context and LSTM state from one call to the next (see silero_vad.hpp).
#include "ml/vad/silero_vad.hpp"

#include <algorithm>
#include <cstring>

#include "ml/builtin_models.hpp"
#include "ml/onnx/onnx_model.hpp"

namespace quarry::ml::vad {
namespace {

using onnx::ElementType;
using onnx::HostTensor;

constexpr int kInputSamples = kContextSamples + kWindowSamples;

// The names the model must declare, in the order Run() takes and gives them.
const std::vector<std::string> kInputNames = {"input", "state", "sr"};
const std::vector<std::string> kOutputNames = {"output", "stateN"};

std::string NamesOf(const std::vector<onnx::OnnxValueInfo>& values) {
  std::string names;
  for (const auto& value : values) names += (names.empty() ? "" : ", ") + value.name;
  return names;
}

// An empty string when `model` has Silero VAD v5's inputs and outputs; else what differs.
std::string CheckSignature(const onnx::OnnxModel& model) {
  auto same = [](const std::vector<onnx::OnnxValueInfo>& values, const std::vector<std::string>& names) {
    if (values.size() != names.size()) return false;
    for (size_t i = 0; i < names.size(); ++i) {
      if (values[i].name != names[i]) return false;
    }
    return true;
  };
  if (same(model.inputs(), kInputNames) && same(model.outputs(), kOutputNames)) return "";
  return "not a Silero VAD v5 model: expected inputs (input, state, sr) and outputs (output, stateN), got (" +
         NamesOf(model.inputs()) + ") and (" + NamesOf(model.outputs()) + ")";
}

size_t WindowCount(size_t samples) {
  return (samples + kWindowSamples - 1) / kWindowSamples;
}

// Writes `stream`'s samples [first, first + count) to `out`, zeros where the range leaves the stream.
void CopyRange(std::span<const float> stream, int64_t first, int count, float* out) {
  const int64_t size = static_cast<int64_t>(stream.size());
  for (int i = 0; i < count; ++i) {
    const int64_t index = first + i;
    out[i] = (index >= 0 && index < size) ? stream[index] : 0.0f;
  }
}

// The model's [B, 576] input for window `window`: per stream, the 64 samples before the window (its
// context) and the window's 512 samples.
void FillInput(std::span<const std::span<const float>> streams, size_t window, HostTensor& input) {
  auto* rows = reinterpret_cast<float*>(input.bytes.data());
  const int64_t first = static_cast<int64_t>(window) * kWindowSamples - kContextSamples;
  for (size_t b = 0; b < streams.size(); ++b) CopyRange(streams[b], first, kInputSamples, rows + b * kInputSamples);
}

// The indexes of `streams`, longest first: the streams still running at any window are then a prefix.
std::vector<size_t> LongestFirst(std::span<const std::span<const float>> streams) {
  std::vector<size_t> order(streams.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return streams[a].size() > streams[b].size(); });
  return order;
}

// Keeps the first `batch` streams of the model's inputs: their input rows and, in each of the state's
// two layers, their state rows.
void ShrinkBatch(std::vector<HostTensor>& inputs, int64_t batch) {
  HostTensor& state = inputs[1];
  const size_t row_bytes = kStateWidth * sizeof(float);
  std::memmove(state.bytes.data() + batch * row_bytes, state.bytes.data() + state.shape[1] * row_bytes,
               batch * row_bytes);
  state.shape[1] = batch;
  state.bytes.resize(2 * batch * row_bytes);
  inputs[0].shape[0] = batch;
  inputs[0].bytes.resize(batch * kInputSamples * sizeof(float));
}

// The model's inputs for `batch` streams at the start: zero samples and state, sr = 16000.
std::vector<HostTensor> FirstInputs(int64_t batch) {
  return {
      HostTensor::From(ElementType::kFloat, {batch, kInputSamples}, std::vector<float>(batch * kInputSamples)),
      HostTensor::From(ElementType::kFloat, {2, batch, kStateWidth}, std::vector<float>(2 * batch * kStateWidth)),
      HostTensor::From(ElementType::kInt64, {}, std::vector<int64_t>{kVadSampleRate}),
  };
}

// Checks that the outputs are float tensors of the sizes batch `batch` needs.
std::string CheckOutputs(const std::vector<HostTensor>& outputs, int64_t batch) {
  if (outputs.size() != 2 || outputs[0].type != ElementType::kFloat || outputs[1].type != ElementType::kFloat ||
      outputs[0].element_count() != batch || outputs[1].element_count() != 2 * batch * kStateWidth) {
    return "Silero VAD gave unexpected outputs";
  }
  return "";
}

}  // namespace

Result<std::shared_ptr<const SileroVad>> SileroVad::Load(const std::string& path) {
  auto model = onnx::OnnxModel::Load(path);
  if (!model.ok()) return Error{model.error()};
  if (std::string problem = CheckSignature(*model.value()); !problem.empty()) return Error{problem + ": " + path};
  return std::shared_ptr<const SileroVad>(new SileroVad(std::move(model).value()));
}

Result<std::shared_ptr<const SileroVad>> SileroVad::LoadBuiltin(const std::string& models_folder) {
  auto path = BuiltinModelPath(models_folder, "vad/silero_vad_v5.onnx");
  if (!path.ok()) return Error{path.error()};
  return Load(path.value());
}

Result<std::vector<std::vector<float>>> SileroVad::SpeechProbabilities(
    std::span<const std::span<const float>> streams) const {
  std::vector<std::vector<float>> probabilities(streams.size());
  const std::vector<size_t> order = LongestFirst(streams);
  std::vector<std::span<const float>> running;  // longest first; the batch is a prefix of them
  for (size_t index : order) running.push_back(streams[index]);
  const size_t windows = running.empty() ? 0 : WindowCount(running[0].size());
  std::vector<HostTensor> inputs = FirstInputs(static_cast<int64_t>(running.size()));
  for (size_t window = 0; window < windows; ++window) {
    size_t batch = inputs[0].shape[0];
    while (WindowCount(running[batch - 1].size()) <= window) --batch;  // running[0] has this window
    if (static_cast<int64_t>(batch) < inputs[0].shape[0]) ShrinkBatch(inputs, static_cast<int64_t>(batch));
    FillInput(std::span(running).first(batch), window, inputs[0]);
    auto outputs = model_->Run(inputs);
    if (!outputs.ok()) return Error{"Silero VAD failed: " + outputs.error()};
    if (std::string problem = CheckOutputs(outputs.value(), static_cast<int64_t>(batch)); !problem.empty()) {
      return Error{problem};
    }
    const std::vector<float> speech = outputs.value()[0].Values<float>();
    for (size_t b = 0; b < batch; ++b) probabilities[order[b]].push_back(std::clamp(speech[b], 0.0f, 1.0f));
    inputs[1].bytes = std::move(outputs.value()[1].bytes);  // the next state
  }
  return probabilities;
}

Result<std::vector<float>> SileroVad::SpeechProbabilities(std::span<const float> samples) const {
  const std::span<const float> streams[] = {samples};
  auto probabilities = SpeechProbabilities(std::span<const std::span<const float>>(streams));
  if (!probabilities.ok()) return Error{probabilities.error()};
  return std::move(probabilities.value()[0]);
}

}  // namespace quarry::ml::vad
