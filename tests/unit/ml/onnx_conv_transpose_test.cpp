// ConvTranspose's fast paths against a plain reference: windows that tile the output (kernel = stride,
// no padding: a 1x1 convolution and a depth-to-space copy), windows that overlap (the input spread out
// with zeros), with groups, bias, batches and channels-last inputs (the output of a Conv), on random
// values, computed here by the definition: every input pixel adds its weighted kernel window to the output.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ml/onnx/host_tensor.hpp"
#include "ml/onnx/onnx_model.hpp"
#include "ml/onnx_graph_builder.hpp"

namespace quarry::ml::onnx {
namespace {

struct Case {
  int64_t batch, channels, outputs_per_group, group, height, width;
  std::vector<int64_t> kernel, strides, pads;  // pads: top, left, bottom, right
  bool bias;
  bool after_conv;  // the input comes from a 1x1 Conv (channels-last strides)
};

std::vector<float> Random(size_t count, uint32_t seed) {
  std::mt19937 random(seed);
  std::uniform_real_distribution<float> uniform(-1.0F, 1.0F);
  std::vector<float> values(count);
  for (float& value : values) value = uniform(random);
  return values;
}

// ONNX ConvTranspose by its definition, on x (N, C, H, W) and w (C, M/group, kh, kw).
std::vector<float> Reference(const Case& c, const std::vector<float>& x, const std::vector<float>& w,
                             const std::vector<float>& bias, int64_t out_height, int64_t out_width) {
  const int64_t inputs_per_group = c.channels / c.group, channels_out = c.group * c.outputs_per_group;
  std::vector<float> y(static_cast<size_t>(c.batch * channels_out * out_height * out_width), 0.0F);
  for (int64_t n = 0; n < c.batch; n++) {
    for (int64_t m = 0; m < channels_out; m++) {
      const int64_t g = m / c.outputs_per_group, m_in_group = m % c.outputs_per_group;
      float* plane = &y[static_cast<size_t>((n * channels_out + m) * out_height * out_width)];
      for (int64_t p = 0; p < out_height * out_width; p++) plane[p] = c.bias ? bias[m] : 0.0F;
      for (int64_t ci = g * inputs_per_group; ci < (g + 1) * inputs_per_group; ci++) {
        for (int64_t h = 0; h < c.height; h++) {
          for (int64_t v = 0; v < c.width; v++) {
            const float value = x[static_cast<size_t>(((n * c.channels + ci) * c.height + h) * c.width + v)];
            for (int64_t i = 0; i < c.kernel[0]; i++) {
              for (int64_t j = 0; j < c.kernel[1]; j++) {
                const int64_t oh = h * c.strides[0] - c.pads[0] + i, ow = v * c.strides[1] - c.pads[1] + j;
                if (oh < 0 || oh >= out_height || ow < 0 || ow >= out_width) continue;
                const float weight = w[static_cast<size_t>(
                    ((ci * c.outputs_per_group + m_in_group) * c.kernel[0] + i) * c.kernel[1] + j)];
                plane[oh * out_width + ow] += value * weight;
              }
            }
          }
        }
      }
    }
  }
  return y;
}

// Builds the graph for `c`, runs it on random values and compares with Reference().
void ExpectMatchesReference(const Case& c) {
  const int64_t channels_out = c.group * c.outputs_per_group;
  const int64_t out_height = (c.height - 1) * c.strides[0] + c.kernel[0] - c.pads[0] - c.pads[2];
  const int64_t out_width = (c.width - 1) * c.strides[1] + c.kernel[1] - c.pads[1] - c.pads[3];
  const std::vector<float> x = Random(static_cast<size_t>(c.batch * c.channels * c.height * c.width), 1);
  const std::vector<float> w =
      Random(static_cast<size_t>(c.channels * c.outputs_per_group * c.kernel[0] * c.kernel[1]), 2);
  const std::vector<float> bias = Random(static_cast<size_t>(channels_out), 3);

  GraphBuilder graph;
  graph.Input("X", {c.batch, c.channels, c.height, c.width});
  graph.Floats("W", {c.channels, c.outputs_per_group, c.kernel[0], c.kernel[1]}, w);
  graph.Floats("B", {channels_out}, bias);
  std::string input = "X";
  if (c.after_conv) {  // identity 1x1 convolution: same values, channels-last strides
    std::vector<float> identity(static_cast<size_t>(c.channels * c.channels), 0.0F);
    for (int64_t i = 0; i < c.channels; i++) identity[static_cast<size_t>(i * c.channels + i)] = 1.0F;
    graph.Floats("I", {c.channels, c.channels, 1, 1}, identity);
    graph.Node("Conv", {"X", "I"}, "x");
    input = "x";
  }
  auto* node = graph.Node(
      "ConvTranspose", c.bias ? std::vector<std::string>{input, "W", "B"} : std::vector<std::string>{input, "W"}, "Y");
  GraphBuilder::IntsAttribute(node, "kernel_shape", c.kernel);
  GraphBuilder::IntsAttribute(node, "strides", c.strides);
  GraphBuilder::IntsAttribute(node, "pads", c.pads);
  GraphBuilder::IntAttribute(node, "group", c.group);
  graph.Output("Y", {c.batch, channels_out, out_height, out_width});
  auto model = graph.Load();
  ASSERT_TRUE(model);
  auto result = model->Run({HostTensor::From(ElementType::kFloat, {c.batch, c.channels, c.height, c.width}, x)});
  ASSERT_TRUE(result.ok()) << result.error();
  ASSERT_EQ(result.value().size(), 1U);
  EXPECT_EQ(result.value()[0].shape, (std::vector<int64_t>{c.batch, channels_out, out_height, out_width}));
  const std::vector<float> actual = result.value()[0].Values<float>();
  const std::vector<float> expected = Reference(c, x, w, bias, out_height, out_width);
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); i++) ASSERT_NEAR(actual[i], expected[i], 1e-4) << "at " << i;
}

TEST(OnnxConvTransposeTest, KernelEqualToStrideTilesTheOutput) {
  ExpectMatchesReference({2, 6, 3, 1, 5, 7, {2, 2}, {2, 2}, {0, 0, 0, 0}, true, false});
}

TEST(OnnxConvTransposeTest, TilingWithGroupsUnequalKernelAndChannelsLastInput) {
  ExpectMatchesReference({3, 4, 5, 2, 4, 3, {2, 3}, {2, 3}, {0, 0, 0, 0}, false, true});
  ExpectMatchesReference({1, 24, 1, 1, 6, 6, {2, 2}, {2, 2}, {0, 0, 0, 0}, true, true});  // PP-OCR's last head
}

TEST(OnnxConvTransposeTest, OverlappingOrPaddedWindowsMatchTheDefinitionToo) {
  ExpectMatchesReference({2, 4, 3, 1, 5, 4, {3, 3}, {2, 2}, {1, 1, 1, 1}, true, false});
  ExpectMatchesReference({1, 4, 2, 2, 3, 5, {2, 2}, {2, 2}, {1, 0, 0, 1}, true, true});  // kernel = stride, padded
  ExpectMatchesReference({1, 3, 2, 1, 4, 4, {4, 4}, {2, 2}, {1, 1, 1, 1}, false, false});
}

}  // namespace
}  // namespace quarry::ml::onnx
