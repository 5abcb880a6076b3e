// The process's one instance of a built-in engine (ml::ocr::OcrEngine, ml::vad::VoiceActivityDetector:
// any type with a static Load() returning Result<std::shared_ptr<const T>>), loaded on first use and
// shared by every thread and query. A load failure (model files missing) is the query's error, naming
// the SQL function, not a NULL per row.
#pragma once

#include <memory>
#include <mutex>

#include "duckdb.hpp"

namespace quarry {

template <typename Engine>
const Engine& BuiltinEngine(const char* function) {
  static std::mutex mutex;
  static std::shared_ptr<const Engine> engine;
  std::lock_guard lock(mutex);
  if (!engine) {
    auto loaded = Engine::Load();
    if (!loaded.ok()) throw duckdb::IOException("%s: %s", function, loaded.error());
    engine = loaded.value();
  }
  return *engine;
}

}  // namespace quarry
