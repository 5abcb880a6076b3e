// Tensor — a dense float32 tensor, row-major, the currency between quarry's model layer and its
// runtimes (TorchScript, later ONNX), so nothing outside src/ml/<runtime>/ sees a runtime's types.
// Plain value type.
#pragma once

#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

namespace quarry::ml {

struct Tensor {
  std::vector<int64_t> shape;  // e.g. {N, 3, 224, 224}
  std::vector<float> values;   // product(shape) values

  int64_t element_count() const {
    return std::accumulate(shape.begin(), shape.end(), int64_t{1}, std::multiplies<int64_t>());
  }
  // The number of values per item of the first dimension (1 for a 1-D tensor).
  int64_t row_width() const { return shape.empty() || shape[0] == 0 ? 0 : element_count() / shape[0]; }
  // "[16, 3, 224, 224]"
  std::string ShapeText() const;
};

}  // namespace quarry::ml
