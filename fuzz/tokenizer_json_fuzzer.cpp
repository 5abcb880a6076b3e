// libFuzzer target for reading tokenizer.json (src/text/): any bytes as the file. It must either refuse
// the file with an error or build a tokenizer, never crash or hang; a built tokenizer then encodes and
// decodes a few texts (whatever the mutated file says the pipeline is). Seeds: fuzz/corpus/tokenizer_json/
// (the fixtures of tokenizer_fixtures.hpp).
// fuzz-sources: src/text/*.cpp
// fuzz-libs: -lonig -licuuc
#include <cstddef>
#include <cstdint>
#include <string>

#include "text/tokenizer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  std::string json(reinterpret_cast<const char*>(data), size);
  auto tokenizer = quarry::text::Tokenizer::FromJson(json, "fuzz.json");
  if (!tokenizer.ok()) return 0;
  for (const char* text : {"", " Hello  world! ab abc", "caf\xC3\xA9 \xE4\xB8\xAD 123 <mask> hello MASK", "\xFF"}) {
    for (bool special : {true, false}) {
      auto encoding = tokenizer.value()->Encode(text, special);
      if (encoding.ok()) (void)tokenizer.value()->Decode(encoding.value().ids, !special);
    }
    (void)tokenizer.value()->Encode(text, true, text);
  }
  (void)tokenizer.value()->Decode({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 4000000000u}, false);
  return 0;
}
