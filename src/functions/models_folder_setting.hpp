// The setting `quarry_models_dir`: the folder the built-in engines (ocr, speech_segments) load their
// model files from, and CREATE MODEL's labels = 'imagenet' its class names, per database (`SET quarry_models_dir =
// '...'` sets it for the database the connection belongs to; SET SESSION for one connection). Its default is the
// environment variable QUARRY_MODELS_DIR when set at load, else quarry-models/ beside the program or
// extension file (ml::BuiltinModelsFolder()).
#pragma once

#include <string>

namespace duckdb {
class ClientContext;
class DatabaseInstance;
}  // namespace duckdb

namespace quarry {

void RegisterModelsFolderSetting(duckdb::DatabaseInstance& database);

// The folder in effect for `context`.
std::string ModelsFolder(duckdb::ClientContext& context);

}  // namespace quarry
