// MirrorFileSystem — a DuckDB file system for tests that serves "mirror://<local path>" from the local
// file at <local path>, the way httpfs serves s3:// and https:// paths: through DuckDB's FileSystem
// interface only. The SQL tests read fixtures through it to prove quarry's readers open files through
// the DuckDB file system of the query's context (a DuckDB with httpfs reads remote files the same way).
#pragma once

#include "duckdb.hpp"

namespace quarry::testing {

// Registers a MirrorFileSystem in `database`'s virtual file system.
void RegisterMirrorFileSystem(duckdb::DatabaseInstance& database);

}  // namespace quarry::testing
