// VoiceActivityDetector — where people speak in an audio: Silero VAD v5 (silero_vad.hpp) over the audio
// resampled to 16 kHz, then the segmentation rules of speech_segmenter.hpp. The library part behind the
// SQL function speech_segments(audio); knows nothing of DuckDB.
//
// Bad input is an Error, never a crash: no samples, a NaN or infinite sample, a sample rate outside
// 1..1,536,000 Hz, audio longer than 4 hours, options out of range. Immutable after Load(): Detect()
// may be called from several threads at once.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "common/result.hpp"
#include "ml/builtin_models.hpp"
#include "ml/vad/speech_segmenter.hpp"

namespace quarry::ml::vad {

class SileroVad;

// One audio for DetectMany(): mono samples at their rate.
struct MonoAudio {
  std::span<const float> samples;
  int sample_rate = 0;
};

class VoiceActivityDetector {
 public:
  // Loads the built-in Silero VAD v5 model (vad/silero_vad_v5.onnx in `models_folder`). Load once
  // and share: loading parses and plans the model (tens of milliseconds).
  static Result<std::shared_ptr<const VoiceActivityDetector>> Load(
      const std::string& models_folder = BuiltinModelsFolder());

  // The speech segments of `mono_samples` (nominally in [-1, 1]) at `sample_rate`: resampled to 16 kHz
  // with libsoxr (high quality) unless already 16 kHz, then run window by window (512 samples, 32 ms;
  // the model's state carries across the windows) and segmented. Times are in seconds of the input.
  Result<std::vector<SpeechSegment>> Detect(std::span<const float> mono_samples, int sample_rate,
                                            const VadOptions& options = {}) const;

  // Detect() for several audios at once: the valid ones run through the model together as one batch
  // (one model call per window for all of them, which amortizes the executor's per-call cost); each
  // gets its own Result, so one bad audio does not fail the others.
  std::vector<Result<std::vector<SpeechSegment>>> DetectMany(std::span<const MonoAudio> audios,
                                                             const VadOptions& options = {}) const;

 private:
  explicit VoiceActivityDetector(std::shared_ptr<const SileroVad> model) : model_(std::move(model)) {}
  std::shared_ptr<const SileroVad> model_;
};

}  // namespace quarry::ml::vad
