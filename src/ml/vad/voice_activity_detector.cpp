// VoiceActivityDetector: checks each audio, resamples it to 16 kHz (libsoxr, one thread: DuckDB's threads
// are the parallelism), runs Silero VAD over all valid audios as one batch and segments each.
#include "ml/vad/voice_activity_detector.hpp"

#include <soxr.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "ml/vad/silero_vad.hpp"

namespace quarry::ml::vad {
namespace {

constexpr int kMaxSampleRate = 1'536'000;
constexpr double kMaxSeconds = 4 * 3600.0;

// An empty string when `audio` can be analysed; else why not.
std::string CheckAudio(const MonoAudio& audio) {
  if (audio.sample_rate < 1 || audio.sample_rate > kMaxSampleRate) {
    return "voice activity detection needs a sample rate in 1..1536000 Hz: " + std::to_string(audio.sample_rate);
  }
  if (audio.samples.empty()) return "voice activity detection needs samples: the audio is empty";
  if (static_cast<double>(audio.samples.size()) / audio.sample_rate > kMaxSeconds) {
    return "voice activity detection takes at most 4 hours of audio: " +
           std::to_string(audio.samples.size() / audio.sample_rate) + " s";
  }
  for (size_t i = 0; i < audio.samples.size(); ++i) {
    if (!std::isfinite(audio.samples[i])) {
      return "voice activity detection needs finite samples: sample " + std::to_string(i) + " is " +
             std::to_string(audio.samples[i]);
    }
  }
  return "";
}

// `samples` at `rate` resampled to 16 kHz with soxr (high quality): round(size × 16000 / rate) samples.
Result<std::vector<float>> ResampleTo16k(std::span<const float> samples, int rate) {
  const double ratio = static_cast<double>(kVadSampleRate) / rate;
  const auto nominal = static_cast<size_t>(std::round(static_cast<double>(samples.size()) * ratio));
  std::vector<float> out(static_cast<size_t>(std::ceil(static_cast<double>(samples.size()) * ratio)) + 1);
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  const soxr_runtime_spec_t runtime = soxr_runtime_spec(1);
  size_t in_done = 0, out_done = 0;
  const soxr_error_t error = soxr_oneshot(rate, kVadSampleRate, 1, samples.data(), samples.size(), &in_done, out.data(),
                                          out.size(), &out_done, &io, &quality, &runtime);
  if (error != nullptr) return Error{std::string("cannot resample audio to 16 kHz: ") + error};
  out.resize(std::min(out_done, nominal));
  return out;
}

// An audio ready for the model: the input when it is at 16 kHz, else its resampled copy.
struct PreparedAudio {
  std::span<const float> input;
  std::optional<std::vector<float>> resampled;
  double duration = 0;  // of the input, in seconds

  std::span<const float> samples() const { return resampled ? std::span<const float>(*resampled) : input; }
};

Result<PreparedAudio> Prepare(const MonoAudio& audio) {
  if (std::string problem = CheckAudio(audio); !problem.empty()) return Error{std::move(problem)};
  PreparedAudio prepared{audio.samples, std::nullopt, static_cast<double>(audio.samples.size()) / audio.sample_rate};
  if (audio.sample_rate == kVadSampleRate) return prepared;
  auto resampled = ResampleTo16k(audio.samples, audio.sample_rate);
  if (!resampled.ok()) return Error{resampled.error()};
  prepared.resampled = std::move(resampled).value();
  return prepared;
}

// The segments of one prepared audio, their ends kept within the input's duration (resampling rounds).
std::vector<SpeechSegment> Segment(const PreparedAudio& audio, std::span<const float> probabilities,
                                   const VadOptions& options) {
  std::vector<SpeechSegment> segments = SegmentSpeech(probabilities, kWindowSamples, kVadSampleRate,
                                                      static_cast<int64_t>(audio.samples().size()), options);
  for (SpeechSegment& segment : segments) {
    segment.start = std::min(segment.start, audio.duration);
    segment.end = std::min(segment.end, audio.duration);
  }
  return segments;
}

}  // namespace

Result<std::shared_ptr<const VoiceActivityDetector>> VoiceActivityDetector::Load(const std::string& models_folder) {
  auto model = SileroVad::LoadBuiltin(models_folder);
  if (!model.ok()) return Error{model.error()};
  return std::shared_ptr<const VoiceActivityDetector>(new VoiceActivityDetector(std::move(model).value()));
}

Result<std::vector<SpeechSegment>> VoiceActivityDetector::Detect(std::span<const float> mono_samples, int sample_rate,
                                                                 const VadOptions& options) const {
  const MonoAudio audio[] = {{mono_samples, sample_rate}};
  return std::move(DetectMany(audio, options)[0]);
}

std::vector<Result<std::vector<SpeechSegment>>> VoiceActivityDetector::DetectMany(std::span<const MonoAudio> audios,
                                                                                  const VadOptions& options) const {
  std::vector<Result<std::vector<SpeechSegment>>> results;
  std::vector<PreparedAudio> prepared;
  std::vector<size_t> result_of;  // the index in `results` of each prepared audio
  const std::string options_problem = CheckVadOptions(options);
  for (const MonoAudio& audio : audios) {
    auto ready = options_problem.empty() ? Prepare(audio) : Result<PreparedAudio>(Error{options_problem});
    results.emplace_back(ready.ok() ? Result<std::vector<SpeechSegment>>(std::vector<SpeechSegment>{})
                                    : Result<std::vector<SpeechSegment>>(Error{ready.error()}));
    if (!ready.ok()) continue;
    prepared.push_back(std::move(ready).value());
    result_of.push_back(results.size() - 1);
  }
  if (prepared.empty()) return results;
  std::vector<std::span<const float>> streams;
  for (const PreparedAudio& audio : prepared) streams.push_back(audio.samples());
  auto probabilities = model_->SpeechProbabilities(streams);
  for (size_t i = 0; i < prepared.size(); ++i) {
    results[result_of[i]] =
        probabilities.ok() ? Result<std::vector<SpeechSegment>>(Segment(prepared[i], probabilities.value()[i], options))
                           : Result<std::vector<SpeechSegment>>(Error{probabilities.error()});
  }
  return results;
}

}  // namespace quarry::ml::vad
