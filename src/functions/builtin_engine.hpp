// One database's instance of a built-in engine (ml::ocr::OcrEngine, ml::vad::VoiceActivityDetector:
// any type with a static Load() returning Result<std::shared_ptr<const T>>), loaded on first use in that
// database and shared by its threads and queries. It lives in the database's object cache, so it goes
// with the database: two databases in one process (a service's projects, a host that loaded quarry
// twice) each have their own. A load failure (model files missing) is the query's error, naming the
// SQL function, not a NULL per row.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <typeinfo>

#include "duckdb.hpp"
#include "duckdb/storage/object_cache.hpp"

namespace quarry {

// The object-cache entry holding one engine of type Engine.
template <typename Engine>
class BuiltinEngineEntry : public duckdb::ObjectCacheEntry {
 public:
  static std::string ObjectType() { return std::string("quarry_builtin_engine_") + typeid(Engine).name(); }
  std::string GetObjectType() override { return ObjectType(); }

  std::mutex mutex;
  std::shared_ptr<const Engine> engine;
};

// The engine of the database `state` runs in (shared: it stays valid while the caller holds it).
template <typename Engine>
std::shared_ptr<const Engine> BuiltinEngine(duckdb::ExpressionState& state, const char* function) {
  auto& database = duckdb::DatabaseInstance::GetDatabase(state.GetContext());
  using Entry = BuiltinEngineEntry<Engine>;
  auto entry = database.GetObjectCache().GetOrCreate<Entry>(Entry::ObjectType());
  std::lock_guard lock(entry->mutex);
  if (!entry->engine) {
    auto loaded = Engine::Load();
    if (!loaded.ok()) throw duckdb::IOException("%s: %s", function, loaded.error());
    entry->engine = loaded.value();
  }
  return entry->engine;
}

}  // namespace quarry
