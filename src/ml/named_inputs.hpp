// Named inputs — matching a caller's named integer tensors (token ids, masks) to the inputs a model
// takes, for the runtimes' RunNamed(). Given inputs the model does not take are ignored; an input the
// model takes that is not given is an Error naming it. Stateless functions.
#pragma once

#include <string>
#include <vector>

#include "common/result.hpp"
#include "ml/model_runtime.hpp"

namespace quarry::ml {

// The given tensors in the order of `model_inputs` (pointers into `given`), each checked: a shape with
// a batch dimension of at least 1, the same batch size for all, as many values as the shape holds.
// REQUIRES: `given` outlives the result.
Result<std::vector<const NamedIntegerTensor*>> MatchNamedInputs(const std::vector<std::string>& model_inputs,
                                                                const std::vector<NamedIntegerTensor>& given);

// "input_ids [3, 7], attention_mask [3, 7]": the inputs for error messages.
std::string DescribeNamedInputs(const std::vector<const NamedIntegerTensor*>& inputs);

}  // namespace quarry::ml
