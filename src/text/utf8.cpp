// UTF-8 validation and encoding (see utf8.hpp).
#include "text/utf8.hpp"

namespace quarry::text {
namespace {

// The length of the valid sequence starting at bytes[i], or 0 when none starts there. Follows the
// Unicode standard's table of well-formed byte sequences (as Rust's from_utf8 does).
size_t ValidSequenceLength(std::string_view bytes, size_t i) {
  auto at = [&](size_t k) -> int { return i + k < bytes.size() ? static_cast<uint8_t>(bytes[i + k]) : -1; };
  int b0 = at(0);
  if (b0 < 0x80) return 1;
  auto continuation = [](int b) { return b >= 0x80 && b <= 0xBF; };
  if (b0 >= 0xC2 && b0 <= 0xDF) return continuation(at(1)) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    int b1 = at(1);
    int low = b0 == 0xE0 ? 0xA0 : 0x80;
    int high = b0 == 0xED ? 0x9F : 0xBF;
    if (b1 < low || b1 > high) return 0;
    return continuation(at(2)) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    int b1 = at(1);
    int low = b0 == 0xF0 ? 0x90 : 0x80;
    int high = b0 == 0xF4 ? 0x8F : 0xBF;
    if (b1 < low || b1 > high) return 0;
    return continuation(at(2)) && continuation(at(3)) ? 4 : 0;
  }
  return 0;
}

// The number of bytes of a maximal invalid prefix at bytes[i] (Rust's "error_len"): the lead byte
// plus the continuation bytes that were valid so far.
size_t InvalidPrefixLength(std::string_view bytes, size_t i) {
  auto at = [&](size_t k) -> int { return i + k < bytes.size() ? static_cast<uint8_t>(bytes[i + k]) : -1; };
  int b0 = at(0);
  auto continuation = [](int b) { return b >= 0x80 && b <= 0xBF; };
  if (b0 >= 0xC2 && b0 <= 0xDF) return 1;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    int b1 = at(1);
    int low = b0 == 0xE0 ? 0xA0 : 0x80;
    int high = b0 == 0xED ? 0x9F : 0xBF;
    if (b1 < low || b1 > high) return 1;
    return 2;  // the third byte is missing or not a continuation
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    int b1 = at(1);
    int low = b0 == 0xF0 ? 0x90 : 0x80;
    int high = b0 == 0xF4 ? 0x8F : 0xBF;
    if (b1 < low || b1 > high) return 1;
    return continuation(at(2)) ? 3 : 2;
  }
  return 1;
}

}  // namespace

std::optional<size_t> FindInvalidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    if (static_cast<uint8_t>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t length = ValidSequenceLength(text, i);
    if (length == 0) return i;
    i += length;
  }
  return std::nullopt;
}

void AppendUtf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

size_t CountCodePoints(std::string_view text) {
  size_t count = 0;
  for (char c : text) count += (static_cast<uint8_t>(c) & 0xC0) != 0x80;
  return count;
}

std::string LossyUtf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  size_t i = 0;
  while (i < bytes.size()) {
    size_t length = ValidSequenceLength(bytes, i);
    if (length > 0) {
      out.append(bytes.substr(i, length));
      i += length;
    } else {
      out.append("\xEF\xBF\xBD");
      i += InvalidPrefixLength(bytes, i);
    }
  }
  return out;
}

}  // namespace quarry::text
