// Model registry, persistence and registration (see model_catalog.hpp).
#include "functions/model_catalog.hpp"

#include <filesystem>
#include <map>
#include <mutex>

#include "duckdb.hpp"
#include "duckdb/catalog/catalog.hpp"
#include "duckdb/main/extension/extension_loader.hpp"
#include "duckdb/parser/parsed_data/create_scalar_function_info.hpp"
#include "duckdb/parser/parsed_data/drop_info.hpp"
#include "duckdb/storage/object_cache.hpp"
#include "functions/documented_function.hpp"
#include "functions/model_function.hpp"
#include "functions/models_folder_setting.hpp"
#include "ml/loaded_model.hpp"

namespace quarry {

namespace {

constexpr const char* kModelsTable = "__quarry_models";

struct ModelEntry {
  ml::ModelSpec spec;
  std::string status;   // "ready" or why the model did not load
  std::string runtime;  // what runs it, e.g. "TorchScript, frozen, optimized" (empty when not loaded)
};

// The registry of one database's models.
class ModelRegistry : public duckdb::ObjectCacheEntry {
 public:
  static std::string ObjectType() { return "quarry_model_registry"; }
  std::string GetObjectType() override { return ObjectType(); }

  static ModelRegistry& Get(duckdb::DatabaseInstance& database) {
    return *database.GetObjectCache().GetOrCreate<ModelRegistry>(ObjectType());
  }

  std::mutex mutex;
  std::map<std::string, ModelEntry> models;
};

std::string Lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// What duckdb_functions() says of a model's function.
std::string ModelDescription(const ml::ModelSpec& spec) {
  return "Model " + spec.name + " (CREATE MODEL, task " + ml::ModelTaskName(spec.task) + ") from '" + spec.path + "'";
}

// `suffix` follows the call (".error" for the twin).
std::string ModelExample(const ml::ModelSpec& spec, const std::string& function, const std::string& suffix) {
  if (spec.task == ml::ModelTask::kTensor) return "SELECT " + function + "([0.5, 1.0]::FLOAT[])" + suffix;
  return "SELECT path, " + function + "(image)" + suffix + " FROM read_images('photos/')";
}

// Registers the model's function and its try_ twin (replacing those of a model of the same name).
void RegisterFunctions(duckdb::DatabaseInstance& database, std::shared_ptr<const ml::LoadedModel> model) {
  const ml::ModelSpec spec = model->spec();
  auto sets = MakeModelFunctions(std::move(model));
  auto plain = DocumentedFunctionInfo(std::move(sets.plain), ModelDescription(spec), ModelExample(spec, spec.name, ""));
  auto twin = DocumentedFunctionInfo(std::move(sets.twin), TryFunctionDescription(spec.name),
                                     ModelExample(spec, TryFunctionName(spec.name), ".error"));
  // In a transaction of its own, as DropFunctions drops them: an ExtensionLoader's system transaction
  // starts at time 0, so re-creating a function a committed DROP MODEL removed would be a write-write
  // conflict ("DROP MODEL x; CREATE MODEL x" in one connection).
  duckdb::Connection connection(database);
  auto& context = *connection.context;
  context.RunFunctionInTransaction([&] {
    for (auto* info : {&plain, &twin}) {
      info->on_conflict = duckdb::OnCreateConflict::REPLACE_ON_CONFLICT;
      info->internal = true;
      duckdb::Catalog::GetSystemCatalog(context).CreateFunction(context, *info);
    }
  });
}

// Drops the model's function and its twin.
void DropFunctions(duckdb::DatabaseInstance& database, const std::string& name) {
  duckdb::Connection connection(database);
  auto& context = *connection.context;
  context.RunFunctionInTransaction([&] {
    for (const auto& function : {name, TryFunctionName(name)}) {
      duckdb::DropInfo info;
      info.type = duckdb::CatalogType::SCALAR_FUNCTION_ENTRY;
      info.catalog = SYSTEM_CATALOG;
      info.schema = DEFAULT_SCHEMA;
      info.name = function;
      info.if_not_found = duckdb::OnEntryNotFound::RETURN_NULL;
      info.allow_drop_internal = true;
      duckdb::Catalog::GetSystemCatalog(context).DropEntry(context, info);
    }
  });
}

// Whether `name` is already a function that is not one of our models (sum, read_images, ...).
bool IsOtherFunction(duckdb::DatabaseInstance& database, const std::string& name) {
  duckdb::Connection connection(database);
  auto result =
      connection.Query("SELECT count(*) FROM duckdb_functions() WHERE function_name = $1", duckdb::Value(name));
  return !result->HasError() && result->Cast<duckdb::MaterializedQueryResult>().GetValue(0, 0).GetValue<int64_t>() > 0;
}

duckdb::Value OptionsValue(const std::vector<std::pair<std::string, std::string>>& options) {
  duckdb::vector<duckdb::Value> keys, values;
  for (const auto& [key, value] : options) {
    keys.emplace_back(key);
    values.emplace_back(value);
  }
  return duckdb::Value::MAP(duckdb::LogicalType::VARCHAR, duckdb::LogicalType::VARCHAR, std::move(keys),
                            std::move(values));
}

void Persist(duckdb::DatabaseInstance& database, const ml::ModelSpec& spec) {
  duckdb::Connection connection(database);
  auto created = connection.Query(std::string("CREATE TABLE IF NOT EXISTS ") + kModelsTable +
                                  " (name VARCHAR PRIMARY KEY, path VARCHAR NOT NULL, task VARCHAR NOT NULL, "
                                  "options MAP(VARCHAR, VARCHAR), created_at TIMESTAMP DEFAULT current_timestamp)");
  if (created->HasError()) {
    throw duckdb::IOException("CREATE MODEL %s: cannot save the model in the database: %s", spec.name,
                              created->GetError());
  }
  auto inserted = connection.Query(
      std::string("INSERT OR REPLACE INTO ") + kModelsTable + " (name, path, task, options) VALUES ($1, $2, $3, $4)",
      duckdb::Value(spec.name), duckdb::Value(spec.path), duckdb::Value(ml::ModelTaskName(spec.task)),
      OptionsValue(spec.options));
  if (inserted->HasError()) {
    throw duckdb::IOException("CREATE MODEL %s: cannot save the model in the database: %s", spec.name,
                              inserted->GetError());
  }
}

}  // namespace

void CreateModel(duckdb::DatabaseInstance& database, const CreateModelRequest& request) {
  const std::string name = Lower(request.name);
  auto& registry = ModelRegistry::Get(database);
  {
    std::lock_guard<std::mutex> lock(registry.mutex);
    if (registry.models.count(name)) {
      if (request.if_not_exists) return;
      if (!request.or_replace) {
        throw duckdb::CatalogException("CREATE MODEL %s: a model of that name exists; use CREATE OR REPLACE MODEL",
                                       name);
      }
    }
  }
  if (!registry.models.count(name)) {
    for (const auto& function : {name, TryFunctionName(name)}) {
      if (IsOtherFunction(database, function)) {
        throw duckdb::CatalogException("CREATE MODEL %s: %s is already the name of a function; choose another name",
                                       name, function);
      }
    }
  }
  // Files are saved as absolute paths, so the database finds them from any working folder.
  auto absolute = [](const std::string& file) {
    std::error_code error;
    auto path = std::filesystem::absolute(file, error);
    return error ? file : path.lexically_normal().string();
  };
  auto options = request.options;
  for (auto& [key, value] : options) {
    if ((Lower(key) == "labels" && Lower(value) != ml::kImagenetLabels) || Lower(key) == "tokenizer") {
      value = absolute(value);
    }
  }
  auto spec = ml::ParseModelSpec(name, absolute(request.path), options);
  if (!spec.ok()) throw duckdb::InvalidInputException("CREATE MODEL %s: %s", name, spec.error());
  auto model = ml::LoadedModel::Load(spec.value(),
                                     request.models_folder.empty() ? ml::BuiltinModelsFolder() : request.models_folder);
  if (!model.ok()) throw duckdb::InvalidInputException("CREATE MODEL %s: %s", name, model.error());
  Persist(database, spec.value());
  RegisterFunctions(database, model.value());
  std::lock_guard<std::mutex> lock(registry.mutex);
  registry.models[name] = ModelEntry{spec.value(), "ready", model.value()->runtime().Describe()};
}

void DropModel(duckdb::DatabaseInstance& database, const std::string& raw_name, bool if_exists) {
  const std::string name = Lower(raw_name);
  auto& registry = ModelRegistry::Get(database);
  {
    std::lock_guard<std::mutex> lock(registry.mutex);
    if (!registry.models.count(name)) {
      if (if_exists) return;
      throw duckdb::CatalogException("DROP MODEL %s: there is no model of that name", name);
    }
  }
  duckdb::Connection connection(database);
  auto deleted = connection.Query(std::string("DELETE FROM ") + kModelsTable + " WHERE name = $1", duckdb::Value(name));
  if (deleted->HasError()) {
    throw duckdb::IOException("DROP MODEL %s: cannot remove the model from the database: %s", name,
                              deleted->GetError());
  }
  DropFunctions(database, name);
  std::lock_guard<std::mutex> lock(registry.mutex);
  registry.models.erase(name);
}

void RestoreModels(duckdb::DatabaseInstance& database) {
  duckdb::Connection connection(database);
  auto exists = connection.Query("SELECT count(*) FROM duckdb_tables() WHERE table_name = $1 AND schema_name = 'main'",
                                 duckdb::Value(kModelsTable));
  if (exists->HasError() || exists->Cast<duckdb::MaterializedQueryResult>().GetValue(0, 0).GetValue<int64_t>() == 0) {
    return;
  }
  auto rows = connection.Query(std::string("SELECT name, path, map_keys(options), map_values(options) FROM ") +
                               kModelsTable + " ORDER BY name");
  if (rows->HasError()) return;
  auto& registry = ModelRegistry::Get(database);
  for (duckdb::idx_t row = 0; row < rows->RowCount(); row++) {
    const std::string name = rows->GetValue(0, row).ToString();
    const std::string path = rows->GetValue(1, row).ToString();
    std::vector<std::pair<std::string, std::string>> options;
    const auto keys = duckdb::ListValue::GetChildren(rows->GetValue(2, row));
    const auto values = duckdb::ListValue::GetChildren(rows->GetValue(3, row));
    for (size_t i = 0; i < keys.size() && i < values.size(); i++) {
      options.emplace_back(keys[i].ToString(), values[i].ToString());
    }
    ModelEntry entry;
    auto spec = ml::ParseModelSpec(name, path, options);
    if (!spec.ok()) {
      entry.spec.name = name;
      entry.spec.path = path;
      entry.spec.options = options;
      entry.status = "error: " + spec.error();
    } else {
      entry.spec = spec.value();
      auto model = ml::LoadedModel::Load(spec.value(), ModelsFolder(*connection.context));
      if (model.ok()) {
        RegisterFunctions(database, model.value());
        entry.status = "ready";
        entry.runtime = model.value()->runtime().Describe();
      } else {
        entry.status = "error: " + model.error();
      }
    }
    std::lock_guard<std::mutex> lock(registry.mutex);
    registry.models[name] = std::move(entry);
  }
}

namespace {

struct ModelsScanState : public duckdb::GlobalTableFunctionState {
  std::vector<ModelEntry> entries;
  size_t next = 0;
};

duckdb::unique_ptr<duckdb::FunctionData> ModelsBind(duckdb::ClientContext&, duckdb::TableFunctionBindInput&,
                                                    duckdb::vector<duckdb::LogicalType>& types,
                                                    duckdb::vector<std::string>& names) {
  names = {"name", "path", "task", "options", "status", "runtime"};
  types = {duckdb::LogicalType::VARCHAR,
           duckdb::LogicalType::VARCHAR,
           duckdb::LogicalType::VARCHAR,
           duckdb::LogicalType::MAP(duckdb::LogicalType::VARCHAR, duckdb::LogicalType::VARCHAR),
           duckdb::LogicalType::VARCHAR,
           duckdb::LogicalType::VARCHAR};
  return duckdb::make_uniq<duckdb::TableFunctionData>();
}

duckdb::unique_ptr<duckdb::GlobalTableFunctionState> ModelsInit(duckdb::ClientContext& context,
                                                                duckdb::TableFunctionInitInput&) {
  auto state = duckdb::make_uniq<ModelsScanState>();
  auto& registry = ModelRegistry::Get(duckdb::DatabaseInstance::GetDatabase(context));
  std::lock_guard<std::mutex> lock(registry.mutex);
  for (const auto& [name, entry] : registry.models) state->entries.push_back(entry);
  return state;
}

void ModelsScan(duckdb::ClientContext&, duckdb::TableFunctionInput& input, duckdb::DataChunk& output) {
  auto& state = input.global_state->Cast<ModelsScanState>();
  duckdb::idx_t row = 0;
  for (; state.next < state.entries.size() && row < STANDARD_VECTOR_SIZE; state.next++, row++) {
    const auto& entry = state.entries[state.next];
    output.SetValue(0, row, duckdb::Value(entry.spec.name));
    output.SetValue(1, row, duckdb::Value(entry.spec.path));
    output.SetValue(2, row, duckdb::Value(ml::ModelTaskName(entry.spec.task)));
    output.SetValue(3, row, OptionsValue(entry.spec.options));
    output.SetValue(4, row, duckdb::Value(entry.status));
    output.SetValue(5, row, entry.runtime.empty() ? duckdb::Value() : duckdb::Value(entry.runtime));
  }
  output.SetCardinality(row);
}

}  // namespace

void RegisterModelCatalogFunctions(duckdb::ExtensionLoader& loader) {
  duckdb::TableFunctionSet models("quarry_models");
  models.AddFunction(duckdb::TableFunction("quarry_models", {}, ModelsScan, ModelsBind, ModelsInit));
  RegisterDocumentedTableFunction(loader, std::move(models),
                                  "The models of this database (CREATE MODEL): name, path, task, options, and "
                                  "whether each loaded (status) and what runs it (runtime).",
                                  "SELECT name, task, status FROM quarry_models()");
}

}  // namespace quarry
