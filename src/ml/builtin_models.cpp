// Locating the built-in models (see builtin_models.hpp).
#include "ml/builtin_models.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>

namespace quarry::ml {

namespace {

// The file holding this code: the quarry executable, a test program, or the loadable extension
// (build/quarry.duckdb_extension) inside someone else's process.
std::filesystem::path FileHoldingThisCode() {
  Dl_info info{};
  std::error_code error;
  if (::dladdr(reinterpret_cast<void*>(&FileHoldingThisCode), &info) != 0 && info.dli_fname != nullptr &&
      std::string_view(info.dli_fname).find('/') != std::string_view::npos) {
    auto path = std::filesystem::canonical(info.dli_fname, error);
    if (!error) return path;
  }
  // dladdr names the main program as it was invoked (possibly without a folder): ask the kernel.
  auto path = std::filesystem::canonical("/proc/self/exe", error);
  return error ? std::filesystem::path() : path;
}

}  // namespace

std::string BuiltinModelsFolder() {
  const char* configured = std::getenv("QUARRY_MODELS_DIR");
  if (configured != nullptr && *configured != '\0') return configured;
  return (FileHoldingThisCode().parent_path() / kModelsFolderName).string();
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
