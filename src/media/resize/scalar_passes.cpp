// The scalar passes (see passes.hpp): Pillow's ImagingResampleHorizontal/Vertical_8bpc loops, plainly.
// They are the reference the vector passes are tested against, and what runs off x86.
#include <algorithm>
#include <vector>

#include "media/resize/passes.hpp"

namespace quarry::media::resize {
namespace {

template <int kChannels>
void HorizontalRows(const ImageView& in, int32_t first_row, const AxisTaps& columns, Image& out) {
  for (int32_t y = 0; y < out.height; ++y) {
    const uint8_t* source = in.row(first_row + y);
    uint8_t* target = out.row(y);
    for (int32_t x = 0; x < columns.outputs; ++x) {
      const int32_t* k = columns.Weights(x);
      const uint8_t* pixel = source + static_cast<size_t>(columns.First(x)) * kChannels;
      int32_t sums[kChannels];
      for (int c = 0; c < kChannels; ++c) sums[c] = kHalf;
      for (int32_t j = 0; j < columns.count[x]; ++j) {
        for (int c = 0; c < kChannels; ++c) sums[c] += pixel[j * kChannels + c] * k[j];
      }
      for (int c = 0; c < kChannels; ++c) target[x * kChannels + c] = Clip8(sums[c]);
    }
  }
}

}  // namespace

void HorizontalScalar(const ImageView& in, int32_t first_row, const AxisTaps& columns, Image& out) {
  switch (in.channels) {
    case 1:
      return HorizontalRows<1>(in, first_row, columns, out);
    case 3:
      return HorizontalRows<3>(in, first_row, columns, out);
    default:
      return HorizontalRows<4>(in, first_row, columns, out);
  }
}

void HorizontalPixelScalar(const uint8_t* source_row, int32_t channels, const AxisTaps& columns, int32_t x,
                           uint8_t* target_row) {
  const int32_t* k = columns.Weights(x);
  const uint8_t* pixel = source_row + static_cast<size_t>(columns.First(x)) * channels;
  for (int32_t c = 0; c < channels; ++c) {
    int32_t sum = kHalf;
    for (int32_t j = 0; j < columns.count[x]; ++j) sum += pixel[j * channels + c] * k[j];
    target_row[static_cast<size_t>(x) * channels + c] = Clip8(sum);
  }
}

// Each output row is a weighted sum of whole input rows, accumulated row by row so the inner loop runs
// over contiguous bytes (the same integer sums as Pillow's, which never overflow).
void VerticalScalar(const ImageView& in, const AxisTaps& rows, Image& out) {
  const size_t row_bytes = in.row_bytes();
  std::vector<int32_t> sums(row_bytes);
  for (int32_t y = 0; y < out.height; ++y) {
    std::fill(sums.begin(), sums.end(), kHalf);
    const int32_t* k = rows.Weights(y);
    for (int32_t j = 0; j < rows.count[y]; ++j) {
      const uint8_t* source = in.row(rows.First(y) + j);
      const int32_t weight = k[j];
      for (size_t i = 0; i < row_bytes; ++i) sums[i] += source[i] * weight;
    }
    uint8_t* target = out.row(y);
    for (size_t i = 0; i < row_bytes; ++i) target[i] = Clip8(sums[i]);
  }
}

void VerticalBytesScalar(const ImageView& in, const AxisTaps& rows, int32_t y, size_t begin, size_t end,
                         uint8_t* target_row) {
  const int32_t* k = rows.Weights(y);
  for (size_t i = begin; i < end; ++i) {
    int32_t sum = kHalf;
    for (int32_t j = 0; j < rows.count[y]; ++j) sum += in.row(rows.First(y) + j)[i] * k[j];
    target_row[i] = Clip8(sum);
  }
}

}  // namespace quarry::media::resize
