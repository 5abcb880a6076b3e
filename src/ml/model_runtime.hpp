// ModelRuntime — the one interface every model runtime implements: a loaded model that maps a batch
// of inputs to its first output: TorchScript (src/ml/torchscript/) and ONNX (src/ml/onnx/), chosen by
// the file's content through the registry (model_runtime_registry.hpp).
//
// A runtime is loaded once per process and shared by all threads: Run() must be safe to call from
// several threads at once. Runtime exceptions never escape: they become Errors.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "ml/tensor.hpp"

namespace quarry::ml {

// An int64 input given by name.
struct NamedIntegerTensor {
  std::string name;
  std::vector<int64_t> shape;   // e.g. {N, T}
  std::vector<int64_t> values;  // product(shape) values, row-major
};

class ModelRuntime {
 public:
  virtual ~ModelRuntime() = default;

  // Runs one batch ([N, ...], N >= 1) and returns the model's first output ([N, ...]).
  virtual Result<Tensor> Run(const Tensor& input) const = 0;

  // The names of the model's inputs in the order the model takes them, as exported by common tools
  // (e.g. "input_ids", "attention_mask", "token_type_ids" for a text model): an ONNX graph's inputs,
  // a TorchScript forward()'s parameters after self. Empty when the format does not name them.
  virtual std::vector<std::string> InputNames() const { return {}; }

  // Runs one batch of integer inputs given by name (text models: token ids and masks, [N, T] int64),
  // every input of InputNames() present; returns the first output as floats ([N, ...]). Runtimes that
  // only take one float input return an Error.
  virtual Result<Tensor> RunNamed(const std::vector<NamedIntegerTensor>& inputs) const;

  // A line for humans: the runtime and what it did at load, e.g. "TorchScript, frozen, optimized".
  virtual std::string Describe() const = 0;
};

}  // namespace quarry::ml
