// GPT-2's byte-level alphabet: every byte is shown as a printable code point ('Ġ' for a space), so a
// byte-level BPE vocabulary covers any text. Shared by the ByteLevel pre-tokenizer, normalizer and
// decoder. The tables are built once and read-only after.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "text/normalized_text.hpp"

namespace quarry::text {

// The UTF-8 of the code point that stands for `byte`.
const std::string& ByteLevelCharacter(uint8_t byte);
// Appends the byte-level form of `bytes` (each byte becomes its code point) to `out`.
void AppendByteLevel(std::string& out, std::string_view bytes);
// Rewrites `text` in the byte-level alphabet; the code points of one input character's bytes all keep
// that character's alignment.
void ApplyByteLevel(NormalizedText& text);
// The byte a byte-level code point stands for, or nullopt when `c` is not in the alphabet.
std::optional<uint8_t> ByteOfByteLevelCharacter(char32_t c);

}  // namespace quarry::text
