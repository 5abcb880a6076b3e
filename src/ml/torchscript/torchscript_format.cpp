// IsTorchScriptFile: the ZIP magic and the archive's entry names (see torchscript_format.hpp).
#include "ml/torchscript/torchscript_format.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <optional>
#include <string_view>

namespace quarry::ml {

namespace {

constexpr uint32_t kLocalFileMagic = 0x04034b50;       // PK\x03\x04
constexpr uint32_t kCentralEntryMagic = 0x02014b50;    // PK\x01\x02
constexpr uint32_t kEndOfDirectoryMagic = 0x06054b50;  // PK\x05\x06
constexpr uint32_t kZip64LocatorMagic = 0x07064b50;    // PK\x06\x07
constexpr uint32_t kZip64EndMagic = 0x06064b50;        // PK\x06\x06
constexpr size_t kEndOfDirectorySize = 22;
constexpr size_t kZip64LocatorSize = 20;
constexpr size_t kMaxComment = 65535;
constexpr uint64_t kMaxDirectoryBytes = 64ULL << 20;  // a directory larger than this is not sniffed

uint64_t Little(const uint8_t* bytes, size_t width) {
  uint64_t value = 0;
  for (size_t i = 0; i < width; i++) value |= static_cast<uint64_t>(bytes[i]) << (8 * i);
  return value;
}

std::optional<std::vector<uint8_t>> ReadAt(std::ifstream& file, uint64_t offset, uint64_t size) {
  std::vector<uint8_t> bytes(size);
  file.seekg(static_cast<std::streamoff>(offset));
  if (!file.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size))) return std::nullopt;
  return bytes;
}

// Where the central directory starts and how many bytes it has, from the end-of-directory records.
std::optional<std::pair<uint64_t, uint64_t>> FindDirectory(std::ifstream& file, uint64_t file_size) {
  const uint64_t tail_size = std::min<uint64_t>(file_size, kEndOfDirectorySize + kMaxComment + kZip64LocatorSize);
  auto tail = ReadAt(file, file_size - tail_size, tail_size);
  if (!tail || tail_size < kEndOfDirectorySize) return std::nullopt;
  for (size_t at = tail_size - kEndOfDirectorySize + 1; at-- > 0;) {
    const uint8_t* end = tail->data() + at;
    if (Little(end, 4) != kEndOfDirectoryMagic) continue;
    uint64_t size = Little(end + 12, 4);
    uint64_t offset = Little(end + 16, 4);
    if (offset == 0xffffffff || size == 0xffffffff) {  // ZIP64: the real values are in the ZIP64 record
      if (at < kZip64LocatorSize || Little(end - kZip64LocatorSize, 4) != kZip64LocatorMagic) return std::nullopt;
      const uint64_t record_offset = Little(end - kZip64LocatorSize + 8, 8);
      if (record_offset > file_size - 56) return std::nullopt;
      auto record = ReadAt(file, record_offset, 56);
      if (!record || Little(record->data(), 4) != kZip64EndMagic) return std::nullopt;
      size = Little(record->data() + 40, 8);
      offset = Little(record->data() + 48, 8);
    }
    if (offset > file_size || size > file_size - offset) return std::nullopt;
    return std::make_pair(offset, size);
  }
  return std::nullopt;
}

bool IsStateEntry(std::string_view name) {
  for (const std::string_view wanted : {"data.pkl", "constants.pkl"}) {
    if (name == wanted) return true;
    if (name.size() > wanted.size() && name.substr(name.size() - wanted.size()) == wanted &&
        name[name.size() - wanted.size() - 1] == '/') {
      return true;
    }
  }
  return false;
}

}  // namespace

bool IsTorchScriptFile(const ModelFileHead& head) {
  if (head.bytes.size() < 4 || Little(head.bytes.data(), 4) != kLocalFileMagic) return false;
  std::ifstream file(head.path, std::ios::binary);
  if (!file) return false;
  const auto directory = FindDirectory(file, head.size);
  if (!directory || directory->second > kMaxDirectoryBytes) return false;
  auto entries = ReadAt(file, directory->first, directory->second);
  if (!entries) return false;
  for (size_t at = 0; at + 46 <= entries->size();) {
    const uint8_t* entry = entries->data() + at;
    if (Little(entry, 4) != kCentralEntryMagic) return false;
    const size_t name_size = Little(entry + 28, 2);
    const size_t next = at + 46 + name_size + Little(entry + 30, 2) + Little(entry + 32, 2);
    if (at + 46 + name_size > entries->size()) return false;
    if (IsStateEntry(std::string_view(reinterpret_cast<const char*>(entry + 46), name_size))) return true;
    at = next;
  }
  return false;
}

}  // namespace quarry::ml
