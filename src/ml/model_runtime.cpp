// The default of ModelRuntime::RunNamed (see model_runtime.hpp): runtimes with one float input.
#include "ml/model_runtime.hpp"

namespace quarry::ml {

Result<Tensor> ModelRuntime::RunNamed(const std::vector<NamedIntegerTensor>&) const {
  return Error{"this model runtime (" + Describe() + ") takes one float input, not named token inputs"};
}

}  // namespace quarry::ml
