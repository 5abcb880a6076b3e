// JobLog: the durable record of a job (see job_log.hpp).
#include "cluster/job_log.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace quarry::cluster {

namespace {

std::string Escape(const std::string& field) {
  std::string out;
  for (char c : field) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::optional<std::string> Unescape(std::string_view field) {
  std::string out;
  for (size_t i = 0; i < field.size(); i++) {
    if (field[i] != '\\') {
      out += field[i];
      continue;
    }
    if (++i == field.size()) return std::nullopt;
    switch (field[i]) {
      case '\\':
        out += '\\';
        break;
      case 't':
        out += '\t';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      default:
        return std::nullopt;
    }
  }
  return out;
}

std::optional<uint64_t> Number(const std::string& text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return value;
}

std::string SystemError(const std::string& what, const std::string& path) {
  return what + " '" + path + "': " + std::strerror(errno);
}

// Parses one record's line (without its newline) into its fields; nullopt when the checksum or the
// escaping is wrong (a torn or damaged record).
std::optional<std::vector<std::string>> ParseLine(std::string_view line) {
  if (line.size() < 10 || line[8] != ' ') return std::nullopt;
  uint32_t crc = 0;
  for (size_t i = 0; i < 8; i++) {
    const char c = line[i];
    const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (digit < 0) return std::nullopt;
    crc = crc << 4 | static_cast<uint32_t>(digit);
  }
  const std::string_view body = line.substr(9);
  if (Crc32(body) != crc) return std::nullopt;
  std::vector<std::string> fields;
  size_t begin = 0;
  while (true) {
    const size_t tab = body.find('\t', begin);
    auto field = Unescape(body.substr(begin, tab == std::string_view::npos ? std::string_view::npos : tab - begin));
    if (!field) return std::nullopt;
    fields.push_back(std::move(*field));
    if (tab == std::string_view::npos) break;
    begin = tab + 1;
  }
  return fields;
}

// Applies one record to `state`; false when it is not a record this version knows.
bool ApplyRecord(const std::vector<std::string>& fields, JobState& state) {
  const std::string& kind = fields[0];
  if (kind == "job" && fields.size() == 2) {
    state.fingerprint = fields[1];
    return true;
  }
  if (kind == "share" && fields.size() == 6) {
    auto id = Number(fields[1]), files = Number(fields[4]), bytes = Number(fields[5]);
    if (!id || !files || !bytes) return false;
    state.shares[*id] = ShareRecord{*id, fields[2], fields[3], *files, *bytes};
    return true;
  }
  if (kind == "commit" && fields.size() >= 3) {
    auto share = Number(fields[1]), attempt = Number(fields[2]);
    if (!share || !attempt) return false;
    CommitRecord commit{*share, static_cast<uint32_t>(*attempt), {fields.begin() + 3, fields.end()}};
    state.commits[*share] = std::move(commit);
    return true;
  }
  if (kind == "finish" && fields.size() == 1) {
    state.finished = true;
    return true;
  }
  return false;
}

Result<std::string> ReadWhole(int descriptor, const std::string& path) {
  std::string content;
  std::array<char, 1 << 16> buffer{};
  off_t offset = 0;
  while (true) {
    const ssize_t count = ::pread(descriptor, buffer.data(), buffer.size(), offset);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) return Error{SystemError("cannot read the job log", path)};
    if (count == 0) return content;
    content.append(buffer.data(), static_cast<size_t>(count));
    offset += count;
  }
}

Result<bool> SyncFolder(const std::string& folder) {
  const int descriptor = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (descriptor < 0) return Error{SystemError("cannot open the folder", folder)};
  const int synced = ::fsync(descriptor);
  ::close(descriptor);
  if (synced != 0) return Error{SystemError("cannot sync the folder", folder)};
  return true;
}

}  // namespace

uint32_t Crc32(std::string_view text) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> result{};
    for (uint32_t i = 0; i < 256; i++) {
      uint32_t c = i;
      for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      result[i] = c;
    }
    return result;
  }();
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char c : text) crc = table[(crc ^ c) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

Result<std::unique_ptr<JobLog>> JobLog::Open(const std::string& folder, const std::string& fingerprint, bool resume) {
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error) return Error{"cannot create the job folder '" + folder + "': " + error.message()};
  const std::string lock_path = folder + "/job.lock";
  const int lock = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock < 0) return Error{SystemError("cannot open", lock_path)};
  if (::flock(lock, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock);
    return Error{"the job folder '" + folder + "' is in use by another running job"};
  }
  const std::string path = folder + "/" + kFileName;
  const int descriptor = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (descriptor < 0) {
    ::close(lock);
    return Error{SystemError("cannot open the job log", path)};
  }
  std::unique_ptr<JobLog> log(new JobLog(folder, descriptor, lock));

  auto content = ReadWhole(descriptor, path);
  if (!content.ok()) return Error{content.error()};
  const std::string& text = content.value();
  size_t good_end = 0;  // the end of the last whole, valid record
  size_t line_number = 0;
  for (size_t begin = 0; begin < text.size();) {
    line_number++;
    const size_t newline = text.find('\n', begin);
    const bool whole = newline != std::string::npos;
    const auto fields = whole ? ParseLine(std::string_view(text).substr(begin, newline - begin)) : std::nullopt;
    if (!fields || !ApplyRecord(*fields, log->state_)) {
      // A torn or damaged record is what a crash during an append leaves, only ever at the end.
      const bool at_end = !whole || text.find('\n', newline + 1) == std::string::npos;
      if (!at_end || (fields && whole)) {
        return Error{"the job log '" + path + "' is damaged at line " + std::to_string(line_number) +
                     ": it cannot be resumed"};
      }
      break;
    }
    good_end = newline + 1;
    begin = newline + 1;
  }
  if (good_end < text.size() && ::ftruncate(descriptor, static_cast<off_t>(good_end)) != 0) {
    return Error{SystemError("cannot drop the torn end of the job log", path)};
  }
  if (good_end == 0) {
    log->state_ = JobState{};
    auto appended = log->Append({{"job", fingerprint}}, /*durable=*/true);
    if (!appended.ok()) return Error{appended.error()};
    log->state_.fingerprint = fingerprint;
    auto synced = SyncFolder(folder);
    if (!synced.ok()) return Error{synced.error()};
    return log;
  }
  if (!resume) {
    return Error{"the job folder '" + folder + "' holds a job already: resume it (--resume) or use another folder"};
  }
  if (log->state_.fingerprint != fingerprint) {
    return Error{"the job folder '" + folder +
                 "' holds another job (other statements or settings): use another folder"};
  }
  return log;
}

JobLog::~JobLog() {
  ::close(descriptor_);
  ::close(lock_descriptor_);  // releases the lock
}

Result<bool> JobLog::Append(const std::vector<std::vector<std::string>>& records, bool durable) {
  std::string line;
  for (const auto& fields : records) {
    std::string body;
    for (const auto& field : fields) body += (body.empty() ? "" : "\t") + Escape(field);
    char crc[9];
    std::snprintf(crc, sizeof crc, "%08x", Crc32(body));
    line += std::string(crc) + " " + body + "\n";
  }
  // One write: with O_APPEND the record lands whole at the end, or (a crash) as a torn tail.
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t count = ::write(descriptor_, line.data() + done, line.size() - done);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) return Error{SystemError("cannot append to the job log in", folder_)};
    done += static_cast<size_t>(count);
  }
  if (durable && ::fdatasync(descriptor_) != 0) {
    return Error{SystemError("cannot make the job log durable in", folder_)};
  }
  return true;
}

Result<bool> JobLog::DefineShare(const ShareRecord& share) {
  auto appended = Append({{"share", std::to_string(share.id), share.first_path, share.last_path,
                           std::to_string(share.files), std::to_string(share.bytes)}},
                         /*durable=*/false);
  if (appended.ok()) state_.shares[share.id] = share;
  return appended;
}

Result<bool> JobLog::Commit(const std::vector<CommitRecord>& commits) {
  std::vector<std::vector<std::string>> records;
  for (const auto& commit : commits) {
    if (state_.shares.count(commit.share) == 0) {
      return Error{"share " + std::to_string(commit.share) + " was never defined in the job log"};
    }
    if (state_.commits.count(commit.share) > 0) {
      return Error{"share " + std::to_string(commit.share) + " is committed already"};
    }
    std::vector<std::string> fields = {"commit", std::to_string(commit.share), std::to_string(commit.attempt)};
    fields.insert(fields.end(), commit.outputs.begin(), commit.outputs.end());
    records.push_back(std::move(fields));
  }
  if (records.empty()) return true;
  auto appended = Append(records, /*durable=*/true);
  if (appended.ok()) {
    for (const auto& commit : commits) state_.commits[commit.share] = commit;
  }
  return appended;
}

Result<bool> JobLog::Finish() {
  auto appended = Append({{"finish"}}, /*durable=*/true);
  if (appended.ok()) state_.finished = true;
  return appended;
}

}  // namespace quarry::cluster
