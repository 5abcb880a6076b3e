// VideoDecoder — the frames of one video file as pictures in Spark's layout (BGR), through Debian's FFmpeg
// libraries (libavformat demuxes, libavcodec decodes, libswscale converts and scales).
//
// Frames come in presentation order with their index in the stream and their timestamp. Selection
// happens here so that frames nobody wants are not converted (and, where the file allows, not decoded
// at all): `fps` keeps for each k/fps seconds the frame nearest in time, seeking forward past what lies
// between when the stream has a constant frame rate; `start`/`end` seek and stop; `keyframes_only`
// asks the decoder for key frames alone. A corrupt packet or frame is a frame with an error (and its
// index where known); a damaged container ends the file with an error frame. Pixels are what the
// `ffmpeg` command gives for `-f rawvideo -pix_fmt bgr24` (same swscale conversion: bicubic, the
// frame's colour matrix and range).
//
// One object per open file, used by one thread at a time. Knows nothing of DuckDB.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "io/file_store.hpp"

namespace quarry::media {

struct VideoReadOptions {
  double fps = 0;             // > 0: one frame per 1/fps seconds (the nearest); 0: every frame
  double start = 0;           // seconds: frames before are skipped (by seeking)
  std::optional<double> end;  // seconds: frames at or after are not read
  int32_t width = 0;          // > 0 with height: frames scaled to width x height (bicubic)
  int32_t height = 0;
  bool keyframes_only = false;     // only key frames (the decoder skips the rest)
  int decoder_threads = 1;         // libavcodec's threads for this file
  uint64_t max_pixels = 89478485;  // a larger frame is an error, not an allocation (Pillow's limit)
};

struct VideoFrame {
  int64_t index = -1;                // position in the stream (presentation order), -1 when unknown
  double timestamp = 0;              // seconds from the stream's start
  bool has_pixels = false;           // WritePixels can write this frame's BGR pixels
  std::optional<std::string> error;  // why this frame (or the rest of the file) could not be read
  int32_t width = 0;                 // the frame's size as it would be output (after `width`/`height` scaling)
  int32_t height = 0;
};

class VideoDecoder {
 public:
  // Opens the file's best video stream. An Error names why (not a video, no decoder, unreadable).
  static Result<std::unique_ptr<VideoDecoder>> Open(std::unique_ptr<io::RandomAccessFile> file,
                                                    const VideoReadOptions& options);
  // The same for a local file.
  static Result<std::unique_ptr<VideoDecoder>> Open(const std::string& path, const VideoReadOptions& options);
  ~VideoDecoder();
  VideoDecoder(const VideoDecoder&) = delete;
  VideoDecoder& operator=(const VideoDecoder&) = delete;

  // The next selected frame, or nullopt at the end of the file. With `want_pixels` the frame's picture
  // is kept for WritePixels (has_pixels); without, the frame is decoded (to prove it valid and know its
  // size) but never converted.
  std::optional<VideoFrame> Next(bool want_pixels);
  // Writes the BGR pixels of the frame Next returned last (width x height x 3 bytes, row-major) into
  // `destination`, converting straight into it. Returns the error, if any.
  std::optional<std::string> WritePixels(uint8_t* destination);
  // How far through the file the decoder is, 0..1.
  double Progress() const;

  // fps mode, for reading one file on several threads: how many targets (k / fps for k = 0, 1, ...)
  // the file's duration holds, or nullopt when it cannot be split by time (no fps, a variable frame
  // rate, an unknown duration, or fps above half the frame rate, where one frame may be the nearest to
  // targets of two parts).
  std::optional<int64_t> TargetCount() const;
  // fps mode: yield only the frames nearest to targets [first, end), seeking to the first (call before
  // the first Next). Parts with adjacent ranges never yield the same frame.
  void SelectTargets(int64_t first, std::optional<int64_t> end);

  struct State;

 private:
  explicit VideoDecoder(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace quarry::media
