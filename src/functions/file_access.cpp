// CheckFileAccess, CheckPatternAccess, CheckPathArgumentAccess (see file_access.hpp).
#include "functions/file_access.hpp"

#include "duckdb/main/client_context.hpp"
#include "duckdb/main/config.hpp"

namespace quarry {

void CheckFileAccess(duckdb::ClientContext& context, const std::string& path, duckdb::FileType type) {
  auto& config = duckdb::DBConfig::GetConfig(context);
  if (!config.CanAccessFile(path, type)) {
    throw duckdb::PermissionException("Cannot access %s \"%s\" - file system operations are disabled by configuration",
                                      type == duckdb::FileType::FILE_TYPE_DIR ? "directory" : "file", path);
  }
}

void CheckPatternAccess(duckdb::ClientContext& context, const std::vector<std::string>& patterns) {
  auto& config = duckdb::DBConfig::GetConfig(context);
  if (config.options.enable_external_access) return;
  for (const auto& pattern : patterns) {
    const size_t glob = pattern.find_first_of("*?[");
    if (glob == std::string::npos) {
      if (!config.CanAccessFile(pattern, duckdb::FileType::FILE_TYPE_REGULAR) &&
          !config.CanAccessFile(pattern, duckdb::FileType::FILE_TYPE_DIR)) {
        CheckFileAccess(context, pattern, duckdb::FileType::FILE_TYPE_REGULAR);
      }
      continue;
    }
    const size_t slash = pattern.rfind('/', glob);
    const std::string folder = slash == std::string::npos ? "." : pattern.substr(0, slash + 1);
    CheckFileAccess(context, folder, duckdb::FileType::FILE_TYPE_DIR);
  }
}

void CheckPathArgumentAccess(duckdb::ClientContext& context, duckdb::Vector& paths, duckdb::idx_t count) {
  if (duckdb::DBConfig::GetConfig(context).options.enable_external_access) return;
  duckdb::UnifiedVectorFormat format;
  paths.ToUnifiedFormat(count, format);
  const auto* values = duckdb::UnifiedVectorFormat::GetData<duckdb::string_t>(format);
  for (duckdb::idx_t row = 0; row < count; row++) {
    const duckdb::idx_t index = format.sel->get_index(row);
    if (format.validity.RowIsValid(index)) {
      CheckFileAccess(context, values[index].GetString(), duckdb::FileType::FILE_TYPE_REGULAR);
    }
  }
}

}  // namespace quarry
