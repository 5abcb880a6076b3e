// TorchScriptRuntime: a torch::jit::Module loaded for inference and shared by all threads. The only
// file of quarry that includes libtorch's headers (they take ~30 s to compile).
//
// Threads: Module::forward on a frozen module in InferenceMode reads the module's parameters only;
// libtorch's graph executor guards its own compilation cache, so concurrent Run() calls are safe.
#include "ml/torchscript/torchscript_runtime.hpp"

#include <torch/script.h>

#include <ATen/Parallel.h>

#include <exception>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace quarry::ml {
namespace {

// libtorch's messages run to many lines (a C++ backtrace, the TorchScript source); users get the first.
std::string FirstLine(const char* text) {
  std::string message(text == nullptr ? "" : text);
  const size_t newline = message.find('\n');
  if (newline != std::string::npos) message.resize(newline);
  while (!message.empty() && (message.back() == ' ' || message.back() == '\r')) message.pop_back();
  return message.empty() ? "unknown libtorch error" : message;
}

class TorchScriptRuntime final : public ModelRuntime {
 public:
  TorchScriptRuntime(torch::jit::Module module, std::string description)
      : module_(std::move(module)), description_(std::move(description)) {}

  Result<Tensor> Run(const Tensor& input) const override {
    try {
      if (input.shape.empty() || input.shape[0] < 1) {
        return Error{"model input must have a batch dimension of at least 1, got shape " + input.ShapeText()};
      }
      if (static_cast<int64_t>(input.values.size()) != input.element_count()) {
        return Error{"model input has the wrong number of values for its shape " + input.ShapeText() + ": " +
                     std::to_string(input.values.size())};
      }
      c10::InferenceMode inference_mode;
      // No copy: the model reads the caller's values (and never writes them in inference mode).
      at::Tensor batch = torch::from_blob(const_cast<float*>(input.values.data()), input.shape,
                                          torch::TensorOptions().dtype(torch::kFloat));
      std::vector<torch::jit::IValue> arguments{batch};
      torch::jit::IValue result = module_.forward(arguments);
      if (result.isTuple()) {
        const auto& elements = result.toTupleRef().elements();
        if (elements.empty()) return Error{"model returned an empty tuple"};
        result = elements[0];
      } else if (result.isList()) {
        auto list = result.toList();
        if (list.empty()) return Error{"model returned an empty list"};
        result = list.get(0);
      }
      if (!result.isTensor()) return Error{"model output is not a tensor: " + result.tagKind()};
      at::Tensor output = result.toTensor().to(torch::kFloat).contiguous();
      Tensor tensor;
      tensor.shape.assign(output.sizes().begin(), output.sizes().end());
      if (tensor.shape.empty() || tensor.shape[0] != input.shape[0]) {
        return Error{"model output does not have the batch size " + std::to_string(input.shape[0]) +
                     " as first dimension: " + tensor.ShapeText()};
      }
      const float* values = output.data_ptr<float>();
      tensor.values.assign(values, values + output.numel());
      return tensor;
    } catch (const std::exception& error) {  // c10::Error derives from std::exception
      return Error{"model run failed for input " + input.ShapeText() + ": " + FirstLine(error.what())};
    }
  }

  std::string Describe() const override { return description_; }

 private:
  // forward() is not const in libtorch's API though running a frozen module in inference mode does
  // not change it.
  mutable torch::jit::Module module_;
  std::string description_;
};

}  // namespace

Result<std::shared_ptr<ModelRuntime>> LoadTorchScriptModel(const std::string& path) {
  std::error_code error_code;
  if (!std::filesystem::exists(path, error_code)) return Error{"model file not found: " + path};
  if (std::filesystem::is_directory(path, error_code)) return Error{"model path is a folder, not a file: " + path};
  torch::jit::Module module;
  try {
    module = torch::jit::load(path, torch::kCPU);
    module.eval();
  } catch (const std::exception& error) {
    return Error{"cannot load TorchScript model " + path + ": " + FirstLine(error.what())};
  }

  // Freezing inlines parameters as constants (and folds batch norm into convolutions);
  // optimize_for_inference adds fusions and MKL-DNN layouts. Both refuse some models: keep what worked.
  std::string description = "TorchScript";
  try {
    torch::jit::Module frozen = torch::jit::freeze(module);
    module = std::move(frozen);
    description += ", frozen";
    try {
      torch::jit::Module optimized = torch::jit::optimize_for_inference(module);
      module = std::move(optimized);
      description += ", optimized";
    } catch (const std::exception& error) {
      description += ", not optimized (" + FirstLine(error.what()) + ")";
    }
  } catch (const std::exception& error) {
    description += ", not frozen (" + FirstLine(error.what()) + ")";
  }
  return std::shared_ptr<ModelRuntime>(std::make_shared<TorchScriptRuntime>(std::move(module), std::move(description)));
}

void SetTorchThreads(int threads) {
  if (threads > 0) at::set_num_threads(threads);
}

}  // namespace quarry::ml
