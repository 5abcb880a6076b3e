// A model's vocabulary: token text to id and back. Lookups take string_view without copying.
// Immutable once built; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "text/tokenizer_json.hpp"

namespace quarry::text {

struct StringViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

class Vocabulary {
 public:
  // Adds a token; a token already present keeps its first id, an id already present keeps its first
  // token for IdToToken.
  void Add(std::string token, uint32_t id);
  std::optional<uint32_t> Find(std::string_view token) const {
    auto found = ids_.find(token);
    if (found == ids_.end()) return std::nullopt;
    return found->second;
  }
  const std::string* TokenOf(uint32_t id) const {
    auto found = tokens_.find(id);
    return found == tokens_.end() ? nullptr : &found->second;
  }
  size_t size() const { return ids_.size(); }
  void Reserve(size_t count) {
    ids_.reserve(count);
    tokens_.reserve(count);
  }

  // A {"token": id, ...} object; `part` names the model in errors.
  static Vocabulary FromJsonObject(const Json& object, const char* part);

 private:
  std::unordered_map<std::string, uint32_t, StringViewHash, std::equal_to<>> ids_;
  std::unordered_map<uint32_t, std::string> tokens_;
};

// The <0x00>..<0xFF> tokens of a vocabulary (SentencePiece's byte fallback, in BPE and Unigram files).
class ByteFallbackTokens {
 public:
  ByteFallbackTokens() = default;  // none
  explicit ByteFallbackTokens(const Vocabulary& vocabulary);
  // Whether every byte of `bytes` has its token.
  bool Cover(std::string_view bytes) const;
  // The token of `byte`. REQUIRES: Cover() held for it.
  uint32_t Of(char byte) const { return *ids_[static_cast<uint8_t>(byte)]; }

 private:
  std::optional<uint32_t> ids_[256];
};

}  // namespace quarry::text
