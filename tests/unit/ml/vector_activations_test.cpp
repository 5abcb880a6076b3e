// The executor's SiLU and GELU passes (ml/onnx/vector_activations.hpp) against x / (1 + exp(-x)) and
// x (1 + erf(x / sqrt 2)) / 2 in double precision: random values over the range where the results are neither 0
// nor x, the clamps' edges and beyond, signed zeros, huge values and NaN, on every path this CPU has (scalar,
// AVX2, AVX-512); every length up to a few vectors (the masked tails), out of place and in place; and
// ApplyVectorFunctionInPlace on channels-last, large (spread over the intra-op threads) and strided tensors (the
// last through ATen).
#include <ATen/ATen.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ml/onnx/vector_activations.hpp"

namespace quarry::ml::onnx {
namespace {

const VectorFunction kFunctions[] = {VectorFunction::kSilu, VectorFunction::kGelu};

std::string NameOf(VectorFunction function) {
  return function == VectorFunction::kSilu ? "silu" : "gelu";
}

double Exact(VectorFunction function, float x) {
  const double value = x;
  return function == VectorFunction::kSilu ? value / (1.0 + std::exp(-value))
                                           : 0.5 * value * (1.0 + std::erf(value / std::sqrt(2.0)));
}

// SiLU: within 4 units in the last place of the exact value (or 1e-36 absolute near 0, where a vector path may
// round x / (1 + exp(-x)) for x < -88 to -0). GELU: within 4 ulps or 2.5e-7 max(1, |x|) absolute (erf's
// approximation errs by up to 4.2e-7 absolute, which x / 2 + x / 2 erf scales by |x| / 2 and, for negative x,
// does not cancel: ATen's float GELU loses digits there too).
void ExpectCloseToExact(VectorFunction function, float x, float actual) {
  const double exact = Exact(function, x);
  if (std::isnan(exact)) {
    EXPECT_TRUE(std::isnan(actual)) << NameOf(function) << " x " << x;
    return;
  }
  const double ulp = std::nextafter(static_cast<float>(std::fabs(exact)), std::numeric_limits<float>::infinity()) -
                     static_cast<float>(std::fabs(exact));
  const double absolute = function == VectorFunction::kSilu ? 1e-36 : 2.5e-7 * std::max(1.0, std::fabs(double{x}));
  EXPECT_LE(std::fabs(actual - exact), std::max(4 * ulp, absolute))
      << NameOf(function) << " x " << x << " exact " << exact;
}

std::vector<float> TestValues() {
  std::vector<float> values = {0.0f,  -0.0f,  1.0f,   -1.0f,  1e-30f,  -1e-30f,  86.9f,  87.0f,  87.1f,
                               88.0f, 88.1f,  -86.9f, -87.0f, -87.1f,  -88.0f,   -88.1f, 100.0f, -100.0f,
                               1e30f, -1e30f, 3e38f,  -3e38f, 0.3466f, -0.3466f, 20.0f,  -20.0f, -16.0f,
                               16.0f, 0.5f,   -0.5f,  5.65f,  5.66f,   -5.65f,   -5.66f, 4.0f,   -4.0f};
  std::mt19937 random(20261204);
  std::normal_distribution<float> normal(0.0f, 4.0f);
  std::uniform_real_distribution<float> wide(-120.0f, 120.0f);
  for (int i = 0; i < 20000; i++) values.push_back(i % 2 == 0 ? normal(random) : wide(random));
  values.push_back(std::numeric_limits<float>::quiet_NaN());
  return values;
}

TEST(VectorActivationsTest, EveryPathIsCloseToTheExactValue) {
  const std::vector<float> values = TestValues();
  const std::vector<VectorPath> paths = AvailableVectorPaths();
  ASSERT_EQ(paths.front(), VectorPath::kScalar);
  for (VectorFunction function : kFunctions) {
    for (VectorPath path : paths) {
      SCOPED_TRACE(NameOf(function) + " path " + std::to_string(static_cast<int>(path)));
      std::vector<float> out(values.size());
      ApplyVectorFunctionOnPath(function, path, values.data(), out.data(), static_cast<int64_t>(values.size()));
      for (size_t i = 0; i < values.size(); i++) ExpectCloseToExact(function, values[i], out[i]);
    }
    std::vector<float> chosen(values.size()), fastest(values.size());
    ApplyVectorFunction(function, values.data(), chosen.data(), static_cast<int64_t>(values.size()));
    ApplyVectorFunctionOnPath(function, paths.back(), values.data(), fastest.data(),
                              static_cast<int64_t>(values.size()));
    EXPECT_EQ(std::memcmp(chosen.data(), fastest.data(), chosen.size() * sizeof(float)), 0);
  }
}

TEST(VectorActivationsTest, EveryLengthAndInPlaceGiveTheSameValues) {
  const std::vector<float> values = TestValues();
  for (VectorFunction function : kFunctions) {
    for (VectorPath path : AvailableVectorPaths()) {
      SCOPED_TRACE(NameOf(function) + " path " + std::to_string(static_cast<int>(path)));
      std::vector<float> whole(values.size());
      ApplyVectorFunctionOnPath(function, path, values.data(), whole.data(), static_cast<int64_t>(values.size()));
      for (int64_t length = 0; length <= 70; length++) {
        for (int64_t offset : {0, 1, 5}) {
          std::vector<float> out(static_cast<size_t>(length) + 2, -7.0f);  // a guard value each side
          ApplyVectorFunctionOnPath(function, path, values.data() + offset, out.data() + 1, length);
          EXPECT_EQ(out.front(), -7.0f);
          EXPECT_EQ(out.back(), -7.0f) << "length " << length;
          std::vector<float> in_place(values.begin() + offset, values.begin() + offset + length);
          ApplyVectorFunctionOnPath(function, path, in_place.data(), in_place.data(), length);
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
}

TEST(VectorActivationsTest, TensorsOfEveryLayoutMatchAten) {
  at::manual_seed(7);
  // Channels-last (dense, not contiguous), a large one spread over the threads, and a strided slice (ATen's path).
  const at::Tensor channels_last = (at::randn({2, 24, 17, 9}) * 6).contiguous(at::MemoryFormat::ChannelsLast);
  const at::Tensor large = at::randn({1, 96, 112, 112}) * 6;
  const at::Tensor rows = at::randn({8, 64}) * 6;
  const at::Tensor strided = rows.slice(1, 0, 64, 3);
  for (VectorFunction function : kFunctions) {
    SCOPED_TRACE(NameOf(function));
    for (const at::Tensor& x : {channels_last, large, strided}) {
      // y: x's values with x's strides (a strided view of a copy of the rows for the slice).
      at::Tensor y = x.is_non_overlapping_and_dense() ? x.clone() : rows.clone().slice(1, 0, 64, 3);
      ApplyVectorFunctionInPlace(function, y);
      EXPECT_EQ(y.strides(), x.strides());
      const at::Tensor x64 = x.to(at::kDouble);
      const at::Tensor expected = function == VectorFunction::kSilu ? at::silu(x64) : at::gelu(x64);
      EXPECT_LE((y.to(at::kDouble) - expected).abs().max().item<double>(), 1e-5);
    }
    at::Tensor doubles = at::randn({5, 7}, at::kDouble);
    const at::Tensor expected = function == VectorFunction::kSilu ? at::silu(doubles) : at::gelu(doubles);
    ApplyVectorFunctionInPlace(function, doubles);  // not float32: ATen's
    EXPECT_TRUE(at::allclose(doubles, expected));
  }
}

}  // namespace
}  // namespace quarry::ml::onnx
