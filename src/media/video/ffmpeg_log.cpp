// FfmpegLogCapture (see ffmpeg_log.hpp).
#include "media/video/ffmpeg_log.hpp"

#include <cstdarg>
#include <cstdio>
#include <mutex>

extern "C" {
#include <libavutil/log.h>
}

namespace quarry::media {

namespace {

thread_local std::string last_message;

void Capture(void* context, int level, const char* format, va_list arguments) {
  if (level > AV_LOG_ERROR) return;
  char text[512];
  std::vsnprintf(text, sizeof(text), format, arguments);
  std::string message(text);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (!message.empty()) last_message = std::move(message);
}

}  // namespace

void FfmpegLogCapture::Install() {
  static std::once_flag installed;
  std::call_once(installed, [] { av_log_set_callback(Capture); });
}

void FfmpegLogCapture::Clear() {
  last_message.clear();
}

std::string FfmpegLogCapture::LastMessageSuffix() {
  if (last_message.empty()) return "";
  return " (FFmpeg: " + last_message + ")";
}

}  // namespace quarry::media
