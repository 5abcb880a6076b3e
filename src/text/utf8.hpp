// UTF-8 decoding and encoding for the tokenizers: one code point at a time, with validation. Text that
// reaches a tokenizer is checked once (ValidateUtf8) so the pipeline after it can decode without checks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace quarry::text {

// The byte offset of the first invalid sequence in `text`, or nullopt when it is valid UTF-8 (no
// overlong forms, no surrogates, nothing above U+10FFFF).
std::optional<size_t> FindInvalidUtf8(std::string_view text);

// Decodes the code point at text[position] and advances position past it.
// REQUIRES: text is valid UTF-8 and position < text.size() is at a code point's first byte.
inline char32_t DecodeUtf8(std::string_view text, size_t& position) {
  auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  uint8_t lead = byte(position);
  if (lead < 0x80) {
    position += 1;
    return lead;
  }
  if (lead < 0xE0) {
    char32_t c = ((lead & 0x1F) << 6) | (byte(position + 1) & 0x3F);
    position += 2;
    return c;
  }
  if (lead < 0xF0) {
    char32_t c = ((lead & 0x0F) << 12) | ((byte(position + 1) & 0x3F) << 6) | (byte(position + 2) & 0x3F);
    position += 3;
    return c;
  }
  char32_t c = ((lead & 0x07) << 18) | ((byte(position + 1) & 0x3F) << 12) | ((byte(position + 2) & 0x3F) << 6) |
               (byte(position + 3) & 0x3F);
  position += 4;
  return c;
}

// The length in bytes of the code point whose first byte is `lead`.
inline size_t Utf8Length(char lead) {
  auto b = static_cast<uint8_t>(lead);
  return b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
}

// Appends the UTF-8 encoding of `c` to `out`.
void AppendUtf8(std::string& out, char32_t c);

// The number of code points in valid UTF-8 `text`.
size_t CountCodePoints(std::string_view text);

// Replaces invalid sequences by U+FFFD the way Rust's String::from_utf8_lossy does (one U+FFFD per
// maximal invalid prefix), as decoders do when byte-level tokens do not join into valid UTF-8.
std::string LossyUtf8(std::string_view bytes);

}  // namespace quarry::text
