// quarry's ONNX executor against PyTorch on real architectures: torchvision classifiers (residual,
// depthwise, grouped, squeeze-excite, attention) exported with torch.onnx.export at opsets 11-17 give
// PyTorch's outputs within 1e-4 (relative to the output's largest magnitude) for two batch sizes
// through one symbolic batch dimension; broken models fail to load with errors that name the problem;
// concurrent runs agree.
#include "ml/onnx/onnx_model.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <memory>
#include <thread>

#include <gtest/gtest.h>

#include "fixture_folder.hpp"
#include "ml/ml_fixtures.hpp"

namespace quarry::ml::onnx {
namespace {

const std::filesystem::path& OnnxFixtures() {
  static const quarry::testing::FixtureFolder folder("make_onnx_fixtures.py");
  static const std::filesystem::path empty;
  return folder.ok() ? folder.path() : empty;
}

std::vector<std::vector<std::string>> Manifest() {
  return testing::ReadManifest(OnnxFixtures(), "make_onnx_fixtures.py");
}

std::vector<float> Floats(const std::string& name) {
  std::ifstream in(OnnxFixtures() / name, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing fixture " << name;
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<float> values(bytes.size() / sizeof(float));
  if (!values.empty()) std::memcpy(values.data(), bytes.data(), values.size() * sizeof(float));
  return values;
}

// One loaded model per name, shared by the tests (loading takes a moment).
std::shared_ptr<const OnnxModel> Model(const std::string& name) {
  static std::map<std::string, std::shared_ptr<const OnnxModel>> cache;
  auto& model = cache[name];
  if (!model) {
    auto loaded = OnnxModel::Load((OnnxFixtures() / (name + ".onnx")).string());
    EXPECT_TRUE(loaded.ok()) << loaded.error();
    if (loaded.ok()) model = loaded.value();
  }
  return model;
}

struct Case {
  std::string model;
  HostTensor input;
  std::vector<int64_t> output_shape;
  std::vector<float> expected;
};

std::vector<Case> Cases() {
  std::vector<Case> cases;
  for (const auto& words : Manifest()) {
    if (words.size() < 8 || words[0] != "onnx") continue;
    Case one;
    one.model = words[1];
    const int64_t size = std::stoll(words[4]);
    const int64_t batch = std::stoll(words[5]);
    one.input = HostTensor::From(ElementType::kFloat, {batch, 3, size, size}, Floats(words[3]));
    one.expected = Floats(words[6]);
    for (size_t i = 7; i < words.size(); i++) one.output_shape.push_back(std::stoll(words[i]));
    cases.push_back(std::move(one));
  }
  return cases;
}

// max |actual - expected| / max |expected|
double RelativeDifference(const std::vector<float>& actual, const std::vector<float>& expected) {
  if (actual.size() != expected.size()) return INFINITY;
  double largest = 0, scale = 1e-12;
  for (size_t i = 0; i < actual.size(); i++) {
    largest = std::max(largest, std::fabs(static_cast<double>(actual[i]) - expected[i]));
    scale = std::max(scale, std::fabs(static_cast<double>(expected[i])));
  }
  return largest / scale;
}

TEST(OnnxModelTest, TorchvisionArchitecturesMatchPyTorch) {
  int checked = 0;
  for (const auto& one : Cases()) {
    SCOPED_TRACE(one.model + " batch " + std::to_string(one.input.shape[0]));
    auto model = Model(one.model);
    if (!model) continue;
    auto outputs = model->Run({one.input});
    ASSERT_TRUE(outputs.ok()) << outputs.error();
    ASSERT_EQ(outputs.value().size(), 1u);
    EXPECT_EQ(outputs.value()[0].shape, one.output_shape);
    const double difference = RelativeDifference(outputs.value()[0].Values<float>(), one.expected);
    EXPECT_LE(difference, 1e-4);
    std::cout << one.model << " batch " << one.input.shape[0] << ": " << model->Describe()
              << "; relative difference vs PyTorch " << difference << "\n";
    checked++;
  }
  EXPECT_EQ(checked, 18);
}

TEST(OnnxModelTest, RuntimeAdapterGivesTheFirstOutput) {
  for (const auto& one : Cases()) {
    if (one.model != "resnet18" || one.input.shape[0] != 3) continue;
    auto runtime = LoadOnnxRuntime((OnnxFixtures() / "resnet18.onnx").string());
    ASSERT_TRUE(runtime.ok()) << runtime.error();
    Tensor input;
    input.shape = one.input.shape;
    input.values = one.input.Values<float>();
    auto output = runtime.value()->Run(input);
    ASSERT_TRUE(output.ok()) << output.error();
    EXPECT_EQ(output.value().shape, one.output_shape);
    EXPECT_LE(RelativeDifference(output.value().values, one.expected), 1e-4);
    // A wrong channel count is an error naming the node, not a crash.
    input.shape = {1, 2, 64, 64};
    input.values.assign(2 * 64 * 64, 0.0f);
    auto wrong = runtime.value()->Run(input);
    ASSERT_FALSE(wrong.ok());
    EXPECT_NE(wrong.error().find("Conv"), std::string::npos) << wrong.error();
  }
}

TEST(OnnxModelTest, ConcurrentRunsAgree) {
  std::vector<Case> cases;
  for (auto& one : Cases()) {
    if (one.model == "mobilenet_v3_small" || one.model == "vit_tiny") cases.push_back(std::move(one));
  }
  ASSERT_FALSE(cases.empty());
  std::vector<std::thread> threads;
  std::vector<double> differences(cases.size() * 2, INFINITY);
  for (size_t i = 0; i < differences.size(); i++) {
    const Case& one = cases[i % cases.size()];
    auto model = Model(one.model);
    ASSERT_TRUE(model);
    threads.emplace_back([&, model, i] {
      for (int run = 0; run < 3; run++) {
        auto outputs = model->Run({one.input});
        differences[i] = outputs.ok() ? RelativeDifference(outputs.value()[0].Values<float>(), one.expected) : INFINITY;
        if (!outputs.ok()) return;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (double difference : differences) EXPECT_LE(difference, 1e-4);
}

TEST(OnnxModelTest, BrokenModelsGetClearErrors) {
  int checked = 0;
  for (const auto& words : Manifest()) {
    if (words.size() < 3 || words[0] != "bad") continue;
    SCOPED_TRACE(words[1]);
    auto loaded = OnnxModel::Load((OnnxFixtures() / (words[1] + ".onnx")).string());
    ASSERT_FALSE(loaded.ok());
    std::string message = loaded.error();
    std::transform(message.begin(), message.end(), message.begin(), [](unsigned char c) { return std::tolower(c); });
    for (size_t i = 2; i < words.size(); i++) EXPECT_NE(message.find(words[i]), std::string::npos) << loaded.error();
    EXPECT_NE(loaded.error().find(words[1] + ".onnx"), std::string::npos) << "names the file: " << loaded.error();
    checked++;
  }
  EXPECT_EQ(checked, 5);
  auto missing = OnnxModel::Load("/nonexistent/model.onnx");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("not found"), std::string::npos);
}

TEST(OnnxModelTest, WrongInputsAreErrors) {
  auto model = Model("squeezenet1_1");
  ASSERT_TRUE(model);
  EXPECT_FALSE(model->Run({}).ok());
  HostTensor short_data = HostTensor::From(ElementType::kFloat, {1, 3, 64, 64}, std::vector<float>(10));
  auto result = model->Run({short_data});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().find("bytes"), std::string::npos) << result.error();
}

}  // namespace
}  // namespace quarry::ml::onnx
