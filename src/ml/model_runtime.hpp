// ModelRuntime — the one interface every model runtime implements: a loaded model that maps a batch
// of inputs to its first output: TorchScript (src/ml/torchscript/) and ONNX (src/ml/onnx/), chosen by
// the file's content through the registry (model_runtime_registry.hpp).
//
// A runtime is loaded once per process and shared by all threads: Run() must be safe to call from
// several threads at once. Runtime exceptions never escape: they become Errors.
#pragma once

#include <memory>
#include <string>

#include "common/result.hpp"
#include "ml/tensor.hpp"

namespace quarry::ml {

class ModelRuntime {
 public:
  virtual ~ModelRuntime() = default;

  // Runs one batch ([N, ...], N >= 1) and returns the model's first output ([N, ...]).
  virtual Result<Tensor> Run(const Tensor& input) const = 0;

  // A line for humans: the runtime and what it did at load, e.g. "TorchScript, frozen, optimized".
  virtual std::string Describe() const = 0;
};

}  // namespace quarry::ml
