// The entry point of build/quarry.duckdb_extension, the file stock DuckDB (CLI, Python, Node) LOADs:
// DuckDB 1.4 looks up `<file base name>_duckdb_cpp_init` and calls it with an ExtensionLoader for the
// database doing the LOAD. It is the only symbol the file exports (cmake/quarry_extension.map); the
// rest is the same libraries, and the same RegisterQuarry, as the quarry shell.
#include "duckdb.hpp"
#include "duckdb/main/extension/extension_loader.hpp"
#include "extension/quarry_extension.hpp"

extern "C" {

DUCKDB_CPP_EXTENSION_ENTRY(quarry, loader) {
  quarry::RegisterQuarry(loader);
}

}  // extern "C"
