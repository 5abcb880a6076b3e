// MirrorFileSystem: mirror://<local path> served from the local file (see mirror_file_system.hpp).
#include "mirror_file_system.hpp"

#include "duckdb/common/file_system.hpp"
#include "duckdb/common/local_file_system.hpp"

namespace quarry::testing {

namespace {

constexpr const char* kPrefix = "mirror://";

std::string LocalPath(const std::string& path) {
  return path.substr(std::string(kPrefix).size());
}

struct MirrorHandle : public duckdb::FileHandle {
  MirrorHandle(duckdb::FileSystem& file_system, const std::string& path, duckdb::unique_ptr<duckdb::FileHandle> local_p)
      : FileHandle(file_system, path, duckdb::FileFlags::FILE_FLAGS_READ), local(std::move(local_p)) {}
  void Close() override { local->Close(); }
  duckdb::unique_ptr<duckdb::FileHandle> local;
};

class MirrorFileSystem : public duckdb::FileSystem {
 public:
  duckdb::unique_ptr<duckdb::FileHandle> OpenFile(const std::string& path, duckdb::FileOpenFlags flags,
                                                  duckdb::optional_ptr<duckdb::FileOpener> opener) override {
    if (flags.OpenForWriting()) throw duckdb::IOException("mirror:// is read-only");
    auto local = local_.OpenFile(LocalPath(path), flags, opener);
    return duckdb::make_uniq<MirrorHandle>(*this, path, std::move(local));
  }
  void Read(duckdb::FileHandle& handle, void* buffer, int64_t bytes, duckdb::idx_t location) override {
    auto& mirror = handle.Cast<MirrorHandle>();
    local_.Read(*mirror.local, buffer, bytes, location);
  }
  int64_t Read(duckdb::FileHandle& handle, void* buffer, int64_t bytes) override {
    return local_.Read(*handle.Cast<MirrorHandle>().local, buffer, bytes);
  }
  int64_t GetFileSize(duckdb::FileHandle& handle) override {
    return local_.GetFileSize(*handle.Cast<MirrorHandle>().local);
  }
  duckdb::timestamp_t GetLastModifiedTime(duckdb::FileHandle& handle) override {
    return local_.GetLastModifiedTime(*handle.Cast<MirrorHandle>().local);
  }
  void Seek(duckdb::FileHandle& handle, duckdb::idx_t location) override {
    local_.Seek(*handle.Cast<MirrorHandle>().local, location);
  }
  duckdb::idx_t SeekPosition(duckdb::FileHandle& handle) override {
    return local_.SeekPosition(*handle.Cast<MirrorHandle>().local);
  }
  bool CanSeek() override { return true; }
  bool OnDiskFile(duckdb::FileHandle&) override { return false; }
  bool FileExists(const std::string& path, duckdb::optional_ptr<duckdb::FileOpener> opener) override {
    return local_.FileExists(LocalPath(path), opener);
  }
  duckdb::vector<duckdb::OpenFileInfo> Glob(const std::string& pattern, duckdb::FileOpener* opener) override {
    duckdb::vector<duckdb::OpenFileInfo> files;
    for (auto& file : local_.Glob(LocalPath(pattern), opener)) files.emplace_back(kPrefix + file.path);
    return files;
  }
  bool CanHandleFile(const std::string& path) override { return path.rfind(kPrefix, 0) == 0; }
  std::string GetName() const override { return "MirrorFileSystem"; }

 private:
  duckdb::LocalFileSystem local_;
};

}  // namespace

void RegisterMirrorFileSystem(duckdb::DatabaseInstance& database) {
  database.GetFileSystem().RegisterSubSystem(duckdb::make_uniq<MirrorFileSystem>());
}

}  // namespace quarry::testing
