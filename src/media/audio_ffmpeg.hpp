// Audio that libsndfile does not read, through FFmpeg's libraries: AAC/M4A and the audio track of
// video containers (MP4, MKV, WebM, AVI, ...). Used by DecodeAudio / ReadAudioHeader (audio.hpp) when
// libsndfile cannot open a file; gives float32 samples, interleaved, at the file's own rate and
// channels (mixdown and resampling stay in audio_decoder.cpp, the same for both paths).
//
// Reads from memory (a custom AVIOContext), bounded by max_samples like the libsndfile path. Formats
// libsndfile owns (WAV, FLAC, OGG, MP3, AIFF, ...) are refused here, so a file libsndfile calls broken
// is not half-read by another decoder. Thread-safe: each call has its own contexts.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/result.hpp"
#include "media/audio.hpp"

namespace quarry::media {

// The header of the file's best audio stream, or an Error when FFmpeg cannot open it (or the format is
// one libsndfile owns). `recognised` (optional) says whether FFmpeg knew the container, so that its
// Error (no audio stream, no decoder) is the one worth telling.
Result<AudioHeader> ReadAudioHeaderWithFfmpeg(std::span<const uint8_t> bytes, bool* recognised = nullptr);

// All samples of the file's best audio stream: rate and channels as stored, frames decoded.
Result<Audio> DecodeAudioWithFfmpeg(std::span<const uint8_t> bytes, uint64_t max_samples);

}  // namespace quarry::media
