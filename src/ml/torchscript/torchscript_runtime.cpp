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
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ml/named_inputs.hpp"
#include "ml/tensor_memory.hpp"

namespace quarry::ml {
namespace {

// libtorch's messages run to many lines (a C++ backtrace, the TorchScript source); users get one: the
// first, or for an error inside the TorchScript interpreter the last (the Python-style exception line
// after the TorchScript traceback, e.g. "Given groups=1, weight of size ... expected input ...").
std::string ErrorReason(const char* text) {
  const std::string message(text == nullptr ? "" : text);
  std::vector<std::string> lines;
  size_t begin = 0;
  while (begin <= message.size()) {
    size_t end = message.find('\n', begin);
    if (end == std::string::npos) end = message.size();
    std::string line = message.substr(begin, end - begin);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    if (!line.empty()) lines.push_back(std::move(line));
    begin = end + 1;
  }
  if (lines.empty()) return "unknown libtorch error";
  std::string reason = lines.front();
  if (reason.rfind("The following operation failed in the TorchScript interpreter", 0) == 0) {
    reason = lines.back();
    const std::string kPythonPrefix = "RuntimeError: ";
    if (reason.rfind(kPythonPrefix, 0) == 0) reason.erase(0, kPythonPrefix.size());
  }
  return reason;
}

// The keys of Hugging Face-style output dicts that hold the main output, in order of preference.
constexpr const char* kPreferredOutputKeys[] = {"last_hidden_state", "logits", "sentence_embedding"};

// A dict output's main value: the first preferred key present, else the first entry.
Result<torch::jit::IValue> MainDictValue(const c10::impl::GenericDict& dict) {
  if (dict.empty()) return Error{"model returned an empty dict"};
  for (const char* key : kPreferredOutputKeys) {
    for (const auto& entry : dict) {
      if (entry.key().isString() && entry.key().toStringRef() == key) return entry.value();
    }
  }
  return dict.begin()->value();
}

// The model's output IValue reduced to the first output tensor (a dict's main value), copied into a
// Tensor.
Result<Tensor> FirstOutput(torch::jit::IValue result, int64_t batch_size) {
  if (result.isGenericDict()) {
    auto value = MainDictValue(result.toGenericDict());
    if (!value.ok()) return Error{value.error()};
    result = std::move(value).value();
  } else if (result.isTuple()) {
    const auto& elements = result.toTupleRef().elements();
    if (elements.empty()) return Error{"model returned an empty tuple"};
    result = elements[0];
  } else if (result.isList()) {
    auto list = result.toList();
    if (list.empty()) return Error{"model returned an empty list"};
    result = list.get(0);
  }
  if (!result.isTensor()) return Error{"model output is not a tensor but " + result.tagKind()};
  at::Tensor output = result.toTensor().to(torch::kFloat).contiguous();
  Tensor tensor;
  tensor.shape.assign(output.sizes().begin(), output.sizes().end());
  if (tensor.shape.empty() || tensor.shape[0] != batch_size) {
    return Error{"model output's first dimension is not the batch size " + std::to_string(batch_size) + ": " +
                 tensor.ShapeText()};
  }
  const float* values = output.data_ptr<float>();
  tensor.values.assign(values, values + output.numel());
  return tensor;
}

// Runs the fast module (frozen, and optimized where that worked) on input item shapes ([C, H, W], the
// batch left out) that have run once on the plain module (eval mode, not frozen); new shapes run on the
// plain module. The detour exists because libtorch 1.13 (Python's torch too) crashes, not raises, when
// a frozen module fails inside code inlined from another method (its error traceback refers to the
// dropped method: a wrong channel count into `self.features(x)` is a SEGV), and optimize_for_inference's
// MKL-DNN convolutions read out of bounds on a wrong channel count. A model sees one item shape almost
// always, so all but its first batch take the fast path. The cost: both modules' weights in memory.
// Not covered: a model that raises, for some values only, inside an inlined method, on the fast path.
class TorchScriptRuntime final : public ModelRuntime {
 public:
  TorchScriptRuntime(torch::jit::Module plain, std::optional<torch::jit::Module> fast, std::string description,
                     std::vector<std::string> input_names)
      : plain_(std::move(plain)),
        fast_(std::move(fast)),
        description_(std::move(description)),
        input_names_(std::move(input_names)) {}

  Result<Tensor> Run(const Tensor& input) const override {
    if (input.shape.empty() || input.shape[0] < 1) {
      return Error{"model input needs a batch dimension of at least 1, got shape " + input.ShapeText()};
    }
    if (static_cast<int64_t>(input.values.size()) != input.element_count()) {
      return Error{"model input's value count does not match its shape " + input.ShapeText() + ": " +
                   std::to_string(input.values.size())};
    }
    const std::vector<int64_t> item_shape(input.shape.begin() + 1, input.shape.end());
    const bool fast = fast_.has_value() && IsCheckedShape(item_shape);
    try {
      c10::InferenceMode inference_mode;
      // No copy: the model reads the caller's values (and never writes them in inference mode).
      at::Tensor batch = torch::from_blob(const_cast<float*>(input.values.data()), input.shape,
                                          torch::TensorOptions().dtype(torch::kFloat));
      std::vector<torch::jit::IValue> arguments{batch};
      Result<Tensor> output = FirstOutput(
          fast ? fast_->forward(std::move(arguments)) : plain_.forward(std::move(arguments)), input.shape[0]);
      if (output.ok() && fast_.has_value() && !fast) AddCheckedShape(item_shape);
      return output;
    } catch (const std::exception& error) {  // c10::Error derives from std::exception
      return Error{"model run failed for input " + input.ShapeText() + ": " + ErrorReason(error.what())};
    }
  }

  std::vector<std::string> InputNames() const override { return input_names_; }

  // forward() gets the given tensors of its parameters' names, in its order, as int64 tensors. The
  // fast-path key is every input's item shape, after a marker that keeps it apart from Run()'s.
  Result<Tensor> RunNamed(const std::vector<NamedIntegerTensor>& inputs) const override {
    auto matched = MatchNamedInputs(input_names_, inputs);
    if (!matched.ok()) return Error{matched.error()};
    std::vector<int64_t> key{-1};
    for (const auto* input : matched.value()) {
      key.push_back(static_cast<int64_t>(input->shape.size()));
      key.insert(key.end(), input->shape.begin() + 1, input->shape.end());
    }
    const bool fast = fast_.has_value() && IsCheckedShape(key);
    try {
      c10::InferenceMode inference_mode;
      std::vector<torch::jit::IValue> arguments;
      for (const auto* input : matched.value()) {
        // No copy: the model reads the caller's values (and never writes them in inference mode).
        arguments.emplace_back(torch::from_blob(const_cast<int64_t*>(input->values.data()), input->shape,
                                                torch::TensorOptions().dtype(torch::kLong)));
      }
      Result<Tensor> output =
          FirstOutput(fast ? fast_->forward(std::move(arguments)) : plain_.forward(std::move(arguments)),
                      matched.value().front()->shape[0]);
      if (output.ok() && fast_.has_value() && !fast) AddCheckedShape(key);
      return output;
    } catch (const std::exception& error) {  // c10::Error derives from std::exception
      return Error{"model run failed for inputs " + DescribeNamedInputs(matched.value()) + ": " +
                   ErrorReason(error.what())};
    }
  }

  std::string Describe() const override { return description_; }

 private:
  bool IsCheckedShape(const std::vector<int64_t>& shape) const {
    std::lock_guard lock(mutex_);
    return checked_shapes_.count(shape) > 0;
  }
  void AddCheckedShape(const std::vector<int64_t>& shape) const {
    std::lock_guard lock(mutex_);
    checked_shapes_.insert(shape);
  }

  // forward() is not const in libtorch's API, though running a module in inference mode does not change
  // it; concurrent forward() calls are safe (the graph executor locks its own caches).
  mutable torch::jit::Module plain_;
  mutable std::optional<torch::jit::Module> fast_;
  std::string description_;
  std::vector<std::string> input_names_;  // forward()'s parameters after self
  mutable std::mutex mutex_;
  mutable std::set<std::vector<int64_t>> checked_shapes_;  // GUARDED_BY(mutex_); item shapes, or RunNamed's keys
};

}  // namespace

Result<std::shared_ptr<ModelRuntime>> LoadTorchScriptModel(const std::string& path) {
  std::error_code error_code;
  if (!std::filesystem::exists(path, error_code)) return Error{"model file not found: " + path};
  if (std::filesystem::is_directory(path, error_code)) return Error{"model path is a folder, not a file: " + path};
  InstallTensorMemory();
  torch::jit::Module module;
  std::vector<std::string> input_names;
  try {
    module = torch::jit::load(path, torch::kCPU);
    module.eval();
    if (auto forward = module.find_method("forward")) {
      const auto& parameters = forward->function().getSchema().arguments();
      for (size_t i = 1; i < parameters.size(); i++) input_names.push_back(parameters[i].name());
    }
  } catch (const std::exception& error) {
    return Error{"cannot load TorchScript model " + path + ": " + ErrorReason(error.what())};
  }

  // Freezing inlines parameters as constants (and folds batch norm into convolutions);
  // optimize_for_inference adds fusions and MKL-DNN layouts. Both refuse some models: keep what worked.
  std::string description = "TorchScript";
  std::optional<torch::jit::Module> fast;
  try {
    torch::jit::Module frozen = torch::jit::freeze(module);
    description += ", frozen";
    try {
      // Rewrites the frozen module's graph in place and returns it.
      frozen = torch::jit::optimize_for_inference(frozen);
      description += ", optimized";
    } catch (const std::exception& error) {
      // The passes may have stopped halfway through the graph: freeze again.
      frozen = torch::jit::freeze(module);
      description += ", not optimized (" + ErrorReason(error.what()) + ")";
    }
    fast = std::move(frozen);
  } catch (const std::exception& error) {
    description += ", not frozen (" + ErrorReason(error.what()) + ")";
  }
  return std::shared_ptr<ModelRuntime>(std::make_shared<TorchScriptRuntime>(
      std::move(module), std::move(fast), std::move(description), std::move(input_names)));
}

void SetTorchThreads(int threads) {
  if (threads > 0) at::set_num_threads(threads);
}

}  // namespace quarry::ml
