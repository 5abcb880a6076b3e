// AvioInput: FFmpeg reading through an io::RandomAccessFile (see avio_input.hpp).
#include "media/video/avio_input.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

extern "C" {
#include <libavformat/avformat.h>
}

namespace quarry::media {

namespace {

constexpr int kIoBufferBytes = 64 * 1024;

std::string AvError(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof(text));
  return text;
}

}  // namespace

AvioInput::~AvioInput() {
  if (format_) avformat_close_input(&format_);
  if (io_) {
    av_freep(&io_->buffer);
    avio_context_free(&io_);
  }
}

int AvioInput::ReadPacket(void* opaque, uint8_t* buffer, int size) {
  auto* input = static_cast<AvioInput*>(opaque);
  auto read = input->file_->ReadAt(static_cast<uint64_t>(input->position_), buffer, static_cast<size_t>(size));
  if (!read.ok()) return AVERROR(EIO);
  if (read.value() == 0) return AVERROR_EOF;
  input->position_ += static_cast<int64_t>(read.value());
  return static_cast<int>(read.value());
}

int64_t AvioInput::Seek(void* opaque, int64_t offset, int whence) {
  auto* input = static_cast<AvioInput*>(opaque);
  const auto size = static_cast<int64_t>(input->file_->size());
  if (whence == AVSEEK_SIZE) return size;
  int64_t base = 0;
  switch (whence & ~AVSEEK_FORCE) {
    case SEEK_SET:
      base = 0;
      break;
    case SEEK_CUR:
      base = input->position_;
      break;
    case SEEK_END:
      base = size;
      break;
    default:
      return -1;
  }
  const int64_t target = base + offset;
  if (target < 0 || target > size) return -1;
  input->position_ = target;
  return target;
}

Result<std::unique_ptr<AvioInput>> AvioInput::Open(std::unique_ptr<io::RandomAccessFile> file) {
  std::unique_ptr<AvioInput> input(new AvioInput());
  input->file_ = std::move(file);
  auto* buffer = static_cast<uint8_t*>(av_malloc(kIoBufferBytes));
  if (!buffer) return Error{"out of memory"};
  input->io_ = avio_alloc_context(buffer, kIoBufferBytes, 0, input.get(), ReadPacket, nullptr, Seek);
  if (!input->io_) {
    av_free(buffer);
    return Error{"out of memory"};
  }
  input->format_ = avformat_alloc_context();
  if (!input->format_) return Error{"out of memory"};
  input->format_->pb = input->io_;
  input->format_->flags |= AVFMT_FLAG_CUSTOM_IO;
  const int code = avformat_open_input(&input->format_, nullptr, nullptr, nullptr);
  if (code < 0) {
    input->format_ = nullptr;  // freed by avformat_open_input on failure
    return Error{AvError(code)};
  }
  return input;
}

int64_t AvioInput::position() const {
  return io_ ? avio_tell(io_) : 0;
}

}  // namespace quarry::media
