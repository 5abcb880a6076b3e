// Locating the built-in models (see builtin_models.hpp).
#include "ml/builtin_models.hpp"

#include <cstdlib>
#include <filesystem>

namespace quarry::ml {

std::string BuiltinModelsFolder() {
  const char* configured = std::getenv("QUARRY_MODELS_DIR");
  if (configured != nullptr && *configured != '\0') return configured;
  return QUARRY_DEFAULT_MODELS_DIR;
}

Result<std::string> BuiltinModelPath(const std::string& folder, const std::string& relative) {
  const std::filesystem::path path = std::filesystem::path(folder) / relative;
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return Error{"built-in model file '" + path.string() +
                 "' is missing: scripts/setup fetches it (or set quarry_models_dir or QUARRY_MODELS_DIR to the "
                 "folder holding it)"};
  }
  return path.string();
}

Result<std::string> BuiltinModelPath(const std::string& relative) {
  return BuiltinModelPath(BuiltinModelsFolder(), relative);
}

}  // namespace quarry::ml
