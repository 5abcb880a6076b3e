// BI_RLE8 and BI_RLE4 decoding (see bmp_rle.hpp).
#include "media/bmp_rle.hpp"

#include <algorithm>
#include <string>

namespace quarry::media {
namespace {

// The output side: width × height indices written in order, never past the end. The column counts
// pixels since the last end of line or delta and is not wrapped (as Pillow's), so encoded runs past
// the row's end are dropped: encoders that pad rows to an even width (ImageMagick) rely on it.
class IndexWriter {
 public:
  IndexWriter(int32_t width, int32_t height)
      : width_(static_cast<size_t>(width)), indices_(static_cast<size_t>(width) * static_cast<size_t>(height), 0) {}

  bool full() const { return position_ >= indices_.size(); }
  size_t position() const { return position_; }
  size_t size() const { return indices_.size(); }
  // How many pixels of an encoded run fit before the row's end.
  size_t RoomInRow(size_t count) const { return column_ >= width_ ? 0 : std::min(count, width_ - column_); }
  void Put(uint8_t index) {
    if (position_ < indices_.size()) indices_[position_] = index;
    ++position_;
    ++column_;
  }
  void EndLine() {
    Skip((width_ - position_ % width_) % width_);
    column_ = 0;
  }
  void Delta(size_t right, size_t down) {
    Skip(right + down * width_);
    column_ = position_ % width_;
  }
  std::vector<uint8_t> Take() && { return std::move(indices_); }

 private:
  // Skipped pixels stay 0; never past the end.
  void Skip(size_t count) { position_ = std::min(indices_.size(), position_ + count); }

  size_t width_;
  std::vector<uint8_t> indices_;
  size_t position_ = 0;
  size_t column_ = 0;
};

}  // namespace

Result<std::vector<uint8_t>> DecodeBmpRle(std::span<const uint8_t> stream, int32_t width, int32_t height, bool rle4) {
  IndexWriter out(width, height);
  size_t at = 0;
  while (!out.full() && at + 2 <= stream.size()) {
    const size_t count = stream[at];
    const uint8_t value = stream[at + 1];
    at += 2;
    if (count > 0) {  // encoded run, clipped at the end of the row
      const size_t run = out.RoomInRow(count);
      for (size_t i = 0; i < run; ++i) out.Put(rle4 ? (i % 2 == 0 ? value >> 4 : value & 0x0F) : value);
    } else if (value == 0) {
      out.EndLine();
    } else if (value == 1) {
      break;  // end of bitmap
    } else if (value == 2) {
      if (at + 2 > stream.size()) break;
      out.Delta(stream[at], stream[at + 1]);
      at += 2;
    } else {  // absolute run of `value` pixels, padded to a 16-bit boundary
      const size_t bytes = rle4 ? (size_t{value} + 1) / 2 : value;
      const size_t available = std::min(bytes, stream.size() - at);
      for (size_t i = 0; i < value && (rle4 ? i / 2 : i) < available; ++i) {
        const uint8_t byte = stream[at + (rle4 ? i / 2 : i)];
        out.Put(rle4 ? (i % 2 == 0 ? byte >> 4 : byte & 0x0F) : byte);
      }
      if (available < bytes) break;
      at += bytes + bytes % 2;
    }
  }
  if (!out.full()) {
    return Error{"corrupt or truncated BMP: the RLE data stops after " + std::to_string(out.position()) + " of " +
                 std::to_string(out.size()) + " pixels"};
  }
  return std::move(out).Take();
}

}  // namespace quarry::media
