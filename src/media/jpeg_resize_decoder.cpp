// A JPEG decoded and resized in one pass (see jpeg_resize_decoder.hpp): libjpeg's scanline API hands
// over a strip of full-resolution rows at a time, the resize's horizontal pass turns them into
// target-width rows while they are in cache, and the vertical pass runs on that narrow image. The
// decoder settings are TurboJPEG's (accurate integer IDCT, fancy upsampling, BGR or gray output, at
// most 500 progressive scans), so the rows are the bytes DecodeJpeg gives, and the passes are the
// resize's own: the result equals Resize(DecodeJpeg(...)) byte for byte.
#include "media/jpeg_resize_decoder.hpp"

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

// clang-format off
#include <jpeglib.h>  // after <cstdio>: it needs FILE and size_t
#include <jerror.h>
// clang-format on

#include "media/decode_limit.hpp"
#include "media/exif_orientation.hpp"
#include "media/image_transform.hpp"
#include "media/jpeg_decoder.hpp"
#include "media/resize/coefficients.hpp"
#include "media/resize/passes.hpp"
#include "media/resize/resize_path.hpp"

namespace quarry::media {
namespace {

// Buffers a thread keeps between pictures are at most this large (larger ones are made per picture).
constexpr size_t kMaxKeptBytes = 8u << 20;

// libjpeg reports errors through error_exit, which must not return: it jumps back to the decode, which
// then leaves the picture to the two-step path (whose error is the full decode's).
struct ErrorManager {
  jpeg_error_mgr base;
  std::jmp_buf jump;
  bool premature_end;  // the "Premature end of JPEG file" warning (a truncated file)
};

void ExitOnError(j_common_ptr info) {
  std::longjmp(reinterpret_cast<ErrorManager*>(info->err)->jump, 1);
}

void NoteWarning(j_common_ptr info, int level) {
  auto* manager = reinterpret_cast<ErrorManager*>(info->err);
  if (level < 0 && info->err->msg_code == JWRN_JPEG_EOF) manager->premature_end = true;
}

// TurboJPEG's TJFLAG_LIMITSCANS: a progressive file of more than 500 scans is refused.
void LimitScans(j_common_ptr info) {
  auto* decompress = reinterpret_cast<j_decompress_ptr>(info);
  if (decompress->is_decompressor && decompress->input_scan_number > 500) {
    std::longjmp(reinterpret_cast<ErrorManager*>(info->err)->jump, 1);
  }
}

struct DecompressGuard {
  jpeg_decompress_struct* info;
  ~DecompressGuard() { jpeg_destroy_decompress(info); }
};

// Decodes `bytes` strip by strip through `on_rows(first_row, rows, count)` (count rows of
// width × channels bytes). The caller checked the header: size and orientation. True when every row
// was delivered and the file ended cleanly; false for an error or warning that ends the picture
// (truncation), and for CMYK/YCCK files (converted as Pillow does only by DecodeJpeg).
template <typename OnRows>
bool DecodeStrips(std::span<const uint8_t> bytes, int32_t channels, OnRows on_rows) {
  jpeg_decompress_struct info;
  ErrorManager errors;
  std::memset(&errors, 0, sizeof(errors));
  info.err = jpeg_std_error(&errors.base);
  errors.base.error_exit = ExitOnError;
  errors.base.emit_message = NoteWarning;
  jpeg_progress_mgr progress;
  progress.progress_monitor = LimitScans;
  // Everything the jump may skip over lives before setjmp, so no destructor is bypassed. The strip
  // buffer is the thread's own, kept between pictures (no fresh pages, no fill per picture).
  thread_local std::vector<uint8_t> strip;
  if (strip.size() > kMaxKeptBytes) std::vector<uint8_t>().swap(strip);  // a very wide picture's, before
  std::vector<JSAMPROW> row_pointers;
  if (setjmp(errors.jump) != 0) {
    jpeg_destroy_decompress(&info);
    return false;
  }
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, bytes.data(), static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(&info, TRUE);
  if (info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK) {
    jpeg_destroy_decompress(&info);
    return false;
  }
  info.progress = &progress;
  info.out_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_EXT_BGR;
  info.dct_method = JDCT_ISLOW;
  info.do_fancy_upsampling = TRUE;
  jpeg_start_decompress(&info);
  const size_t row_bytes = static_cast<size_t>(info.output_width) * channels;
  const int strip_rows = 32;
  if (strip.size() < row_bytes * strip_rows) strip.resize(row_bytes * strip_rows);
  row_pointers.resize(strip_rows);
  for (int i = 0; i < strip_rows; ++i) row_pointers[i] = strip.data() + row_bytes * i;
  while (info.output_scanline < info.output_height) {
    const int32_t first = static_cast<int32_t>(info.output_scanline);
    int32_t count = 0;
    while (count < strip_rows && info.output_scanline < info.output_height) {
      count += static_cast<int32_t>(jpeg_read_scanlines(&info, row_pointers.data() + count, strip_rows - count));
      if (errors.premature_end) break;
    }
    if (errors.premature_end) break;
    on_rows(first, strip.data(), count);
  }
  if (!errors.premature_end) jpeg_finish_decompress(&info);
  jpeg_destroy_decompress(&info);
  return !errors.premature_end;
}

// The two steps: full decode, then the resize.
Result<Image> DecodeThenResize(std::span<const uint8_t> bytes, int32_t width, int32_t height,
                               const DecodeOptions& options) {
  auto image = DecodeJpeg(bytes, options);
  if (!image.ok()) return image;
  return Resize(image.value(), width, height, ResizeFilter::kBilinear);
}

}  // namespace

Result<Image> DecodeJpegResized(std::span<const uint8_t> bytes, int32_t width, int32_t height,
                                const DecodeOptions& options) {
  DecodeOptions full_size = options;  // the resize reads the full-size picture
  full_size.min_width = 0;
  full_size.min_height = 0;
  auto header = ReadJpegHeader(bytes);
  if (!header.ok()) return Error{header.error()};
  const ImageHeader& shape = header.value();
  const bool upright = !options.auto_orient || ReadJpegOrientation(bytes) == kOrientationUpright;
  // The cases the one-pass path does not cover take the two steps: turned pictures, a side that keeps
  // its size (the resize skips that pass) or grows, targets the resize refuses, CMYK (below).
  if (!upright || width <= 0 || height <= 0 || width >= shape.width || height >= shape.height) {
    return DecodeThenResize(bytes, width, height, full_size);
  }
  if (auto error = CheckPixelLimit(shape.width, shape.height, options.max_pixels)) return *error;
  const auto columns_axis = resize::CachedCoefficients(shape.width, width, ResizeFilter::kBilinear);
  const auto rows_axis = resize::CachedCoefficients(shape.height, height, ResizeFilter::kBilinear);
  const resize::AxisTaps columns = resize::Window(*columns_axis, 0, width);
  resize::AxisTaps rows = resize::Window(*rows_axis, 0, height);
  const resize::ResizePasses passes = resize::PassesOf(resize::FastestResizePath());
  const int32_t channels = shape.channels;
  // The rows the vertical pass reads, resampled to the target width as they arrive.
  const int32_t first_row = rows.First(0);
  const int32_t last_row = rows.First(rows.outputs - 1) + rows.count[rows.outputs - 1];
  // The narrow image is the thread's own too, up to kMaxKeptBytes (every row of it is written before
  // the vertical pass).
  thread_local Image kept;
  Image fresh;
  const size_t narrow_bytes = static_cast<size_t>(width) * (last_row - first_row) * channels;
  Image& narrow = narrow_bytes <= kMaxKeptBytes ? kept : fresh;
  narrow.width = width;
  narrow.height = last_row - first_row;
  narrow.channels = channels;
  if (narrow.pixels.size() < narrow_bytes) narrow.pixels.resize(narrow_bytes);
  Image strip_out;
  strip_out.width = width;
  strip_out.channels = channels;
  const bool delivered = DecodeStrips(bytes, channels, [&](int32_t first, const uint8_t* data, int32_t count) {
    const int32_t begin = std::max(first, first_row);
    const int32_t end = std::min(first + count, last_row);
    if (begin >= end) return;
    const ImageView strip{shape.width, count, channels, {data, static_cast<size_t>(shape.width) * count * channels}};
    strip_out.height = end - begin;
    strip_out.pixels.resize(static_cast<size_t>(width) * strip_out.height * channels);
    passes.horizontal(strip, begin - first, columns, strip_out);
    std::memcpy(narrow.pixels.data() + static_cast<size_t>(begin - first_row) * width * channels,
                strip_out.pixels.data(), strip_out.pixels.size());
  });
  // A file libjpeg's scanline reader stops on (or CMYK) takes the two steps, whose verdict is the full
  // decode's: TurboJPEG tolerates some damage past the last row that jpeg_finish_decompress refuses.
  if (!delivered) return DecodeThenResize(bytes, width, height, full_size);
  rows.origin += first_row;
  Image result;
  result.width = width;
  result.height = height;
  result.channels = channels;
  result.pixels.resize(static_cast<size_t>(width) * height * channels);
  passes.vertical(ImageView{width, narrow.height, channels, {narrow.pixels.data(), narrow_bytes}}, rows, result);
  return result;
}

}  // namespace quarry::media
