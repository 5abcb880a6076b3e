// Text models through both runtimes' RunNamed, against PyTorch: small BERT, DistilBERT, sentence-embedding,
// sequence- and token-classifier models (tests/fixtures/make_text_model_fixtures.py), as ONNX and as
// TorchScript, name their inputs as Hugging Face's do, give PyTorch's outputs within 1e-4 on padded
// batches (each run twice: TorchScript's second run takes the frozen module), agree with each other,
// ignore inputs they do not take, refuse a missing input by name, and run from several threads at once.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "fixture_folder.hpp"
#include "ml/ml_fixtures.hpp"
#include "ml/model_runtime.hpp"
#include "ml/onnx/onnx_model.hpp"
#include "ml/torchscript/torchscript_runtime.hpp"

namespace quarry::ml {
namespace {

using testing::MaxDifference;

const std::filesystem::path& TextFixtures() {
  static const quarry::testing::FixtureFolder folder("make_text_model_fixtures.py");
  static const std::filesystem::path empty;
  return folder.ok() ? folder.path() : empty;
}

std::vector<std::vector<std::string>> Manifest() {
  return testing::ReadManifest(TextFixtures(), "make_text_model_fixtures.py");
}

template <typename T>
std::vector<T> ReadValues(const std::string& name) {
  std::ifstream in(TextFixtures() / name, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing fixture " << name;
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<T> values(bytes.size() / sizeof(T));
  if (!values.empty()) std::memcpy(values.data(), bytes.data(), values.size() * sizeof(T));
  return values;
}

// A batch's three inputs, token_type_ids first (models take them in another order) and always given:
// DistilBERT must ignore it.
std::vector<NamedIntegerTensor> Batch(const std::string& tag) {
  for (const auto& words : Manifest()) {
    if (words.size() != 4 || words[0] != "batch" || words[1] != tag) continue;
    const std::vector<int64_t> shape{std::stoll(words[2]), std::stoll(words[3])};
    std::vector<NamedIntegerTensor> inputs;
    for (const char* name : {"token_type_ids", "input_ids", "attention_mask"}) {
      inputs.push_back({name, shape, ReadValues<int64_t>(tag + "_" + name + ".i64")});
    }
    return inputs;
  }
  ADD_FAILURE() << "no batch " << tag << " in the manifest";
  return {};
}

std::vector<NamedIntegerTensor> Without(std::vector<NamedIntegerTensor> inputs, const std::string& name) {
  inputs.erase(std::remove_if(inputs.begin(), inputs.end(), [&](const auto& input) { return input.name == name; }),
               inputs.end());
  return inputs;
}

struct Reference {
  std::string model;
  std::string batch;
  std::vector<int64_t> shape;
  std::vector<float> values;
};

std::vector<Reference> References() {
  std::vector<Reference> references;
  for (const auto& words : Manifest()) {
    if (words.size() < 5 || words[0] != "reference") continue;
    Reference reference{words[1], words[2], {}, ReadValues<float>(words[3])};
    for (size_t i = 4; i < words.size(); i++) reference.shape.push_back(std::stoll(words[i]));
    references.push_back(std::move(reference));
  }
  return references;
}

// Model name -> the inputs the manifest says it takes.
std::map<std::string, std::vector<std::string>> ModelInputs() {
  std::map<std::string, std::vector<std::string>> models;
  for (const auto& words : Manifest()) {
    if (words.size() >= 2 && words[0] == "model") models[words[1]].assign(words.begin() + 2, words.end());
  }
  return models;
}

enum class Format { kOnnx, kTorchScript };

const char* FormatName(Format format) {
  return format == Format::kOnnx ? "ONNX" : "TorchScript";
}

// One loaded runtime per file, shared by the tests (loading TorchScript freezes and optimizes).
std::shared_ptr<ModelRuntime> Runtime(const std::string& name, Format format) {
  static std::map<std::pair<std::string, Format>, std::shared_ptr<ModelRuntime>> cache;
  auto& runtime = cache[{name, format}];
  if (!runtime) {
    const std::string path = (TextFixtures() / name).string();
    auto loaded = format == Format::kOnnx ? onnx::LoadOnnxRuntime(path + ".onnx") : LoadTorchScriptModel(path + ".pt");
    EXPECT_TRUE(loaded.ok()) << name << " (" << FormatName(format) << "): " << loaded.error();
    if (loaded.ok()) runtime = loaded.value();
  }
  return runtime;
}

constexpr Format kFormats[] = {Format::kOnnx, Format::kTorchScript};
constexpr double kTolerance = 1e-4;

TEST(TextModelRuntimeTest, FixturesListFiveModelsAndThreeBatches) {
  EXPECT_EQ(ModelInputs().size(), 5u);
  EXPECT_EQ(References().size(), 15u);
}

TEST(TextModelRuntimeTest, InputNamesAreTheModelsParameters) {
  for (const auto& [name, inputs] : ModelInputs()) {
    for (Format format : kFormats) {
      auto runtime = Runtime(name, format);
      ASSERT_TRUE(runtime);
      EXPECT_EQ(runtime->InputNames(), inputs) << name << " (" << FormatName(format) << ")";
    }
  }
}

TEST(TextModelRuntimeTest, OutputsMatchPyTorchOnPaddedBatches) {
  for (const auto& reference : References()) {
    for (Format format : kFormats) {
      auto runtime = Runtime(reference.model, format);
      ASSERT_TRUE(runtime);
      for (int run = 0; run < 2; run++) {
        const std::string label = reference.model + " (" + FormatName(format) + ") on " + reference.batch + ", run " +
                                  std::to_string(run + 1);
        auto output = runtime->RunNamed(Batch(reference.batch));
        ASSERT_TRUE(output.ok()) << label << ": " << output.error();
        EXPECT_EQ(output.value().shape, reference.shape) << label;
        EXPECT_LE(MaxDifference(output.value().values, reference.values), kTolerance) << label;
      }
    }
  }
}

TEST(TextModelRuntimeTest, OnnxAndTorchScriptAgree) {
  for (const auto& [name, inputs] : ModelInputs()) {
    auto from_onnx = Runtime(name, Format::kOnnx)->RunNamed(Batch("wide"));
    auto from_torchscript = Runtime(name, Format::kTorchScript)->RunNamed(Batch("wide"));
    ASSERT_TRUE(from_onnx.ok() && from_torchscript.ok()) << name;
    EXPECT_EQ(from_onnx.value().shape, from_torchscript.value().shape) << name;
    EXPECT_LE(MaxDifference(from_onnx.value().values, from_torchscript.value().values), kTolerance) << name;
  }
}

TEST(TextModelRuntimeTest, OnnxInt32InputsAreCastFromInt64) {
  const std::string path = (TextFixtures() / "distilbert_int32.onnx").string();
  auto loaded = onnx::OnnxModel::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ(loaded.value()->inputs()[0].element_type, static_cast<int32_t>(onnx::ElementType::kInt32));
  auto runtime = onnx::LoadOnnxRuntime(path);
  ASSERT_TRUE(runtime.ok()) << runtime.error();
  for (const auto& reference : References()) {
    if (reference.model != "distilbert") continue;
    auto output = runtime.value()->RunNamed(Batch(reference.batch));
    ASSERT_TRUE(output.ok()) << reference.batch << ": " << output.error();
    EXPECT_LE(MaxDifference(output.value().values, reference.values), kTolerance) << reference.batch;
  }
}

TEST(TextModelRuntimeTest, MissingInputIsAnErrorNamingIt) {
  for (Format format : kFormats) {
    for (const auto& [name, missing] : std::vector<std::pair<std::string, std::string>>{
             {"bert", "token_type_ids"}, {"distilbert", "attention_mask"}, {"sentence_embedding", "input_ids"}}) {
      auto output = Runtime(name, format)->RunNamed(Without(Batch("padded"), missing));
      ASSERT_FALSE(output.ok()) << name << " (" << FormatName(format) << ")";
      EXPECT_NE(output.error().find("'" + missing + "'"), std::string::npos) << output.error();
    }
  }
}

TEST(TextModelRuntimeTest, BadShapesAreErrors) {
  for (Format format : kFormats) {
    auto runtime = Runtime("distilbert", format);
    auto short_values = Batch("padded");
    short_values[1].values.pop_back();  // input_ids
    auto output = runtime->RunNamed(short_values);
    ASSERT_FALSE(output.ok());
    EXPECT_NE(output.error().find("input_ids"), std::string::npos) << output.error();

    auto other_batch = Batch("padded");
    other_batch[2] = Batch("single")[2];  // attention_mask of another batch size
    output = runtime->RunNamed(other_batch);
    ASSERT_FALSE(output.ok());
    EXPECT_NE(output.error().find("batch size"), std::string::npos) << output.error();

    auto no_batch = Batch("padded");
    for (auto& input : no_batch) input.shape = {};
    EXPECT_FALSE(runtime->RunNamed(no_batch).ok());
  }
}

// A token id beyond the vocabulary (a tokenizer that does not fit the model) after a good batch of the
// same shape: TorchScript's frozen module runs it.
TEST(TextModelRuntimeTest, IdBeyondTheVocabularyIsAnError) {
  for (Format format : kFormats) {
    auto runtime = Runtime("bert", format);
    ASSERT_TRUE(runtime->RunNamed(Batch("padded")).ok());
    auto batch = Batch("padded");
    batch[1].values[2] = 5000;  // input_ids
    for (int run = 0; run < 2; run++) {
      auto output = runtime->RunNamed(batch);
      EXPECT_FALSE(output.ok()) << FormatName(format);
      if (!output.ok()) {
        EXPECT_NE(output.error().find("input_ids [3, 7]"), std::string::npos) << output.error();
      }
    }
  }
}

TEST(TextModelRuntimeTest, FloatRunOfATextModelIsAnError) {
  Tensor input{{1, 4}, {1, 2, 3, 4}};
  EXPECT_FALSE(Runtime("bert", Format::kOnnx)->Run(input).ok());
  EXPECT_FALSE(Runtime("bert", Format::kTorchScript)->Run(input).ok());
}

TEST(TextModelRuntimeTest, ConcurrentRunsAgree) {
  for (Format format : kFormats) {
    auto runtime = Runtime("sequence_classifier", format);
    const std::vector<std::string> tags{"padded", "single", "wide"};
    std::vector<std::vector<float>> expected;
    for (const auto& tag : tags) {
      auto output = runtime->RunNamed(Batch(tag));
      ASSERT_TRUE(output.ok()) << output.error();
      expected.push_back(output.value().values);
    }
    std::vector<std::vector<NamedIntegerTensor>> batches;
    for (const auto& tag : tags) batches.push_back(Batch(tag));
    std::vector<double> differences(4, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; t++) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 6; i++) {
          const size_t which = static_cast<size_t>(t + i) % tags.size();
          auto output = runtime->RunNamed(batches[which]);
          const double difference = output.ok() ? MaxDifference(output.value().values, expected[which]) : INFINITY;
          differences[t] = std::max(differences[t], difference);
        }
      });
    }
    for (auto& thread : threads) thread.join();
    for (double difference : differences) EXPECT_LE(difference, kTolerance) << FormatName(format);
  }
}

}  // namespace
}  // namespace quarry::ml
