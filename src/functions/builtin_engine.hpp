// One database's instance of a built-in engine (ml::ocr::OcrEngine, ml::vad::VoiceActivityDetector:
// any type with a static Load(models_folder) returning Result<std::shared_ptr<const T>>), loaded on
// first use in that database from the folder its quarry_models_dir setting names (one instance per
// folder, so changing the setting loads from the new folder), and shared by its threads and queries. It lives in the
// database's object cache, so it goes with the database: two databases in one process (a service's projects, a host
// that loaded quarry twice) each have their own. A load failure (model files missing) is the query's error, naming the
// SQL function, not a NULL per row.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <typeinfo>

#include "duckdb.hpp"
#include "duckdb/storage/object_cache.hpp"
#include "functions/models_folder_setting.hpp"

namespace quarry {

// The object-cache entry holding the engines of type Engine, by models folder.
template <typename Engine>
class BuiltinEngineEntry : public duckdb::ObjectCacheEntry {
 public:
  static std::string ObjectType() { return std::string("quarry_builtin_engine_") + typeid(Engine).name(); }
  std::string GetObjectType() override { return ObjectType(); }

  std::mutex mutex;
  std::map<std::string, std::shared_ptr<const Engine>> engines;
};

// The engine of the database `state` runs in (shared: it stays valid while the caller holds it).
template <typename Engine>
std::shared_ptr<const Engine> BuiltinEngine(duckdb::ExpressionState& state, const char* function) {
  auto& context = state.GetContext();
  const std::string folder = ModelsFolder(context);
  auto& database = duckdb::DatabaseInstance::GetDatabase(context);
  using Entry = BuiltinEngineEntry<Engine>;
  auto entry = database.GetObjectCache().GetOrCreate<Entry>(Entry::ObjectType());
  std::lock_guard lock(entry->mutex);
  auto& engine = entry->engines[folder];
  if (!engine) {
    auto loaded = Engine::Load(folder);
    if (!loaded.ok()) throw duckdb::IOException("%s: %s", function, loaded.error());
    engine = loaded.value();
  }
  return engine;
}

}  // namespace quarry
