// The short paths of small operators give what their general paths give: Gather of one index (a scalar, or one
// element of any rank; negative; out of range is an error naming the index) returns that slice with ONNX's output
// shape; reflect and edge Pad of the last axis alone (ATen's 1-D pad kernels) pad as NumPy does, and pads of other
// forms (other axes, a reflection as wide as the axis) still take the general path. Checked against values
// computed here.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ml/onnx/host_tensor.hpp"
#include "ml/onnx/onnx_model.hpp"
#include "ml/onnx_graph_builder.hpp"

namespace quarry::ml::onnx {
namespace {

std::vector<float> Iota(int64_t count) {
  std::vector<float> values(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; i++) values[i] = static_cast<float>(i) * 1.5F - 2.0F;
  return values;
}

// Runs a one-node graph of `op` on X ([shape], Iota values) and the given int64 initializer; returns the output.
Result<HostTensor> RunOne(const std::string& op, const std::vector<int64_t>& shape,
                          const std::vector<int64_t>& index_shape, const std::vector<int64_t>& index,
                          const std::string& mode = "", int64_t axis = 0) {
  GraphBuilder graph;
  graph.Input("X", shape);
  graph.IntsShaped("I", index_shape, index);
  auto* node = graph.Node(op, {"X", "I"}, "Y");
  if (op == "Gather") GraphBuilder::IntAttribute(node, "axis", axis);
  if (!mode.empty()) GraphBuilder::StringAttribute(node, "mode", mode);
  graph.Output("Y", std::vector<int64_t>(shape.size() + (op == "Gather" ? index_shape.size() - 1 : 0), -1));
  auto model = graph.Load();
  if (!model) return Error{"the model did not load"};
  int64_t count = 1;
  for (int64_t dim : shape) count *= dim;
  auto result = model->Run({HostTensor::From(ElementType::kFloat, shape, Iota(count))});
  if (!result.ok()) return Error{result.error()};
  return result.value()[0];
}

TEST(OnnxSmallOpsTest, GatherOfOneIndexIsThatSliceWithOnnxsShape) {
  const std::vector<float> x = Iota(6);  // [2, 3]
  struct Case {
    std::vector<int64_t> index_shape;
    int64_t index;
    int64_t axis;
    std::vector<int64_t> shape;
    std::vector<float> values;
  };
  const std::vector<Case> cases = {
      {{}, 2, 1, {2}, {x[2], x[5]}},            // a scalar index drops the axis
      {{1}, -1, 1, {2, 1}, {x[2], x[5]}},       // negative, from the end
      {{1, 1}, 1, 1, {2, 1, 1}, {x[1], x[4]}},  // the index's shape takes the axis' place
      {{}, -2, 0, {3}, {x[0], x[1], x[2]}},     // axis 0
      {{1}, 1, 0, {1, 3}, {x[3], x[4], x[5]}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("index " + std::to_string(c.index) + " axis " + std::to_string(c.axis));
    auto y = RunOne("Gather", {2, 3}, c.index_shape, {c.index}, "", c.axis);
    ASSERT_TRUE(y.ok()) << y.error();
    EXPECT_EQ(y.value().shape, c.shape);
    EXPECT_EQ(y.value().Values<float>(), c.values);
  }
  for (int64_t bad : {3, -4}) {
    auto y = RunOne("Gather", {2, 3}, {}, {bad}, "", 1);
    ASSERT_FALSE(y.ok());
    EXPECT_NE(y.error().find("index " + std::to_string(bad) + " is out of range"), std::string::npos) << y.error();
  }
}

// NumPy's pad of the last axis of a [rows, width] array: reflect (mirror without the edge) or edge.
std::vector<float> PadRows(const std::vector<float>& x, int64_t rows, int64_t width, int64_t before, int64_t after,
                           bool reflect) {
  std::vector<float> out;
  for (int64_t r = 0; r < rows; r++) {
    for (int64_t i = -before; i < width + after; i++) {
      int64_t from = i;
      if (reflect) {
        from = i < 0 ? -i : (i >= width ? 2 * (width - 1) - i : i);
      } else {
        from = i < 0 ? 0 : (i >= width ? width - 1 : i);
      }
      out.push_back(x[r * width + from]);
    }
  }
  return out;
}

TEST(OnnxSmallOpsTest, ReflectAndEdgePadOfTheLastAxisPadAsNumPyDoes) {
  struct Case {
    std::vector<int64_t> shape;
    int64_t before, after;
  };
  for (const Case& c : std::vector<Case>{{{2, 5}, 2, 3}, {{5}, 4, 0}, {{2, 2, 4}, 1, 3}, {{3, 1}, 0, 2}}) {
    for (const std::string mode : {"reflect", "edge"}) {
      const int64_t width = c.shape.back();
      if (mode == "reflect" && (c.before >= width || c.after >= width)) continue;
      SCOPED_TRACE(mode + " of width " + std::to_string(width));
      const int64_t rank = static_cast<int64_t>(c.shape.size());
      std::vector<int64_t> pads(static_cast<size_t>(2 * rank), 0);
      pads[rank - 1] = c.before;
      pads[2 * rank - 1] = c.after;
      auto y = RunOne("Pad", c.shape, {2 * rank}, pads, mode);
      ASSERT_TRUE(y.ok()) << y.error();
      std::vector<int64_t> shape = c.shape;
      shape.back() += c.before + c.after;
      EXPECT_EQ(y.value().shape, shape);
      const int64_t rows = y.value().element_count() / shape.back();
      EXPECT_EQ(y.value().Values<float>(),
                PadRows(Iota(rows * width), rows, width, c.before, c.after, mode == "reflect"));
    }
  }
}

TEST(OnnxSmallOpsTest, PadsOfOtherFormsTakeTheGeneralPath) {
  // Both axes of a [2, 3]: rows mirrored too.
  auto both = RunOne("Pad", {2, 3}, {4}, {1, 1, 0, 1}, "reflect");
  ASSERT_TRUE(both.ok()) << both.error();
  const std::vector<float> x = Iota(6);
  EXPECT_EQ(both.value().shape, (std::vector<int64_t>{3, 5}));
  EXPECT_EQ(both.value().Values<float>(), (std::vector<float>{x[4], x[3], x[4], x[5], x[4], x[1], x[0], x[1], x[2],
                                                              x[1], x[4], x[3], x[4], x[5], x[4]}));
  // A negative pad crops.
  auto crop = RunOne("Pad", {2, 3}, {4}, {0, -1, 0, 1}, "edge");
  ASSERT_TRUE(crop.ok()) << crop.error();
  EXPECT_EQ(crop.value().Values<float>(), (std::vector<float>{x[1], x[2], x[2], x[4], x[5], x[5]}));
}

}  // namespace
}  // namespace quarry::ml::onnx
