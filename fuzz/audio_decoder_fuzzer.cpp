// libFuzzer target for the audio decoder (src/media/audio_decoder.cpp: libsndfile + soxr, and FFmpeg
// for what libsndfile cannot open).
// The first byte chooses the options (mono, target rate); the rest is the file. Checks that a decode
// either fails with a message or gives frames × channels samples within the sample limit, and that
// the header reader agrees with the decoder on the rate and channel count.
// fuzz-sources: src/media/audio_decoder.cpp src/media/audio_ffmpeg.cpp src/media/video/ffmpeg_log.cpp
// fuzz-sources: src/media/video/avio_input.cpp src/io/file_reader.cpp
// fuzz-libs: -lsndfile -lsoxr -lavformat -lavcodec -lswresample -lavutil
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "media/audio.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  constexpr int32_t kRates[] = {0, 8000, 16000, 44100};
  quarry::media::DecodeAudioOptions options;
  options.mono = data[0] & 1;
  options.sample_rate = kRates[(data[0] >> 1) % 4];
  options.max_samples = 1u << 20;  // keeps each run fast; the bound itself is under test
  const std::span<const uint8_t> bytes(data + 1, size - 1);

  auto header = quarry::media::ReadAudioHeader(bytes);
  auto audio = quarry::media::DecodeAudio(bytes, options);
  if (!audio.ok()) {
    if (audio.error().empty()) std::abort();
    return 0;
  }
  const quarry::media::Audio& decoded = audio.value();
  if (!header.ok() || decoded.channels < 1 || decoded.sample_rate < 1 || decoded.frames < 0) std::abort();
  if (decoded.samples.size() != static_cast<uint64_t>(decoded.frames) * decoded.channels) std::abort();
  if (decoded.samples.size() > options.max_samples) std::abort();
  if (decoded.channels != (options.mono ? 1 : header.value().channels)) std::abort();
  if (options.sample_rate == 0 && decoded.sample_rate != header.value().sample_rate) std::abort();
  return 0;
}
