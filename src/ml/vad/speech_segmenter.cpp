// Speech segmentation: the hysteresis over window probabilities, the minimum length and the padding of
// speech_segmenter.hpp, each rule a function of its own.
#include "ml/vad/speech_segmenter.hpp"

#include <algorithm>
#include <cmath>

namespace quarry::ml::vad {
namespace {

constexpr int kMaxDurationMs = 3'600'000;

// A segment in windows: windows [first, last) are speech; `to_end` when it runs to the audio's end.
struct WindowSpan {
  int64_t first = 0;
  int64_t last = 0;
  bool to_end = false;
};

// A segment in samples (fractional after padding), with its mean probability.
struct SampleSpan {
  double start = 0;
  double end = 0;
  float probability = 0;
};

// Rules 1-4: the hysteresis, in windows.
std::vector<WindowSpan> FindSpeechWindows(std::span<const float> probabilities, int window_samples,
                                          double min_silence_samples, const VadOptions& options) {
  const float lower = LowerThreshold(options);
  const auto count = static_cast<int64_t>(probabilities.size());
  std::vector<WindowSpan> spans;
  bool in_speech = false;
  int64_t first = 0;
  int64_t mark = -1;  // the window where the possible end lies; -1 for none
  for (int64_t i = 0; i < count; ++i) {
    const float probability = probabilities[i];
    if (!in_speech) {
      if (probability >= options.threshold) {
        in_speech = true;
        first = i;
        mark = -1;
      }
      continue;
    }
    if (probability >= options.threshold) {
      mark = -1;
      continue;
    }
    if (mark < 0 && probability < lower) mark = i;
    if (mark >= 0 && static_cast<double>(i + 1 - mark) * window_samples >= min_silence_samples) {
      spans.push_back({first, mark, false});
      in_speech = false;
    }
  }
  if (in_speech) spans.push_back(mark >= 0 ? WindowSpan{first, mark, false} : WindowSpan{first, count, true});
  return spans;
}

float MeanProbability(std::span<const float> probabilities, const WindowSpan& span) {
  const int64_t last = std::min<int64_t>(span.last, static_cast<int64_t>(probabilities.size()));
  double sum = 0;
  for (int64_t i = span.first; i < last; ++i) sum += probabilities[i];
  return last > span.first ? static_cast<float>(sum / static_cast<double>(last - span.first)) : 0.0f;
}

// Rules 5 and 6: the spans in samples, without those shorter than `min_speech_samples`.
std::vector<SampleSpan> ToSamples(const std::vector<WindowSpan>& spans, std::span<const float> probabilities,
                                  int window_samples, int64_t total_samples, double min_speech_samples) {
  std::vector<SampleSpan> kept;
  const auto total = static_cast<double>(total_samples);
  for (const WindowSpan& span : spans) {
    const double start = std::min(total, static_cast<double>(span.first) * window_samples);
    const double end = span.to_end ? total : std::min(total, static_cast<double>(span.last) * window_samples);
    if (end - start < min_speech_samples) continue;
    kept.push_back({start, end, MeanProbability(probabilities, span)});
  }
  return kept;
}

// Rule 7: each side widened by `pad`, at most half the gap to a neighbour, within [0, total_samples].
std::vector<SampleSpan> Pad(const std::vector<SampleSpan>& spans, double pad, int64_t total_samples) {
  std::vector<SampleSpan> padded = spans;
  for (size_t i = 0; i < spans.size(); ++i) {
    const double room_before = i == 0 ? spans[i].start : (spans[i].start - spans[i - 1].end) / 2;
    const double room_after = i + 1 == spans.size() ? static_cast<double>(total_samples) - spans[i].end
                                                    : (spans[i + 1].start - spans[i].end) / 2;
    padded[i].start = spans[i].start - std::clamp(room_before, 0.0, pad);
    padded[i].end = spans[i].end + std::clamp(room_after, 0.0, pad);
  }
  return padded;
}

double SamplesFor(int sample_rate, int milliseconds) {
  return static_cast<double>(sample_rate) * milliseconds / 1000;
}

std::string CheckDuration(const char* name, int milliseconds) {
  if (milliseconds >= 0 && milliseconds <= kMaxDurationMs) return "";
  return std::string("VAD ") + name + " must be in 0..3600000 ms: " + std::to_string(milliseconds);
}

}  // namespace

float LowerThreshold(const VadOptions& options) {
  return std::max(options.threshold - 0.15f, 0.01f);
}

std::string CheckVadOptions(const VadOptions& options) {
  if (!(options.threshold > 0.0f && options.threshold <= 1.0f)) {
    return "VAD threshold must be in (0, 1]: " + std::to_string(options.threshold);
  }
  for (auto [name, value] :
       {std::pair{"min_speech_ms", options.min_speech_ms}, std::pair{"min_silence_ms", options.min_silence_ms},
        std::pair{"speech_pad_ms", options.speech_pad_ms}}) {
    if (std::string problem = CheckDuration(name, value); !problem.empty()) return problem;
  }
  return "";
}

std::vector<SpeechSegment> SegmentSpeech(std::span<const float> probabilities, int window_samples, int sample_rate,
                                         int64_t total_samples, const VadOptions& options) {
  const std::vector<WindowSpan> windows =
      FindSpeechWindows(probabilities, window_samples, SamplesFor(sample_rate, options.min_silence_ms), options);
  const std::vector<SampleSpan> spans = Pad(
      ToSamples(windows, probabilities, window_samples, total_samples, SamplesFor(sample_rate, options.min_speech_ms)),
      SamplesFor(sample_rate, options.speech_pad_ms), total_samples);
  std::vector<SpeechSegment> segments;
  segments.reserve(spans.size());
  for (const SampleSpan& span : spans) {
    segments.push_back({span.start / sample_rate, span.end / sample_rate, span.probability});
  }
  return segments;
}

}  // namespace quarry::ml::vad
