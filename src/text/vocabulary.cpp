// Token text to id and back (see vocabulary.hpp).
#include "text/vocabulary.hpp"

#include <cstdio>

namespace quarry::text {

ByteFallbackTokens::ByteFallbackTokens(const Vocabulary& vocabulary) {
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof(name), "<0x%02X>", b);
    ids_[b] = vocabulary.Find(name);
  }
}

bool ByteFallbackTokens::Cover(std::string_view bytes) const {
  for (char byte : bytes) {
    if (!ids_[static_cast<uint8_t>(byte)]) return false;
  }
  return true;
}

void Vocabulary::Add(std::string token, uint32_t id) {
  tokens_.try_emplace(id, token);
  ids_.try_emplace(std::move(token), id);
}

Vocabulary Vocabulary::FromJsonObject(const Json& object, const char* part) {
  if (!object.is_object()) throw TokenizerFormatError(std::string(part) + ": 'vocab' must be an object");
  Vocabulary vocabulary;
  vocabulary.Reserve(object.size());
  for (auto it = object.begin(); it != object.end(); ++it) {
    const Json& id = it.value();
    if (!id.is_number_unsigned() || id.get<uint64_t>() > UINT32_MAX) {
      throw TokenizerFormatError(std::string(part) + ": the id of token '" + it.key() + "' is not a 32-bit id");
    }
    vocabulary.Add(it.key(), static_cast<uint32_t>(id.get<uint64_t>()));
  }
  return vocabulary;
}

}  // namespace quarry::text
