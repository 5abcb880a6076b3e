// Matching named integer tensors to a model's inputs (see named_inputs.hpp).
#include "ml/named_inputs.hpp"

#include <cstdint>

namespace quarry::ml {
namespace {

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); i++) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

std::string NameList(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

}  // namespace

Result<std::vector<const NamedIntegerTensor*>> MatchNamedInputs(const std::vector<std::string>& model_inputs,
                                                                const std::vector<NamedIntegerTensor>& given) {
  if (model_inputs.empty()) return Error{"the model does not name its inputs"};
  std::vector<const NamedIntegerTensor*> matched;
  for (const auto& name : model_inputs) {
    const NamedIntegerTensor* found = nullptr;
    for (const auto& tensor : given) {
      if (tensor.name == name) found = &tensor;
    }
    if (found == nullptr) {
      return Error{"the model's input '" + name + "' is missing (the model takes " + NameList(model_inputs) + ")"};
    }
    const auto& shape = found->shape;
    int64_t count = 1;
    bool bad = false;  // a negative dimension, or a product beyond int64
    for (int64_t dimension : shape) bad = bad || dimension < 0 || __builtin_mul_overflow(count, dimension, &count);
    if (shape.empty() || shape[0] < 1 || bad) {
      return Error{"model input '" + name + "' needs a batch dimension of at least 1 and a valid shape, got " +
                   ShapeText(shape)};
    }
    if (static_cast<int64_t>(found->values.size()) != count) {
      return Error{"model input '" + name + "' has a value count that does not match its shape " + ShapeText(shape) +
                   ": " + std::to_string(found->values.size())};
    }
    if (!matched.empty() && shape[0] != matched.front()->shape[0]) {
      return Error{"model inputs '" + matched.front()->name + "' and '" + name + "' differ in batch size: " +
                   std::to_string(matched.front()->shape[0]) + " and " + std::to_string(shape[0])};
    }
    matched.push_back(found);
  }
  return matched;
}

std::string DescribeNamedInputs(const std::vector<const NamedIntegerTensor*>& inputs) {
  std::string text;
  for (const auto* input : inputs) text += (text.empty() ? "" : ", ") + input->name + " " + ShapeText(input->shape);
  return text;
}

}  // namespace quarry::ml
