// UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), for read_text,
// which turns invalid text into an error row rather than garbage in a VARCHAR.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace quarry::io {

// The byte offset of the first invalid sequence, or nullopt when `text` is valid UTF-8.
std::optional<size_t> FindInvalidUtf8(std::string_view text);

}  // namespace quarry::io
