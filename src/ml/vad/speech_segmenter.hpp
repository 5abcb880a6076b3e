// Speech segmentation: from per-window speech probabilities (Silero VAD's, one per 512 samples) to speech
// segments in seconds, with hysteresis, a minimum speech length and padding. The rules follow Silero's
// get_speech_timestamps (utils_vad.py); each is stated below. Pure functions, no model: thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace quarry::ml::vad {

// A stretch of speech, in seconds from the start of the audio.
struct SpeechSegment {
  double start = 0;
  double end = 0;
  float probability = 0;  // the mean speech probability of the windows in [start, end) before padding
};

struct VadOptions {
  float threshold = 0.5f;    // a window with probability ≥ threshold is speech; in 0 < threshold ≤ 1
  int min_speech_ms = 250;   // shorter segments are dropped; 0..3,600,000
  int min_silence_ms = 100;  // silence that ends a segment; 0..3,600,000
  int speech_pad_ms = 30;    // widening of each side; 0..3,600,000
};

// The threshold below which a window, during speech, counts as silence: threshold − 0.15, at least 0.01.
float LowerThreshold(const VadOptions& options);

// An empty string when `options` are in range; else what is wrong ("VAD threshold must be in (0, 1]: 2").
std::string CheckVadOptions(const VadOptions& options);

// The speech segments of an audio of `total_samples` samples at `sample_rate` (> 0), whose window i
// (samples [i·window_samples, (i+1)·window_samples), the last one possibly running past the end) has
// speech probability probabilities[i]. REQUIRES: CheckVadOptions(options) is empty. The rules:
//  1. Start: outside speech, a window with probability ≥ threshold starts a segment at its start.
//  2. Possible end: in speech, the first window with probability < LowerThreshold() marks a possible end
//     at its start. A later window with probability ≥ threshold cancels the mark; windows in between
//     (lower threshold ≤ p < threshold) neither mark nor cancel.
//  3. End: the segment ends at the mark once the windows from the mark through the current one span at
//     least min_silence_ms. The next window may start a new segment (rule 1).
//  4. End of audio: a segment still open ends at its mark if it has one, else at the end of the audio.
//  5. Minimum length: segments shorter than min_speech_ms (end − start, before padding) are dropped.
//  6. Probability: the mean over the windows from the start's window to the end's (exclusive).
//  7. Padding: each kept segment is widened by speech_pad_ms on both sides, never before 0 or past the
//     end of the audio; where the gap between two neighbours is shorter than 2 × speech_pad_ms, each
//     takes half of it, so segments never overlap.
// Segments are in time order; start and end are sample positions divided by sample_rate.
std::vector<SpeechSegment> SegmentSpeech(std::span<const float> probabilities, int window_samples, int sample_rate,
                                         int64_t total_samples, const VadOptions& options);

}  // namespace quarry::ml::vad
