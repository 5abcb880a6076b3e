// Reading tokenizer.json's parts: typed field access whose failures name the part and the field
// ("pre_tokenizer Split: field 'behavior' must be a string"). Each component's FromJson uses these and
// throws TokenizerFormatError; Tokenizer::Load turns it into an Error naming the file.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace quarry::text {

using Json = nlohmann::json;

struct TokenizerFormatError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The object's "type" (which every component carries), or an error naming `part`.
std::string JsonType(const Json& object, const char* part);
// A required field of the given kind; `part` names the component in the error.
const Json& JsonField(const Json& object, const char* key, const char* part);
std::string JsonString(const Json& object, const char* key, const char* part);
bool JsonBool(const Json& object, const char* key, const char* part, bool fallback);
uint64_t JsonUnsigned(const Json& object, const char* key, const char* part, uint64_t fallback);
// A single code point given as a one-character string (Metaspace's replacement, Strip's content).
char32_t JsonCharacter(const Json& object, const char* key, const char* part);

class RegexPattern;
// The "pattern" field of Split and Replace: {"String": literal} or {"Regex": Oniguruma pattern}.
std::shared_ptr<const RegexPattern> JsonPattern(const Json& object, const char* part);

// The steps of a Sequence component: the list in field `key`, each built by `from_json` (null results,
// for JSON null steps, are left out).
template <typename Step, typename FromJson>
std::vector<std::unique_ptr<Step>> JsonSteps(const Json& object, const char* key, const char* part,
                                             FromJson from_json) {
  const Json& list = JsonField(object, key, part);
  if (!list.is_array()) throw TokenizerFormatError(std::string(part) + ": '" + key + "' must be a list");
  std::vector<std::unique_ptr<Step>> steps;
  for (const Json& step : list) {
    if (auto built = from_json(step)) steps.push_back(std::move(built));
  }
  return steps;
}

}  // namespace quarry::text
