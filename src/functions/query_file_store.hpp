// QueryFileStore — the io::FileStore of one query: files are read through the DuckDB file system of
// the query's context, so a DuckDB with httpfs reads s3://, https://, gcs:// ... paths with quarry's
// readers, with the context's secrets and settings, and any file system an extension registers works
// too. Plain local paths keep quarry's own POSIX reads (non-blocking opens: a FIFO never hangs a query,
// where DuckDB's local file system would wait for a writer). DuckDB's access settings are checked
// before (file_access.hpp), as for DuckDB's own readers.
#pragma once

#include <string>
#include <vector>

#include "duckdb.hpp"
#include "io/file_store.hpp"

namespace quarry {

class QueryFileStore : public io::FileStore {
 public:
  explicit QueryFileStore(duckdb::ClientContext& context);
  Result<std::unique_ptr<io::RandomAccessFile>> Open(const std::string& path) const override;

  // The files a remote pattern names (DuckDB's glob; a path without glob characters is itself), sorted,
  // with their sizes (0 when a file cannot be opened: reading it gives the error row). Throws DuckDB's
  // IOException when nothing matches.
  std::vector<std::pair<std::string, uint64_t>> GlobRemote(const std::string& pattern) const;

 private:
  // The context's file system: DuckDB's OpenerFileSystem, which passes the context's opener (secrets,
  // settings) to the file system serving a path.
  duckdb::FileSystem& file_system_;
};

// Whether DuckDB's file system rather than the local one serves `path`: it names a scheme
// ("s3://...", "https://...", or one an extension registered), other than file://.
bool IsRemotePath(const std::string& path);

}  // namespace quarry
