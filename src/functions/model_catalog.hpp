// The models of a database: CREATE MODEL / DROP MODEL's work, their persistence and quarry_models().
//
// A model lives in three places, kept in step here: an in-process registry (in the DatabaseInstance's
// object cache, so it dies with the database), the table __quarry_models of that database (so a
// re-opened database file has its models again), and a scalar function named after the model in
// DuckDB's system catalog (visible to every connection of the database). Thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace duckdb {
class ClientContext;
class DatabaseInstance;
class ExtensionLoader;
}  // namespace duckdb

namespace quarry {

struct CreateModelRequest {
  std::string name;
  std::string path;
  std::vector<std::pair<std::string, std::string>> options;
  std::string models_folder;  // the built-in models folder (labels = 'imagenet'); empty: the default
  bool or_replace = false;
  bool if_not_exists = false;
};

// Checks the options, loads and probes the model, registers its function and persists it. Throws
// DuckDB's exceptions with messages naming the model and the problem.
void CreateModel(duckdb::DatabaseInstance& database, const CreateModelRequest& request);

// Removes the model's function and its row; an unknown name is an error unless `if_exists`.
void DropModel(duckdb::DatabaseInstance& database, const std::string& name, bool if_exists);

// Loads the models persisted in the database (at open). A model that no longer loads is listed by
// quarry_models() with its error and has no function; the database opens regardless.
void RestoreModels(duckdb::DatabaseInstance& database);

// quarry_models(): name, path, task, options, status.
void RegisterModelCatalogFunctions(duckdb::ExtensionLoader& loader);

}  // namespace quarry
