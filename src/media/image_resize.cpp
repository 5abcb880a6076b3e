// Resize (see image_transform.hpp): a re-implementation of Pillow 9.4's Image.resize for 8-bit images.
//
// Convolution filters follow libImaging/Resample.c: per-axis coefficient tables computed once in double
// (center = (i + 0.5) * scale, support widened by the scale when shrinking, weights normalized), turned
// into fixed point with PRECISION_BITS = 22 and rounded the way Pillow rounds, a horizontal pass over
// the source rows the vertical filter will read, then a vertical pass; each pass rounds to 8 bits and
// clips. With 4 channels the colour channels are premultiplied by alpha first and divided back after,
// as Image.resize does for mode RGBA (RGBA -> RGBa -> resize -> RGBA). NEAREST follows Pillow's affine
// nearest path (libImaging/Geometry.c ImagingScaleAffine): source x = int(x0 + (x + 0.5) * scale), with
// the position accumulated in double as Pillow does. Integer arithmetic only in the pixel loops; the
// only allocations are the coefficient tables, one intermediate image and the result.
//
// Speed: on x86-64 the passes use SSE2's 16-bit multiply-add. Pillow's 22-bit coefficients do not fit
// 16 bits, so each is split as high * 65536 + low (both 16-bit) and the two products summed in 32-bit
// wrapping arithmetic: the result is bit-identical to Pillow's 32-bit sums (which never overflow), not
// the lower-precision approximation of Pillow-SIMD. The scalar loops are the reference (and the code
// elsewhere); the Pillow comparison test covers whichever is compiled.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "media/image_transform.hpp"

namespace quarry::media {
namespace {

// Fixed-point precision of Pillow's 8-bit resampling coefficients.
constexpr int kPrecisionBits = 32 - 8 - 2;
// Output images larger than this are refused (twice Pillow's decompression-bomb limit, the size at
// which Pillow refuses an image outright), so a bad argument cannot allocate gigabytes.
constexpr uint64_t kMaxOutputPixels = 2ull * 89'478'485;

double BoxFilter(double x) {
  return (x > -0.5 && x <= 0.5) ? 1.0 : 0.0;
}

double BilinearFilter(double x) {
  if (x < 0.0) x = -x;
  return x < 1.0 ? 1.0 - x : 0.0;
}

double BicubicFilter(double x) {
  constexpr double a = -0.5;
  if (x < 0.0) x = -x;
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
  if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
  return 0.0;
}

struct Filter {
  double (*weight)(double);
  double support;
};

// The fixed-point coefficients of one axis: output i reads `count[i]` source samples from `first[i]`
// with weights weights[i * taps ...].
struct AxisCoefficients {
  int taps = 0;
  std::vector<int32_t> first;
  std::vector<int32_t> count;
  std::vector<int32_t> weights;
};

// Pillow's precompute_coeffs followed by normalize_coeffs_8bpc.
AxisCoefficients PrecomputeCoefficients(int in_size, int out_size, const Filter& filter) {
  const double scale = static_cast<double>(in_size) / out_size;
  const double filter_scale = std::max(scale, 1.0);
  const double support = filter.support * filter_scale;
  AxisCoefficients axis;
  axis.taps = static_cast<int>(std::ceil(support)) * 2 + 1;
  axis.first.resize(out_size);
  axis.count.resize(out_size);
  axis.weights.assign(static_cast<size_t>(out_size) * axis.taps, 0);
  std::vector<double> weights(axis.taps);
  const double inverse_scale = 1.0 / filter_scale;
  for (int i = 0; i < out_size; ++i) {
    const double center = (i + 0.5) * scale;
    const int low = std::max(static_cast<int>(center - support + 0.5), 0);
    const int high = std::min(static_cast<int>(center + support + 0.5), in_size);
    const int count = std::max(high - low, 0);
    double total = 0.0;
    for (int j = 0; j < count; ++j) {
      weights[j] = filter.weight((j + low - center + 0.5) * inverse_scale);
      total += weights[j];
    }
    int32_t* out = axis.weights.data() + static_cast<size_t>(i) * axis.taps;
    for (int j = 0; j < count; ++j) {
      const double normalized = total != 0.0 ? weights[j] / total : weights[j];
      const double fixed = normalized * (1 << kPrecisionBits);
      out[j] = static_cast<int32_t>(normalized < 0 ? fixed - 0.5 : fixed + 0.5);
    }
    axis.first[i] = low;
    axis.count[i] = count;
  }
  return axis;
}

// The coefficients of an axis split for 16-bit multiply-add: for output i and tap pair t (taps 2t and
// 2t + 1), low[i * pairs + t] packs the two signed low halves and high[...] the two high halves, so
// that weight = high * 65536 + low. Weights past a pixel's taps are 0.
struct SplitCoefficients {
  int pairs = 0;
  std::vector<int32_t> low;
  std::vector<int32_t> high;
};

SplitCoefficients SplitForMultiplyAdd(const AxisCoefficients& axis) {
  SplitCoefficients split;
  split.pairs = (axis.taps + 1) / 2;
  const size_t outputs = axis.first.size();
  split.low.resize(outputs * split.pairs);
  split.high.resize(outputs * split.pairs);
  for (size_t i = 0; i < outputs; ++i) {
    const int32_t* k = axis.weights.data() + i * axis.taps;
    for (int t = 0; t < split.pairs; ++t) {
      uint32_t low = 0, high = 0;
      for (int half = 0; half < 2; ++half) {
        const int tap = 2 * t + half;
        const int32_t weight = tap < axis.taps ? k[tap] : 0;
        const auto weight_low = static_cast<int16_t>(static_cast<uint16_t>(weight & 0xFFFF));
        const auto weight_high = static_cast<int16_t>((weight - weight_low) >> 16);
        low |= static_cast<uint32_t>(static_cast<uint16_t>(weight_low)) << (16 * half);
        high |= static_cast<uint32_t>(static_cast<uint16_t>(weight_high)) << (16 * half);
      }
      split.low[i * split.pairs + t] = static_cast<int32_t>(low);
      split.high[i * split.pairs + t] = static_cast<int32_t>(high);
    }
  }
  return split;
}

inline uint8_t Clip8(int32_t sum) {
  const int32_t value = sum >> kPrecisionBits;
  return static_cast<uint8_t>(value < 0 ? 0 : (value > 255 ? 255 : value));
}

// Horizontal pass: `rows` rows of `in` starting at row `first_row`, each to `axis.first.size()` pixels.
template <int kChannels>
void ResampleHorizontal(const ImageView& in, int first_row, int rows, const AxisCoefficients& axis, Image& out) {
  const int out_width = out.width;
  constexpr int32_t kHalf = 1 << (kPrecisionBits - 1);
  for (int y = 0; y < rows; ++y) {
    const uint8_t* source = in.row(first_row + y);
    uint8_t* target = out.row(y);
    for (int x = 0; x < out_width; ++x) {
      const int32_t* k = axis.weights.data() + static_cast<size_t>(x) * axis.taps;
      const uint8_t* pixel = source + static_cast<size_t>(axis.first[x]) * kChannels;
      const int count = axis.count[x];
      int32_t sums[kChannels];
      for (int c = 0; c < kChannels; ++c) sums[c] = kHalf;
      for (int j = 0; j < count; ++j) {
        for (int c = 0; c < kChannels; ++c) sums[c] += pixel[j * kChannels + c] * k[j];
      }
      for (int c = 0; c < kChannels; ++c) target[x * kChannels + c] = Clip8(sums[c]);
    }
  }
}

// Vertical pass: each output row is a weighted sum of whole input rows, accumulated row by row so the
// inner loop runs over contiguous bytes (the sums are the same as Pillow's: integer, no overflow).
[[maybe_unused]] void ResampleVertical(const ImageView& in, const AxisCoefficients& axis, Image& out) {
  const size_t row_bytes = in.row_bytes();
  std::vector<int32_t> sums(row_bytes);
  for (int y = 0; y < out.height; ++y) {
    std::fill(sums.begin(), sums.end(), 1 << (kPrecisionBits - 1));
    const int32_t* k = axis.weights.data() + static_cast<size_t>(y) * axis.taps;
    for (int j = 0; j < axis.count[y]; ++j) {
      const uint8_t* source = in.row(axis.first[y] + j);
      const int32_t weight = k[j];
      int32_t* sum = sums.data();
      for (size_t i = 0; i < row_bytes; ++i) sum[i] += source[i] * weight;
    }
    uint8_t* target = out.row(y);
    for (size_t i = 0; i < row_bytes; ++i) target[i] = Clip8(sums[i]);
  }
}

#if defined(__SSE2__)

// One pixel's 3 or 4 bytes in the low lanes of a vector. With 3 channels the 4th byte is the next
// pixel's (ignored) unless that would read past the buffer.
template <int kChannels>
inline __m128i LoadPixel(const uint8_t* pixel, const uint8_t* end) {
  uint32_t value = 0;
  if (kChannels == 4 || pixel + 4 <= end) {
    std::memcpy(&value, pixel, 4);
  } else {
    value = pixel[0] | (pixel[1] << 8) | (pixel[2] << 16);
  }
  return _mm_cvtsi32_si128(static_cast<int>(value));
}

// Two pixels' samples as 16-bit pairs (a.c0, b.c0, a.c1, b.c1, ...) times a pair of split weights.
inline __m128i MultiplyAddPair(__m128i pairs, int32_t low, int32_t high) {
  const __m128i sum_low = _mm_madd_epi16(pairs, _mm_set1_epi32(low));
  const __m128i sum_high = _mm_madd_epi16(pairs, _mm_set1_epi32(high));
  return _mm_add_epi32(sum_low, _mm_slli_epi32(sum_high, 16));
}

template <int kChannels>
void ResampleHorizontalSse2(const ImageView& in, int first_row, int rows, const AxisCoefficients& axis,
                            const SplitCoefficients& split, Image& out) {
  const __m128i zero = _mm_setzero_si128();
  const __m128i half = _mm_set1_epi32(1 << (kPrecisionBits - 1));
  const uint8_t* end = in.pixels.data() + in.pixels.size();
  for (int y = 0; y < rows; ++y) {
    const uint8_t* source = in.row(first_row + y);
    uint8_t* target = out.row(y);
    for (int x = 0; x < out.width; ++x) {
      const uint8_t* pixel = source + static_cast<size_t>(axis.first[x]) * kChannels;
      const int32_t* low = split.low.data() + static_cast<size_t>(x) * split.pairs;
      const int32_t* high = split.high.data() + static_cast<size_t>(x) * split.pairs;
      const int count = axis.count[x];
      __m128i sum = half;
      for (int j = 0; j < count; j += 2) {
        const __m128i a = LoadPixel<kChannels>(pixel + j * kChannels, end);
        // An odd last tap pairs with itself: its partner's weight is 0.
        const __m128i b = j + 1 < count ? LoadPixel<kChannels>(pixel + (j + 1) * kChannels, end) : a;
        const __m128i pairs = _mm_unpacklo_epi8(_mm_unpacklo_epi8(a, b), zero);
        sum = _mm_add_epi32(sum, MultiplyAddPair(pairs, low[j / 2], high[j / 2]));
      }
      const __m128i shifted = _mm_srai_epi32(sum, kPrecisionBits);
      const __m128i clipped = _mm_packus_epi16(_mm_packs_epi32(shifted, shifted), zero);  // = Clip8
      const auto value = static_cast<uint32_t>(_mm_cvtsi128_si32(clipped));
      std::memcpy(target + static_cast<size_t>(x) * kChannels, &value, kChannels);
    }
  }
}

void ResampleVerticalSse2(const ImageView& in, const AxisCoefficients& axis, const SplitCoefficients& split,
                          Image& out) {
  const __m128i zero = _mm_setzero_si128();
  const size_t row_bytes = in.row_bytes();
  const size_t vector_bytes = row_bytes / 8 * 8;
  std::vector<int32_t> sums(row_bytes);
  for (int y = 0; y < out.height; ++y) {
    std::fill(sums.begin(), sums.end(), 1 << (kPrecisionBits - 1));
    const int count = axis.count[y];
    const int32_t* k = axis.weights.data() + static_cast<size_t>(y) * axis.taps;
    for (int j = 0; j < count; j += 2) {
      const uint8_t* a = in.row(axis.first[y] + j);
      const uint8_t* b = j + 1 < count ? in.row(axis.first[y] + j + 1) : a;  // weight 0 when odd
      const int32_t low = split.low[static_cast<size_t>(y) * split.pairs + j / 2];
      const int32_t high = split.high[static_cast<size_t>(y) * split.pairs + j / 2];
      int32_t* sum = sums.data();
      for (size_t i = 0; i < vector_bytes; i += 8) {
        const __m128i bytes = _mm_unpacklo_epi8(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(a + i)),
                                                _mm_loadl_epi64(reinterpret_cast<const __m128i*>(b + i)));
        auto* sum0 = reinterpret_cast<__m128i*>(sum + i);
        auto* sum1 = reinterpret_cast<__m128i*>(sum + i + 4);
        _mm_storeu_si128(
            sum0, _mm_add_epi32(_mm_loadu_si128(sum0), MultiplyAddPair(_mm_unpacklo_epi8(bytes, zero), low, high)));
        _mm_storeu_si128(
            sum1, _mm_add_epi32(_mm_loadu_si128(sum1), MultiplyAddPair(_mm_unpackhi_epi8(bytes, zero), low, high)));
      }
      const auto weight_a = static_cast<uint32_t>(k[j]);
      const auto weight_b = static_cast<uint32_t>(j + 1 < count ? k[j + 1] : 0);
      for (size_t i = vector_bytes; i < row_bytes; ++i) {
        sum[i] = static_cast<int32_t>(static_cast<uint32_t>(sum[i]) + a[i] * weight_a + b[i] * weight_b);
      }
    }
    uint8_t* target = out.row(y);
    for (size_t i = 0; i < vector_bytes; i += 8) {
      const __m128i sum0 = _mm_srai_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(&sums[i])), kPrecisionBits);
      const __m128i sum1 =
          _mm_srai_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(&sums[i + 4])), kPrecisionBits);
      const __m128i clipped = _mm_packus_epi16(_mm_packs_epi32(sum0, sum1), zero);
      _mm_storel_epi64(reinterpret_cast<__m128i*>(target + i), clipped);
    }
    for (size_t i = vector_bytes; i < row_bytes; ++i) target[i] = Clip8(sums[i]);
  }
}

#endif  // __SSE2__

Image NewImage(int32_t width, int32_t height, int32_t channels) {
  Image image;
  image.width = width;
  image.height = height;
  image.channels = channels;
  image.pixels.resize(static_cast<size_t>(width) * height * channels);
  return image;
}

// The horizontal pass over `out.height` rows of `image` from `first_row`, with the fastest kernel.
void HorizontalPass(const ImageView& image, int first_row, const AxisCoefficients& columns, Image& out) {
#if defined(__SSE2__)
  if (image.channels == 3) {
    return ResampleHorizontalSse2<3>(image, first_row, out.height, columns, SplitForMultiplyAdd(columns), out);
  }
  if (image.channels == 4) {
    return ResampleHorizontalSse2<4>(image, first_row, out.height, columns, SplitForMultiplyAdd(columns), out);
  }
#endif
  switch (image.channels) {
    case 1:
      return ResampleHorizontal<1>(image, first_row, out.height, columns, out);
    case 3:
      return ResampleHorizontal<3>(image, first_row, out.height, columns, out);
    default:
      return ResampleHorizontal<4>(image, first_row, out.height, columns, out);
  }
}

// The outputs [begin, begin + size) of an axis's coefficients.
AxisCoefficients Window(const AxisCoefficients& axis, int32_t begin, int32_t size) {
  AxisCoefficients window;
  window.taps = axis.taps;
  window.first.assign(axis.first.begin() + begin, axis.first.begin() + begin + size);
  window.count.assign(axis.count.begin() + begin, axis.count.begin() + begin + size);
  window.weights.assign(axis.weights.begin() + static_cast<ptrdiff_t>(begin) * axis.taps,
                        axis.weights.begin() + static_cast<ptrdiff_t>(begin + size) * axis.taps);
  return window;
}

// Pillow's ImagingResampleInner for 8-bit images of 1, 3 or 4 interleaved channels, for the output
// pixels the coefficients describe (all of them, or a window): the horizontal pass (skipped when
// !horizontal, Pillow's "same width") over the source rows the vertical pass reads, then the vertical
// pass (skipped when !vertical).
Image ResampleConvolution(const ImageView& image, const AxisCoefficients& columns, AxisCoefficients rows,
                          bool horizontal, bool vertical) {
  const int first_row = rows.first.front();
  const int last_row = rows.first.back() + rows.count.back();
  const auto width = static_cast<int32_t>(columns.first.size());
  const auto height = static_cast<int32_t>(rows.first.size());

  Image temporary;
  ImageView source = image;
  if (horizontal) {
    for (int32_t& first : rows.first) first -= first_row;
    temporary = NewImage(width, last_row - first_row, image.channels);
    HorizontalPass(image, first_row, columns, temporary);
    if (!vertical) return temporary;
    source = temporary;
  }
  Image result = NewImage(width, height, image.channels);
#if defined(__SSE2__)
  ResampleVerticalSse2(source, rows, SplitForMultiplyAdd(rows), result);
#else
  ResampleVertical(source, rows, result);
#endif
  return result;
}

Image ResampleConvolution(const ImageView& image, int32_t width, int32_t height, const Filter& filter) {
  return ResampleConvolution(image, PrecomputeCoefficients(image.width, width, filter),
                             PrecomputeCoefficients(image.height, height, filter), width != image.width,
                             height != image.height);
}

// MULDIV255 of libImaging/Convert.c: (a * b + 128) / 255 rounded, in Pillow's integer form.
inline uint8_t MultiplyDivide255(unsigned a, unsigned b) {
  const unsigned product = a * b + 128;
  return static_cast<uint8_t>(((product >> 8) + product) >> 8);
}

// Pillow's RGBA -> RGBa conversion (rgbA2rgba), in place, for 4-channel images.
void Premultiply(Image& image) {
  uint8_t* pixel = image.pixels.data();
  const size_t count = static_cast<size_t>(image.width) * image.height;
  for (size_t i = 0; i < count; ++i, pixel += 4) {
    const unsigned alpha = pixel[3];
    for (int c = 0; c < 3; ++c) pixel[c] = MultiplyDivide255(pixel[c], alpha);
  }
}

// Pillow's RGBa -> RGBA conversion (rgba2rgbA), in place.
void Unpremultiply(Image& image) {
  uint8_t* pixel = image.pixels.data();
  const size_t count = static_cast<size_t>(image.width) * image.height;
  for (size_t i = 0; i < count; ++i, pixel += 4) {
    const unsigned alpha = pixel[3];
    if (alpha == 0 || alpha == 255) continue;
    for (int c = 0; c < 3; ++c) pixel[c] = static_cast<uint8_t>(std::min(255u, 255u * pixel[c] / alpha));
  }
}

// Pillow's nearest-neighbour resize (ImagingScaleAffine): the source position of output x is
// int(x0 + (x + 0.5) * scale), accumulated step by step in double exactly as Pillow does.
std::vector<int32_t> NearestPositions(int in_size, int out_size) {
  const double step = static_cast<double>(static_cast<float>(in_size)) / out_size;
  std::vector<int32_t> positions(out_size);
  double position = step * 0.5;
  for (int i = 0; i < out_size; ++i) {
    positions[i] = position < 0.0 ? -1 : static_cast<int32_t>(position);
    position += step;
  }
  return positions;
}

Image ResizeNearest(const ImageView& image, int32_t width, int32_t height) {
  const std::vector<int32_t> columns = NearestPositions(image.width, width);
  const std::vector<int32_t> rows = NearestPositions(image.height, height);
  Image result = NewImage(width, height, image.channels);  // zero-filled: Pillow fills misses with 0
  const int channels = image.channels;
  for (int y = 0; y < height; ++y) {
    if (rows[y] < 0 || rows[y] >= image.height) continue;
    const uint8_t* source = image.row(rows[y]);
    uint8_t* target = result.row(y);
    for (int x = 0; x < width; ++x) {
      if (columns[x] < 0 || columns[x] >= image.width) continue;
      const uint8_t* pixel = source + static_cast<size_t>(columns[x]) * channels;
      for (int c = 0; c < channels; ++c) target[x * channels + c] = pixel[c];
    }
  }
  return result;
}

// Why `image` cannot be resized to width × height, or nullopt.
std::optional<std::string> ResizeProblem(const ImageView& image, int32_t width, int32_t height) {
  if (image.channels != 1 && image.channels != 3 && image.channels != 4) {
    return "cannot resize an image whose channel count is not 1, 3 or 4: " + std::to_string(image.channels);
  }
  if (image.width <= 0 || image.height <= 0 ||
      image.pixels.size() != static_cast<size_t>(image.width) * image.height * image.channels) {
    return "cannot resize an empty or inconsistent image of size " + std::to_string(image.width) + "x" +
           std::to_string(image.height);
  }
  if (width <= 0 || height <= 0) {
    return "resize target size must be positive: " + std::to_string(width) + "x" + std::to_string(height);
  }
  if (static_cast<uint64_t>(width) * static_cast<uint64_t>(height) > kMaxOutputPixels) {
    return "resize target size exceeds the pixel limit: " + std::to_string(width) + "x" + std::to_string(height);
  }
  return std::nullopt;
}

Filter ConvolutionFilter(ResizeFilter filter) {
  return filter == ResizeFilter::kBox       ? Filter{BoxFilter, 0.5}
         : filter == ResizeFilter::kBicubic ? Filter{BicubicFilter, 2.0}
                                            : Filter{BilinearFilter, 1.0};
}

}  // namespace

Result<Image> Resize(const ImageView& image, int32_t width, int32_t height, ResizeFilter filter) {
  if (auto problem = ResizeProblem(image, width, height)) return Error{*problem};
  if (width == image.width && height == image.height) return image.ToImage();  // Pillow returns a copy
  if (filter == ResizeFilter::kNearest) return ResizeNearest(image, width, height);
  const Filter convolution = ConvolutionFilter(filter);
  if (image.channels != 4) return ResampleConvolution(image, width, height, convolution);
  Image premultiplied = image.ToImage();
  Premultiply(premultiplied);
  Image result = ResampleConvolution(premultiplied, width, height, convolution);
  Unpremultiply(result);
  return result;
}

Result<Image> ResizeCenterCrop(const ImageView& image, int32_t width, int32_t height, int32_t crop_width,
                               int32_t crop_height, ResizeFilter filter) {
  if (auto problem = ResizeProblem(image, width, height)) return Error{*problem};
  if (crop_width <= 0 || crop_height <= 0 || crop_width > width || crop_height > height) {
    return Error{"center crop " + std::to_string(crop_width) + "x" + std::to_string(crop_height) +
                 " does not fit the resized " + std::to_string(width) + "x" + std::to_string(height) + " image"};
  }
  // Only the convolution filters on 1 or 3 channels, resampled along both axes, take the short cut.
  if (filter == ResizeFilter::kNearest || image.channels == 4 || width == image.width || height == image.height) {
    Result<Image> resized = Resize(image, width, height, filter);
    if (!resized.ok()) return resized;
    return CenterCrop(resized.value(), crop_width, crop_height);
  }
  const Filter convolution = ConvolutionFilter(filter);
  return ResampleConvolution(
      image,
      Window(PrecomputeCoefficients(image.width, width, convolution), CenterCropOffset(width, crop_width), crop_width),
      Window(PrecomputeCoefficients(image.height, height, convolution), CenterCropOffset(height, crop_height),
             crop_height),
      true, true);
}

}  // namespace quarry::media
