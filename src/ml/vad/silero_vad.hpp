// SileroVad — the Silero VAD v5 model (.deps/models/vad/silero_vad_v5.onnx, from @ricky0123/vad-web)
// stepped over 16 kHz mono audio: one speech probability per 512-sample window (32 ms).
//
// The model is recurrent. Each call takes, per stream, 576 samples — the last 64 samples of the
// previous window (zeros before the first window) followed by the 512 new ones — and the LSTM state
// [2, B, 128] the previous call returned (zeros at the start), with sr = 16000; it gives the window's
// speech probability and the next state. This is what Silero's OnnxWrapper (utils_vad.py) and vad-web's
// Silero class do. The last window is zero-padded to 512 samples.
//
// Several streams may run together as one batch (B > 1: one model call per window for all of them,
// which costs far less than B calls), each with its own context and state; the batch shrinks as the
// shorter streams end, so batching changes no stream's probabilities. Immutable after Load():
// thread-safe.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "ml/builtin_models.hpp"

namespace quarry::ml::onnx {
class OnnxModel;
}

namespace quarry::ml::vad {

inline constexpr int kVadSampleRate = 16000;
inline constexpr int kWindowSamples = 512;  // new samples per model call (32 ms)
inline constexpr int kContextSamples = 64;  // samples of the previous window each call sees again
inline constexpr int kStateWidth = 128;     // the LSTM state is [2, B, kStateWidth]

class SileroVad {
 public:
  // Loads the model at `path`, checking that its inputs are input/state/sr and outputs output/stateN.
  static Result<std::shared_ptr<const SileroVad>> Load(const std::string& path);
  // Loads the built-in model (vad/silero_vad_v5.onnx in the built-in models folder `models_folder`).
  static Result<std::shared_ptr<const SileroVad>> LoadBuiltin(const std::string& models_folder = BuiltinModelsFolder());

  // The speech probability of each window of each stream (16 kHz mono samples), in [0, 1]:
  // ceil(size / 512) windows per stream. Streams run as one batch. Errors: the executor's.
  Result<std::vector<std::vector<float>>> SpeechProbabilities(std::span<const std::span<const float>> streams) const;
  Result<std::vector<float>> SpeechProbabilities(std::span<const float> samples) const;

 private:
  explicit SileroVad(std::shared_ptr<const onnx::OnnxModel> model) : model_(std::move(model)) {}
  std::shared_ptr<const onnx::OnnxModel> model_;
};

}  // namespace quarry::ml::vad
