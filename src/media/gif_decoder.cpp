// GIF decoding with giflib (see gif_decoder.hpp).
#include "media/gif_decoder.hpp"

#include <gif_lib.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "media/decode_limit.hpp"
#include "media/image_codec.hpp"

namespace quarry::media {
namespace {

// The bytes giflib reads through its input callback.
struct MemorySource {
  std::span<const uint8_t> bytes;
  size_t position = 0;
};

int ReadFromMemory(GifFileType* gif, GifByteType* buffer, int length) {
  auto* source = static_cast<MemorySource*>(gif->UserData);
  if (length <= 0) return 0;
  const size_t count = std::min(static_cast<size_t>(length), source->bytes.size() - source->position);
  std::memcpy(buffer, source->bytes.data() + source->position, count);
  source->position += count;
  return static_cast<int>(count);
}

struct GifCloser {
  void operator()(GifFileType* gif) const {
    int error = 0;
    DGifCloseFile(gif, &error);
  }
};
using GifFile = std::unique_ptr<GifFileType, GifCloser>;

std::string GifMessage(int code) {
  const char* message = GifErrorString(code);
  return message ? message : "giflib error " + std::to_string(code);
}

// An open GIF positioned just after its first image descriptor.
struct OpenedGif {
  GifFile gif;
  int transparent_index = NO_TRANSPARENT_COLOR;
};

Result<OpenedGif> OpenAtFirstImage(MemorySource& source) {
  OpenedGif opened;
  int error = 0;
  opened.gif.reset(DGifOpen(&source, ReadFromMemory, &error));
  if (!opened.gif) return Error{"corrupt GIF header: " + GifMessage(error)};
  GifFileType* gif = opened.gif.get();
  if (gif->SWidth <= 0 || gif->SHeight <= 0) return Error{"corrupt GIF header: the logical screen is empty"};
  for (;;) {
    GifRecordType type = UNDEFINED_RECORD_TYPE;
    if (DGifGetRecordType(gif, &type) == GIF_ERROR) return Error{"corrupt GIF: " + GifMessage(gif->Error)};
    if (type == IMAGE_DESC_RECORD_TYPE) {
      if (DGifGetImageDesc(gif) == GIF_ERROR) return Error{"corrupt GIF image descriptor: " + GifMessage(gif->Error)};
      return opened;
    }
    if (type == TERMINATE_RECORD_TYPE) return Error{"GIF has no image: the file ends before its first frame"};
    if (type != EXTENSION_RECORD_TYPE) return Error{"corrupt GIF: unknown record type " + std::to_string(type)};
    int code = 0;
    GifByteType* extension = nullptr;
    if (DGifGetExtension(gif, &code, &extension) == GIF_ERROR) {
      return Error{"corrupt GIF extension: " + GifMessage(gif->Error)};
    }
    if (code == GRAPHICS_EXT_FUNC_CODE && extension != nullptr && extension[0] >= 4) {
      GraphicsControlBlock control{};
      if (DGifExtensionToGCB(extension[0], extension + 1, &control) == GIF_OK) {
        opened.transparent_index = control.TransparentColor;
      }
    }
    while (extension != nullptr) {
      if (DGifGetExtensionNext(gif, &extension) == GIF_ERROR) {
        return Error{"corrupt GIF extension: " + GifMessage(gif->Error)};
      }
    }
  }
}

// The color at `index` as B, G, R; gray when there is no color map, black past its end.
void LookUpColor(const ColorMapObject* map, int index, uint8_t* bgr) {
  if (map == nullptr) {
    bgr[0] = bgr[1] = bgr[2] = static_cast<uint8_t>(index);
  } else if (index < 0 || index >= map->ColorCount) {
    bgr[0] = bgr[1] = bgr[2] = 0;
  } else {
    bgr[0] = map->Colors[index].Blue;
    bgr[1] = map->Colors[index].Green;
    bgr[2] = map->Colors[index].Red;
  }
}

}  // namespace

Result<ImageHeader> ReadGifHeader(std::span<const uint8_t> bytes) {
  MemorySource source;
  source.bytes = bytes;
  Result<OpenedGif> opened = OpenAtFirstImage(source);
  if (!opened.ok()) return Error{opened.error()};
  ImageHeader header;
  header.format = ImageFormat::kGif;
  header.width = opened.value().gif->SWidth;
  header.height = opened.value().gif->SHeight;
  header.channels = opened.value().transparent_index != NO_TRANSPARENT_COLOR ? 4 : 3;
  return header;
}

Result<Image> DecodeGif(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  MemorySource source;
  source.bytes = bytes;
  Result<OpenedGif> opened = OpenAtFirstImage(source);
  if (!opened.ok()) return Error{opened.error()};
  GifFileType* gif = opened.value().gif.get();
  const int transparent = opened.value().transparent_index;
  if (auto error = CheckPixelLimit(gif->SWidth, gif->SHeight, options.max_pixels)) return *error;

  Image image;
  image.width = gif->SWidth;
  image.height = gif->SHeight;
  image.channels = transparent != NO_TRANSPARENT_COLOR ? 4 : 3;
  const size_t channels = image.channels;
  image.pixels.resize(static_cast<size_t>(image.width) * image.height * channels);

  const GifImageDesc& frame = gif->Image;
  const ColorMapObject* map = frame.ColorMap != nullptr ? frame.ColorMap : gif->SColorMap;
  // Fill the screen: the transparent color with alpha 0, or the background color.
  uint8_t fill[4] = {0, 0, 0, 0};
  LookUpColor(map, transparent != NO_TRANSPARENT_COLOR ? transparent : gif->SBackGroundColor, fill);
  for (size_t i = 0; i < image.pixels.size(); i += channels) std::memcpy(image.pixels.data() + i, fill, channels);

  if (frame.Width <= 0 || frame.Height <= 0) return image;
  // A frame larger than the screen is cropped, but its rows are still read: bound that work too.
  if (auto error = CheckPixelLimit(frame.Width, frame.Height, options.max_pixels)) return *error;
  std::vector<GifPixelType> line(static_cast<size_t>(frame.Width));
  // Interlaced frames arrive in four passes: rows 0, 8, ...; 4, 12, ...; 2, 6, ...; 1, 3, ...
  constexpr int kPassStart[] = {0, 4, 2, 1};
  constexpr int kPassStep[] = {8, 8, 4, 2};
  const int passes = frame.Interlace ? 4 : 1;
  for (int pass = 0; pass < passes; ++pass) {
    const int start = frame.Interlace ? kPassStart[pass] : 0;
    const int step = frame.Interlace ? kPassStep[pass] : 1;
    for (int frame_y = start; frame_y < frame.Height; frame_y += step) {
      if (DGifGetLine(gif, line.data(), frame.Width) == GIF_ERROR) {
        if (gif->Error == D_GIF_ERR_READ_FAILED) return Error{"truncated GIF: the file ends inside the first frame"};
        return Error{"corrupt GIF image data: " + GifMessage(gif->Error)};
      }
      const int64_t y = int64_t{frame.Top} + frame_y;
      if (y < 0 || y >= image.height) continue;
      uint8_t* row = image.row(static_cast<int32_t>(y));
      for (int frame_x = 0; frame_x < frame.Width; ++frame_x) {
        const int64_t x = int64_t{frame.Left} + frame_x;
        if (x < 0 || x >= image.width) continue;
        uint8_t* pixel = row + x * channels;
        LookUpColor(map, line[frame_x], pixel);
        if (channels == 4) pixel[3] = line[frame_x] == transparent ? 0 : 255;
      }
    }
  }
  return image;
}

namespace {

bool SniffGif(std::span<const uint8_t> bytes) {
  return StartsWith(bytes, "GIF87a") || StartsWith(bytes, "GIF89a");
}

}  // namespace

// This codec's entry in the registry (image_codecs.cpp).
const ImageCodec& GifCodec() {
  static constexpr ImageCodec codec{ImageFormat::kGif, "gif", "GIF", SniffGif, ReadGifHeader, DecodeGif};
  return codec;
}

}  // namespace quarry::media
