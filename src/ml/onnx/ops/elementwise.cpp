// ONNX operators: elementwise family (see ml/onnx/kernel.hpp for the kernel interface).
#include "ml/onnx/kernel.hpp"

namespace quarry::ml::onnx {

void RegisterElementwiseOperators(OperatorRegistry& registry) { (void)registry; }

}  // namespace quarry::ml::onnx
