// Choosing the model a tokenizer.json names (see token_model.hpp).
#include "text/token_model.hpp"

namespace quarry::text {

std::unique_ptr<TokenModel> TokenModelFromJson(const Json& json) {
  if (!json.is_object()) throw TokenizerFormatError("model must be an object");
  std::string type;
  if (json.contains("type")) {
    type = JsonType(json, "model");
  } else if (json.contains("merges")) {
    type = "BPE";  // files written before models carried their type
  } else if (json.contains("continuing_subword_prefix") || json.contains("max_input_chars_per_word")) {
    type = "WordPiece";
  } else if (json.contains("vocab") && json["vocab"].is_array()) {
    type = "Unigram";
  } else {
    type = "WordLevel";
  }
  if (type == "BPE") return BpeModelFromJson(json);
  if (type == "WordPiece") return WordPieceModelFromJson(json);
  if (type == "Unigram") return UnigramModelFromJson(json);
  if (type == "WordLevel") return WordLevelModelFromJson(json);
  throw TokenizerFormatError("unknown model type '" + type + "'");
}

}  // namespace quarry::text
