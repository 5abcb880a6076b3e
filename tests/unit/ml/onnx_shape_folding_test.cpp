// Shape folding (src/ml/onnx/shape_folding.cpp) is exact: shape arithmetic on fixed declared dimensions
// becomes constants at load, arithmetic on a symbolic dimension (the batch) stays a step and follows
// the batch each run, and an input that contradicts the declared shape it relied on is an error.
#include <numeric>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ml/onnx/host_tensor.hpp"
#include "ml/onnx/onnx_model.hpp"
#include "ml/onnx_graph_builder.hpp"

namespace quarry::ml::onnx {
namespace {

std::vector<float> Iota(size_t count) {
  std::vector<float> values(count);
  std::iota(values.begin(), values.end(), 0.0F);
  return values;
}

// Reshape(X, Concat(pick(Shape(X)), rest)): `index` picks one dimension of X [batch, 2, 2, 2].
GraphBuilder ReshapeByOwnShape(int64_t index, const std::vector<int64_t>& rest, const std::vector<int64_t>& output) {
  GraphBuilder graph;
  graph.Input("X", {-1, 2, 2, 2});
  graph.Ints("index", {index});
  graph.Ints("rest", rest);
  graph.Node("Shape", {"X"}, "shape");
  graph.Node("Gather", {"shape", "index"}, "picked");
  GraphBuilder::IntAttribute(graph.Node("Concat", {"picked", "rest"}, "target"), "axis", 0);
  graph.Node("Reshape", {"X", "target"}, "Y");
  graph.Output("Y", output);
  return graph;
}

TEST(OnnxShapeFoldingTest, ArithmeticOnFixedDimensionsBecomesAConstant) {
  // Shape(X)[1] is 2 for every X the declared [batch, 2, 2, 2] allows: the target is [2, -1].
  auto model = ReshapeByOwnShape(1, {-1}, {2, -1}).Load();
  ASSERT_TRUE(model);
  EXPECT_NE(model->Describe().find(" 1 nodes"), std::string::npos) << model->Describe();
  for (int64_t batch : {1, 3}) {
    const auto input = Iota(static_cast<size_t>(batch) * 8);
    auto result = model->Run({HostTensor::From(ElementType::kFloat, {batch, 2, 2, 2}, input)});
    ASSERT_TRUE(result.ok()) << result.error();
    EXPECT_EQ(result.value()[0].shape, (std::vector<int64_t>{2, batch * 4}));
    EXPECT_EQ(result.value()[0].Values<float>(), input);
  }
}

TEST(OnnxShapeFoldingTest, ArithmeticOnASymbolicDimensionIsNotFolded) {
  // Shape(X)[0] is the batch: the target [batch, 8] must follow each run's batch.
  auto model = ReshapeByOwnShape(0, {8}, {-1, 8}).Load();
  ASSERT_TRUE(model);
  EXPECT_EQ(model->Describe().find(" 1 nodes"), std::string::npos) << model->Describe();
  for (int64_t batch : {1, 3, 0}) {
    const auto input = Iota(static_cast<size_t>(batch) * 8);
    auto result = model->Run({HostTensor::From(ElementType::kFloat, {batch, 2, 2, 2}, input)});
    ASSERT_TRUE(result.ok()) << result.error();
    EXPECT_EQ(result.value()[0].shape, (std::vector<int64_t>{batch, 8}));
    EXPECT_EQ(result.value()[0].Values<float>(), input);
  }
}

TEST(OnnxShapeFoldingTest, AnInputContradictingTheDeclaredShapeItReliedOnIsAnError) {
  auto model = ReshapeByOwnShape(1, {-1}, {2, -1}).Load();
  ASSERT_TRUE(model);
  auto result = model->Run({HostTensor::From(ElementType::kFloat, {1, 4, 2, 1}, Iota(8))});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().find("declares [?, 2, 2, 2]"), std::string::npos) << result.error();
}

TEST(OnnxShapeFoldingTest, BatchDimensionMovesThroughElementOperatorsAsASymbol) {
  // Unsqueeze/Concat/Squeeze move the batch symbol; Equal(batch, -1) is false for every batch, so the
  // Where picks the batch whatever it is: the result is still [batch, 8] each run.
  GraphBuilder graph;
  graph.Input("X", {-1, 2, 2, 2});
  graph.Ints("zero", {0});
  graph.Ints("minus_one", {-1});
  graph.Ints("eight", {8});
  graph.Node("Shape", {"X"}, "shape");
  graph.Node("Gather", {"shape", "zero"}, "batch");
  graph.Node("Equal", {"batch", "minus_one"}, "is_minus_one");
  graph.Node("Where", {"is_minus_one", "eight", "batch"}, "first");
  GraphBuilder::IntAttribute(graph.Node("Concat", {"first", "eight"}, "target"), "axis", 0);
  graph.Node("Reshape", {"X", "target"}, "Y");
  graph.Output("Y", {-1, 8});
  auto model = graph.Load();
  ASSERT_TRUE(model);
  // Equal folds away (false for every batch); Shape, Gather, Where, Concat and Reshape stay.
  EXPECT_NE(model->Describe().find(" 5 nodes"), std::string::npos) << model->Describe();
  for (int64_t batch : {2, 5}) {
    const auto input = Iota(static_cast<size_t>(batch) * 8);
    auto result = model->Run({HostTensor::From(ElementType::kFloat, {batch, 2, 2, 2}, input)});
    ASSERT_TRUE(result.ok()) << result.error();
    EXPECT_EQ(result.value()[0].shape, (std::vector<int64_t>{batch, 8}));
  }
}

}  // namespace
}  // namespace quarry::ml::onnx
