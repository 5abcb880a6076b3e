// Recognizing a TorchScript file by its content: torch.jit.save writes a ZIP archive (local file
// magic PK\x03\x04) whose entries include <archive>/data.pkl (the module's pickled state) or
// <archive>/constants.pkl. The archive's central directory, at the file's end, is read for the names.
// No libtorch here; for the runtime registry.
#pragma once

#include "ml/model_format.hpp"

namespace quarry::ml {

bool IsTorchScriptFile(const ModelFileHead& head);

}  // namespace quarry::ml
