// Typed access to tokenizer.json fields (see tokenizer_json.hpp).
#include "text/tokenizer_json.hpp"

#include "text/regex_pattern.hpp"
#include "text/utf8.hpp"

namespace quarry::text {

std::string JsonType(const Json& object, const char* part) {
  if (!object.is_object()) throw TokenizerFormatError(std::string(part) + " must be an object");
  auto type = object.find("type");
  if (type == object.end() || !type->is_string()) {
    throw TokenizerFormatError(std::string(part) + " has no \"type\" string");
  }
  return type->get<std::string>();
}

const Json& JsonField(const Json& object, const char* key, const char* part) {
  auto field = object.find(key);
  if (field == object.end()) {
    throw TokenizerFormatError(std::string(part) + ": missing field '" + key + "'");
  }
  return *field;
}

std::string JsonString(const Json& object, const char* key, const char* part) {
  const Json& field = JsonField(object, key, part);
  if (!field.is_string()) throw TokenizerFormatError(std::string(part) + ": field '" + key + "' must be a string");
  return field.get<std::string>();
}

bool JsonBool(const Json& object, const char* key, const char* part, bool fallback) {
  auto field = object.find(key);
  if (field == object.end() || field->is_null()) return fallback;
  if (!field->is_boolean())
    throw TokenizerFormatError(std::string(part) + ": field '" + key + "' must be true or false");
  return field->get<bool>();
}

uint64_t JsonUnsigned(const Json& object, const char* key, const char* part, uint64_t fallback) {
  auto field = object.find(key);
  if (field == object.end() || field->is_null()) return fallback;
  if (!field->is_number_unsigned()) {
    throw TokenizerFormatError(std::string(part) + ": field '" + key + "' must be a non-negative integer");
  }
  return field->get<uint64_t>();
}

char32_t JsonCharacter(const Json& object, const char* key, const char* part) {
  std::string text = JsonString(object, key, part);
  if (text.empty() || FindInvalidUtf8(text) || CountCodePoints(text) != 1) {
    throw TokenizerFormatError(std::string(part) + ": field '" + key + "' must be one character");
  }
  size_t position = 0;
  return DecodeUtf8(text, position);
}

std::shared_ptr<const RegexPattern> JsonPattern(const Json& object, const char* part) {
  const Json& pattern = JsonField(object, "pattern", part);
  Result<std::shared_ptr<const RegexPattern>> regex = Error{""};
  if (pattern.is_object() && pattern.contains("String")) {
    regex = RegexPattern::Literal(JsonString(pattern, "String", part));
  } else if (pattern.is_object() && pattern.contains("Regex")) {
    regex = RegexPattern::Compile(JsonString(pattern, "Regex", part));
  } else {
    throw TokenizerFormatError(std::string(part) + ": pattern must be {\"String\": ...} or {\"Regex\": ...}");
  }
  if (!regex.ok()) throw TokenizerFormatError(std::string(part) + ": " + regex.error());
  return regex.value();
}

}  // namespace quarry::text
