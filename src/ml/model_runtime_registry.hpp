// The model runtimes quarry knows, and loading a model file with the one its content calls for
// (TorchScript's ZIP archive, ONNX's protobuf), whatever the file's name. A new runtime is its loader,
// its sniff and one line in model_runtime_registry.cpp. Stateless; safe from any thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "ml/model_format.hpp"

namespace quarry::ml {

// The registered formats, in the order they are tried.
const std::vector<ModelFormat>& ModelFormats();

// Reads the file's head, loads it with the first format whose sniff recognizes it. Errors: the file
// cannot be read; no format recognizes it (naming the file, the formats tried and its first bytes);
// the recognized runtime's own load error.
Result<std::shared_ptr<ModelRuntime>> LoadModelRuntime(const std::string& path);

}  // namespace quarry::ml
