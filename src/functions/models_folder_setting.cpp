// The quarry_models_dir setting (see models_folder_setting.hpp).
#include "functions/models_folder_setting.hpp"

#include "duckdb.hpp"
#include "duckdb/main/config.hpp"
#include "ml/builtin_models.hpp"

namespace quarry {

namespace {

constexpr const char* kSetting = "quarry_models_dir";

}  // namespace

void RegisterModelsFolderSetting(duckdb::DatabaseInstance& database) {
  duckdb::DBConfig::GetConfig(database).AddExtensionOption(
      kSetting,
      "The folder the built-in models (ocr, speech_segments) load from; default QUARRY_MODELS_DIR, else the "
      "quarry-models folder beside the quarry program or extension file",
      duckdb::LogicalType::VARCHAR, duckdb::Value(ml::BuiltinModelsFolder()), nullptr, duckdb::SetScope::GLOBAL);
}

std::string ModelsFolder(duckdb::ClientContext& context) {
  duckdb::Value value;
  if (context.TryGetCurrentSetting(kSetting, value) && !value.IsNull()) return value.ToString();
  return ml::BuiltinModelsFolder();
}

}  // namespace quarry
