// The executor's plan-level optimizations keep ONNX semantics: a Relu (or SiLU, HardSwish) fused into the
// Conv, Add or fused MatMul+Add before it gives the unfused result, and is not fused when something else
// reads the value before the Relu; a MatMul by a constant and its constant bias become one step only when
// nothing else reads the product; kernels that compute in place (Add) never overwrite a value another
// node, a graph output, a view or the caller's input still needs; spelled-out hard-swish, SiLU and GELU
// become one step only when nothing else reads their parts; Sigmoid and PyTorch's HardSigmoid (alpha 1/6)
// fuse into the step before them, other HardSigmoids do not; a Conv added to another value becomes one step
// that broadcasts it as Add does and overwrites it only when nothing else needs it; the convolution plan a
// step keeps between runs is redone when the input's size, the residual's or the thread count changes. Small
// graphs built here, checked against values computed by hand.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <omp.h>

#include "ml/onnx/host_tensor.hpp"
#include "ml/onnx/onnx_model.hpp"
#include "ml/onnx_graph_builder.hpp"

namespace quarry::ml::onnx {
namespace {

const std::vector<float> kInput = {-2.0F, -0.5F, 0.25F, 1.5F, -1.0F, 3.0F, 0.0F, -4.0F};  // shape {1, 2, 2, 2}

std::vector<std::vector<float>> RunFloats(const OnnxModel& model, const std::vector<float>& input) {
  HostTensor tensor = HostTensor::From(ElementType::kFloat, {1, 2, 2, 2}, input);
  auto result = model.Run({tensor});
  EXPECT_TRUE(result.ok()) << result.error();
  std::vector<std::vector<float>> outputs;
  if (result.ok()) {
    for (const auto& output : result.value()) outputs.push_back(output.Values<float>());
  }
  return outputs;
}

// A 1x1 convolution mixing two channels: out[c] = w[c][0] * in[0] + w[c][1] * in[1] + bias[c].
std::vector<float> Conv1x1(const std::vector<float>& in) {
  const float w[2][2] = {{1.0F, -1.0F}, {0.5F, 2.0F}};
  const float bias[2] = {0.25F, -1.0F};
  std::vector<float> out(8);
  for (int c = 0; c < 2; c++) {
    for (int p = 0; p < 4; p++) out[c * 4 + p] = w[c][0] * in[p] + w[c][1] * in[4 + p] + bias[c];
  }
  return out;
}

std::vector<float> Relu(std::vector<float> values) {
  for (float& value : values) value = std::max(value, 0.0F);
  return values;
}

void ExpectNear(const std::vector<float>& actual, const std::vector<float>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); i++) EXPECT_NEAR(actual[i], expected[i], 1e-5) << "at " << i;
}

void AddConvWeights(GraphBuilder& graph) {
  graph.Floats("W", {2, 2, 1, 1}, {1.0F, -1.0F, 0.5F, 2.0F});
  graph.Floats("B", {2}, {0.25F, -1.0F});
}

TEST(OnnxPlanTest, ReluFusedIntoConvGivesTheUnfusedResult) {
  GraphBuilder graph;
  graph.Input("X", {1, 2, 2, 2});
  AddConvWeights(graph);
  graph.Node("Conv", {"X", "W", "B"}, "c");
  graph.Node("Relu", {"c"}, "Y");
  graph.Output("Y", {1, 2, 2, 2});
  auto model = graph.Load();
  ASSERT_TRUE(model);
  EXPECT_NE(model->Describe().find(" 1 nodes"), std::string::npos) << model->Describe();
  auto outputs = RunFloats(*model, kInput);
  ASSERT_EQ(outputs.size(), 1U);
  ExpectNear(outputs[0], Relu(Conv1x1(kInput)));
}

TEST(OnnxPlanTest, ReluIsNotFusedWhenTheConvOutputIsReadElsewhere) {
  GraphBuilder graph;
  graph.Input("X", {1, 2, 2, 2});
  AddConvWeights(graph);
  graph.Node("Conv", {"X", "W", "B"}, "c");
  graph.Node("Relu", {"c"}, "Y");
  graph.Node("Neg", {"c"}, "N");
  graph.Output("Y", {1, 2, 2, 2});
  graph.Output("N", {1, 2, 2, 2});
  graph.Output("c", {1, 2, 2, 2});
  auto model = graph.Load();
  ASSERT_TRUE(model);
  auto outputs = RunFloats(*model, kInput);
  ASSERT_EQ(outputs.size(), 3U);
  const std::vector<float> conv = Conv1x1(kInput);
  std::vector<float> negated = conv;
  for (float& value : negated) value = -value;
  ExpectNear(outputs[0], Relu(conv));
  ExpectNear(outputs[1], negated);
  ExpectNear(outputs[2], conv);
}

TEST(OnnxPlanTest, AddWithFusedReluLeavesTheCallersInputAlone) {
  GraphBuilder graph;
  graph.Input("X", {1, 2, 2, 2});
  graph.Floats("D", {1, 2, 1, 1}, {0.5F, -1.0F});
  graph.Node("Add", {"X", "D"}, "s");
  graph.Node("Relu", {"s"}, "Y");
  graph.Output("Y", {1, 2, 2, 2});
  auto model = graph.Load();
  ASSERT_TRUE(model);
  HostTensor input = HostTensor::From(ElementType::kFloat, {1, 2, 2, 2}, kInput);
  auto result = model->Run({input});
  ASSERT_TRUE(result.ok()) << result.error();
  std::vector<float> expected(8);
  for (int i = 0; i < 8; i++) expected[i] = std::max(kInput[i] + (i < 4 ? 0.5F : -1.0F), 0.0F);
  ExpectNear(result.value()[0].Values<float>(), expected);
  EXPECT_EQ(input.Values<float>(), kInput);
}

TEST(OnnxPlanTest, InPlaceAddNeverOverwritesAValueStillNeeded) {
  // e = exp(X); r = reshape(e) views e's memory; s = r + C is r's last use but e is read again by Mul;
  // t = e * 2 must see exp(X). Then u = t + s overwrites one of them (both dead), v = relu(u).
  GraphBuilder graph;
  graph.Input("X", {1, 2, 2, 2});
  graph.Floats("C", {1}, {1.0F});
  graph.Floats("Two", {1}, {2.0F});
  graph.Ints("flat", {8});
  graph.Node("Exp", {"X"}, "e");
  graph.Node("Reshape", {"e", "flat"}, "r");
  graph.Node("Add", {"r", "C"}, "s");
  graph.Node("Mul", {"e", "Two"}, "t");
  graph.Node("Reshape", {"t", "flat"}, "tf");
  graph.Node("Add", {"tf", "s"}, "u");
  graph.Node("Relu", {"u"}, "v");
  graph.Output("s", {8});
  graph.Output("t", {1, 2, 2, 2});
  graph.Output("v", {8});
  auto model = graph.Load();
  ASSERT_TRUE(model);
  auto outputs = RunFloats(*model, kInput);
  ASSERT_EQ(outputs.size(), 3U);
  std::vector<float> s(8), t(8), v(8);
  for (int i = 0; i < 8; i++) {
    s[i] = std::exp(kInput[i]) + 1.0F;
    t[i] = std::exp(kInput[i]) * 2.0F;
    v[i] = std::max(s[i] + t[i], 0.0F);
  }
  ExpectNear(outputs[0], s);
  ExpectNear(outputs[1], t);
  ExpectNear(outputs[2], v);
}

TEST(OnnxPlanTest, RepeatedRunsGiveTheSameResult) {
  // In-place kernels must not touch constants: a second run sees the same weights.
  GraphBuilder graph;
  graph.Input("X", {1, 2, 2, 2});
  AddConvWeights(graph);
  graph.Node("Conv", {"X", "W", "B"}, "c");
  graph.Node("Add", {"c", "B4"}, "s");
  graph.Floats("B4", {1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  graph.Node("Relu", {"s"}, "Y");
  graph.Output("Y", {1, 2, 2, 2});
  auto model = graph.Load();
  ASSERT_TRUE(model);
  std::vector<float> expected = Conv1x1(kInput);
  for (int i = 0; i < 8; i++) expected[i] = std::max(expected[i] + static_cast<float>(i + 1), 0.0F);
  for (int run = 0; run < 3; run++) {
    auto outputs = RunFloats(*model, kInput);
    ASSERT_EQ(outputs.size(), 1U);
    ExpectNear(outputs[0], expected);
  }
}

// The 1x1 convolution of Conv1x1 (plus `residual[c]` per channel) on N x 2 x H x W values.
std::vector<float> Conv1x1Batch(const std::vector<float>& in, int64_t batch, int64_t pixels,
                                const std::vector<float>& residual = {0.0F, 0.0F}) {
  const float w[2][2] = {{1.0F, -1.0F}, {0.5F, 2.0F}};
  const float bias[2] = {0.25F, -1.0F};
  std::vector<float> out(in.size());
  for (int64_t n = 0; n < batch; n++) {
    const float* x = in.data() + n * 2 * pixels;
    for (int c = 0; c < 2; c++) {
      for (int64_t p = 0; p < pixels; p++) {
        out[(n * 2 + c) * pixels + p] = w[c][0] * x[p] + w[c][1] * x[pixels + p] + bias[c] + residual[c];
      }
    }
  }
  return out;
}

// A step keeps its convolution's plan between runs (KernelMemo): runs of other input sizes, residual
// sizes and thread counts, and back, each give the convolution of their own input.
TEST(OnnxPlanTest, AConvolutionsKeptPlanFollowsItsArguments) {
  GraphBuilder graph;
  graph.Input("X", {-1, 2, -1, -1});
  graph.Input("R", {-1, 2, -1, -1});
  AddConvWeights(graph);
  graph.Node("Conv", {"X", "W", "B"}, "c");
  graph.Node("Add", {"c", "R"}, "Y");
  graph.Output("Y", {-1, 2, -1, -1});
  auto model = graph.Load();
  ASSERT_TRUE(model);
  ASSERT_NE(model->Describe().find(" 1 nodes"), std::string::npos) << model->Describe();  // one ConvAdd step
  const int threads = omp_get_max_threads();
  struct Call {
    std::vector<int64_t> shape;
    bool broadcast_residual;
    int threads;
  };
  // Each call differs from the one before in one argument: the input's size, the residual's, the threads.
  const std::vector<Call> calls = {{{1, 2, 2, 2}, true, 1},  {{3, 2, 4, 5}, true, 1},  {{3, 2, 4, 5}, false, 1},
                                   {{3, 2, 4, 5}, false, 2}, {{1, 2, 2, 2}, false, 2}, {{1, 2, 2, 2}, true, 2},
                                   {{1, 2, 2, 2}, true, 1}};
  for (size_t i = 0; i < calls.size(); i++) {
    const Call& call = calls[i];
    const int64_t pixels = call.shape[2] * call.shape[3];
    const int64_t count = call.shape[0] * 2 * pixels;
    std::vector<float> input(static_cast<size_t>(count));
    for (int64_t k = 0; k < count; k++) input[k] = static_cast<float>((k * 7 + static_cast<int64_t>(i)) % 11) - 5.0F;
    const std::vector<float> per_channel = {1.5F, -2.0F};
    std::vector<float> residual = call.broadcast_residual ? per_channel : std::vector<float>(input.size(), 0.5F);
    const std::vector<int64_t> residual_shape = call.broadcast_residual ? std::vector<int64_t>{1, 2, 1, 1} : call.shape;
    omp_set_num_threads(call.threads);
    auto result = model->Run({HostTensor::From(ElementType::kFloat, call.shape, input),
                              HostTensor::From(ElementType::kFloat, residual_shape, residual)});
    omp_set_num_threads(threads);
    ASSERT_TRUE(result.ok()) << result.error();
    std::vector<float> expected = Conv1x1Batch(input, call.shape[0], pixels,
                                               call.broadcast_residual ? per_channel : std::vector<float>{0.0F, 0.0F});
    if (!call.broadcast_residual) {
      for (float& value : expected) value += 0.5F;
    }
    SCOPED_TRACE("call " + std::to_string(i));
    ExpectNear(result.value()[0].Values<float>(), expected);
  }
}

// x * Clip(x + 3, 0, 6) / 6 for the test input.
std::vector<float> HardSwish(const std::vector<float>& values) {
  std::vector<float> out;
  for (float x : values) out.push_back(x * std::min(std::max(x + 3.0F, 0.0F), 6.0F) / 6.0F);
  return out;
}

void AddHardSwishConstants(GraphBuilder& graph) {
  graph.Floats("three", {}, {3.0F});
  graph.Floats("zero", {}, {0.0F});
  graph.Floats("six", {}, {6.0F});
}

TEST(OnnxPlanTest, SpelledOutHardSwishBecomesOneStep) {
  // Inputs -4..3 cover both clip bounds; Add's operands reversed, Mul's too.
  const std::vector<float> input = {-4.0F, -3.0F, -1.5F, -0.25F, 0.5F, 2.0F, 3.0F, 3.5F};
  GraphBuilder graph;
  graph.Input("X", {1, 2, 2, 2});
  AddHardSwishConstants(graph);
  graph.Node("Exp", {"X"}, "e");  // not the graph input: the fused step may overwrite it
  graph.Node("Log", {"e"}, "x");
  graph.Node("Add", {"three", "x"}, "a");
  graph.Node("Clip", {"a", "zero", "six"}, "c");
  graph.Node("Mul", {"c", "x"}, "m");
  graph.Node("Div", {"m", "six"}, "Y");
  graph.Output("Y", {1, 2, 2, 2});
  auto model = graph.Load();
  ASSERT_TRUE(model);
  EXPECT_NE(model->Describe().find(" 3 nodes"), std::string::npos) << model->Describe();
  auto outputs = RunFloats(*model, input);
  ASSERT_EQ(outputs.size(), 1U);
  ExpectNear(outputs[0], HardSwish(input));
}

TEST(OnnxPlanTest, HardSwishIsNotFusedWhenAPartIsReadElsewhereOrTheConstantsDiffer) {
  const std::vector<float> input = {-4.0F, -3.0F, -1.5F, -0.25F, 0.5F, 2.0F, 3.0F, 3.5F};
  GraphBuilder graph;
  graph.Input("X", {1, 2, 2, 2});
  AddHardSwishConstants(graph);
  graph.Floats("five", {}, {5.0F});
  graph.Node("Add", {"X", "three"}, "a");
  graph.Node("Clip", {"a", "zero", "six"}, "c");
  graph.Node("Mul", {"X", "c"}, "m");
  graph.Node("Div", {"m", "six"}, "Y");
  graph.Node("Div", {"m", "five"}, "Z");            // m has a second reader
  graph.Node("Clip", {"a", "zero", "five"}, "c5");  // other bounds
  graph.Node("Mul", {"X", "c5"}, "m5");
  graph.Node("Div", {"m5", "six"}, "W");
  graph.Output("Y", {1, 2, 2, 2});
  graph.Output("Z", {1, 2, 2, 2});
  graph.Output("W", {1, 2, 2, 2});
  auto model = graph.Load();
  ASSERT_TRUE(model);
  EXPECT_NE(model->Describe().find(" 8 nodes"), std::string::npos) << model->Describe();
  auto outputs = RunFloats(*model, input);
  ASSERT_EQ(outputs.size(), 3U);
  std::vector<float> z, w;
  for (float x : input) {
    z.push_back(x * std::min(std::max(x + 3.0F, 0.0F), 6.0F) / 5.0F);
    w.push_back(x * std::min(std::max(x + 3.0F, 0.0F), 5.0F) / 6.0F);
  }
  ExpectNear(outputs[0], HardSwish(input));
  ExpectNear(outputs[1], z);
  ExpectNear(outputs[2], w);
}

std::vector<float> SiLU(const std::vector<float>& values) {
  std::vector<float> out;
  for (float x : values) out.push_back(x / (1.0F + std::exp(-x)));
  return out;
}

TEST(OnnxPlanTest, SpelledOutSiLUBecomesOneStep) {
  const std::vector<float> input = {-20.0F, -3.0F, -1.5F, -0.25F, 0.0F, 2.0F, 3.0F, 15.0F};
  GraphBuilder graph;
  graph.Input("X", {1, 2, 2, 2});
  graph.Node("Exp", {"X"}, "e");  // not the graph input: the fused step may overwrite it
  graph.Node("Log", {"e"}, "x");
  graph.Node("Sigmoid", {"x"}, "s");
  graph.Node("Mul", {"x", "s"}, "m");
  graph.Node("Sigmoid", {"m"}, "t");
  graph.Node("Mul", {"t", "m"}, "Y");  // operands the other way round
  graph.Output("Y", {1, 2, 2, 2});
  auto model = graph.Load();
  ASSERT_TRUE(model);
  EXPECT_NE(model->Describe().find(" 4 nodes"), std::string::npos) << model->Describe();
  auto outputs = RunFloats(*model, input);
  ASSERT_EQ(outputs.size(), 1U);
  ExpectNear(outputs[0], SiLU(SiLU(input)));
}

TEST(OnnxPlanTest, SiLUAndHardSwishFuseIntoTheConvOrAddBeforeThem) {
  GraphBuilder graph;
  graph.Input("X", {1, 2, 2, 2});
  AddConvWeights(graph);
  graph.Floats("half", {}, {0.5F});
  graph.Node("Conv", {"X", "W", "B"}, "c");
  graph.Node("Sigmoid", {"c"}, "s");
  graph.Node("Mul", {"c", "s"}, "Y");  // SiLU of a Conv
  graph.Node("Conv", {"X", "W", "B"}, "d");
  graph.Node("HardSwish", {"d"}, "Z");  // ONNX's own HardSwish of a Conv
  graph.Node("Add", {"X", "half"}, "a");
  graph.Node("Sigmoid", {"a"}, "t");
  graph.Node("Mul", {"t", "a"}, "V");  // SiLU of an Add
  graph.Output("Y", {1, 2, 2, 2});
  graph.Output("Z", {1, 2, 2, 2});
  graph.Output("V", {1, 2, 2, 2});
  auto model = graph.Load();
  ASSERT_TRUE(model);
  EXPECT_NE(model->Describe().find(" 3 nodes"), std::string::npos) << model->Describe();
  auto outputs = RunFloats(*model, kInput);
  ASSERT_EQ(outputs.size(), 3U);
  ExpectNear(outputs[0], SiLU(Conv1x1(kInput)));
  ExpectNear(outputs[1], HardSwish(Conv1x1(kInput)));
  std::vector<float> shifted = kInput;
  for (float& value : shifted) value += 0.5F;
  ExpectNear(outputs[2], SiLU(shifted));
}

// clip(alpha x + beta, 0, 1), ONNX's HardSigmoid.
std::vector<float> HardSigmoid(std::vector<float> values, float alpha, float beta) {
  for (float& x : values) x = std::min(std::max(x * alpha + beta, 0.0F), 1.0F);
  return values;
}

TEST(OnnxPlanTest, SigmoidAndPyTorchsHardSigmoidFuseIntoTheConvOrAddBeforeThemAndOtherHardSigmoidsDoNot) {
  GraphBuilder graph;
  graph.Input("X", {1, 2, 2, 2});
  AddConvWeights(graph);
  graph.Floats("half", {}, {0.5F});
  graph.Node("Conv", {"X", "W", "B"}, "c");
  GraphBuilder::FloatAttribute(graph.Node("HardSigmoid", {"c"}, "Y"), "alpha", 1.0F / 6.0F);  // PyTorch's
  graph.Node("Add", {"X", "half"}, "a");
  GraphBuilder::FloatAttribute(graph.Node("HardSigmoid", {"a"}, "Z"), "alpha", 1.0F / 6.0F);
  graph.Node("Conv", {"X", "W", "B"}, "d");
  graph.Node("HardSigmoid", {"d"}, "V");  // ONNX's default alpha 0.2: a step of its own
  graph.Node("Conv", {"X", "W", "B"}, "e");
  graph.Node("Sigmoid", {"e"}, "S");  // EfficientNet's gate: fused
  graph.Output("Y", {1, 2, 2, 2});
  graph.Output("Z", {1, 2, 2, 2});
  graph.Output("V", {1, 2, 2, 2});
  graph.Output("S", {1, 2, 2, 2});
  auto model = graph.Load();
  ASSERT_TRUE(model);
  EXPECT_NE(model->Describe().find(" 5 nodes"), std::string::npos) << model->Describe();
  auto outputs = RunFloats(*model, kInput);
  ASSERT_EQ(outputs.size(), 4U);
  std::vector<float> gate = Conv1x1(kInput);
  for (float& value : gate) value = 1.0F / (1.0F + std::exp(-value));
  ExpectNear(outputs[3], gate);
  ExpectNear(outputs[0], HardSigmoid(Conv1x1(kInput), 1.0F / 6.0F, 0.5F));
  std::vector<float> shifted = kInput;
  for (float& value : shifted) value += 0.5F;
  ExpectNear(outputs[1], HardSigmoid(shifted, 1.0F / 6.0F, 0.5F));
  ExpectNear(outputs[2], HardSigmoid(Conv1x1(kInput), 0.2F, 0.5F));
}

// kInput (1, 2, 2, 2) times the (2, 3) matrix {{1, -1, 0.5}, {2, 0.25, -3}} plus {0.5, -1, 2}.
std::vector<float> LinearOfInput() {
  const float w[2][3] = {{1.0F, -1.0F, 0.5F}, {2.0F, 0.25F, -3.0F}};
  const float bias[3] = {0.5F, -1.0F, 2.0F};
  std::vector<float> out;
  for (int row = 0; row < 4; row++) {
    for (int column = 0; column < 3; column++) {
      out.push_back(kInput[row * 2] * w[0][column] + kInput[row * 2 + 1] * w[1][column] + bias[column]);
    }
  }
  return out;
}

TEST(OnnxPlanTest, MatMulByAConstantAndItsBiasBecomeOneStepWithTheActivation) {
  GraphBuilder graph;
  graph.Input("X", {1, 2, 2, 2});
  graph.Floats("W", {2, 3}, {1.0F, -1.0F, 0.5F, 2.0F, 0.25F, -3.0F});
  graph.Floats("bias", {1, 3}, {0.5F, -1.0F, 2.0F});
  graph.Node("MatMul", {"X", "W"}, "p");
  graph.Node("Add", {"bias", "p"}, "a");  // the bias first
  graph.Node("Relu", {"a"}, "Y");
  graph.Output("Y", {1, 2, 2, 3});
  auto model = graph.Load();
  ASSERT_TRUE(model);
  EXPECT_NE(model->Describe().find(" 1 nodes"), std::string::npos) << model->Describe();
  auto outputs = RunFloats(*model, kInput);
  ASSERT_EQ(outputs.size(), 1U);
  ExpectNear(outputs[0], Relu(LinearOfInput()));
}

TEST(OnnxPlanTest, MatMulAddIsNotFusedWhenTheProductIsReadElsewhereOrNotByConstants) {
  GraphBuilder graph;
  graph.Input("X", {1, 2, 2, 2});
  graph.Input("V", {3});
  graph.Floats("W", {2, 3}, {1.0F, -1.0F, 0.5F, 2.0F, 0.25F, -3.0F});
  graph.Floats("bias", {3}, {0.5F, -1.0F, 2.0F});
  graph.Node("MatMul", {"X", "W"}, "p");
  graph.Node("Add", {"p", "bias"}, "Y");
  graph.Node("Neg", {"p"}, "Z");  // the product has a second reader
  graph.Node("MatMul", {"X", "W"}, "q");
  graph.Node("Add", {"q", "V"}, "U");  // the bias is not a constant
  graph.Output("Y", {1, 2, 2, 3});
  graph.Output("Z", {1, 2, 2, 3});
  graph.Output("U", {1, 2, 2, 3});
  auto model = graph.Load();
  ASSERT_TRUE(model);
  EXPECT_NE(model->Describe().find(" 5 nodes"), std::string::npos) << model->Describe();
  HostTensor x = HostTensor::From(ElementType::kFloat, {1, 2, 2, 2}, kInput);
  HostTensor v = HostTensor::From(ElementType::kFloat, {3}, std::vector<float>{0.5F, -1.0F, 2.0F});
  auto result = model->Run({x, v});
  ASSERT_TRUE(result.ok()) << result.error();
  const std::vector<float> linear = LinearOfInput();
  std::vector<float> negated_product;
  for (size_t i = 0; i < linear.size(); i++)
    negated_product.push_back(-(linear[i] - (i % 3 == 0 ? 0.5F : i % 3 == 1 ? -1.0F : 2.0F)));
  ExpectNear(result.value()[0].Values<float>(), linear);
  ExpectNear(result.value()[1].Values<float>(), negated_product);
  ExpectNear(result.value()[2].Values<float>(), linear);
}

std::vector<float> Plus(std::vector<float> a, const std::vector<float>& b) {
  for (size_t i = 0; i < a.size(); i++) a[i] += b[i];
  return a;
}

std::vector<float> Negated(std::vector<float> values) {
  for (float& value : values) value = -value;
  return values;
}

TEST(OnnxPlanTest, ConvAddedToAValueBecomesOneStepWithTheRelu) {
  GraphBuilder graph;
  graph.Input("X", {1, 2, 2, 2});
  AddConvWeights(graph);
  graph.Node("Conv", {"X", "W", "B"}, "c");
  graph.Node("Add", {"X", "c"}, "a");  // the residual first; it is the caller's input
  graph.Node("Relu", {"a"}, "Y");
  graph.Output("Y", {1, 2, 2, 2});
  auto model = graph.Load();
  ASSERT_TRUE(model);
  EXPECT_NE(model->Describe().find(" 1 nodes"), std::string::npos) << model->Describe();
  HostTensor input = HostTensor::From(ElementType::kFloat, {1, 2, 2, 2}, kInput);
  auto result = model->Run({input});
  ASSERT_TRUE(result.ok()) << result.error();
  ExpectNear(result.value()[0].Values<float>(), Relu(Plus(Conv1x1(kInput), kInput)));
  EXPECT_EQ(input.Values<float>(), kInput);
}

TEST(OnnxPlanTest, ConvAddOfTwoConvolutionsAndOfValuesStillNeeded) {
  // A projection shortcut: Add(Conv(X), Conv(-X)) (written into the first Conv's output); a residual
  // e = Conv(-X) that a later Mul reads again (never overwritten); f = exp(-X) and a Conv without bias.
  GraphBuilder graph;
  graph.Input("X", {1, 2, 2, 2});
  AddConvWeights(graph);
  graph.Floats("Two", {1}, {2.0F});
  graph.Node("Conv", {"X", "W", "B"}, "c");
  graph.Node("Neg", {"X"}, "n");
  graph.Node("Conv", {"n", "W", "B"}, "d");
  graph.Node("Add", {"c", "d"}, "P");
  graph.Node("Conv", {"n", "W", "B"}, "e");
  graph.Node("Conv", {"X", "W", "B"}, "g");
  graph.Node("Add", {"g", "e"}, "Q");
  graph.Node("Mul", {"e", "Two"}, "T");
  graph.Node("Exp", {"n"}, "f");
  graph.Node("Conv", {"X", "W"}, "h");  // no bias
  graph.Node("Add", {"f", "h"}, "R");
  graph.Output("P", {1, 2, 2, 2});
  graph.Output("Q", {1, 2, 2, 2});
  graph.Output("T", {1, 2, 2, 2});
  graph.Output("R", {1, 2, 2, 2});
  auto model = graph.Load();
  ASSERT_TRUE(model);
  EXPECT_NE(model->Describe().find(" 8 nodes"), std::string::npos) << model->Describe();
  for (int run = 0; run < 2; run++) {
    auto outputs = RunFloats(*model, kInput);
    ASSERT_EQ(outputs.size(), 4U);
    const std::vector<float> e = Conv1x1(Negated(kInput));
    std::vector<float> f(8), t(8);
    for (int i = 0; i < 8; i++) {
      f[i] = std::exp(-kInput[i]);
      t[i] = e[i] * 2.0F;
    }
    std::vector<float> unbiased = Conv1x1(kInput);
    for (int i = 0; i < 8; i++) unbiased[i] -= i < 4 ? 0.25F : -1.0F;
    ExpectNear(outputs[0], Plus(Conv1x1(kInput), Conv1x1(Negated(kInput))));
    ExpectNear(outputs[1], Plus(Conv1x1(kInput), e));
    ExpectNear(outputs[2], t);
    ExpectNear(outputs[3], Plus(unbiased, f));
  }
}

TEST(OnnxPlanTest, ConvAddBroadcastsTheOtherValueAsAddDoes) {
  GraphBuilder graph;
  graph.Input("X", {1, 2, 2, 2});
  AddConvWeights(graph);
  graph.Floats("D", {2, 1, 1}, {0.5F, -1.0F});     // narrower: per channel
  graph.Floats("E", {2, 1, 1, 1}, {1.0F, -2.0F});  // wider: a batch of two
  graph.Node("Conv", {"X", "W", "B"}, "c");
  graph.Node("Add", {"c", "D"}, "Y");
  graph.Node("Conv", {"X", "W", "B"}, "d");
  graph.Node("Add", {"E", "d"}, "Z");
  graph.Output("Y", {1, 2, 2, 2});
  graph.Output("Z", {2, 2, 2, 2});
  auto model = graph.Load();
  ASSERT_TRUE(model);
  EXPECT_NE(model->Describe().find(" 2 nodes"), std::string::npos) << model->Describe();
  auto outputs = RunFloats(*model, kInput);
  ASSERT_EQ(outputs.size(), 2U);
  const std::vector<float> conv = Conv1x1(kInput);
  std::vector<float> y(8), z(16);
  for (int i = 0; i < 8; i++) {
    y[i] = conv[i] + (i < 4 ? 0.5F : -1.0F);
    z[i] = conv[i] + 1.0F;
    z[8 + i] = conv[i] - 2.0F;
  }
  ExpectNear(outputs[0], y);
  ExpectNear(outputs[1], z);
}

TEST(OnnxPlanTest, ConvAddIsNotFusedWhenTheConvOutputIsReadElsewhereOrHasItsOwnRelu) {
  GraphBuilder graph;
  graph.Input("X", {1, 2, 2, 2});
  AddConvWeights(graph);
  graph.Node("Conv", {"X", "W", "B"}, "c");
  graph.Node("Add", {"c", "X"}, "Y");
  graph.Node("Neg", {"c"}, "N");  // c has a second reader
  graph.Node("Conv", {"X", "W", "B"}, "d");
  graph.Node("Relu", {"d"}, "r");
  graph.Node("Add", {"r", "X"}, "Z");  // the Relu fuses into the Conv, which then keeps its own step
  graph.Output("Y", {1, 2, 2, 2});
  graph.Output("N", {1, 2, 2, 2});
  graph.Output("Z", {1, 2, 2, 2});
  auto model = graph.Load();
  ASSERT_TRUE(model);
  EXPECT_NE(model->Describe().find(" 5 nodes"), std::string::npos) << model->Describe();
  auto outputs = RunFloats(*model, kInput);
  ASSERT_EQ(outputs.size(), 3U);
  ExpectNear(outputs[0], Plus(Conv1x1(kInput), kInput));
  ExpectNear(outputs[1], Negated(Conv1x1(kInput)));
  ExpectNear(outputs[2], Plus(Relu(Conv1x1(kInput)), kInput));
}

TEST(OnnxPlanTest, SiLUIsNotFusedWhenTheSigmoidIsReadElsewhereOrGatesAnotherValue) {
  const std::vector<float> input = {-4.0F, -3.0F, -1.5F, -0.25F, 0.5F, 2.0F, 3.0F, 3.5F};
  GraphBuilder graph;
  graph.Input("X", {1, 2, 2, 2});
  graph.Node("Sigmoid", {"X"}, "s");
  graph.Node("Mul", {"X", "s"}, "Y");
  graph.Node("Neg", {"s"}, "Z");  // s has a second reader
  graph.Node("Neg", {"X"}, "n");
  graph.Node("Sigmoid", {"n"}, "g");
  graph.Node("Mul", {"X", "g"}, "W");  // a gate: x * sigmoid(-x)
  graph.Output("Y", {1, 2, 2, 2});
  graph.Output("Z", {1, 2, 2, 2});
  graph.Output("W", {1, 2, 2, 2});
  auto model = graph.Load();
  ASSERT_TRUE(model);
  EXPECT_NE(model->Describe().find(" 6 nodes"), std::string::npos) << model->Describe();
  auto outputs = RunFloats(*model, input);
  ASSERT_EQ(outputs.size(), 3U);
  std::vector<float> z, w;
  for (float x : input) {
    z.push_back(-1.0F / (1.0F + std::exp(-x)));
    w.push_back(x / (1.0F + std::exp(x)));
  }
  ExpectNear(outputs[0], SiLU(input));
  ExpectNear(outputs[1], z);
  ExpectNear(outputs[2], w);
}

std::vector<float> Gelu(const std::vector<float>& values) {
  std::vector<float> out;
  for (float x : values) out.push_back(0.5F * x * (1.0F + std::erf(x / std::sqrt(2.0F))));
  return out;
}

void AddGeluConstants(GraphBuilder& graph) {
  graph.Floats("root2", {}, {1.41421353816986083984375F});  // float(√2), as torch exports it
  graph.Floats("inverse_root2", {}, {0.707106769084930419921875F});
  graph.Floats("one", {}, {1.0F});
  graph.Floats("half", {}, {0.5F});
}

TEST(OnnxPlanTest, SpelledOutGeluBecomesOneStep) {
  const std::vector<float> input = {-6.0F, -3.0F, -1.5F, -0.25F, 0.0F, 0.75F, 2.0F, 5.0F};
  GraphBuilder graph;
  graph.Input("X", {1, 2, 2, 2});
  AddGeluConstants(graph);
  graph.Node("Exp", {"X"}, "e");  // not the graph input: the fused step may overwrite it
  graph.Node("Log", {"e"}, "x");
  // torch.nn.GELU: Mul(Mul(x, Add(Erf(Div(x, √2)), 1)), 0.5)
  graph.Node("Div", {"x", "root2"}, "d");
  graph.Node("Erf", {"d"}, "f");
  graph.Node("Add", {"f", "one"}, "a");
  graph.Node("Mul", {"x", "a"}, "m");
  graph.Node("Mul", {"m", "half"}, "g");
  // Hugging Face: Mul(Mul(g, 0.5), Add(1, Erf(Mul(g, 1/√2)))), operands the other way round
  graph.Node("Mul", {"half", "g"}, "h");
  graph.Node("Mul", {"inverse_root2", "g"}, "d2");
  graph.Node("Erf", {"d2"}, "f2");
  graph.Node("Add", {"one", "f2"}, "a2");
  graph.Node("Mul", {"a2", "h"}, "Y");
  graph.Output("Y", {1, 2, 2, 2});
  auto model = graph.Load();
  ASSERT_TRUE(model);
  EXPECT_NE(model->Describe().find(" 4 nodes"), std::string::npos) << model->Describe();
  auto outputs = RunFloats(*model, input);
  ASSERT_EQ(outputs.size(), 1U);
  ExpectNear(outputs[0], Gelu(Gelu(input)));
}

TEST(OnnxPlanTest, GeluIsNotFusedWhenAPartIsReadElsewhereOrTheConstantsDiffer) {
  const std::vector<float> input = {-6.0F, -3.0F, -1.5F, -0.25F, 0.0F, 0.75F, 2.0F, 5.0F};
  GraphBuilder graph;
  graph.Input("X", {1, 2, 2, 2});
  AddGeluConstants(graph);
  graph.Floats("two", {}, {2.0F});
  graph.Node("Div", {"X", "root2"}, "d");
  graph.Node("Erf", {"d"}, "f");
  graph.Node("Add", {"f", "one"}, "a");
  graph.Node("Mul", {"X", "a"}, "m");
  graph.Node("Mul", {"m", "half"}, "Y");
  graph.Node("Neg", {"f"}, "Z");          // the Erf has a second reader
  graph.Node("Div", {"X", "two"}, "d2");  // x / 2, not x / √2
  graph.Node("Erf", {"d2"}, "f2");
  graph.Node("Add", {"f2", "one"}, "a2");
  graph.Node("Mul", {"X", "a2"}, "m2");
  graph.Node("Mul", {"m2", "half"}, "W");
  graph.Output("Y", {1, 2, 2, 2});
  graph.Output("Z", {1, 2, 2, 2});
  graph.Output("W", {1, 2, 2, 2});
  auto model = graph.Load();
  ASSERT_TRUE(model);
  EXPECT_NE(model->Describe().find(" 11 nodes"), std::string::npos) << model->Describe();
  auto outputs = RunFloats(*model, input);
  ASSERT_EQ(outputs.size(), 3U);
  std::vector<float> z, w;
  for (float x : input) {
    z.push_back(-std::erf(x / std::sqrt(2.0F)));
    w.push_back(0.5F * x * (1.0F + std::erf(x / 2.0F)));
  }
  ExpectNear(outputs[0], Gelu(input));
  ExpectNear(outputs[1], z);
  ExpectNear(outputs[2], w);
}

TEST(OnnxPlanTest, InPlaceArithmeticKeepsOperandOrder) {
  // Each value's last reader may overwrite it: Mul into either operand, Sub and Div only into the first.
  GraphBuilder graph;
  graph.Input("X", {1, 2, 2, 2});
  graph.Floats("C", {1, 2, 1, 1}, {2.0F, -3.0F});
  graph.Node("Exp", {"X"}, "e1");
  graph.Node("Sub", {"C", "e1"}, "s");  // C - e1: never e1 -= C
  graph.Node("Exp", {"X"}, "e2");
  graph.Node("Div", {"C", "e2"}, "d");  // C / e2
  graph.Node("Exp", {"X"}, "e3");
  graph.Node("Mul", {"C", "e3"}, "m");  // into e3
  graph.Node("Div", {"m", "C"}, "q");   // into m: back to exp(x)
  graph.Output("s", {1, 2, 2, 2});
  graph.Output("d", {1, 2, 2, 2});
  graph.Output("q", {1, 2, 2, 2});
  auto model = graph.Load();
  ASSERT_TRUE(model);
  auto outputs = RunFloats(*model, kInput);
  ASSERT_EQ(outputs.size(), 3U);
  std::vector<float> s(8), d(8), q(8);
  for (int i = 0; i < 8; i++) {
    const float c = i < 4 ? 2.0F : -3.0F;
    s[i] = c - std::exp(kInput[i]);
    d[i] = c / std::exp(kInput[i]);
    q[i] = std::exp(kInput[i]);
  }
  ExpectNear(outputs[0], s);
  ExpectNear(outputs[1], d);
  ExpectNear(outputs[2], q);
}

}  // namespace
}  // namespace quarry::ml::onnx
