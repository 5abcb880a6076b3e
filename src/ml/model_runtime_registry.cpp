// The model runtime registry (see model_runtime_registry.hpp).
#include "ml/model_runtime_registry.hpp"

#include <cstdio>
#include <fstream>

#include "ml/onnx/onnx_format.hpp"
#include "ml/onnx/onnx_model.hpp"
#include "ml/torchscript/torchscript_format.hpp"
#include "ml/torchscript/torchscript_runtime.hpp"

namespace quarry::ml {

namespace {

std::vector<ModelFormat> RegisteredFormats() {
  return {
      {"TorchScript", "a ZIP archive holding data.pkl or constants.pkl", IsTorchScriptFile, LoadTorchScriptModel},
      {"ONNX", "a protobuf ModelProto", onnx::IsOnnxFile, onnx::LoadOnnxRuntime},
  };
}

Result<ModelFileHead> ReadHead(const std::string& path) {
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  if (!file) return Error{"cannot open the model file '" + path + "'"};
  ModelFileHead head;
  head.path = path;
  head.size = static_cast<uint64_t>(file.tellg());
  head.bytes.resize(std::min<uint64_t>(head.size, ModelFileHead::kHeadBytes));
  file.seekg(0);
  if (!file.read(reinterpret_cast<char*>(head.bytes.data()), static_cast<std::streamsize>(head.bytes.size()))) {
    return Error{"cannot read the model file '" + path + "'"};
  }
  return head;
}

std::string FirstBytes(const ModelFileHead& head) {
  std::string text;
  for (size_t i = 0; i < head.bytes.size() && i < 8; i++) {
    char hex[4];
    std::snprintf(hex, sizeof(hex), i == 0 ? "%02x" : " %02x", head.bytes[i]);
    text += hex;
  }
  return text.empty() ? "an empty file" : "first bytes " + text;
}

}  // namespace

const std::vector<ModelFormat>& ModelFormats() {
  static const std::vector<ModelFormat> formats = RegisteredFormats();
  return formats;
}

Result<std::shared_ptr<ModelRuntime>> LoadModelRuntime(const std::string& path) {
  auto head = ReadHead(path);
  if (!head.ok()) return Error{head.error()};
  std::string tried;
  for (const auto& format : ModelFormats()) {
    if (format.sniff(head.value())) return format.load(path);
    tried += std::string(tried.empty() ? "" : ", ") + format.name + " (" + format.signature + ")";
  }
  return Error{"'" + path + "' is not a model file quarry can load (" + FirstBytes(head.value()) +
               "); formats tried: " + tried};
}

}  // namespace quarry::ml
