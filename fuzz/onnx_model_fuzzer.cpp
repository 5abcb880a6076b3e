// Fuzzes the ONNX loader and executor: mutated model files (truncated protobufs, wrong shapes, cycles,
// missing initializers, huge declared sizes, bad attributes) must give an Error from OnnxModel, never
// a crash, a sanitizer report or an unbounded allocation (tensors are capped at 256 MiB here). Models
// that load are run once on zeros shaped as their inputs declare (unknown dimensions 1, each at most 8).
// Seeds: fuzz/corpus/onnx_model/ (fuzz/make_onnx_seeds.py). Built as C++17: clang 14 with libstdc++ 12
// in C++20 mode rejects ATen 1.13's headers (a std::vector of the incomplete c10::IValue).
// fuzz-sources: src/ml/onnx/*.cpp src/ml/onnx/ops/*.cpp src/ml/tensor*.cpp src/ml/torch_warnings.cpp
// fuzz-sources: src/ml/model_runtime.cpp src/ml/named_inputs.cpp src/ml/small_blocks.cpp src/ml/onnx/onednn/*.cpp
// fuzz-flags: -std=c++17 -DONNX_NAMESPACE=onnx -DONNX_ML=1 -I/usr/include/torch/csrc/api/include
// fuzz-libs: -ltorch -ltorch_cpu -lc10 -l:libdnnl.so.2 -lgomp -lonnx -lonnx_proto -lprotobuf -lpthread
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ml/onnx/onnx_model.hpp"
#include "ml/tensor_memory.hpp"

using quarry::ml::onnx::ElementSize;
using quarry::ml::onnx::ElementType;
using quarry::ml::onnx::HostTensor;
using quarry::ml::onnx::OnnxModel;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  quarry::ml::SetTensorSizeLimit(size_t{256} << 20);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto loaded = OnnxModel::LoadFromBytes(std::string_view(reinterpret_cast<const char*>(data), size), "", "fuzz");
  if (!loaded.ok()) return 0;
  const OnnxModel& model = *loaded.value();
  std::vector<HostTensor> inputs;
  for (const auto& info : model.inputs()) {
    switch (static_cast<ElementType>(info.element_type)) {
      case ElementType::kFloat:
      case ElementType::kDouble:
      case ElementType::kInt32:
      case ElementType::kInt64:
      case ElementType::kBool:
      case ElementType::kUInt8:
        break;
      default:
        return 0;
    }
    HostTensor input;
    input.type = static_cast<ElementType>(info.element_type);
    for (int64_t dimension : info.shape) input.shape.push_back(dimension < 1 ? 1 : (dimension > 8 ? 8 : dimension));
    if (input.shape.size() > 6) return 0;
    input.bytes.assign(static_cast<size_t>(input.element_count()) * ElementSize(input.type), 0);
    inputs.push_back(std::move(input));
  }
  (void)model.Run(inputs);
  return 0;
}
