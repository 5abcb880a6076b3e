// The TorchScript runtime against PyTorch: each fixture model (a CNN with batch norm and a depthwise
// convolution, an embedding model, models returning a tuple or a list, one ending in softmax) gives
// PyTorch's outputs within 1e-4 on the same inputs; load errors are clear; concurrent runs agree.
#include "ml/torchscript/torchscript_runtime.hpp"

#include <algorithm>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "ml/classification.hpp"
#include "ml/ml_fixtures.hpp"
#include "ml/preprocessing.hpp"

namespace quarry::ml {
namespace {

using testing::FixturePath;
using testing::ManifestLines;
using testing::MaxDifference;
using testing::ReadBytes;
using testing::ReadFloats;

// The fixture batch: [4, 3, S, S] torchvision/center_crop references of four images.
Tensor FixtureBatch() {
  Tensor batch;
  for (const auto& words : ManifestLines()) {
    if (words.size() < 3 || words[0] != "batch") continue;
    const int64_t size = std::stoll(words[2]);
    batch.shape = {static_cast<int64_t>(words.size() - 3), 3, size, size};
    batch.values = ReadFloats(words[1]);
  }
  EXPECT_EQ(static_cast<int64_t>(batch.values.size()), batch.element_count());
  return batch;
}

std::shared_ptr<ModelRuntime> LoadFixtureModel(const std::string& name) {
  auto runtime = LoadTorchScriptModel(FixturePath(name + ".pt"));
  EXPECT_TRUE(runtime.ok()) << runtime.error();
  return runtime.ok() ? runtime.value() : nullptr;
}

TEST(TorchScriptRuntimeTest, OutputsMatchPyTorch) {
  const Tensor batch = FixtureBatch();
  int models = 0;
  for (const auto& words : ManifestLines()) {
    if (words.size() < 5 || words[0] != "model") continue;
    SCOPED_TRACE(words[1]);
    auto runtime = LoadFixtureModel(words[1]);
    if (!runtime) continue;
    std::vector<int64_t> expected_shape;
    for (size_t i = 5; i < words.size(); ++i) expected_shape.push_back(std::stoll(words[i]));
    const std::vector<float> expected = ReadFloats(words[4]);
    // The first run checks the shape on the frozen module, the later ones take the optimized path.
    double difference = 0;
    for (int run = 0; run < 3; ++run) {
      auto output = runtime->Run(batch);
      ASSERT_TRUE(output.ok()) << output.error();
      EXPECT_EQ(output.value().shape, expected_shape);
      difference = std::max(difference, MaxDifference(output.value().values, expected));
    }
    EXPECT_LE(difference, 1e-4);
    std::cout << words[1] << ": " << runtime->Describe() << "; max difference vs PyTorch " << difference << "\n";
    ++models;
  }
  EXPECT_EQ(models, 5);
}

TEST(TorchScriptRuntimeTest, TopClassesMatchPyTorch) {
  const Tensor batch = FixtureBatch();
  std::map<std::string, Tensor> outputs;
  int rows = 0;
  for (const auto& words : ManifestLines()) {
    if (words.size() < 4 || words[0] != "topk") continue;
    const std::string model = words[1].substr(0, words[1].find('.'));
    SCOPED_TRACE(model + " row " + words[3]);
    if (!outputs.count(model)) {
      auto runtime = LoadFixtureModel(model);
      if (!runtime) continue;
      auto output = runtime->Run(batch);
      ASSERT_TRUE(output.ok()) << output.error();
      outputs[model] = output.value();
    }
    const Tensor& output = outputs[model];
    ModelSpec spec;
    spec.top_k = std::stoi(words[2]);
    spec.output = model == "softmax" ? OutputKind::kProbabilities : OutputKind::kLogits;
    const int64_t row = std::stoll(words[3]);
    auto predictions = TopPredictions(output.values.data() + row * output.row_width(), output.row_width(), spec, {});
    std::vector<std::string> classes;
    for (const auto& prediction : predictions) classes.push_back(prediction.class_name);
    EXPECT_EQ(classes, std::vector<std::string>(words.begin() + 4, words.end()));
    ++rows;
  }
  EXPECT_EQ(rows, 8);
}

TEST(TorchScriptRuntimeTest, PreprocessedImagesGivePyTorchsOutput) {
  // quarry's own preprocessing of the batch images, then the CNN: the whole path against PyTorch.
  std::vector<std::string> names;
  int64_t size = 0;
  for (const auto& words : ManifestLines()) {
    if (words.size() >= 3 && words[0] == "batch") {
      size = std::stoll(words[2]);
      names.assign(words.begin() + 3, words.end());
    }
  }
  ASSERT_FALSE(names.empty());
  std::map<std::string, std::vector<int32_t>> dimensions;
  for (const auto& words : ManifestLines()) {
    if (words.size() == 5 && words[0] == "image") {
      dimensions[words[1]] = {std::stoi(words[2]), std::stoi(words[3]), std::stoi(words[4])};
    }
  }
  ModelSpec spec;
  spec.input_size = static_cast<int32_t>(size);
  Tensor batch{{static_cast<int64_t>(names.size()), 3, size, size}, {}};
  batch.values.resize(batch.element_count());
  for (size_t i = 0; i < names.size(); ++i) {
    const auto& dims = dimensions[names[i]];
    ASSERT_EQ(dims.size(), 3u);
    const std::vector<uint8_t> pixels = ReadBytes(names[i] + ".u8");
    auto done = PreprocessImage(media::ImageView{dims[0], dims[1], dims[2], pixels}, spec,
                                batch.values.data() + i * batch.row_width());
    ASSERT_TRUE(done.ok()) << done.error();
  }
  EXPECT_LE(MaxDifference(batch.values, FixtureBatch().values), 1e-5);
  auto runtime = LoadFixtureModel("cnn");
  ASSERT_TRUE(runtime);
  auto output = runtime->Run(batch);
  ASSERT_TRUE(output.ok()) << output.error();
  EXPECT_LE(MaxDifference(output.value().values, ReadFloats("cnn.out.f32")), 1e-4);
}

TEST(TorchScriptRuntimeTest, RowsDoNotDependOnTheBatch) {
  const Tensor batch = FixtureBatch();
  auto runtime = LoadFixtureModel("cnn");
  ASSERT_TRUE(runtime);
  auto whole = runtime->Run(batch);
  ASSERT_TRUE(whole.ok()) << whole.error();
  const int64_t width = whole.value().row_width();
  for (int64_t row = 0; row < batch.shape[0]; ++row) {
    Tensor single{{1, batch.shape[1], batch.shape[2], batch.shape[3]}, {}};
    const auto begin = batch.values.begin() + row * batch.row_width();
    single.values.assign(begin, begin + batch.row_width());
    auto output = runtime->Run(single);
    ASSERT_TRUE(output.ok()) << output.error();
    const auto expected = whole.value().values.begin() + row * width;
    EXPECT_LE(MaxDifference(output.value().values, std::vector<float>(expected, expected + width)), 1e-4);
  }
}

TEST(TorchScriptRuntimeTest, ConcurrentRunsGiveTheSerialResult) {
  const Tensor batch = FixtureBatch();
  auto runtime = LoadFixtureModel("cnn");
  ASSERT_TRUE(runtime);
  ASSERT_TRUE(runtime->Run(batch).ok());  // the shape check on the frozen module: later runs are optimized
  auto serial = runtime->Run(batch);
  ASSERT_TRUE(serial.ok()) << serial.error();
  constexpr int kRuns = 20;
  std::vector<std::vector<Tensor>> results(2);
  std::vector<std::string> errors(2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRuns; ++i) {
        auto output = runtime->Run(batch);
        if (!output.ok()) {
          errors[t] = output.error();
          return;
        }
        results[t].push_back(std::move(output).value());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < 2; ++t) {
    EXPECT_EQ(errors[t], "");
    ASSERT_EQ(results[t].size(), static_cast<size_t>(kRuns));
    for (const Tensor& result : results[t]) {
      EXPECT_EQ(result.shape, serial.value().shape);
      EXPECT_LE(MaxDifference(result.values, serial.value().values), 1e-6);
    }
  }
}

TEST(TorchScriptRuntimeTest, ThreadCountDoesNotChangeResults) {
  const Tensor batch = FixtureBatch();
  auto runtime = LoadFixtureModel("embedding");
  ASSERT_TRUE(runtime);
  auto before = runtime->Run(batch);
  SetTorchThreads(1);
  auto single_thread = runtime->Run(batch);
  SetTorchThreads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  ASSERT_TRUE(before.ok() && single_thread.ok());
  EXPECT_LE(MaxDifference(before.value().values, single_thread.value().values), 1e-4);
}

TEST(TorchScriptRuntimeTest, MissingFileIsAClearError) {
  auto runtime = LoadTorchScriptModel("/nonexistent/quarry/model.pt");
  ASSERT_FALSE(runtime.ok());
  EXPECT_EQ(runtime.error(), "model file not found: /nonexistent/quarry/model.pt");
}

TEST(TorchScriptRuntimeTest, FilesThatAreNotTorchScriptAreClearErrors) {
  int files = 0;
  for (const auto& words : ManifestLines()) {
    if (words.size() != 2 || words[0] != "file") continue;
    const std::string path = FixturePath(words[1]);
    auto runtime = LoadTorchScriptModel(path);
    ASSERT_FALSE(runtime.ok()) << path;
    const std::string& message = runtime.error();
    std::cout << words[1] << ": " << message << "\n";
    EXPECT_EQ(message.rfind("cannot load TorchScript model " + path + ": ", 0), 0u) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    ++files;
  }
  EXPECT_EQ(files, 2);
}

TEST(TorchScriptRuntimeTest, WrongInputShapeIsAnError) {
  auto runtime = LoadFixtureModel("cnn");
  ASSERT_TRUE(runtime);
  // Twice with the right shape first, so the executor has profiled and optimized the graph.
  const Tensor batch = FixtureBatch();
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(runtime->Run(batch).ok());
  auto wrong_channels = runtime->Run(Tensor{{1, 5, 8, 8}, std::vector<float>(5 * 8 * 8)});
  ASSERT_FALSE(wrong_channels.ok());
  EXPECT_EQ(wrong_channels.error().rfind("model run failed for input [1, 5, 8, 8]: ", 0), 0u) << wrong_channels.error();
  EXPECT_EQ(wrong_channels.error().find('\n'), std::string::npos);
  EXPECT_NE(wrong_channels.error().find("channels"), std::string::npos) << wrong_channels.error();
  // The model still works, and keeps refusing the wrong shape (the optimized path never sees it).
  auto again = runtime->Run(batch);
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_LE(MaxDifference(again.value().values, ReadFloats("cnn.out.f32")), 1e-4);
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(runtime->Run(Tensor{{2, 5, 8, 8}, std::vector<float>(2 * 5 * 8 * 8)}).ok());
  EXPECT_FALSE(runtime->Run(Tensor{{0, 3, 8, 8}, {}}).ok());
  EXPECT_FALSE(runtime->Run(Tensor{{2, 3, 8, 8}, std::vector<float>(10)}).ok());
}

}  // namespace
}  // namespace quarry::ml
