// Audio decoding: from the bytes of a sound file (WAV, FLAC, OGG/Vorbis, Opus, MP3 — what Debian's
// libsndfile reads — and, through FFmpeg, AAC/M4A and the audio track of MP4, MKV, WebM and other
// video files) to float32 samples, optionally mixed down to mono and resampled (libsoxr).
//
// Bounded like the image decoders: a file whose decoded size would exceed DecodeAudioOptions::max_samples
// is an error before the buffer is allocated; malformed input is an Error, never a crash. Thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/result.hpp"

namespace quarry::media {

struct Audio {
  int32_t sample_rate = 0;
  int32_t channels = 0;
  int64_t frames = 0;
  std::vector<float> samples;  // frames * channels, interleaved, nominally in [-1, 1] (float files and
                               // resampling may go slightly beyond: not clipped)

  double duration_seconds() const { return sample_rate > 0 ? static_cast<double>(frames) / sample_rate : 0.0; }
};

struct AudioHeader {
  int32_t sample_rate = 0;
  int32_t channels = 0;
  int64_t frames = 0;  // in the file's own rate, as the header says; 0 when it does not say
};

struct DecodeAudioOptions {
  int32_t sample_rate = 0;  // resample to this rate; 0 keeps the file's rate
  bool mono = false;        // average the channels into one (sum / channels)
  // Upper bound on samples, checked against the header's frames × channels, against what is decoded
  // (before and after mixdown and resampling) and before the resampled buffer is allocated: 1 hour of
  // 48 kHz stereo by default. Exceeding it is an Error ("audio exceeds the decoded sample limit: ...").
  uint64_t max_samples = 48'000ull * 3600 * 2;
};

// Reads only the header (rate, channels, frames). Errors: "not an audio file libsndfile can read: "
// with libsndfile's reason; a header with no channels or a sample rate outside 1..1,536,000.
Result<AudioHeader> ReadAudioHeader(std::span<const uint8_t> bytes);

// Decodes, mixes down and resamples (libsoxr, SOXR_HQ; round(frames × new_rate / rate) frames) as
// `options` say. A file whose data is cut short decodes to the frames that are there, as libsndfile
// reads them. libmpg123 (under libsndfile) may print notes on damaged MP3 streams to stderr.
Result<Audio> DecodeAudio(std::span<const uint8_t> bytes, const DecodeAudioOptions& options = {});

}  // namespace quarry::media
