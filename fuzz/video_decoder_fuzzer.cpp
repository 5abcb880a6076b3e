// libFuzzer target for the video decoder (src/media/video/: FFmpeg demuxing, decoding, selection and
// conversion). The first byte chooses the options (fps, start, scaling, key frames only); the rest is
// the file, written to a temporary file FFmpeg opens by path. Checks that every frame either has an
// error or pixels written in exactly width x height x 3 bytes, that indexes and timestamps never go back, and
// that a file ends (a bounded number of frames).
// fuzz-sources: src/media/video/*.cpp src/io/file_reader.cpp
// fuzz-libs: -lavformat -lavcodec -lswscale -lavutil
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "media/video/video_decoder.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  static const std::string path = "/tmp/quarry_video_fuzz_" + std::to_string(::getpid());
  FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) return 0;
  std::fwrite(data + 1, 1, size - 1, file);
  std::fclose(file);

  quarry::media::VideoReadOptions options;
  const uint8_t choice = data[0];
  if (choice & 1) options.fps = (choice & 2) ? 1 : 7;
  if (choice & 4) options.start = 0.5;
  if (choice & 8) options.width = options.height = 17;
  options.keyframes_only = choice & 16;
  options.max_pixels = 1u << 22;
  auto decoder = quarry::media::VideoDecoder::Open(path, options);
  if (!decoder.ok()) {
    if (decoder.error().empty()) std::abort();
    return 0;
  }
  double last_timestamp = -1e300;
  std::vector<uint8_t> pixels;
  for (int count = 0;; count++) {
    if (count > 100000) std::abort();  // a file must end
    auto frame = decoder.value()->Next(true);
    if (!frame) break;
    if (frame->error) {
      if (frame->error->empty()) std::abort();
      continue;
    }
    if (!frame->has_pixels || frame->width <= 0 || frame->height <= 0) std::abort();
    if (options.width > 0 && (frame->width != 17 || frame->height != 17)) std::abort();
    pixels.assign(static_cast<size_t>(frame->width) * frame->height * 3 + 1, 0xA5);
    if (auto error = decoder.value()->WritePixels(pixels.data())) {
      if (error->empty()) std::abort();
      continue;
    }
    if (pixels.back() != 0xA5) std::abort();  // nothing written past width x height x 3 bytes
    if (frame->timestamp < last_timestamp) std::abort();
    last_timestamp = frame->timestamp;
  }
  return 0;
}
