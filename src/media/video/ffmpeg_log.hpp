// FfmpegLogCapture — keeps FFmpeg's log messages out of the terminal and in quarry's error messages.
//
// FFmpeg logs through one process-wide callback (av_log_set_callback): that is the one piece of
// process-wide state video decoding needs, installed the first time a video is opened (never at load).
// The callback drops messages below AV_LOG_ERROR and remembers the last error of the calling thread,
// which the decoder appends to the error of the frame or file it was reading. Thread-safe.
#pragma once

#include <string>

namespace quarry::media {

class FfmpegLogCapture {
 public:
  // Installs the callback (once per process).
  static void Install();
  // Forgets this thread's last message.
  static void Clear();
  // " (FFmpeg: <last error>)" when this thread logged an error since Clear(), else "".
  static std::string LastMessageSuffix();
};

}  // namespace quarry::media
