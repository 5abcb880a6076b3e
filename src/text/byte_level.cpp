// GPT-2's byte-level alphabet (see byte_level.hpp) and the normalizer that applies it.
#include "text/byte_level.hpp"

#include <memory>
#include <vector>

#include "text/normalizers.hpp"
#include "text/utf8.hpp"

namespace quarry::text {
namespace {

struct ByteLevelTables {
  std::array<std::string, 256> character_of_byte;
  std::array<int16_t, 512> byte_of_character;  // code points below 512; -1 when not in the alphabet

  ByteLevelTables() {
    byte_of_character.fill(-1);
    // Printable Latin-1 bytes stand for themselves; the others get 256, 257, ... in byte order.
    auto printable = [](int b) {
      return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    };
    char32_t next = 256;
    for (int b = 0; b < 256; ++b) {
      char32_t c = printable(b) ? static_cast<char32_t>(b) : next++;
      AppendUtf8(character_of_byte[b], c);
      byte_of_character[c] = static_cast<int16_t>(b);
    }
  }
};

const ByteLevelTables& Tables() {
  static const ByteLevelTables tables;
  return tables;
}

class ByteLevelNormalizerImpl final : public Normalizer {
 public:
  void Normalize(NormalizedText& text) const override { ApplyByteLevel(text); }
};

}  // namespace

const std::string& ByteLevelCharacter(uint8_t byte) {
  return Tables().character_of_byte[byte];
}

void AppendByteLevel(std::string& out, std::string_view bytes) {
  const auto& table = Tables().character_of_byte;
  out.reserve(out.size() + bytes.size() * 2);
  for (char byte : bytes) out.append(table[static_cast<uint8_t>(byte)]);
}

void ApplyByteLevel(NormalizedText& text) {
  if (text.alignments.empty()) {
    std::string out;
    AppendByteLevel(out, text.text);
    text.text = std::move(out);
    return;
  }
  // Each byte's code point is new text after the character (the first replaces it): all share its alignment.
  NormalizedText out;
  out.text.reserve(text.text.size() * 2);
  out.alignments.reserve(text.text.size() * 2);
  const auto& table = Tables().character_of_byte;
  size_t start = 0;
  while (start < text.text.size()) {
    size_t end = start + Utf8Length(text.text[start]);
    for (size_t i = start; i < end; ++i) {
      out.text.append(table[static_cast<uint8_t>(text.text[i])]);
      out.alignments.resize(out.text.size(), text.alignments[i == start ? start : end - 1]);
    }
    start = end;
  }
  text = std::move(out);
}

std::optional<uint8_t> ByteOfByteLevelCharacter(char32_t c) {
  if (c >= 512) return std::nullopt;
  int16_t byte = Tables().byte_of_character[c];
  if (byte < 0) return std::nullopt;
  return static_cast<uint8_t>(byte);
}

std::unique_ptr<Normalizer> ByteLevelNormalizer() {
  return std::make_unique<ByteLevelNormalizerImpl>();
}

}  // namespace quarry::text
