// Output files committed atomically share by share (see output_commit.hpp).
#include "cluster/output_commit.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace quarry::cluster {

namespace fs = std::filesystem;

namespace {

Result<bool> SyncPath(const std::string& path, bool folder) {
  const int descriptor = ::open(path.c_str(), (folder ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (descriptor < 0) return Error{"cannot open '" + path + "': " + std::strerror(errno)};
  const int synced = ::fsync(descriptor);
  ::close(descriptor);
  if (synced != 0) return Error{"cannot sync '" + path + "': " + std::strerror(errno)};
  return true;
}

std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

}  // namespace

std::string StagingFolder(const std::string& output, uint64_t share, uint32_t attempt) {
  return output + "/" + kStagingName + "/" + std::to_string(share) + "." + std::to_string(attempt);
}

std::string PublishedName(uint64_t share, const std::string& name) {
  char prefix[32];
  std::snprintf(prefix, sizeof prefix, "part-%06llu-", static_cast<unsigned long long>(share));
  return prefix + name;
}

Result<std::vector<std::string>> StagedFiles(const std::string& output, uint64_t share, uint32_t attempt) {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(StagingFolder(output, share, attempt), error)) {
    if (entry.is_regular_file()) names.push_back(entry.path().filename().string());
  }
  if (error) return Error{"cannot list the staged files of share " + std::to_string(share) + ": " + error.message()};
  std::sort(names.begin(), names.end());
  return names;
}

Result<bool> SealAttempt(const std::string& output, uint64_t share, uint32_t attempt) {
  auto names = StagedFiles(output, share, attempt);
  if (!names.ok()) return Error{names.error()};
  const std::string staging = StagingFolder(output, share, attempt);
  for (const auto& name : names.value()) {
    auto synced = SyncPath(staging + "/" + name, false);
    if (!synced.ok()) return synced;
  }
  return SyncPath(staging, true);
}

Result<bool> PublishShare(const std::string& output, uint64_t share, uint32_t attempt,
                          const std::vector<std::string>& names) {
  const std::string staging = StagingFolder(output, share, attempt);
  bool renamed = false;
  for (const auto& name : names) {
    const std::string from = staging + "/" + name;
    const std::string to = output + "/" + PublishedName(share, name);
    std::error_code error;
    if (!fs::exists(from, error)) {
      if (fs::exists(to, error)) continue;  // published before a crash
      return Error{"share " + std::to_string(share) + " was committed but its file '" + from + "' is gone"};
    }
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return Error{"cannot move '" + from + "' into place: " + std::strerror(errno)};
    }
    renamed = true;
  }
  if (renamed) {
    auto synced = SyncPath(output, true);
    if (!synced.ok()) return synced;
  }
  return DiscardAttempt(output, share, attempt);
}

Result<bool> DiscardAttempt(const std::string& output, uint64_t share, uint32_t attempt) {
  std::error_code error;
  fs::remove_all(StagingFolder(output, share, attempt), error);
  if (error)
    return Error{"cannot remove the staging folder of share " + std::to_string(share) + ": " + error.message()};
  return true;
}

Result<bool> RemoveStaging(const std::string& output) {
  std::error_code error;
  fs::remove_all(output + "/" + kStagingName, error);
  if (error) return Error{"cannot remove '" + output + "/" + kStagingName + "': " + error.message()};
  return true;
}

Result<std::vector<std::string>> RecoverOutputs(const std::string& output, const JobState& state) {
  std::vector<std::string> published;
  for (const auto& [share, commit] : state.commits) {
    auto done = PublishShare(output, share, commit.attempt, commit.outputs);
    if (!done.ok()) return Error{done.error()};
    for (const auto& name : commit.outputs) published.push_back(PublishedName(share, name));
  }
  auto removed = RemoveStaging(output);
  if (!removed.ok()) return Error{removed.error()};
  return published;
}

Result<bool> FinishJob(JobLog& log, const std::string& output, const std::vector<std::string>& files) {
  auto removed = RemoveStaging(output);
  if (!removed.ok()) return removed;
  auto written = WriteManifest(output, files);
  if (!written.ok()) return written;
  return log.Finish();
}

Result<bool> WriteManifest(const std::string& output, const std::vector<std::string>& files) {
  std::string json = "{\"files\": [";
  for (size_t i = 0; i < files.size(); i++) json += (i ? ", " : "") + JsonString(files[i]);
  json += "]}\n";
  const std::string final_path = output + "/" + kManifestName;
  const std::string temporary = final_path + ".tmp";
  FILE* file = std::fopen(temporary.c_str(), "wb");
  if (!file) return Error{"cannot write '" + temporary + "': " + std::strerror(errno)};
  const bool written = std::fwrite(json.data(), 1, json.size(), file) == json.size() && std::fflush(file) == 0 &&
                       ::fsync(::fileno(file)) == 0;
  std::fclose(file);
  if (!written) return Error{"cannot write '" + temporary + "': " + std::strerror(errno)};
  if (::rename(temporary.c_str(), final_path.c_str()) != 0) {
    return Error{"cannot move the manifest into place in '" + output + "': " + std::strerror(errno)};
  }
  return SyncPath(output, true);
}

}  // namespace quarry::cluster
