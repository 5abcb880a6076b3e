// Activations kept in oneDNN's blocked layout between steps (GraphPlan::AssignBlockedLayouts,
// onednn/blocked_layout.hpp) give the results of the plain plan (QUARRY_ONNX_BLOCKED=0): an EfficientNet-style
// block (stem, depthwise, squeeze-and-excitation with the gate on either side of Mul, projection, residual sum,
// global pooling) with channel counts that are not multiples of the block, batches above and below the size that
// turns blocked outputs on, one plan run at several batch sizes in turn; values read by a step that does not take
// them blocked, graph outputs in the middle of a region, and Muls that are not gates (a scalar, two activations)
// get plain values, and a constant gate of one row scales a blocked activation; a lone convolution and one whose
// output a constant that is no gate scales stay plain; a stage of only 1x1 and depthwise convolutions after a stem is
// blocked at batch 1 too. Random weights; each case also checks whether the plan kept values blocked, and from which
// batch.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ml/onnx/host_tensor.hpp"
#include "ml/onnx/onnx_model.hpp"
#include "ml/onnx_graph_builder.hpp"

namespace quarry::ml::onnx {
namespace {

// Deterministic values in [-scale, scale].
std::vector<float> RandomValues(size_t count, float scale, uint32_t seed) {
  std::vector<float> values(count);
  uint32_t state = seed * 2654435761U + 1;
  for (float& value : values) {
    state = state * 1664525U + 1013904223U;
    value = scale * (static_cast<float>(state >> 8) / static_cast<float>(1U << 24) * 2.0F - 1.0F);
  }
  return values;
}

// A convolution node with random weights (M, C / group, k, k) and bias; `activation` ("" for none) after it.
std::string AddConv(GraphBuilder& graph, const std::string& input, const std::string& name, int64_t in, int64_t out,
                    int64_t kernel, int64_t stride, int64_t group, const std::string& activation) {
  const int64_t fan_in = in / group * kernel * kernel;
  graph.Floats(name + "_w", {out, in / group, kernel, kernel},
               RandomValues(static_cast<size_t>(out * fan_in), 1.5F / std::sqrt(static_cast<float>(fan_in)),
                            static_cast<uint32_t>(name.size() * 131 + out)));
  graph.Floats(name + "_b", {out}, RandomValues(static_cast<size_t>(out), 0.1F, static_cast<uint32_t>(out + 7)));
  const std::string conv = activation.empty() ? name : name + "_pre";
  auto* node = graph.Node("Conv", {input, name + "_w", name + "_b"}, conv);
  GraphBuilder::IntsAttribute(node, "kernel_shape", {kernel, kernel});
  GraphBuilder::IntsAttribute(node, "strides", {stride, stride});
  const int64_t pad = kernel / 2;
  GraphBuilder::IntsAttribute(node, "pads", {pad, pad, pad, pad});
  GraphBuilder::IntAttribute(node, "group", group);
  if (activation == "SiLU") {
    graph.Node("Sigmoid", {conv}, name + "_sig");
    graph.Node("Mul", {conv, name + "_sig"}, name);
  } else if (!activation.empty()) {
    graph.Node(activation, {conv}, name);
  }
  return name;
}

// Loads `graph` twice: as planned, and with the blocked layout turned off.
struct BothPlans {
  std::shared_ptr<const OnnxModel> blocked, plain;
};

BothPlans LoadBoth(const GraphBuilder& graph) {
  BothPlans plans;
  plans.blocked = graph.Load();
  setenv("QUARRY_ONNX_BLOCKED", "0", 1);
  plans.plain = graph.Load();
  unsetenv("QUARRY_ONNX_BLOCKED");
  return plans;
}

// The plan keeps some step's output blocked (Describe says how many), and at every batch or only from
// kBlockedMinBatch on.
void ExpectBlockedSteps(const OnnxModel& model, bool expected, bool at_every_batch = false) {
  const std::string description = model.Describe();
  EXPECT_EQ(description.find("on blocked activations") != std::string::npos, expected) << description;
  if (expected) EXPECT_EQ(description.find("at every batch") != std::string::npos, at_every_batch) << description;
}

// Runs both plans on the same random input of `shape` and expects every output to agree within 1e-5 of its
// largest value.
void ExpectSameOutputs(const BothPlans& plans, const std::vector<int64_t>& shape, uint32_t seed) {
  size_t count = 1;
  for (int64_t size : shape) count *= static_cast<size_t>(size);
  const HostTensor input = HostTensor::From(ElementType::kFloat, shape, RandomValues(count, 2.0F, seed));
  auto blocked = plans.blocked->Run({input});
  auto plain = plans.plain->Run({input});
  ASSERT_TRUE(blocked.ok()) << blocked.error();
  ASSERT_TRUE(plain.ok()) << plain.error();
  ASSERT_EQ(blocked.value().size(), plain.value().size());
  for (size_t output = 0; output < plain.value().size(); output++) {
    ASSERT_EQ(blocked.value()[output].shape, plain.value()[output].shape) << "output " << output;
    const std::vector<float> expected = plain.value()[output].Values<float>();
    const std::vector<float> actual = blocked.value()[output].Values<float>();
    float largest = 0;
    for (float value : expected) largest = std::max(largest, std::fabs(value));
    ASSERT_GT(largest, 0.0F);
    for (size_t i = 0; i < expected.size(); i++) {
      ASSERT_NEAR(actual[i], expected[i], 1e-5F * largest) << "output " << output << " at " << i;
    }
  }
}

// ExpectSameOutputs for pictures of `picture` (C, H, W) at each of `batches` in turn, through the same plans.
void ExpectSameOutputsAtBatches(const BothPlans& plans, const std::vector<int64_t>& batches,
                                const std::vector<int64_t>& picture, uint32_t seed) {
  for (int64_t batch : batches) {
    SCOPED_TRACE("batch " + std::to_string(batch));
    ExpectSameOutputs(plans, {batch, picture[0], picture[1], picture[2]}, seed + static_cast<uint32_t>(batch));
  }
}

// An EfficientNet-style block on a (batch, 3, 19, 17) picture: 24 and 40 channels (not multiples of a block), the
// squeeze-and-excitation gate as Mul's first or second operand.
GraphBuilder MobileBlock(bool gate_first) {
  GraphBuilder graph;
  graph.Input("X", {-1, 3, 19, 17});
  AddConv(graph, "X", "stem", 3, 24, 3, 2, 1, "SiLU");
  AddConv(graph, "stem", "dw", 24, 24, 3, 1, 24, "SiLU");
  graph.Node("GlobalAveragePool", {"dw"}, "squeezed");
  AddConv(graph, "squeezed", "reduce", 24, 6, 1, 1, 1, "SiLU");
  AddConv(graph, "reduce", "expand", 6, 24, 1, 1, 1, "Sigmoid");
  graph.Node("Mul", gate_first ? std::vector<std::string>{"expand", "dw"} : std::vector<std::string>{"dw", "expand"},
             "excited");
  AddConv(graph, "excited", "project", 24, 40, 1, 1, 1, "");
  AddConv(graph, "project", "mix", 40, 40, 3, 1, 1, "");
  graph.Node("Add", {"mix", "project"}, "sum");
  AddConv(graph, "sum", "head", 40, 56, 1, 1, 1, "SiLU");
  graph.Node("GlobalAveragePool", {"head"}, "pooled");
  graph.Node("Flatten", {"pooled"}, "Y");
  graph.Output("Y", {-1, 56});
  return graph;
}

TEST(OnnxBlockedLayoutTest, AnEfficientNetBlockGivesThePlainPlansResultsAtEveryBatch) {
  for (bool gate_first : {false, true}) {
    SCOPED_TRACE(gate_first ? "gate first" : "gate second");
    const BothPlans plans = LoadBoth(MobileBlock(gate_first));
    ASSERT_TRUE(plans.blocked && plans.plain);
    ExpectBlockedSteps(*plans.blocked, true);  // only from kBlockedMinBatch on: "mix" is a dense 3x3 convolution
    ExpectBlockedSteps(*plans.plain, false);
    // Below the batch that turns blocked outputs on, above it, and back: the steps' kept plans follow.
    ExpectSameOutputsAtBatches(plans, {1, 5, 2, 8, 5}, {3, 19, 17}, 0);
  }
}

// A MobileNet-style stage: a stem reading the picture, then only 1x1 and depthwise convolutions (expansion,
// depthwise with stride, squeeze-and-excitation, projection, an inverted residual summed into the projection,
// a head): blocked at every batch, since no convolution in it is slower on blocked data at batch 1.
GraphBuilder PointwiseAndDepthwiseStage() {
  GraphBuilder graph;
  graph.Input("X", {-1, 3, 23, 21});
  AddConv(graph, "X", "stem", 3, 16, 3, 2, 1, "HardSwish");
  AddConv(graph, "stem", "expand", 16, 40, 1, 1, 1, "Relu");
  AddConv(graph, "expand", "dw", 40, 40, 5, 2, 40, "Relu");
  graph.Node("GlobalAveragePool", {"dw"}, "squeezed");
  AddConv(graph, "squeezed", "reduce", 40, 10, 1, 1, 1, "Relu");
  AddConv(graph, "reduce", "gate", 10, 40, 1, 1, 1, "HardSigmoid");
  graph.Node("Mul", {"dw", "gate"}, "excited");
  AddConv(graph, "excited", "project", 40, 24, 1, 1, 1, "");
  AddConv(graph, "project", "expand2", 24, 72, 1, 1, 1, "Relu");
  AddConv(graph, "expand2", "dw2", 72, 72, 3, 1, 72, "Relu");
  AddConv(graph, "dw2", "project2", 72, 24, 1, 1, 1, "");
  graph.Node("Add", {"project2", "project"}, "sum");
  AddConv(graph, "sum", "head", 24, 48, 1, 1, 1, "HardSwish");
  graph.Node("GlobalAveragePool", {"head"}, "pooled");
  graph.Node("Flatten", {"pooled"}, "Y");
  graph.Output("Y", {-1, 48});
  return graph;
}

TEST(OnnxBlockedLayoutTest, APointwiseAndDepthwiseStageIsBlockedAtEveryBatch) {
  const BothPlans plans = LoadBoth(PointwiseAndDepthwiseStage());
  ASSERT_TRUE(plans.blocked && plans.plain);
  ExpectBlockedSteps(*plans.blocked, true, true);
  ExpectSameOutputsAtBatches(plans, {1, 2, 6, 1, 3}, {3, 23, 21}, 60);
}

TEST(OnnxBlockedLayoutTest, ValuesReadByOtherStepsOrReturnedInsideARegionArePlain) {
  GraphBuilder graph;
  graph.Input("X", {-1, 3, 12, 12});
  AddConv(graph, "X", "a", 3, 20, 3, 1, 1, "Relu");
  AddConv(graph, "a", "b", 20, 20, 3, 1, 1, "");
  AddConv(graph, "b", "c", 20, 33, 1, 1, 1, "Relu");
  graph.Node("Transpose", {"b"}, "b_transposed");  // b is read by a step that does not take it blocked
  AddConv(graph, "c", "d", 33, 17, 3, 2, 1, "");
  graph.Output("a", {-1, 20, 12, 12});  // a graph output that a convolution also reads
  graph.Output("b_transposed", {12, 12, 20, -1});
  graph.Output("d", {-1, 17, 6, 6});
  const BothPlans plans = LoadBoth(graph);
  ASSERT_TRUE(plans.blocked && plans.plain);
  ExpectBlockedSteps(*plans.blocked, true);  // c keeps its output blocked for d
  ExpectSameOutputsAtBatches(plans, {4, 1, 6}, {3, 12, 12}, 40);
}

TEST(OnnxBlockedLayoutTest, MulsThatAreNotGatesTakePlainOperands) {
  GraphBuilder graph;
  graph.Input("X", {-1, 3, 9, 11});
  AddConv(graph, "X", "a", 3, 18, 3, 1, 1, "");
  AddConv(graph, "a", "b", 18, 18, 1, 1, 1, "");
  graph.Floats("per_channel", {1, 18, 1, 1}, RandomValues(18, 1.0F, 5));
  graph.Node("Mul", {"b", "per_channel"}, "gated");  // a gate: a constant of one row
  graph.Node("Mul", {"a", "gated"}, "product");      // two activations
  graph.Floats("half", {}, {0.5F});
  graph.Node("Mul", {"half", "product"}, "scaled");  // a scalar
  AddConv(graph, "scaled", "c", 18, 7, 3, 1, 1, "");
  graph.Output("c", {-1, 7, 9, 11});
  const BothPlans plans = LoadBoth(graph);
  ASSERT_TRUE(plans.blocked && plans.plain);
  ExpectBlockedSteps(*plans.blocked, true, true);  // c, the only dense 3x3 reading a region's value, reads it plain
  ExpectSameOutputsAtBatches(plans, {5, 1}, {3, 9, 11}, 90);
}

TEST(OnnxBlockedLayoutTest, ALoneConvolutionAndAMulByAConstantThatIsNoGateStayPlain) {
  // One convolution feeding a gate-shaped Mul: a region of one convolution is not worth its reorders.
  GraphBuilder lone;
  lone.Input("X", {-1, 3, 8, 8});
  AddConv(lone, "X", "a", 3, 16, 3, 1, 1, "");
  lone.Floats("gate", {1, 16, 1, 1}, RandomValues(16, 1.0F, 3));
  lone.Node("Mul", {"a", "gate"}, "Y");
  lone.Output("Y", {-1, 16, 8, 8});
  const BothPlans lone_plans = LoadBoth(lone);
  ASSERT_TRUE(lone_plans.blocked);
  ExpectBlockedSteps(*lone_plans.blocked, false);
  ExpectSameOutputs(lone_plans, {4, 3, 8, 8}, 11);
  // Two convolutions joined by a Mul whose constant operand is no per-channel gate (PP-OCR's scaled convolutions).
  GraphBuilder scaled;
  scaled.Input("X", {-1, 3, 8, 8});
  AddConv(scaled, "X", "a", 3, 16, 3, 1, 1, "");
  scaled.Floats("scale", {1, 1, 1, 8}, RandomValues(8, 1.0F, 4));
  scaled.Node("Mul", {"scale", "a"}, "scaled");
  AddConv(scaled, "scaled", "b", 16, 16, 3, 1, 1, "");
  scaled.Output("b", {-1, 16, 8, 8});
  const BothPlans scaled_plans = LoadBoth(scaled);
  ASSERT_TRUE(scaled_plans.blocked);
  ExpectBlockedSteps(*scaled_plans.blocked, false);
  ExpectSameOutputs(scaled_plans, {4, 3, 8, 8}, 12);
}

}  // namespace
}  // namespace quarry::ml::onnx
