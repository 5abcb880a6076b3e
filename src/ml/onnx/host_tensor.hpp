// HostTensor — a dense tensor of any ONNX element type in plain memory: how ONNX models take inputs and
// give outputs outside src/ml/onnx/ (the built-in models, tests), with no ATen or protobuf types.
// Plain value type.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace quarry::ml::onnx {

// ONNX's TensorProto.DataType codes for the types the executor computes with.
enum class ElementType : int32_t {
  kFloat = 1,
  kUInt8 = 2,
  kInt8 = 3,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kBool = 9,
  kFloat16 = 10,
  kDouble = 11,
  kBFloat16 = 16,
};

// Bytes per element of `type`.
size_t ElementSize(ElementType type);

struct HostTensor {
  ElementType type = ElementType::kFloat;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;  // element_count() * ElementSize(type) bytes, row-major, little-endian

  int64_t element_count() const {
    int64_t count = 1;
    for (int64_t dimension : shape) count *= dimension;
    return count;
  }

  template <typename T>
  static HostTensor From(ElementType type, std::vector<int64_t> shape, const std::vector<T>& values) {
    HostTensor tensor;
    tensor.type = type;
    tensor.shape = std::move(shape);
    tensor.bytes.resize(values.size() * sizeof(T));
    if (!values.empty()) std::memcpy(tensor.bytes.data(), values.data(), tensor.bytes.size());
    return tensor;
  }
  // REQUIRES: sizeof(T) == ElementSize(type).
  template <typename T>
  std::vector<T> Values() const {
    std::vector<T> values(bytes.size() / sizeof(T));
    if (!values.empty()) std::memcpy(values.data(), bytes.data(), values.size() * sizeof(T));
    return values;
  }
  // "float32[1, 3, 224, 224]"
  std::string Describe() const;
};

// Reads a serialized ONNX TensorProto file (the backend test cases' input_0.pb, output_0.pb).
Result<HostTensor> ReadTensorFile(const std::string& path);

}  // namespace quarry::ml::onnx
