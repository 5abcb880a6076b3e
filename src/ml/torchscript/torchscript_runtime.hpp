// TorchScript models (torch.jit.save files) through Debian's libtorch 1.13, behind ModelRuntime.
// The only place besides its .cpp that knows libtorch exists is nowhere: this header has no torch types.
#pragma once

#include <memory>
#include <string>

#include "common/result.hpp"
#include "ml/model_runtime.hpp"

namespace quarry::ml {

// Loads the TorchScript file at `path` for inference: eval mode, frozen (torch::jit::freeze) and
// optimized (torch::jit::optimize_for_inference) where the model allows, falling back to the plain
// module otherwise (Describe() says which). A missing file or a file that is not TorchScript is an
// Error naming the file and libtorch's reason (first line). Each new input item shape runs once on the
// plain module before the frozen/optimized one takes it: libtorch 1.13 crashes instead of raising on some
// errors in frozen and MKL-DNN graphs (see the .cpp). Run() errors carry the interpreter's reason line.
// Text models run through RunNamed: InputNames() are forward()'s parameters after self, each given the
// int64 tensor of its name; of a tuple or list output the first element is the result, of a dict the
// entry "last_hidden_state", "logits" or "sentence_embedding" (the first present), else the first.
Result<std::shared_ptr<ModelRuntime>> LoadTorchScriptModel(const std::string& path);

// Sets the number of intra-op threads libtorch uses (at::set_num_threads), process-wide.
void SetTorchThreads(int threads);

}  // namespace quarry::ml
