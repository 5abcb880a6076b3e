// A JPEG decoded and resized in one pass (see jpeg_resize_decoder.hpp): libjpeg's scanline API hands
// over a strip of full-resolution rows at a time, the resize's horizontal pass turns them into
// target-width rows while they are in cache, and the vertical pass runs on that narrow image. The
// decoder settings are TurboJPEG's (accurate integer IDCT, fancy upsampling, BGR or gray output, at
// most 500 progressive scans), so the rows are the bytes DecodeJpeg gives, and the passes are the
// resize's own: the result equals Resize(DecodeJpeg(...)) byte for byte.
#include "media/jpeg_resize_decoder.hpp"

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

// clang-format off
#include <jpeglib.h>  // after <cstdio>: it needs FILE and size_t
#include <jerror.h>
// clang-format on

#include "media/decode_limit.hpp"
#include "media/exif_orientation.hpp"
#include "media/image_transform.hpp"
#include "media/jpeg_decoder.hpp"
#include "media/pixel_pool.hpp"
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
  bool premature_end;
  int header_warnings;  // warnings while reading the header (TurboJPEG's header reader refuses those files)
  bool in_header;       // the "Premature end of JPEG file" warning (a truncated file)
};

void ExitOnError(j_common_ptr info) {
  std::longjmp(reinterpret_cast<ErrorManager*>(info->err)->jump, 1);
}

void NoteWarning(j_common_ptr info, int level) {
  auto* manager = reinterpret_cast<ErrorManager*>(info->err);
  if (level >= 0) return;
  if (info->err->msg_code == JWRN_JPEG_EOF) manager->premature_end = true;
  if (manager->in_header) ++manager->header_warnings;
}

// TurboJPEG's TJFLAG_LIMITSCANS: a progressive file of more than 500 scans is refused.
void LimitScans(j_common_ptr info) {
  auto* decompress = reinterpret_cast<j_decompress_ptr>(info);
  if (decompress->is_decompressor && decompress->input_scan_number > 500) {
    std::longjmp(reinterpret_cast<ErrorManager*>(info->err)->jump, 1);
  }
}

// Decodes `bytes` strip by strip: `on_header(width, height, channels)` sees the frame first and may
// decline (false); then `on_rows(first_row, rows, count)` gets count rows of width × channels bytes at
// a time. True when every row was delivered and the file ended cleanly; false when declined, for an
// error or a warning that ends the picture (truncation), and for CMYK/YCCK files (converted as Pillow
// does only by DecodeJpeg). The callbacks run outside libjpeg, so its error jumps skip no C++ frame.
template <typename OnHeader, typename OnRows>
bool DecodeStrips(std::span<const uint8_t> bytes, OnHeader on_header, OnRows on_rows) {
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
  errors.in_header = true;
  jpeg_read_header(&info, TRUE);
  errors.in_header = false;
  const int32_t channels = info.jpeg_color_space == JCS_GRAYSCALE ? 1 : 3;
  if (errors.header_warnings > 0 || info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK ||
      !on_header(static_cast<int32_t>(info.image_width), static_cast<int32_t>(info.image_height), channels)) {
    jpeg_destroy_decompress(&info);
    return false;
  }
  info.progress = &progress;
  info.out_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_EXT_BGR;
  info.dct_method = JDCT_ISLOW;
  info.do_fancy_upsampling = TRUE;
  jpeg_start_decompress(&info);
  const size_t row_bytes = static_cast<size_t>(info.output_width) * channels;
  // Two of the AVX-512 horizontal pass's groups of 21 rows (avx512_row_groups.cpp); ~190 KB of a
  // 1500-pixel-wide picture, which stays in cache between the decoder and the pass.
  const int strip_rows = 42;
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
  // Turned pictures take the two steps (the resize reads the upright picture), and so do the cases
  // on_header declines.
  if (width <= 0 || height <= 0 || (options.auto_orient && ReadJpegOrientation(bytes) != kOrientationUpright)) {
    return DecodeThenResize(bytes, width, height, full_size);
  }
  // A header TurboJPEG refuses (sampling factors it has no name for, which libjpeg's reader accepts) gets
  // the full decode's verdict.
  if (!ReadJpegHeader(bytes).ok()) return DecodeThenResize(bytes, width, height, full_size);
  // What the header decides, kept here so that no C++ object lives in the decoder's frames.
  std::shared_ptr<const resize::AxisCoefficients> columns_axis, rows_axis;
  resize::AxisTaps columns, rows;
  const resize::ResizePasses passes = resize::PassesOf(resize::FastestResizePath());
  int32_t source_width = 0, channels = 0, first_row = 0, last_row = 0;
  size_t narrow_bytes = 0;
  thread_local Image kept;  // the narrow image: the thread's own up to kMaxKeptBytes
  Image fresh;
  Image* narrow = nullptr;
  Image strip_out;
  auto on_header = [&](int32_t frame_width, int32_t frame_height, int32_t frame_channels) {
    // A side that keeps its size (the resize skips that pass) or grows, or a picture over max_pixels
    // (the full decode's error), takes the two steps.
    if (width >= frame_width || height >= frame_height) return false;
    if (CheckPixelLimit(frame_width, frame_height, options.max_pixels)) return false;
    source_width = frame_width;
    channels = frame_channels;
    columns_axis = resize::CachedCoefficients(frame_width, width, ResizeFilter::kBilinear);
    rows_axis = resize::CachedCoefficients(frame_height, height, ResizeFilter::kBilinear);
    columns = resize::Window(*columns_axis, 0, width);
    rows = resize::Window(*rows_axis, 0, height);
    // The rows the vertical pass reads, resampled to the target width as they arrive.
    first_row = rows.First(0);
    last_row = rows.First(rows.outputs - 1) + rows.count[rows.outputs - 1];
    narrow_bytes = static_cast<size_t>(width) * (last_row - first_row) * channels;
    narrow = narrow_bytes <= kMaxKeptBytes ? &kept : &fresh;
    narrow->width = width;
    narrow->height = last_row - first_row;
    narrow->channels = channels;
    if (narrow->pixels.size() < narrow_bytes) narrow->pixels.resize(narrow_bytes);
    strip_out.width = width;
    strip_out.channels = channels;
    return true;
  };
  auto on_rows = [&](int32_t first, const uint8_t* data, int32_t count) {
    const int32_t begin = std::max(first, first_row);
    const int32_t end = std::min(first + count, last_row);
    if (begin >= end) return;
    const ImageView strip{source_width, count, channels, {data, static_cast<size_t>(source_width) * count * channels}};
    strip_out.height = end - begin;
    strip_out.pixels.resize(static_cast<size_t>(width) * strip_out.height * channels);
    passes.horizontal(strip, begin - first, columns, strip_out);
    std::memcpy(narrow->pixels.data() + static_cast<size_t>(begin - first_row) * width * channels,
                strip_out.pixels.data(), strip_out.pixels.size());
  };
  // A file libjpeg's scanline reader stops on (or CMYK, or a declined header) takes the two steps,
  // whose verdict is the full decode's: TurboJPEG tolerates some damage past the last row that
  // jpeg_finish_decompress refuses.
  if (!DecodeStrips(bytes, on_header, on_rows)) return DecodeThenResize(bytes, width, height, full_size);
  rows.origin += first_row;
  Image result;
  result.width = width;
  result.height = height;
  result.channels = channels;
  result.pixels = AcquirePixels(static_cast<size_t>(width) * height * channels);  // every byte is written
  passes.vertical(ImageView{width, narrow->height, channels, {narrow->pixels.data(), narrow_bytes}}, rows, result);
  return result;
}

}  // namespace quarry::media
