// One loaded copy of each tokenizer.json per database (see tokenizer_cache.hpp).
#include "functions/tokenizer_cache.hpp"

#include <filesystem>
#include <map>
#include <mutex>

#include "duckdb.hpp"
#include "duckdb/common/file_system.hpp"
#include "duckdb/main/client_context.hpp"
#include "duckdb/storage/object_cache.hpp"
#include "functions/file_access.hpp"
#include "text/tokenizer.hpp"

namespace quarry {
namespace {

// What identifies a version of a file: its size and modification time.
struct FileVersion {
  uintmax_t size = 0;
  std::filesystem::file_time_type modified;
  bool operator==(const FileVersion& other) const { return size == other.size && modified == other.modified; }
};

struct CachedTokenizer {
  std::mutex loading;  // held while this path loads
  FileVersion version;
  std::shared_ptr<const text::Tokenizer> tokenizer;
};

class TokenizerCache : public duckdb::ObjectCacheEntry {
 public:
  static std::string ObjectType() { return "quarry_tokenizer_cache"; }
  std::string GetObjectType() override { return ObjectType(); }

  static TokenizerCache& Get(duckdb::DatabaseInstance& database) {
    return *database.GetObjectCache().GetOrCreate<TokenizerCache>(ObjectType());
  }

  std::shared_ptr<const text::Tokenizer> Load(const std::string& path) {
    std::error_code error;
    std::string key = std::filesystem::absolute(path, error).lexically_normal().string();
    if (error) key = path;
    FileVersion version;
    version.size = std::filesystem::file_size(path, error);
    if (!error) version.modified = std::filesystem::last_write_time(path, error);
    if (error) throw duckdb::InvalidInputException("cannot read tokenizer file: %s (%s)", path, error.message());
    std::shared_ptr<CachedTokenizer> slot;
    {
      std::lock_guard<std::mutex> guard(mutex_);
      auto& entry = entries_[key];
      if (!entry) entry = std::make_shared<CachedTokenizer>();
      slot = entry;
    }
    std::lock_guard<std::mutex> guard(slot->loading);
    if (slot->tokenizer && slot->version == version) return slot->tokenizer;
    auto loaded = text::Tokenizer::Load(path);
    if (!loaded.ok()) throw duckdb::InvalidInputException(loaded.error());
    slot->tokenizer = loaded.value();
    slot->version = version;
    return slot->tokenizer;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<CachedTokenizer>> entries_;
};

}  // namespace

std::shared_ptr<const text::Tokenizer> LoadTokenizer(duckdb::ClientContext& context, const std::string& path) {
  CheckFileAccess(context, path, duckdb::FileType::FILE_TYPE_REGULAR);
  return TokenizerCache::Get(*context.db).Load(path);
}

std::shared_ptr<const text::Tokenizer> LoadTokenizer(duckdb::DatabaseInstance& database, const std::string& path) {
  return TokenizerCache::Get(database).Load(path);
}

}  // namespace quarry
