// TopPredictions and EmbeddingRow against hand-computed values; Tensor::ShapeText.
#include "ml/classification.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "ml/tensor.hpp"

namespace quarry::ml {
namespace {

TEST(ClassificationTest, SoftmaxThenTopK) {
  ModelSpec spec;
  spec.top_k = 2;
  const std::vector<float> logits = {1.0f, 3.0f, 2.0f};
  auto predictions = TopPredictions(logits.data(), 3, spec, {});
  ASSERT_EQ(predictions.size(), 2u);
  const double sum = std::exp(1.0) + std::exp(3.0) + std::exp(2.0);
  EXPECT_EQ(predictions[0].class_name, "1");
  EXPECT_NEAR(predictions[0].probability, std::exp(3.0) / sum, 1e-6);
  EXPECT_EQ(predictions[1].class_name, "2");
  EXPECT_NEAR(predictions[1].probability, std::exp(2.0) / sum, 1e-6);
  EXPECT_EQ(predictions[0].description, "");
}

TEST(ClassificationTest, SoftmaxIsStableForLargeLogits) {
  ModelSpec spec;
  spec.top_k = 3;
  const std::vector<float> logits = {1000.0f, 1001.0f, -1000.0f};
  auto predictions = TopPredictions(logits.data(), 3, spec, {});
  ASSERT_EQ(predictions.size(), 3u);
  EXPECT_EQ(predictions[0].class_name, "1");
  EXPECT_NEAR(predictions[0].probability, 1.0 / (1.0 + std::exp(-1.0)), 1e-6);
  EXPECT_NEAR(predictions[1].probability, std::exp(-1.0) / (1.0 + std::exp(-1.0)), 1e-6);
  EXPECT_EQ(predictions[2].probability, 0.0f);
  EXPECT_FALSE(std::isnan(predictions[2].probability));
}

TEST(ClassificationTest, ProbabilitiesAreTakenAsTheyAre) {
  ModelSpec spec;
  spec.output = OutputKind::kProbabilities;
  spec.top_k = 1;
  const std::vector<float> probabilities = {0.2f, 0.7f, 0.1f};
  auto predictions = TopPredictions(probabilities.data(), 3, spec, {});
  ASSERT_EQ(predictions.size(), 1u);
  EXPECT_EQ(predictions[0].class_name, "1");
  EXPECT_EQ(predictions[0].probability, 0.7f);
}

TEST(ClassificationTest, TopKClampedToWidthAndTiesGoToLowerIndex) {
  ModelSpec spec;
  spec.output = OutputKind::kProbabilities;
  spec.top_k = 10;
  const std::vector<float> probabilities = {0.25f, 0.5f, 0.25f, 0.0f};
  auto predictions = TopPredictions(probabilities.data(), 4, spec, {});
  ASSERT_EQ(predictions.size(), 4u);
  EXPECT_EQ(predictions[0].class_name, "1");
  EXPECT_EQ(predictions[1].class_name, "0");
  EXPECT_EQ(predictions[2].class_name, "2");
  EXPECT_EQ(predictions[3].class_name, "3");
}

TEST(ClassificationTest, NaNRanksLast) {
  ModelSpec spec;
  spec.output = OutputKind::kProbabilities;
  spec.top_k = 3;
  const std::vector<float> probabilities = {std::numeric_limits<float>::quiet_NaN(), 0.1f, 0.2f};
  auto predictions = TopPredictions(probabilities.data(), 3, spec, {});
  ASSERT_EQ(predictions.size(), 3u);
  EXPECT_EQ(predictions[0].class_name, "2");
  EXPECT_EQ(predictions[1].class_name, "1");
  EXPECT_EQ(predictions[2].class_name, "0");
}

TEST(ClassificationTest, LabelsNameTheClasses) {
  ModelSpec spec;
  spec.top_k = 2;
  const std::vector<Label> labels = {{"n1", "cat"}, {"n2", "dog"}};
  const std::vector<float> logits = {0.0f, 1.0f, 5.0f};  // class 2 has no label: its index names it
  auto predictions = TopPredictions(logits.data(), 3, spec, labels);
  ASSERT_EQ(predictions.size(), 2u);
  EXPECT_EQ(predictions[0].class_name, "2");
  EXPECT_EQ(predictions[0].description, "");
  EXPECT_EQ(predictions[1].class_name, "n2");
  EXPECT_EQ(predictions[1].description, "dog");
}

TEST(ClassificationTest, TopZeroAndEmptyRows) {
  ModelSpec spec;
  spec.top_k = 0;
  const std::vector<float> logits = {1.0f};
  EXPECT_TRUE(TopPredictions(logits.data(), 1, spec, {}).empty());
  spec.top_k = 3;
  EXPECT_TRUE(TopPredictions(logits.data(), 0, spec, {}).empty());
}

TEST(ClassificationTest, EmbeddingNormalization) {
  ModelSpec spec;
  spec.task = ModelTask::kEmbedding;
  const std::vector<float> row = {3.0f, 4.0f};
  EXPECT_EQ(EmbeddingRow(row.data(), 2, spec), row);
  spec.normalize = true;
  auto normalized = EmbeddingRow(row.data(), 2, spec);
  ASSERT_EQ(normalized.size(), 2u);
  EXPECT_FLOAT_EQ(normalized[0], 0.6f);
  EXPECT_FLOAT_EQ(normalized[1], 0.8f);
  const std::vector<float> zeros = {0.0f, 0.0f, 0.0f};
  EXPECT_EQ(EmbeddingRow(zeros.data(), 3, spec), zeros);
}

TEST(TensorTest, ShapeText) {
  EXPECT_EQ((Tensor{{16, 3, 224, 224}, {}}).ShapeText(), "[16, 3, 224, 224]");
  EXPECT_EQ((Tensor{{}, {}}).ShapeText(), "[]");
  Tensor tensor{{2, 5}, std::vector<float>(10)};
  EXPECT_EQ(tensor.element_count(), 10);
  EXPECT_EQ(tensor.row_width(), 5);
}

}  // namespace
}  // namespace quarry::ml
