// libFuzzer target for encoding and decoding (src/text/): any bytes as the text (valid UTF-8 or not)
// through the tokenizers of tokenizer_fixtures.hpp, with and without special tokens, as a pair, in
// windows, and the bytes read as token ids decoded. Invalid UTF-8 must be an error; nothing may crash.
// fuzz-sources: src/text/*.cpp
// fuzz-libs: -lonig -licuuc
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "text/tokenizer.hpp"
#include "tokenizer_fixtures.hpp"

namespace {

const std::vector<std::shared_ptr<const quarry::text::Tokenizer>>& Tokenizers() {
  static const auto tokenizers = [] {
    std::vector<std::shared_ptr<const quarry::text::Tokenizer>> loaded;
    for (const char* json : quarry::fuzz::kTokenizerFixtures) {
      auto tokenizer = quarry::text::Tokenizer::FromJson(json, "fixture");
      if (!tokenizer.ok()) {
        fprintf(stderr, "fixture does not load: %s\n", tokenizer.error().c_str());
        abort();
      }
      loaded.push_back(tokenizer.value());
    }
    return loaded;
  }();
  return tokenizers;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 16 * 1024) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<uint32_t> ids;
  for (size_t i = 0; i + 1 < size; i += 2) ids.push_back(data[i] | (data[i + 1] << 8));
  quarry::text::TruncationOptions windows;
  windows.max_length = 6;
  windows.stride = 2;
  for (const auto& tokenizer : Tokenizers()) {
    auto encoding = tokenizer->Encode(text, true);
    if (encoding.ok()) (void)tokenizer->Decode(encoding.value().ids, true);
    // Tracking offsets changes no id, and every offset lies within the text.
    auto tracked = tokenizer->Encode(text, true, std::nullopt, true);
    if (tracked.ok() != encoding.ok()) __builtin_trap();
    if (tracked.ok()) {
      const auto& result = tracked.value();
      if (result.ids != encoding.value().ids || result.offsets.size() != result.ids.size()) __builtin_trap();
      for (const auto& [start, end] : result.offsets) {
        if (start > end || end > size) __builtin_trap();
      }
    }
    (void)tokenizer->EncodeWindows(text, true, windows, true);
    (void)tokenizer->Encode(text, false);
    (void)tokenizer->Encode(text.substr(0, size / 2), true, std::string_view(text).substr(size / 2));
    (void)tokenizer->EncodeWindows(text, true, windows);
    (void)tokenizer->Decode(ids, false);
  }
  return 0;
}
