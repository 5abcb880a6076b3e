// ONNX operators: control flow family (see ml/onnx/kernel.hpp for the kernel interface).
#include "ml/onnx/kernel.hpp"

namespace quarry::ml::onnx {

void RegisterControlFlowOperators(OperatorRegistry& registry) { (void)registry; }

}  // namespace quarry::ml::onnx
