// ModelFormat — one kind of model file quarry can run, as the runtime registry (model_runtime_registry.hpp)
// sees it: a name for messages, a sniff that recognizes the file by its content (never by its name),
// and the loader of its runtime. Each runtime declares its sniff beside its loader; the registry lists
// the formats, one line each.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "ml/model_runtime.hpp"

namespace quarry::ml {

// What a sniff sees of a model file: its path (for formats that must look further, e.g. a ZIP archive's
// directory at the end), its size and its first bytes.
struct ModelFileHead {
  std::string path;
  uint64_t size = 0;
  std::vector<uint8_t> bytes;  // the first kHeadBytes (fewer for a shorter file)

  static constexpr size_t kHeadBytes = 4096;
};

struct ModelFormat {
  const char* name;                                                        // e.g. "TorchScript"
  const char* signature;                                                   // how it is recognized, for messages
  bool (*sniff)(const ModelFileHead& head);                                // whether the file is of this format
  Result<std::shared_ptr<ModelRuntime>> (*load)(const std::string& path);  // its runtime
};

}  // namespace quarry::ml
