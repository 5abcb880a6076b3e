// The ONNX executor's direct oneDNN kernels (ml/onnx/onednn/) against ATen computing the same thing in
// float64: convolutions (1-D and 2-D, groups and depthwise, strides, dilations, asymmetric padding, bias,
// Winograd's 3x3 kernels on batches of several,
// each fused activation, the fused residual sum written into the residual's memory or into a new
// tensor), inner products with (N, K) and (K, N) weights, batched products of transposed and broadcast
// operands, max and average pooling (padding counted or not) and their global forms, softmax and
// log-softmax along any axis; small work kept on the calling thread; and the caches: a weight reused at other shapes, a
// weight changed in place, other thread counts.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <omp.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ml/onnx/onednn/onednn_convolution.hpp"
#include "ml/onnx/onednn/onednn_matmul.hpp"
#include "ml/onnx/onednn/onednn_pooling.hpp"
#include "ml/onnx/onednn/onednn_primitives.hpp"
#include "ml/onnx/onednn/onednn_softmax.hpp"

namespace quarry::ml::onnx {
namespace {

// Largest difference relative to the reference's largest magnitude (at least 1).
double RelativeDifference(const at::Tensor& actual, const at::Tensor& expected) {
  const double scale = std::max(1.0, expected.abs().max().item<double>());
  return (actual.to(at::kDouble) - expected).abs().max().item<double>() / scale;
}

at::Tensor ReferenceActivation(const at::Tensor& y, FusedActivation activation) {
  switch (activation) {
    case FusedActivation::kRelu:
      return y.relu();
    case FusedActivation::kSilu:
      return y * y.sigmoid();
    case FusedActivation::kHardSwish:
      return y * (y / 6 + 0.5).clamp(0, 1);
    case FusedActivation::kNone:
      break;
  }
  return y;
}

struct ConvolutionCase {
  int64_t batch, channels, outputs, group, height, width;  // height 0: 1-D
  std::vector<int64_t> kernel, strides, dilations, pads_begin, pads_end;
  bool bias;
  FusedActivation activation;
};

// The case computed in float64 by ATen (asymmetric padding as an explicit zero pad).
at::Tensor ReferenceConvolution(const ConvolutionCase& c, const at::Tensor& x, const at::Tensor& w,
                                const at::Tensor& bias, const at::Tensor& residual) {
  std::vector<int64_t> pad_list;
  for (size_t axis = c.kernel.size(); axis-- > 0;) {
    pad_list.push_back(c.pads_begin[axis]);
    pad_list.push_back(c.pads_end[axis]);
  }
  const at::Tensor padded = at::constant_pad_nd(x.to(at::kDouble), pad_list, 0);
  at::Tensor y = at::convolution(padded, w.to(at::kDouble), bias.defined() ? bias.to(at::kDouble) : at::Tensor(),
                                 c.strides, std::vector<int64_t>(c.kernel.size(), 0), c.dilations, false,
                                 std::vector<int64_t>(c.kernel.size(), 0), c.group);
  if (residual.defined()) y = y + residual.to(at::kDouble);
  return ReferenceActivation(y, c.activation);
}

std::vector<ConvolutionCase> ConvolutionCases() {
  const FusedActivation kNone = FusedActivation::kNone, kRelu = FusedActivation::kRelu, kSilu = FusedActivation::kSilu,
                        kHardSwish = FusedActivation::kHardSwish;
  return {
      {1, 3, 8, 1, 17, 19, {3, 3}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, true, kNone},
      {2, 16, 32, 1, 14, 14, {1, 1}, {1, 1}, {1, 1}, {0, 0}, {0, 0}, false, kRelu},
      {1, 8, 16, 1, 23, 20, {3, 3}, {2, 2}, {1, 1}, {0, 1}, {1, 0}, true, kSilu},        // asymmetric padding
      {3, 12, 12, 12, 11, 9, {5, 5}, {1, 2}, {1, 1}, {2, 2}, {2, 2}, true, kHardSwish},  // depthwise
      {1, 8, 12, 4, 13, 13, {3, 3}, {1, 1}, {2, 2}, {2, 2}, {2, 2}, false, kNone},       // groups, dilation
      {2, 4, 6, 1, 9, 31, {1, 7}, {1, 3}, {1, 1}, {0, 3}, {0, 2}, true, kRelu},          // uneven window
      {4, 6, 10, 2, 0, 37, {5}, {2}, {1}, {2}, {1}, true, kSilu},                        // 1-D
      {1, 1, 4, 1, 0, 64, {3}, {1}, {3}, {0}, {0}, false, kNone},                        // 1-D, one channel, dilated
      {4, 16, 32, 1, 12, 10, {3, 3}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, true, kRelu},       // Winograd
      {5, 32, 16, 1, 7, 9, {3, 3}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, false, kNone},        // Winograd, no bias
  };
}

class OneDnnTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!onednn::Enabled()) GTEST_SKIP() << "libtorch without oneDNN";
    at::manual_seed(7);
  }
};

at::Tensor InputOf(const ConvolutionCase& c) {
  return c.height == 0 ? at::randn({c.batch, c.channels, c.width})
                       : at::randn({c.batch, c.channels, c.height, c.width});
}

at::Tensor WeightOf(const ConvolutionCase& c) {
  std::vector<int64_t> shape = {c.outputs, c.channels / c.group};
  shape.insert(shape.end(), c.kernel.begin(), c.kernel.end());
  return at::randn(shape) * 0.3;
}

TEST_F(OneDnnTest, ConvolutionsMatchAtenInDoublePrecision) {
  for (const ConvolutionCase& c : ConvolutionCases()) {
    SCOPED_TRACE("case " + std::to_string(c.batch) + "x" + std::to_string(c.channels) + "x" + std::to_string(c.height) +
                 "x" + std::to_string(c.width) + " group " + std::to_string(c.group));
    const at::Tensor x = InputOf(c), w = WeightOf(c), bias = c.bias ? at::randn({c.outputs}) : at::Tensor();
    ASSERT_TRUE(onednn::TakesConvolution(x, w));
    const WindowGeometry window{c.kernel, c.strides, c.dilations, c.pads_begin, c.pads_end};
    const at::Tensor y = onednn::ConvolveOnOneDnn(x, w, bias, window, c.group, c.activation);
    ASSERT_TRUE(y.defined());
    const at::Tensor expected = ReferenceConvolution(c, x, w, bias, at::Tensor());
    ASSERT_EQ(y.sizes(), expected.sizes());
    EXPECT_LT(RelativeDifference(y, expected), 1e-5);
    // The same on a channels-last input (the output of an earlier convolution) and again (cached).
    if (x.dim() == 4) {
      const at::Tensor again = onednn::ConvolveOnOneDnn(x.contiguous(at::MemoryFormat::ChannelsLast), w, bias, window,
                                                        c.group, c.activation);
      EXPECT_TRUE(at::equal(again, y));
    }
  }
}

TEST_F(OneDnnTest, ResidualSumGoesIntoTheResidualWhenItIsFree) {
  for (const ConvolutionCase& c : ConvolutionCases()) {
    const at::Tensor x = InputOf(c), w = WeightOf(c), bias = c.bias ? at::randn({c.outputs}) : at::Tensor();
    const WindowGeometry window{c.kernel, c.strides, c.dilations, c.pads_begin, c.pads_end};
    const at::Tensor shape_of = onednn::ConvolveOnOneDnn(x, w, bias, window, c.group, FusedActivation::kNone);
    const at::Tensor residual =
        at::randn(shape_of.sizes())
            .contiguous(shape_of.dim() == 4 ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous);
    const at::Tensor kept = residual.clone();
    const at::Tensor expected = ReferenceConvolution(c, x, w, bias, kept);
    // Not free: the residual stays as it was.
    const at::Tensor y = onednn::ConvolveOnOneDnn(x, w, bias, window, c.group, c.activation, residual, false);
    EXPECT_LT(RelativeDifference(y, expected), 1e-5);
    EXPECT_TRUE(at::equal(residual, kept));
    // Free and in the output's layout: the output is the residual's memory.
    const at::Tensor into = onednn::ConvolveOnOneDnn(x, w, bias, window, c.group, c.activation, residual, true);
    EXPECT_LT(RelativeDifference(into, expected), 1e-5);
    if (residual.dim() == 4) EXPECT_EQ(into.data_ptr(), residual.data_ptr());
    // A residual that broadcasts (one value per channel) is expanded into a new output.
    std::vector<int64_t> per_channel(static_cast<size_t>(shape_of.dim()), 1);
    per_channel[1] = c.outputs;
    const at::Tensor channel_residual = at::randn(per_channel);
    const at::Tensor broadcast =
        onednn::ConvolveOnOneDnn(x, w, bias, window, c.group, c.activation, channel_residual, true);
    EXPECT_LT(RelativeDifference(broadcast, ReferenceConvolution(c, x, w, bias, channel_residual)), 1e-5);
  }
}

TEST_F(OneDnnTest, CachedWeightFollowsItsShapesAndChanges) {
  const ConvolutionCase c{2, 8, 8, 1, 12, 12, {3, 3}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, true, FusedActivation::kNone};
  at::Tensor w = WeightOf(c);
  const at::Tensor bias = at::randn({c.outputs});
  const WindowGeometry window{c.kernel, c.strides, c.dilations, c.pads_begin, c.pads_end};
  for (int64_t batch : {2, 1, 5, 2}) {
    ConvolutionCase sized = c;
    sized.batch = batch;
    const at::Tensor x = InputOf(sized);
    const at::Tensor y = onednn::ConvolveOnOneDnn(x, w, bias, window, c.group, c.activation);
    EXPECT_LT(RelativeDifference(y, ReferenceConvolution(sized, x, w, bias, at::Tensor())), 1e-5) << batch;
  }
  // A weight written in place (a new version) is reordered again.
  const at::Tensor x = InputOf(c);
  w.mul_(-2);
  const at::Tensor y = onednn::ConvolveOnOneDnn(x, w, bias, window, c.group, c.activation);
  EXPECT_LT(RelativeDifference(y, ReferenceConvolution(c, x, w, bias, at::Tensor())), 1e-5);
  // Other thread counts make their own primitives; the values do not change.
  const int threads = at::get_num_threads();
  at::set_num_threads(threads == 1 ? 2 : 1);
  const at::Tensor other_threads = onednn::ConvolveOnOneDnn(x, w, bias, window, c.group, c.activation);
  at::set_num_threads(threads);
  EXPECT_LT(RelativeDifference(other_threads, ReferenceConvolution(c, x, w, bias, at::Tensor())), 1e-5);
}

TEST_F(OneDnnTest, InnerProductsTakeEitherWeightOrientationAndFuseActivations) {
  for (int64_t rows : {1, 7, 64}) {
    const at::Tensor a = at::randn({rows, 96});
    const at::Tensor output_major = at::randn({40, 96});  // (N, K)
    const at::Tensor input_major = at::randn({96, 40});   // (K, N)
    const at::Tensor bias = at::randn({40});
    const at::Tensor a64 = a.to(at::kDouble);
    EXPECT_LT(RelativeDifference(onednn::InnerProduct(a, output_major, true, bias),
                                 at::addmm(bias.to(at::kDouble), a64, output_major.to(at::kDouble).t())),
              1e-5);
    EXPECT_LT(RelativeDifference(onednn::InnerProduct(a, input_major, false, at::Tensor()),
                                 at::mm(a64, input_major.to(at::kDouble))),
              1e-5);
    // A transposed view of the rows is read as the matrix it shows.
    const at::Tensor columns = at::randn({96, rows});
    EXPECT_LT(RelativeDifference(onednn::InnerProduct(columns.t(), input_major, false, at::Tensor()),
                                 at::mm(columns.t().to(at::kDouble), input_major.to(at::kDouble))),
              1e-5);
    // Fused activations: as post-operations, or (SiLU) a pass after the primitive.
    for (FusedActivation activation : {FusedActivation::kRelu, FusedActivation::kSilu, FusedActivation::kHardSwish}) {
      EXPECT_LT(
          RelativeDifference(
              onednn::InnerProduct(a, output_major, true, bias, activation),
              ReferenceActivation(at::addmm(bias.to(at::kDouble), a64, output_major.to(at::kDouble).t()), activation)),
          1e-5)
          << ActivationName(activation);
    }
  }
}

TEST_F(OneDnnTest, BatchedProductsReadTransposedAndBroadcastOperands) {
  struct Operands {
    at::Tensor a, b;
  };
  const at::Tensor keys = at::randn({2, 3, 16, 24});
  const std::vector<Operands> cases = {
      {at::randn({5, 7, 9}), at::randn({5, 9, 11})},                   // same batch
      {at::randn({2, 3, 16, 24}), keys.transpose(-1, -2)},             // Q · Kᵀ through strides
      {at::randn({4, 1, 6, 8}), at::randn({1, 3, 8, 5})},              // broadcast both ways
      {at::randn({3, 6, 8}), at::randn({8, 5})},                       // a matrix against a stack
      {at::randn({10, 4}), at::randn({2, 4, 3})},                      // a stack against a matrix
      {at::randn({2, 12, 6}).transpose(1, 2), at::randn({2, 12, 4})},  // Aᵀ · B
  };
  for (const Operands& c : cases) {
    const at::Tensor y = onednn::BatchedMatMul(c.a, c.b);
    ASSERT_TRUE(y.defined());
    const at::Tensor expected = at::matmul(c.a.to(at::kDouble), c.b.to(at::kDouble));
    ASSERT_EQ(y.sizes(), expected.sizes());
    EXPECT_LT(RelativeDifference(y, expected), 1e-5);
  }
  // Batch axes that do not broadcast: left to the caller.
  EXPECT_FALSE(onednn::BatchedMatMul(at::randn({3, 4, 5}), at::randn({2, 5, 6})).defined());
}

TEST_F(OneDnnTest, PoolingMatchesAten) {
  struct PoolCase {
    std::vector<int64_t> shape, kernel, strides, pads_begin, pads_end;
  };
  const std::vector<PoolCase> cases = {
      {{1, 64, 112, 112}, {3, 3}, {2, 2}, {1, 1}, {1, 1}},  // resnet's stem
      {{2, 5, 9, 11}, {2, 3}, {2, 1}, {0, 1}, {1, 0}},      // asymmetric padding
      {{3, 4, 17}, {4}, {3}, {2}, {1}},                     // 1-D
  };
  for (const PoolCase& c : cases) {
    const at::Tensor x = at::randn(c.shape);
    const WindowGeometry window{c.kernel, c.strides, std::vector<int64_t>(c.kernel.size(), 1), c.pads_begin,
                                c.pads_end};
    ASSERT_TRUE(onednn::TakesPooling(x));
    std::vector<int64_t> pad_list;
    for (size_t axis = c.kernel.size(); axis-- > 0;) {
      pad_list.push_back(c.pads_begin[axis]);
      pad_list.push_back(c.pads_end[axis]);
    }
    const bool planar = x.dim() == 4;
    auto max_pool = [&](const at::Tensor& v) {
      return planar ? at::max_pool2d(v, c.kernel, c.strides) : at::max_pool1d(v, c.kernel, c.strides);
    };
    auto sum_pool = [&](const at::Tensor& v) {
      const at::Tensor planar_v = planar ? v : v.unsqueeze(2);
      const std::vector<int64_t> k = planar ? c.kernel : std::vector<int64_t>{1, c.kernel[0]};
      const std::vector<int64_t> s = planar ? c.strides : std::vector<int64_t>{1, c.strides[0]};
      const at::Tensor sums = at::avg_pool2d(planar_v, k, s, {0, 0}, false, true, 1);
      return planar ? sums : sums.squeeze(2);
    };
    const at::Tensor x64 = x.to(at::kDouble);
    const at::Tensor max_expected =
        max_pool(at::constant_pad_nd(x64, pad_list, -std::numeric_limits<double>::infinity()));
    const at::Tensor padded_sums = sum_pool(at::constant_pad_nd(x64, pad_list, 0));
    const at::Tensor counts = sum_pool(at::constant_pad_nd(at::ones_like(x64), pad_list, 0));
    int64_t window_size = 1;
    for (int64_t k : c.kernel) window_size *= k;
    const at::Tensor max_y = onednn::PoolOnOneDnn(x, window, onednn::PoolingKind::kMax);
    ASSERT_TRUE(max_y.defined());
    ASSERT_EQ(max_y.sizes(), max_expected.sizes());
    EXPECT_LT(RelativeDifference(max_y, max_expected), 1e-6);
    EXPECT_LT(RelativeDifference(onednn::PoolOnOneDnn(x, window, onednn::PoolingKind::kAverageCountingPadding),
                                 padded_sums / window_size),
              1e-5);
    EXPECT_LT(RelativeDifference(onednn::PoolOnOneDnn(x, window, onednn::PoolingKind::kAverageInsideOnly),
                                 padded_sums / counts),
              1e-5);
  }
  // Dilation is left to ATen.
  const at::Tensor x = at::randn({1, 2, 8, 8});
  EXPECT_FALSE(
      onednn::PoolOnOneDnn(x, WindowGeometry{{2, 2}, {1, 1}, {2, 2}, {0, 0}, {0, 0}}, onednn::PoolingKind::kMax)
          .defined());
  // Global pooling, on a plain and a channels-last input.
  for (const at::Tensor& input :
       {at::randn({2, 24, 7, 9}), at::randn({2, 24, 7, 9}).contiguous(at::MemoryFormat::ChannelsLast)}) {
    EXPECT_LT(RelativeDifference(onednn::GlobalPoolOnOneDnn(input, onednn::PoolingKind::kAverageCountingPadding),
                                 input.to(at::kDouble).mean({2, 3}, true)),
              1e-6);
    EXPECT_LT(RelativeDifference(onednn::GlobalPoolOnOneDnn(input, onednn::PoolingKind::kMax),
                                 input.to(at::kDouble).amax({2, 3}, true)),
              1e-7);
  }
}

TEST_F(OneDnnTest, SoftmaxMatchesAtenAlongEveryAxis) {
  const at::Tensor x = at::randn({3, 4, 49, 49}) * 4;
  for (int64_t axis = 0; axis < x.dim(); axis++) {
    const at::Tensor x64 = x.to(at::kDouble);
    EXPECT_LT(RelativeDifference(onednn::Softmax(x, axis, false), at::softmax(x64, axis)), 1e-6) << axis;
    EXPECT_LT(RelativeDifference(onednn::Softmax(x, axis, true), at::log_softmax(x64, axis)), 1e-6) << axis;
  }
  // A transposed view is read as the values it shows.
  const at::Tensor view = x.transpose(1, 3);
  EXPECT_LT(RelativeDifference(onednn::Softmax(view, 3, false), at::softmax(view.to(at::kDouble), 3)), 1e-6);
  EXPECT_FALSE(onednn::Softmax(x.to(at::kDouble), 3, false).defined());
}

TEST_F(OneDnnTest, SmallWorkRunsOnTheCallingThreadAlone) {
  const int threads = at::get_num_threads();
  at::set_num_threads(2);
  {
    const onednn::SmallWorkOnOneThread small(onednn::kOneThreadMaxWork - 1);
    EXPECT_EQ(omp_get_max_threads(), 1);
  }
  EXPECT_EQ(omp_get_max_threads(), 2);
  {
    const onednn::SmallWorkOnOneThread large(onednn::kOneThreadMaxWork);
    EXPECT_EQ(omp_get_max_threads(), 2);
  }
  at::set_num_threads(threads);
}

}  // namespace
}  // namespace quarry::ml::onnx
