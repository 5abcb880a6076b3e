// The executor's SiLU (ml/onnx/vector_silu.hpp) against x / (1 + exp(-x)) in double precision: random values over
// the range where the result is neither 0 nor x, the clamps' edges and beyond, signed zeros, infinities' neighbours
// and NaN, on every path this CPU has (scalar, AVX2, AVX-512); every length up to a few vectors (the masked and
// scalar tails), out of place and in place; SiluInPlace on channels-last, blocked-sized and strided tensors (the last
// through ATen) and over the intra-op threads.
#include <ATen/ATen.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ml/onnx/vector_silu.hpp"

namespace quarry::ml::onnx {
namespace {

double ExactSilu(float x) {
  const double value = x;
  return value / (1.0 + std::exp(-value));
}

// Within 4 units in the last place of the exact value (or 1e-36 absolute near 0, where a vector path may round
// x / (1 + exp(-x)) for x < -88 to -0).
void ExpectCloseToExact(float x, float actual) {
  const double exact = ExactSilu(x);
  if (std::isnan(exact)) {
    EXPECT_TRUE(std::isnan(actual)) << "x " << x;
    return;
  }
  const double ulp = std::nextafter(static_cast<float>(std::fabs(exact)), std::numeric_limits<float>::infinity()) -
                     static_cast<float>(std::fabs(exact));
  EXPECT_LE(std::fabs(actual - exact), std::max(4 * ulp, 1e-36)) << "x " << x << " exact " << exact;
}

std::vector<float> TestValues() {
  std::vector<float> values = {0.0f,  -0.0f,  1.0f,    -1.0f,    1e-30f, -1e-30f, 86.9f,  87.0f,   87.1f, 88.0f,
                               88.1f, -86.9f, -87.0f,  -87.1f,   -88.0f, -88.1f,  100.0f, -100.0f, 1e30f, -1e30f,
                               3e38f, -3e38f, 0.3466f, -0.3466f, 20.0f,  -20.0f,  -16.0f, 16.0f,   0.5f,  -0.5f};
  std::mt19937 random(20261204);
  std::normal_distribution<float> normal(0.0f, 4.0f);
  std::uniform_real_distribution<float> wide(-120.0f, 120.0f);
  for (int i = 0; i < 20000; i++) values.push_back(i % 2 == 0 ? normal(random) : wide(random));
  values.push_back(std::numeric_limits<float>::quiet_NaN());
  return values;
}

TEST(VectorSiluTest, EveryPathIsWithinFourUlpsOfTheExactValue) {
  const std::vector<float> values = TestValues();
  const std::vector<SiluPath> paths = AvailableSiluPaths();
  ASSERT_EQ(paths.front(), SiluPath::kScalar);
  for (SiluPath path : paths) {
    SCOPED_TRACE("path " + std::to_string(static_cast<int>(path)));
    std::vector<float> out(values.size());
    SiluOnPath(path, values.data(), out.data(), static_cast<int64_t>(values.size()));
    for (size_t i = 0; i < values.size(); i++) ExpectCloseToExact(values[i], out[i]);
  }
  std::vector<float> chosen(values.size()), fastest(values.size());
  Silu(values.data(), chosen.data(), static_cast<int64_t>(values.size()));
  SiluOnPath(paths.back(), values.data(), fastest.data(), static_cast<int64_t>(values.size()));
  EXPECT_EQ(std::memcmp(chosen.data(), fastest.data(), chosen.size() * sizeof(float)), 0);
}

TEST(VectorSiluTest, EveryLengthAndInPlaceGiveTheSameValues) {
  const std::vector<float> values = TestValues();
  for (SiluPath path : AvailableSiluPaths()) {
    std::vector<float> whole(values.size());
    SiluOnPath(path, values.data(), whole.data(), static_cast<int64_t>(values.size()));
    for (int64_t length = 0; length <= 70; length++) {
      for (int64_t offset : {0, 1, 5}) {
        std::vector<float> out(static_cast<size_t>(length) + 2, -7.0f);  // a guard value each side
        SiluOnPath(path, values.data() + offset, out.data() + 1, length);
        EXPECT_EQ(out.front(), -7.0f);
        EXPECT_EQ(out.back(), -7.0f) << "length " << length;
        std::vector<float> in_place(values.begin() + offset, values.begin() + offset + length);
        SiluOnPath(path, in_place.data(), in_place.data(), length);
        for (int64_t i = 0; i < length; i++) {
          const size_t at = static_cast<size_t>(offset + i);
          if (std::isnan(whole[at])) continue;
          EXPECT_EQ(out[i + 1], whole[at]) << "length " << length << " index " << i;
          EXPECT_EQ(in_place[i], whole[at]) << "length " << length << " index " << i;
        }
      }
    }
  }
}

TEST(VectorSiluTest, TensorsOfEveryLayoutMatchAtenSilu) {
  at::manual_seed(7);
  // Channels-last (dense, not contiguous), a large one spread over the threads, and a strided slice (ATen's path).
  const at::Tensor channels_last = (at::randn({2, 24, 17, 9}) * 6).contiguous(at::MemoryFormat::ChannelsLast);
  const at::Tensor large = at::randn({1, 96, 112, 112}) * 6;
  const at::Tensor rows = at::randn({8, 64}) * 6;
  const at::Tensor strided = rows.slice(1, 0, 64, 3);
  for (const at::Tensor& x : {channels_last, large, strided}) {
    // y: x's values with x's strides (a strided view of a copy of the rows for the slice).
    at::Tensor y = x.is_non_overlapping_and_dense() ? x.clone() : rows.clone().slice(1, 0, 64, 3);
    SiluInPlace(y);
    EXPECT_EQ(y.strides(), x.strides());
    const at::Tensor expected = at::silu(x.to(at::kDouble));
    EXPECT_LE((y.to(at::kDouble) - expected).abs().max().item<double>(), 1e-5);
    const at::Tensor relative = (y.to(at::kDouble) - expected).abs() / (expected.abs() + 1e-30);
    EXPECT_LE(relative.max().item<double>(), 1e-6);
  }
  at::Tensor doubles = at::randn({5, 7}, at::kDouble);
  const at::Tensor expected = at::silu(doubles);
  SiluInPlace(doubles);  // not float32: ATen's silu_
  EXPECT_TRUE(at::allclose(doubles, expected));
}

}  // namespace
}  // namespace quarry::ml::onnx
