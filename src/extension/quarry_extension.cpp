// quarry as a DuckDB extension: the one list of Register...() calls, one line per function family.
// A new family is a file under src/functions/ plus one line here.
#include "extension/quarry_extension.hpp"

#include "duckdb.hpp"
#include "duckdb/main/extension/extension_loader.hpp"
#include "functions/version_function.hpp"

namespace quarry {

void LoadQuarry(duckdb::DatabaseInstance& database) {
  duckdb::ExtensionLoader loader(database, "quarry");
  loader.SetDescription("SQL over pictures, audio and text, with deep-learning models as SQL functions");
  RegisterVersionFunction(loader);
}

}  // namespace quarry
