// Tests of ParseModelSpec (src/ml/model_spec.cpp): defaults, every option, and every kind of mistake.
#include "ml/model_spec.hpp"

#include <gtest/gtest.h>

namespace quarry::ml {
namespace {

using Options = std::vector<std::pair<std::string, std::string>>;

Result<ModelSpec> Parse(const Options& options) {
  return ParseModelSpec("m", "/models/m.pt", options);
}

TEST(ModelSpecTest, DefaultsForAClassifier) {
  auto spec = Parse({{"task", "image_classification"}});
  ASSERT_TRUE(spec.ok()) << spec.error();
  EXPECT_EQ(spec.value().name, "m");
  EXPECT_EQ(spec.value().path, "/models/m.pt");
  EXPECT_EQ(spec.value().task, ModelTask::kImageClassification);
  EXPECT_EQ(spec.value().preset, PreprocessPreset::kTorchvision);
  EXPECT_EQ(spec.value().resize, ResizeMode::kCenterCrop);
  EXPECT_EQ(spec.value().input_size, 224);
  EXPECT_EQ(spec.value().top_k, 5);
  EXPECT_EQ(spec.value().output, OutputKind::kLogits);
  EXPECT_EQ(spec.value().batch_size, 16);
  EXPECT_TRUE(spec.value().labels_path.empty());
}

TEST(ModelSpecTest, EveryOptionIsRead) {
  auto spec = Parse({{"TASK", "Image_Classification"},
                     {"labels", "/l.txt"},
                     {"preprocess", "inception"},
                     {"resize", "letterbox"},
                     {"input_size", "299"},
                     {"top_k", "3"},
                     {"output", "probabilities"},
                     {"batch_size", "8"}});
  ASSERT_TRUE(spec.ok()) << spec.error();
  EXPECT_EQ(spec.value().labels_path, "/l.txt");
  EXPECT_EQ(spec.value().preset, PreprocessPreset::kInception);
  EXPECT_EQ(spec.value().resize, ResizeMode::kLetterbox);
  EXPECT_EQ(spec.value().input_size, 299);
  EXPECT_EQ(spec.value().top_k, 3);
  EXPECT_EQ(spec.value().output, OutputKind::kProbabilities);
  EXPECT_EQ(spec.value().batch_size, 8);
  EXPECT_EQ(spec.value().options.size(), 8u);  // kept as written, for quarry_models()

  auto embedding = Parse({{"task", "embedding"}, {"normalize", "true"}, {"preprocess", "caffe"}});
  ASSERT_TRUE(embedding.ok()) << embedding.error();
  EXPECT_TRUE(embedding.value().normalize);
  EXPECT_EQ(embedding.value().preset, PreprocessPreset::kCaffe);
  EXPECT_EQ(ModelTaskName(embedding.value().task), "embedding");
}

TEST(ModelSpecTest, MistakesAreNamed) {
  const std::vector<std::pair<Options, std::string>> cases = {
      {{},
       "option task is required: 'image_classification', 'embedding', 'tensor', 'text_embedding', "
       "'text_classification' or 'token_classification'"},
      {{{"task", "segmentation"}},
       "option task must be one of 'embedding', 'image_classification', 'tensor', 'text_classification', "
       "'text_embedding', 'token_classification', got 'segmentation'"},
      {{{"task", "tensor"}, {"colour", "red"}}, "unknown option 'colour'"},
      {{{"task", "tensor"}, {"task", "tensor"}}, "option task is given twice"},
      {{{"task", "image_classification"}, {"input_size", "big"}},
       "option input_size must be an integer between 8 and 4096, got 'big'"},
      {{{"task", "image_classification"}, {"input_size", "4"}}, "option input_size must be an integer between 8"},
      {{{"task", "image_classification"}, {"top_k", "0"}}, "option top_k must be an integer between 1"},
      {{{"task", "image_classification"}, {"batch_size", "1e3"}}, "option batch_size must be an integer"},
      {{{"task", "image_classification"}, {"resize", "crop"}}, "option resize must be one of"},
      {{{"task", "image_classification"}, {"normalize", "true"}},
       "option normalize applies to tasks 'embedding' and 'text_embedding' only"},
      {{{"task", "embedding"}, {"top_k", "3"}},
       "option top_k applies to tasks 'image_classification' and 'text_classification' only"},
      {{{"task", "tensor"}, {"labels", "/l.txt"}}, "option labels applies to the classification tasks only"},
      {{{"task", "text_embedding"}}, "option tokenizer is required for task 'text_embedding'"},
      {{{"task", "text_embedding"}, {"tokenizer", "t.json"}, {"input_size", "32"}},
       "option input_size applies to image tasks only"},
      {{{"task", "image_classification"}, {"tokenizer", "t.json"}}, "option tokenizer applies to the text tasks only"},
      {{{"task", "text_classification"}, {"tokenizer", "t.json"}, {"pooling", "cls"}},
       "option pooling applies to task 'text_embedding' only"},
      {{{"task", "text_embedding"}, {"tokenizer", "t.json"}, {"pooling", "max"}}, "option pooling must be one of"},
      {{{"task", "text_embedding"}, {"tokenizer", "t.json"}, {"stride", "4"}},
       "option stride applies to overflow = 'windows' only"},
      {{{"task", "text_embedding"},
        {"tokenizer", "t.json"},
        {"overflow", "windows"},
        {"max_length", "16"},
        {"stride", "8"}},
       "option stride must be less than half of max_length (16)"},
      {{{"task", "embedding"}, {"normalize", "maybe"}}, "option normalize must be one of"},
      {{{"task", "image_classification"}, {"labels", ""}}, "option labels must name a file"},
  };
  for (const auto& [options, expected] : cases) {
    auto spec = Parse(options);
    ASSERT_FALSE(spec.ok()) << expected;
    EXPECT_EQ(spec.error().rfind(expected, 0), 0u) << spec.error();
  }
}

}  // namespace
}  // namespace quarry::ml
