// Encodings and their truncation windows (see encoding.hpp).
#include "text/encoding.hpp"

#include <algorithm>

namespace quarry::text {

void Encoding::Append(const Encoding& other) {
  ids.insert(ids.end(), other.ids.begin(), other.ids.end());
  type_ids.insert(type_ids.end(), other.type_ids.begin(), other.type_ids.end());
  special_tokens_mask.insert(special_tokens_mask.end(), other.special_tokens_mask.begin(),
                             other.special_tokens_mask.end());
  attention_mask.insert(attention_mask.end(), other.attention_mask.begin(), other.attention_mask.end());
  // Offsets are kept when either side tracks them; a part without (special tokens) counts as (0, 0), "".
  if (!offsets.empty() || !other.offsets.empty()) {
    size_t before = ids.size() - other.ids.size();
    offsets.resize(before, {0, 0});
    tokens.resize(before);
    if (other.offsets.empty()) {
      offsets.resize(ids.size(), {0, 0});
      tokens.resize(ids.size());
    } else {
      offsets.insert(offsets.end(), other.offsets.begin(), other.offsets.end());
      tokens.insert(tokens.end(), other.tokens.begin(), other.tokens.end());
      tokens.resize(ids.size());
    }
  }
}

Encoding Encoding::Slice(size_t begin, size_t end) const {
  Encoding slice;
  slice.ids.assign(ids.begin() + begin, ids.begin() + end);
  slice.type_ids.assign(type_ids.begin() + begin, type_ids.begin() + end);
  slice.special_tokens_mask.assign(special_tokens_mask.begin() + begin, special_tokens_mask.begin() + end);
  slice.attention_mask.assign(attention_mask.begin() + begin, attention_mask.begin() + end);
  if (!offsets.empty()) slice.offsets.assign(offsets.begin() + begin, offsets.begin() + end);
  if (tokens.size() >= end) slice.tokens.assign(tokens.begin() + begin, tokens.begin() + end);
  return slice;
}

Encoding EncodingOf(std::vector<uint32_t> ids, uint32_t type_id) {
  Encoding encoding;
  size_t size = ids.size();
  encoding.ids = std::move(ids);
  encoding.type_ids.assign(size, type_id);
  encoding.special_tokens_mask.assign(size, 0);
  encoding.attention_mask.assign(size, 1);
  return encoding;
}

std::vector<Encoding> TruncationWindows(const Encoding& encoding, size_t max_length, size_t stride,
                                        TruncationDirection direction) {
  size_t length = encoding.size();
  if (max_length >= length) return {encoding};
  if (max_length == 0) return {Encoding{}, encoding};
  size_t step = max_length - stride;
  std::vector<Encoding> windows;
  if (direction == TruncationDirection::kRight) {
    for (size_t start = 0; start < length; start += step) {
      size_t stop = std::min(start + max_length, length);
      windows.push_back(encoding.Slice(start, stop));
      if (stop == length) break;
    }
  } else {
    // Windows end at length, length - step, ...; each starts max_length before its end (or at 0).
    for (size_t offset = 0; offset < length; offset += step) {
      size_t stop = length - offset;
      size_t start = stop > max_length ? stop - max_length : 0;
      windows.push_back(encoding.Slice(start, stop));
      if (start == 0) break;
    }
  }
  return windows;
}

}  // namespace quarry::text
