// quarry_version(): the version of quarry and of the DuckDB it embeds.
#pragma once

namespace duckdb {
class ExtensionLoader;
}

namespace quarry {

void RegisterVersionFunction(duckdb::ExtensionLoader& loader);

}  // namespace quarry
