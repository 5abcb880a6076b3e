// BMP decoding (see bmp_decoder.hpp).
#include "media/bmp_decoder.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <string>
#include <vector>

#include "media/bmp_rle.hpp"
#include "media/decode_limit.hpp"
#include "media/image_codec.hpp"

namespace quarry::media {
namespace {

constexpr uint32_t kCompressionRgb = 0;
constexpr uint32_t kCompressionRle8 = 1;
constexpr uint32_t kCompressionRle4 = 2;
constexpr uint32_t kCompressionBitfields = 3;
constexpr uint32_t kCompressionAlphaBitfields = 6;
constexpr size_t kFileHeaderBytes = 14;

uint16_t ReadU16(std::span<const uint8_t> bytes, size_t at) {
  return static_cast<uint16_t>(bytes[at] | bytes[at + 1] << 8);
}
uint32_t ReadU32(std::span<const uint8_t> bytes, size_t at) {
  return uint32_t{bytes[at]} | uint32_t{bytes[at + 1]} << 8 | uint32_t{bytes[at + 2]} << 16 |
         uint32_t{bytes[at + 3]} << 24;
}

// One channel described by a bit mask: where it sits and how to widen it to 8 bits.
struct Channel {
  uint32_t mask = 0;
  int shift = 0;
  uint32_t max = 0;  // mask >> shift

  static Channel FromMask(uint32_t mask) {
    Channel channel;
    channel.mask = mask;
    if (mask != 0) {
      channel.shift = std::countr_zero(mask);
      channel.max = mask >> channel.shift;
    }
    return channel;
  }
  // value × 255 / max, truncated, as Pillow widens 5- and 6-bit fields.
  uint8_t Extract(uint32_t value) const {
    if (max == 0) return 0;
    return static_cast<uint8_t>(uint64_t{(value & mask) >> shift} * 255 / max);
  }
};

// Everything the headers say, validated against the buffer.
struct BmpLayout {
  int32_t width = 0;
  int32_t height = 0;  // positive
  bool top_down = false;
  int bits = 0;
  uint32_t compression = kCompressionRgb;
  std::array<Channel, 4> channels{};            // R, G, B, A for 16/32-bit
  std::vector<std::array<uint8_t, 3>> palette;  // B, G, R
  size_t pixel_offset = 0;
  int output_channels = 3;
};

Result<BmpLayout> ReadLayout(std::span<const uint8_t> bytes) {
  if (bytes.size() < kFileHeaderBytes + 4 || bytes[0] != 'B' || bytes[1] != 'M') {
    return Error{"corrupt BMP header: the file is too short"};
  }
  BmpLayout layout;
  layout.pixel_offset = ReadU32(bytes, 10);
  const uint32_t header_size = ReadU32(bytes, kFileHeaderBytes);
  if (header_size != 12 && header_size < 40) {
    return Error{"unsupported BMP header size: " + std::to_string(header_size)};
  }
  if (bytes.size() < kFileHeaderBytes + uint64_t{header_size})
    return Error{"truncated BMP: the file ends in its header"};
  const size_t dib = kFileHeaderBytes;
  int64_t height = 0;
  if (header_size == 12) {  // BITMAPCOREHEADER (OS/2 1.x)
    layout.width = ReadU16(bytes, dib + 4);
    height = ReadU16(bytes, dib + 6);
    layout.bits = ReadU16(bytes, dib + 10);
  } else {
    layout.width = static_cast<int32_t>(ReadU32(bytes, dib + 4));
    height = static_cast<int32_t>(ReadU32(bytes, dib + 8));
    layout.bits = ReadU16(bytes, dib + 14);
    layout.compression = ReadU32(bytes, dib + 16);
  }
  layout.top_down = height < 0;
  height = height < 0 ? -height : height;
  if (layout.width <= 0 || height <= 0 || height > INT32_MAX) {
    return Error{"corrupt BMP header: invalid size " + std::to_string(layout.width) + "×" + std::to_string(height)};
  }
  layout.height = static_cast<int32_t>(height);

  size_t after_header = dib + header_size;
  if (layout.compression == kCompressionBitfields || layout.compression == kCompressionAlphaBitfields) {
    if (layout.bits != 16 && layout.bits != 32) {
      return Error{"unsupported BMP bit fields depth: " + std::to_string(layout.bits)};
    }
    // Masks follow a 40-byte header; larger headers hold them (V2: RGB, V3+: RGBA).
    const size_t mask_count = layout.compression == kCompressionAlphaBitfields ? 4 : 3;
    const size_t masks_at = dib + 40;
    if (header_size == 40) after_header += mask_count * 4;
    if (bytes.size() < masks_at + mask_count * 4) return Error{"truncated BMP: the file ends in its bit masks"};
    const bool has_alpha_mask = mask_count == 4 || header_size >= 56;
    for (size_t c = 0; c < 3; ++c) layout.channels[c] = Channel::FromMask(ReadU32(bytes, masks_at + c * 4));
    if (has_alpha_mask) layout.channels[3] = Channel::FromMask(ReadU32(bytes, masks_at + 12));
    layout.output_channels = layout.channels[3].mask != 0 ? 4 : 3;
  } else if (layout.compression == kCompressionRle8 || layout.compression == kCompressionRle4) {
    const int rle_bits = layout.compression == kCompressionRle8 ? 8 : 4;
    if (layout.bits != rle_bits) {
      return Error{"corrupt BMP: RLE" + std::to_string(rle_bits) + " with a bit depth of " +
                   std::to_string(layout.bits)};
    }
  } else if (layout.compression != kCompressionRgb) {
    return Error{"unsupported BMP compression (JPEG or PNG): " + std::to_string(layout.compression)};
  } else if (layout.bits == 16) {  // 5-5-5
    layout.channels = {Channel::FromMask(0x7C00), Channel::FromMask(0x03E0), Channel::FromMask(0x001F), Channel{}};
  } else if (layout.bits == 32) {  // B, G, R, padding
    layout.channels = {Channel::FromMask(0xFF0000), Channel::FromMask(0xFF00), Channel::FromMask(0xFF), Channel{}};
  } else if (layout.bits != 1 && layout.bits != 4 && layout.bits != 8 && layout.bits != 24) {
    return Error{"unsupported BMP bit depth: " + std::to_string(layout.bits)};
  }

  if (layout.bits <= 8) {
    const size_t entry_bytes = header_size == 12 ? 3 : 4;
    uint64_t count = header_size == 12 ? 0 : ReadU32(bytes, dib + 32);
    const uint64_t max_count = uint64_t{1} << layout.bits;
    if (count == 0 || count > max_count) count = max_count;
    // Files often declare more entries than fit before the pixels: keep those that do.
    const uint64_t room = layout.pixel_offset > after_header ? (layout.pixel_offset - after_header) / entry_bytes : 0;
    const uint64_t available = after_header < bytes.size() ? (bytes.size() - after_header) / entry_bytes : 0;
    count = std::min({count, room, available});
    if (count == 0) return Error{"corrupt BMP: a palette image without a palette"};
    layout.palette.resize(count);
    for (size_t i = 0; i < count; ++i) {
      std::memcpy(layout.palette[i].data(), bytes.data() + after_header + i * entry_bytes, 3);
    }
  }
  return layout;
}

// The color of a palette index; black beyond the palette (as Pillow's padded palette).
const uint8_t* PaletteColor(const BmpLayout& layout, size_t index) {
  static constexpr std::array<uint8_t, 3> kBlack{0, 0, 0};
  return index < layout.palette.size() ? layout.palette[index].data() : kBlack.data();
}

// BI_RLE8 / BI_RLE4 (bmp_rle.cpp): indices in stored row order, then the palette.
Result<Image> DecodeRle(std::span<const uint8_t> bytes, const BmpLayout& layout) {
  if (layout.pixel_offset > bytes.size()) return Error{"truncated BMP: the file ends before its pixel data"};
  Result<std::vector<uint8_t>> indices = DecodeBmpRle(bytes.subspan(layout.pixel_offset), layout.width, layout.height,
                                                      layout.compression == kCompressionRle4);
  if (!indices.ok()) return Error{indices.error()};
  Image image;
  image.width = layout.width;
  image.height = layout.height;
  image.channels = 3;
  image.pixels.resize(static_cast<size_t>(image.width) * image.height * 3);
  for (int32_t y = 0; y < image.height; ++y) {
    const size_t stored_row = static_cast<size_t>(layout.top_down ? y : image.height - 1 - y);
    const uint8_t* in = indices.value().data() + stored_row * image.width;
    uint8_t* out = image.row(y);
    for (int32_t x = 0; x < image.width; ++x) std::memcpy(out + size_t{3} * x, PaletteColor(layout, in[x]), 3);
  }
  return image;
}

}  // namespace

Result<ImageHeader> ReadBmpHeader(std::span<const uint8_t> bytes) {
  Result<BmpLayout> layout = ReadLayout(bytes);
  if (!layout.ok()) return Error{layout.error()};
  ImageHeader header;
  header.format = ImageFormat::kBmp;
  header.width = layout.value().width;
  header.height = layout.value().height;
  header.channels = layout.value().output_channels;
  return header;
}

Result<Image> DecodeBmp(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  Result<BmpLayout> result = ReadLayout(bytes);
  if (!result.ok()) return Error{result.error()};
  const BmpLayout& layout = result.value();
  if (auto error = CheckPixelLimit(layout.width, layout.height, options.max_pixels)) return *error;
  if (layout.compression == kCompressionRle8 || layout.compression == kCompressionRle4) {
    return DecodeRle(bytes, layout);
  }
  const uint64_t stride = (uint64_t{static_cast<uint32_t>(layout.width)} * layout.bits + 31) / 32 * 4;
  const uint64_t needed = stride * static_cast<uint64_t>(layout.height);
  if (layout.pixel_offset > bytes.size() || bytes.size() - layout.pixel_offset < needed) {
    return Error{"truncated BMP: the file ends before its pixel data does"};
  }
  Image image;
  image.width = layout.width;
  image.height = layout.height;
  image.channels = layout.output_channels;
  const size_t channels = image.channels;
  image.pixels.resize(static_cast<size_t>(image.width) * image.height * channels);
  const uint8_t* pixel_data = bytes.data() + layout.pixel_offset;
  for (int32_t y = 0; y < image.height; ++y) {
    const uint8_t* in = pixel_data + stride * static_cast<uint64_t>(layout.top_down ? y : image.height - 1 - y);
    uint8_t* out = image.row(y);
    for (int32_t x = 0; x < image.width; ++x, out += channels) {
      if (layout.bits <= 8) {
        const int per_byte = 8 / layout.bits;
        const int shift = 8 - layout.bits * (x % per_byte + 1);
        const size_t index = (in[x / per_byte] >> shift) & ((1u << layout.bits) - 1);
        std::memcpy(out, PaletteColor(layout, index), 3);
      } else if (layout.bits == 24) {
        std::memcpy(out, in + size_t{3} * x, 3);
      } else {
        const uint32_t value = layout.bits == 16 ? ReadU16({in, static_cast<size_t>(stride)}, size_t{2} * x)
                                                 : ReadU32({in, static_cast<size_t>(stride)}, size_t{4} * x);
        out[0] = layout.channels[2].Extract(value);
        out[1] = layout.channels[1].Extract(value);
        out[2] = layout.channels[0].Extract(value);
        if (channels == 4) out[3] = layout.channels[3].Extract(value);
      }
    }
  }
  return image;
}

namespace {

bool SniffBmp(std::span<const uint8_t> bytes) {
  return StartsWith(bytes, "BM");
}

}  // namespace

// This codec's entry in the registry (image_codecs.cpp).
const ImageCodec& BmpCodec() {
  static constexpr ImageCodec codec{ImageFormat::kBmp, "bmp", "BMP", SniffBmp, ReadBmpHeader, DecodeBmp};
  return codec;
}

}  // namespace quarry::media
