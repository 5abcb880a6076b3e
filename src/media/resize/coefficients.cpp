// Pillow's resampling coefficients (see coefficients.hpp): filters, tables, their 16-bit split, the cache.
#include "media/resize/coefficients.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <tuple>

namespace quarry::media::resize {
namespace {

// The most coefficient tables the cache keeps; past that it starts over (sizes repeat in practice: a
// folder of camera photos has a few sizes, a model one target).
constexpr size_t kCacheEntries = 512;

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

Filter FilterOf(ResizeFilter filter) {
  return filter == ResizeFilter::kBox       ? Filter{BoxFilter, 0.5}
         : filter == ResizeFilter::kBicubic ? Filter{BicubicFilter, 2.0}
                                            : Filter{BilinearFilter, 1.0};
}

// Fills axis.low and axis.high from axis.weights: weight = high * 65536 + low, low signed.
void SplitWeights(AxisCoefficients& axis) {
  const size_t outputs = axis.first.size();
  axis.low.assign(outputs * axis.padded_taps, 0);
  axis.high.assign(outputs * axis.padded_taps, 0);
  for (size_t i = 0; i < outputs; ++i) {
    for (int j = 0; j < axis.count[i]; ++j) {
      const int32_t weight = axis.weights[i * axis.taps + j];
      const auto low = static_cast<int16_t>(static_cast<uint16_t>(weight & 0xFFFF));
      axis.low[i * axis.padded_taps + j] = low;
      axis.high[i * axis.padded_taps + j] = static_cast<int16_t>((weight - low) >> 16);
    }
  }
}

// Fills axis.digits from axis.weights: weight = d2 * 65536 + d1 * 256 + d0, each a signed byte. Leaves
// them empty (quads 0) if a weight needs a larger d2 (none does: normalized weights stay near 2^22).
void WriteDigits(AxisCoefficients& axis) {
  const size_t outputs = axis.first.size();
  axis.quads = (axis.taps + 3) / 4;
  axis.digits.assign(outputs * axis.quads * 3, 0);
  for (size_t i = 0; i < outputs; ++i) {
    for (int j = 0; j < axis.count[i]; ++j) {
      const int32_t weight = axis.weights[i * axis.taps + j];
      const auto d0 = static_cast<int8_t>(static_cast<uint8_t>(weight & 0xFF));
      const int32_t rest = (weight - d0) >> 8;
      const auto d1 = static_cast<int8_t>(static_cast<uint8_t>(rest & 0xFF));
      const int32_t d2 = (rest - d1) >> 8;
      if (d2 < -128 || d2 > 127) {
        axis.quads = 0;
        axis.digits.clear();
        return;
      }
      const int32_t digits[3] = {d0, d1, d2};
      uint32_t* packed = axis.digits.data() + (i * axis.quads + j / 4) * 3;
      for (int k = 0; k < 3; ++k) packed[k] |= (static_cast<uint32_t>(digits[k]) & 0xFF) << (8 * (j % 4));
    }
  }
}

}  // namespace

AxisCoefficients ComputeCoefficients(int32_t in_size, int32_t out_size, ResizeFilter filter) {
  const Filter kernel = FilterOf(filter);
  const double scale = static_cast<double>(in_size) / out_size;
  const double filter_scale = std::max(scale, 1.0);
  const double support = kernel.support * filter_scale;
  AxisCoefficients axis;
  axis.taps = static_cast<int>(std::ceil(support)) * 2 + 1;
  axis.padded_taps = (axis.taps + kTapAlignment - 1) / kTapAlignment * kTapAlignment;
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
      weights[j] = kernel.weight((j + low - center + 0.5) * inverse_scale);
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
  SplitWeights(axis);
  WriteDigits(axis);
  return axis;
}

std::shared_ptr<const AxisCoefficients> CachedCoefficients(int32_t in_size, int32_t out_size, ResizeFilter filter) {
  using Key = std::tuple<int32_t, int32_t, ResizeFilter>;
  static std::mutex mutex;
  static std::map<Key, std::shared_ptr<const AxisCoefficients>> cache;
  const Key key{in_size, out_size, filter};
  {
    std::lock_guard lock(mutex);
    if (auto found = cache.find(key); found != cache.end()) return found->second;
  }
  auto built = std::make_shared<const AxisCoefficients>(ComputeCoefficients(in_size, out_size, filter));
  std::lock_guard lock(mutex);
  if (cache.size() >= kCacheEntries) cache.clear();
  return cache.emplace(key, std::move(built)).first->second;
}

AxisTaps Window(const AxisCoefficients& axis, int32_t begin, int32_t outputs, int32_t origin) {
  AxisTaps taps;
  taps.outputs = outputs;
  taps.taps = axis.taps;
  taps.padded_taps = axis.padded_taps;
  taps.first = axis.first.data() + begin;
  taps.count = axis.count.data() + begin;
  taps.weights = axis.weights.data() + static_cast<size_t>(begin) * axis.taps;
  taps.low = axis.low.data() + static_cast<size_t>(begin) * axis.padded_taps;
  taps.high = axis.high.data() + static_cast<size_t>(begin) * axis.padded_taps;
  taps.quads = axis.quads;
  taps.digits = axis.digits.data() + static_cast<size_t>(begin) * axis.quads * 3;
  taps.origin = origin;
  return taps;
}

}  // namespace quarry::media::resize
