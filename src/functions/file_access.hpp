// DuckDB's access settings (enable_external_access, allowed_directories, allowed_paths) applied to what
// quarry reads, with DuckDB's own error (PermissionException "Cannot access file ... - file system
// operations are disabled by configuration"): the file table functions check their patterns and listed
// files at bind, the functions that take a path (models, ocr, speech_segments) check each row's path
// before anything is read.
#pragma once

#include <string>
#include <vector>

#include "duckdb.hpp"
#include "duckdb/common/file_system.hpp"

namespace quarry {

// Throws DuckDB's PermissionException when the settings forbid reading `path`.
void CheckFileAccess(duckdb::ClientContext& context, const std::string& path, duckdb::FileType type);

// Before listing: each pattern's folder (up to its first glob character), or the file or folder it
// names, must be allowed.
void CheckPatternAccess(duckdb::ClientContext& context, const std::vector<std::string>& patterns);

// Every non-NULL path of a VARCHAR argument vector must be allowed.
void CheckPathArgumentAccess(duckdb::ClientContext& context, duckdb::Vector& paths, duckdb::idx_t count);

}  // namespace quarry
