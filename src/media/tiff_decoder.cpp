// TIFF decoding with libtiff from memory (see tiff_decoder.hpp).
#include "media/tiff_decoder.hpp"

#include <tiffio.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "media/decode_limit.hpp"
#include "media/exif_orientation.hpp"
#include "media/image_codec.hpp"
#include "media/tiff_wide_gray.hpp"

namespace quarry::media {
namespace {

// The file libtiff reads through its client callbacks, and what libtiff said while reading it: the
// first error and the warnings (a few, each shortened), for the error message when decoding fails.
struct MemoryFile {
  std::span<const uint8_t> bytes;
  uint64_t position = 0;
  std::string error;
  std::vector<std::string> warnings;
};

constexpr size_t kMaxWarnings = 4;

// The message alone: libtiff's module names (TIFFFillStrip, ...) mean nothing to users.
std::string Format(const char* format, va_list arguments) {
  char message[512];
  std::vsnprintf(message, sizeof(message), format, arguments);
  return message;
}

void Record(MemoryFile& file, bool is_error, const char* format, va_list arguments) {
  if (is_error) {
    if (file.error.empty()) file.error = Format(format, arguments);
  } else if (file.warnings.size() < kMaxWarnings) {
    std::string warning = Format(format, arguments);
    if (std::find(file.warnings.begin(), file.warnings.end(), warning) == file.warnings.end()) {
      file.warnings.push_back(std::move(warning));
    }
  }
}

tmsize_t ReadFromMemory(thandle_t handle, void* buffer, tmsize_t size) {
  auto* file = static_cast<MemoryFile*>(handle);
  if (size <= 0 || file->position >= file->bytes.size()) return 0;
  const uint64_t count = std::min<uint64_t>(static_cast<uint64_t>(size), file->bytes.size() - file->position);
  std::memcpy(buffer, file->bytes.data() + file->position, count);
  file->position += count;
  return static_cast<tmsize_t>(count);
}

tmsize_t RefuseWrite(thandle_t, void*, tmsize_t) {
  return -1;
}

toff_t SeekInMemory(thandle_t handle, toff_t offset, int whence) {
  auto* file = static_cast<MemoryFile*>(handle);
  uint64_t base = 0;
  if (whence == SEEK_CUR) base = file->position;
  if (whence == SEEK_END) base = file->bytes.size();
  if (offset > UINT64_MAX - base) return static_cast<toff_t>(-1);
  file->position = base + offset;
  return file->position;
}

int CloseMemory(thandle_t) {
  return 0;
}
toff_t MemorySize(thandle_t handle) {
  return static_cast<MemoryFile*>(handle)->bytes.size();
}

// libtiff reads a mapped file in place; it never writes into it when opened for reading.
int MapMemory(thandle_t handle, void** base, toff_t* size) {
  auto* file = static_cast<MemoryFile*>(handle);
  *base = const_cast<uint8_t*>(file->bytes.data());
  *size = file->bytes.size();
  return 1;
}
void UnmapMemory(thandle_t, void*, toff_t) {}

// Per-handle handlers (libtiff >= 4.5): every message about one open file goes to its MemoryFile.
int CaptureError(TIFF*, void* user_data, const char* module, const char* format, va_list arguments) {
  Record(*static_cast<MemoryFile*>(user_data), true, format, arguments);
  return 1;  // handled: do not call the global handlers
}

int CaptureWarning(TIFF*, void* user_data, const char* module, const char* format, va_list arguments) {
  Record(*static_cast<MemoryFile*>(user_data), false, format, arguments);
  return 1;
}

// The few messages libtiff sends without a handle go to the process-wide handlers, whose default
// prints to stderr. Those are replaced once per process by handlers that give each message to the
// file this thread is reading (CurrentFile), or drop it: nothing is ever printed.
thread_local MemoryFile* current_file = nullptr;

void CaptureGlobalError(const char* module, const char* format, va_list arguments) {
  if (current_file) Record(*current_file, true, format, arguments);
}

void CaptureGlobalWarning(const char* module, const char* format, va_list arguments) {
  if (current_file) Record(*current_file, false, format, arguments);
}

// While it lives, this thread's handle-less libtiff messages belong to `file`.
class CurrentFile {
 public:
  explicit CurrentFile(MemoryFile& file) : previous_(current_file) {
    static std::once_flag once;
    std::call_once(once, [] {
      TIFFSetErrorHandler(CaptureGlobalError);
      TIFFSetWarningHandler(CaptureGlobalWarning);
    });
    current_file = &file;
  }
  ~CurrentFile() { current_file = previous_; }
  CurrentFile(const CurrentFile&) = delete;
  CurrentFile& operator=(const CurrentFile&) = delete;

 private:
  MemoryFile* previous_;
};

struct TiffCloser {
  void operator()(TIFF* tiff) const { TIFFClose(tiff); }
};
using TiffFile = std::unique_ptr<TIFF, TiffCloser>;

struct OptionsFreer {
  void operator()(TIFFOpenOptions* options) const { TIFFOpenOptionsFree(options); }
};

// The first directory of an open TIFF and what DecodeTiff will produce from it.
struct OpenedTiff {
  TiffFile tiff;
  uint32_t width = 0;
  uint32_t height = 0;
  int channels = 0;
  uint16_t orientation = ORIENTATION_TOPLEFT;
};

// libtiff's error (or `fallback`), then its warnings, which often say why.
std::string Describe(const MemoryFile& file, const char* fallback) {
  std::string message = file.error.empty() ? std::string(fallback) : file.error;
  if (!file.warnings.empty()) {
    message += " (libtiff warnings: ";
    for (size_t i = 0; i < file.warnings.size(); ++i) message += (i ? "; " : "") + file.warnings[i];
    message += ")";
  }
  return message;
}

Result<OpenedTiff> OpenTiff(MemoryFile& file, uint64_t max_allocation) {
  std::unique_ptr<TIFFOpenOptions, OptionsFreer> options(TIFFOpenOptionsAlloc());
  if (!options) return Error{"cannot start the TIFF decoder: out of memory"};
  TIFFOpenOptionsSetMaxSingleMemAlloc(options.get(), static_cast<tmsize_t>(max_allocation));
  TIFFOpenOptionsSetErrorHandlerExtR(options.get(), CaptureError, &file);
  TIFFOpenOptionsSetWarningHandlerExtR(options.get(), CaptureWarning, &file);
  OpenedTiff opened;
  opened.tiff.reset(TIFFClientOpenExt("memory", "r", &file, ReadFromMemory, RefuseWrite, SeekInMemory, CloseMemory,
                                      MemorySize, MapMemory, UnmapMemory, options.get()));
  if (!opened.tiff) return Error{"corrupt TIFF header: " + Describe(file, "libtiff cannot open it")};
  TIFF* tiff = opened.tiff.get();
  if (!TIFFGetField(tiff, TIFFTAG_IMAGEWIDTH, &opened.width) ||
      !TIFFGetField(tiff, TIFFTAG_IMAGELENGTH, &opened.height)) {
    return Error{"corrupt TIFF header: the first page has no width or height"};
  }
  uint16_t photometric = PHOTOMETRIC_RGB;
  const bool has_photometric = TIFFGetField(tiff, TIFFTAG_PHOTOMETRIC, &photometric);
  uint16_t extra_count = 0;
  uint16_t* extra_types = nullptr;
  bool alpha = false;
  if (TIFFGetField(tiff, TIFFTAG_EXTRASAMPLES, &extra_count, &extra_types) && extra_count > 0 && extra_types) {
    alpha = extra_types[0] == EXTRASAMPLE_ASSOCALPHA || extra_types[0] == EXTRASAMPLE_UNASSALPHA;
  }
  const bool gray = has_photometric && (photometric == PHOTOMETRIC_MINISBLACK || photometric == PHOTOMETRIC_MINISWHITE);
  opened.channels = alpha ? 4 : (gray ? 1 : 3);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_ORIENTATION, &opened.orientation);
  return opened;
}

// libtiff's RGBA interface premultiplies alpha; undo it so BGRA is straight as everywhere else.
uint8_t Unpremultiply(uint32_t value, uint32_t alpha) {
  if (alpha == 0) return 0;
  return static_cast<uint8_t>(std::min<uint32_t>(255, (value * 255 + alpha / 2) / alpha));
}

}  // namespace

Result<ImageHeader> ReadTiffHeader(std::span<const uint8_t> bytes) {
  MemoryFile file;
  file.bytes = bytes;
  const CurrentFile current(file);
  Result<OpenedTiff> opened = OpenTiff(file, uint64_t{1} << 28);
  if (!opened.ok()) return Error{opened.error()};
  if (opened.value().width > INT32_MAX || opened.value().height > INT32_MAX) {
    return Error{"corrupt TIFF header: the size does not fit 32-bit integers"};
  }
  ImageHeader header;
  header.format = ImageFormat::kTiff;
  header.width = static_cast<int32_t>(opened.value().width);
  header.height = static_cast<int32_t>(opened.value().height);
  header.channels = opened.value().channels;
  return header;
}

Result<Image> DecodeTiff(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  MemoryFile file;
  file.bytes = bytes;
  const CurrentFile current(file);
  // No single libtiff allocation beyond what the allowed image needs in RGBA, nor below 64 MiB
  // (strip buffers of a legitimately compressed small image).
  const uint64_t max_allocation = std::clamp<uint64_t>(options.max_pixels, uint64_t{1} << 24, uint64_t{1} << 30) * 4;
  Result<OpenedTiff> result = OpenTiff(file, max_allocation);
  if (!result.ok()) return Error{result.error()};
  OpenedTiff& opened = result.value();
  if (auto error = CheckPixelLimit(opened.width, opened.height, options.max_pixels)) return *error;

  TIFF* tiff = opened.tiff.get();
  const int stored_orientation = opened.orientation >= 1 && opened.orientation <= 8 ? opened.orientation : 1;
  if (IsWideGrayTiff(tiff)) {
    Result<Image> image = DecodeWideGrayTiff(tiff, opened.width, opened.height);
    if (!image.ok()) return Error{"corrupt or truncated TIFF: " + Describe(file, image.error().c_str())};
    return options.auto_orient ? ApplyOrientation(std::move(image).value(), stored_orientation)
                               : std::move(image).value();
  }
  char message[1024] = "";
  if (!TIFFRGBAImageOK(tiff, message)) return Error{"unsupported TIFF: " + Describe(file, message)};
  const size_t pixel_count = static_cast<size_t>(opened.width) * opened.height;
  std::vector<uint32_t> raster(pixel_count);
  // Ask for the file's own orientation: libtiff then returns rows as stored, and auto_orient below
  // applies all eight orientations (libtiff's own flipping knows only four).
  if (!TIFFReadRGBAImageOriented(tiff, opened.width, opened.height, raster.data(), stored_orientation, 1)) {
    return Error{"corrupt or truncated TIFF: " + Describe(file, "libtiff cannot decode the first page")};
  }
  Image image;
  image.width = static_cast<int32_t>(opened.width);
  image.height = static_cast<int32_t>(opened.height);
  image.channels = opened.channels;
  image.pixels.resize(pixel_count * image.channels);
  uint8_t* out = image.pixels.data();
  for (size_t i = 0; i < pixel_count; ++i) {
    const uint32_t pixel = raster[i];
    const uint32_t alpha = TIFFGetA(pixel);
    if (image.channels == 1) {
      *out++ = static_cast<uint8_t>(TIFFGetR(pixel));
    } else if (image.channels == 3) {
      *out++ = static_cast<uint8_t>(TIFFGetB(pixel));
      *out++ = static_cast<uint8_t>(TIFFGetG(pixel));
      *out++ = static_cast<uint8_t>(TIFFGetR(pixel));
    } else {
      *out++ = Unpremultiply(TIFFGetB(pixel), alpha);
      *out++ = Unpremultiply(TIFFGetG(pixel), alpha);
      *out++ = Unpremultiply(TIFFGetR(pixel), alpha);
      *out++ = static_cast<uint8_t>(alpha);
    }
  }
  if (options.auto_orient) image = ApplyOrientation(std::move(image), stored_orientation);
  return image;
}

namespace {

bool SniffTiff(std::span<const uint8_t> bytes) {
  // Classic TIFF (42) and BigTIFF (43), either byte order.
  return StartsWith(bytes, "II*\0") || StartsWith(bytes, "MM\0*") || StartsWith(bytes, "II+\0") ||
         StartsWith(bytes, "MM\0+");
}

}  // namespace

// This codec's entry in the registry (image_codecs.cpp).
const ImageCodec& TiffCodec() {
  static constexpr ImageCodec codec{ImageFormat::kTiff, "tiff", "TIFF", SniffTiff, ReadTiffHeader, DecodeTiff};
  return codec;
}

}  // namespace quarry::media
