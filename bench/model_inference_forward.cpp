// model_inference_forward MODEL FOLDER|random IMAGES [BATCH] — (a) of bench/model_inference.sh: the
// physical limit of a model's inference on this machine, the bare frozen forward through quarry_ml's
// TorchScript runtime (LoadTorchScriptModel: frozen, optimized, InferenceMode) on pre-made [BATCH, 3, 224,
// 224] batches (default BATCH 16), IMAGES images in all. The batches are made before timing from the
// FOLDER's JPEGs (sorted, cycled if fewer), decoded and preprocessed as quarry does for
// `resize = 'center_crop', preprocess = 'torchvision'` — or, with `random`, are N(0, 1) noise (with
// random weights, noise runs a deep model measurably slower than pictures: denormal activations). Timed:
// the forward alone. Two thread splits of the cores:
//   workers x 1: one worker thread per core, each running its own batches with 1 torch thread (as DuckDB
//                threads each calling the model);
//   1 x cores:   one thread running the batches with as many torch intra-op threads as cores.
// Each split is warmed up first (the JIT's first runs profile and optimize). Prints images/s of each
// and, last, `BEST <images/s> <split>`.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "media/image_decoder.hpp"
#include "ml/model_spec.hpp"
#include "ml/preprocessing.hpp"
#include "ml/tensor.hpp"
#include "ml/torchscript/torchscript_runtime.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using quarry::ml::ModelRuntime;
using quarry::ml::Tensor;

Tensor RandomBatch(int64_t batch, uint32_t seed) {
  Tensor tensor;
  tensor.shape = {batch, 3, 224, 224};
  tensor.values.resize(static_cast<size_t>(tensor.element_count()));
  std::mt19937 random(seed);
  std::normal_distribution<float> normal(0.0F, 1.0F);
  for (auto& value : tensor.values) value = normal(random);
  return tensor;
}

// The batches from pictures: every file decoded in full, then preprocessed into its slot.
std::vector<Tensor> PictureBatches(const std::string& folder, int64_t images, int64_t batch) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() == ".jpg") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::fprintf(stderr, "no .jpg files in %s\n", folder.c_str());
    std::exit(1);
  }
  const quarry::ml::ModelSpec spec;  // torchvision preset, center_crop, 224
  const int64_t item = int64_t{3} * spec.input_size * spec.input_size;
  std::vector<Tensor> batches;
  for (int64_t done = 0; done < images; done += batch) {
    Tensor tensor;
    tensor.shape = {std::min(batch, images - done), 3, spec.input_size, spec.input_size};
    tensor.values.resize(static_cast<size_t>(tensor.element_count()));
    for (int64_t i = 0; i < tensor.shape[0]; i++) {
      const auto& path = files[static_cast<size_t>(done + i) % files.size()];
      std::ifstream file(path, std::ios::binary);
      const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(file), {}};
      auto image = quarry::media::DecodeImage(bytes);
      if (!image.ok()) {
        std::fprintf(stderr, "%s: %s\n", path.c_str(), image.error().c_str());
        std::exit(1);
      }
      auto preprocessed = quarry::ml::PreprocessImage(image.value(), spec, tensor.values.data() + i * item);
      if (!preprocessed.ok()) {
        std::fprintf(stderr, "%s: %s\n", path.c_str(), preprocessed.error().c_str());
        std::exit(1);
      }
    }
    batches.push_back(std::move(tensor));
  }
  return batches;
}

void RunOrDie(const ModelRuntime& model, const Tensor& batch) {
  auto output = model.Run(batch);
  if (!output.ok()) {
    std::fprintf(stderr, "forward failed: %s\n", output.error().c_str());
    std::exit(1);
  }
}

// Runs every batch once on `workers` threads (each taking the next batch); returns seconds.
double RunBatches(const ModelRuntime& model, const std::vector<Tensor>& batches, unsigned workers) {
  std::atomic<size_t> next{0};
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (unsigned w = 0; w < workers; w++) {
    threads.emplace_back([&] {
      for (size_t i = next++; i < batches.size(); i = next++) RunOrDie(model, batches[i]);
    });
  }
  for (auto& thread : threads) thread.join();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s MODEL FOLDER|random IMAGES [BATCH]\n", argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  const std::string source = argv[2];
  const int64_t images = std::atoll(argv[3]);
  const int64_t batch = argc > 4 ? std::atoll(argv[4]) : 16;
  const unsigned cores = std::max(1U, std::thread::hardware_concurrency());

  auto loaded = quarry::ml::LoadTorchScriptModel(path);
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s\n", loaded.error().c_str());
    return 1;
  }
  const ModelRuntime& model = *loaded.value();
  std::vector<Tensor> batches;
  if (source == "random") {
    for (int64_t done = 0; done < images; done += batch) {
      batches.push_back(RandomBatch(std::min(batch, images - done), static_cast<uint32_t>(batches.size())));
    }
  } else {
    batches = PictureBatches(source, images, batch);
  }
  std::printf("model %s (%s), %lld images (%s) in batches of %lld, %u cores\n", path.c_str(), model.Describe().c_str(),
              static_cast<long long>(images), source == "random" ? "random" : "pictures", static_cast<long long>(batch),
              cores);

  struct Split {
    unsigned workers;
    int torch_threads;
  };
  const std::vector<Split> splits = {{cores, 1}, {1, static_cast<int>(cores)}};
  double best = 0;
  std::string best_name;
  for (const auto& split : splits) {
    quarry::ml::SetTorchThreads(split.torch_threads);
    const std::vector<Tensor> warm_up(split.workers * 2, batches.front());
    RunBatches(model, warm_up, split.workers);
    const double seconds = RunBatches(model, batches, split.workers);
    const double rate = static_cast<double>(images) / seconds;
    const std::string name = std::to_string(split.workers) + "x" + std::to_string(split.torch_threads);
    std::printf("split %s (workers x torch threads): %.2f s, %.2f images/s\n", name.c_str(), seconds, rate);
    if (rate > best) {
      best = rate;
      best_name = name;
    }
  }
  std::printf("BEST %.2f %s\n", best, best_name.c_str());
  return 0;
}
