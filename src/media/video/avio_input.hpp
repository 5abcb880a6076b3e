// AvioInput — an FFmpeg format context reading through an io::RandomAccessFile (custom AVIO), so FFmpeg
// reads the bytes a FileStore serves (a local file, a remote one through DuckDB's file system, or bytes
// already in memory) instead of opening paths itself. Seekable, with AVSEEK_SIZE. Frees everything on
// destruction.
#pragma once

#include <memory>

#include "common/result.hpp"
#include "io/file_store.hpp"

struct AVFormatContext;
struct AVIOContext;

namespace quarry::media {

class AvioInput {
 public:
  ~AvioInput();
  AvioInput(const AvioInput&) = delete;
  AvioInput& operator=(const AvioInput&) = delete;

  // Opens the file's container (avformat_open_input); an Error with FFmpeg's reason when it cannot.
  // Callers install FfmpegLogCapture first.
  static Result<std::unique_ptr<AvioInput>> Open(std::unique_ptr<io::RandomAccessFile> file);

  AVFormatContext* format() const { return format_; }
  uint64_t file_bytes() const { return file_->size(); }
  // Where reading has got to in the file, in bytes (for progress).
  int64_t position() const;

 private:
  AvioInput() = default;
  static int ReadPacket(void* opaque, uint8_t* buffer, int size);
  static int64_t Seek(void* opaque, int64_t offset, int whence);

  std::unique_ptr<io::RandomAccessFile> file_;
  int64_t position_ = 0;
  AVIOContext* io_ = nullptr;
  AVFormatContext* format_ = nullptr;
};

}  // namespace quarry::media
