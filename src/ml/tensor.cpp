// Tensor's text form, for error messages and Describe() lines.
#include "ml/tensor.hpp"

namespace quarry::ml {

std::string Tensor::ShapeText() const {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(shape[i]);
  }
  text += "]";
  return text;
}

}  // namespace quarry::ml
