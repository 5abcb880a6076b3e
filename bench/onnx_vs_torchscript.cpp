// onnx_vs_torchscript PT ONNX [BATCH] [ROUNDS] — issue 5's speed check: the same architecture as frozen
// TorchScript (quarry_ml's LoadTorchScriptModel: frozen, optimized) and as ONNX on quarry's executor
// (LoadOnnxRuntime), on the same [BATCH, 3, 224, 224] input (default 16), one thread calling with as
// many intra-op threads as cores, in this one process. Both are warmed up; then ROUNDS rounds (default
// 5) each time a few batches of one then of the other, alternating which goes first. Prints the best
// round of each in images/s and `RATIO onnx/torchscript`.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "ml/onnx/onnx_model.hpp"
#include "ml/tensor.hpp"
#include "ml/torchscript/torchscript_runtime.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using quarry::ml::ModelRuntime;
using quarry::ml::Tensor;

std::shared_ptr<ModelRuntime> OrExit(quarry::Result<std::shared_ptr<ModelRuntime>> runtime) {
  if (!runtime.ok()) {
    std::fprintf(stderr, "%s\n", runtime.error().c_str());
    std::exit(1);
  }
  return runtime.value();
}

// images/s of `batches` runs of `model` on `input`.
double Rate(const ModelRuntime& model, const Tensor& input, int batches) {
  const auto start = Clock::now();
  for (int i = 0; i < batches; i++) {
    auto output = model.Run(input);
    if (!output.ok()) {
      std::fprintf(stderr, "%s\n", output.error().c_str());
      std::exit(1);
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return static_cast<double>(batches * input.shape[0]) / seconds;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: onnx_vs_torchscript MODEL.pt MODEL.onnx [BATCH] [ROUNDS]\n");
    return 2;
  }
  const int64_t batch = argc > 3 ? std::atoll(argv[3]) : 16;
  const int rounds = argc > 4 ? std::atoi(argv[4]) : 5;
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  quarry::ml::SetTorchThreads(cores);
  auto torchscript = OrExit(quarry::ml::LoadTorchScriptModel(argv[1]));
  auto onnx = OrExit(quarry::ml::onnx::LoadOnnxRuntime(argv[2]));

  Tensor input;
  input.shape = {batch, 3, 224, 224};
  input.values.resize(static_cast<size_t>(input.element_count()));
  std::mt19937 random(1);
  std::uniform_real_distribution<float> uniform(-2.0F, 2.0F);  // normalized pixels' range
  for (auto& value : input.values) value = uniform(random);

  Rate(*torchscript, input, 2);  // warm-up: first runs profile, optimize and pack weights
  Rate(*onnx, input, 2);
  const int batches = std::max(1, static_cast<int>(64 / batch));
  double best_torchscript = 0, best_onnx = 0;
  for (int round = 0; round < rounds; round++) {
    if (round % 2 == 0) {
      best_torchscript = std::max(best_torchscript, Rate(*torchscript, input, batches));
      best_onnx = std::max(best_onnx, Rate(*onnx, input, batches));
    } else {
      best_onnx = std::max(best_onnx, Rate(*onnx, input, batches));
      best_torchscript = std::max(best_torchscript, Rate(*torchscript, input, batches));
    }
  }
  std::printf("torchscript %.2f images/s (%s)\nonnx        %.2f images/s (%s)\nRATIO %.3f\n", best_torchscript,
              torchscript->Describe().c_str(), best_onnx, onnx->Describe().c_str(), best_onnx / best_torchscript);
  return 0;
}
