// The post-processors of tokenizer.json (see post_processors.hpp).
#include "text/post_processors.hpp"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "text/byte_level.hpp"
#include "text/unicode_properties.hpp"
#include "text/utf8.hpp"

namespace quarry::text {
namespace {

Encoding SpecialTokens(const std::vector<uint32_t>& ids, uint32_t type_id) {
  Encoding encoding = EncodingOf(ids, type_id);
  encoding.special_tokens_mask.assign(ids.size(), 1);
  return encoding;
}

// One piece of a template: a special token (its ids) or sequence A / B, each with a type id.
struct TemplatePiece {
  bool is_sequence;
  size_t sequence_index;  // 0 for A, 1 for B
  std::vector<uint32_t> special_ids;
  uint32_t type_id;
};

class TemplateProcessor final : public PostProcessor {
 public:
  TemplateProcessor(std::vector<TemplatePiece> single, std::vector<TemplatePiece> pair)
      : single_(std::move(single)), pair_(std::move(pair)) {}

  size_t AddedTokens(bool is_pair) const override {
    size_t count = 0;
    for (const TemplatePiece& piece : is_pair ? pair_ : single_) count += piece.special_ids.size();
    return count;
  }

  std::vector<Encoding> Process(std::vector<Encoding> sequences, bool add_special_tokens) const override {
    const auto& pieces = sequences.size() == 2 ? pair_ : single_;
    std::vector<Encoding> out;
    for (const TemplatePiece& piece : pieces) {
      if (piece.is_sequence) {
        if (piece.sequence_index >= sequences.size()) continue;
        Encoding sequence = sequences[piece.sequence_index];
        sequence.type_ids.assign(sequence.size(), piece.type_id);
        out.push_back(std::move(sequence));
      } else if (add_special_tokens) {
        out.push_back(SpecialTokens(piece.special_ids, piece.type_id));
      }
    }
    return out;
  }

 private:
  std::vector<TemplatePiece> single_;
  std::vector<TemplatePiece> pair_;
};

// BERT's [CLS] A [SEP] (B [SEP]) and RoBERTa's <s> A </s> (</s> B </s>).
class BertStyleProcessor final : public PostProcessor {
 public:
  BertStyleProcessor(uint32_t cls, uint32_t sep, bool roberta, std::optional<bool> trims_offsets)
      : cls_(cls), sep_(sep), roberta_(roberta), trims_offsets_(trims_offsets) {}

  std::optional<bool> TrimsOffsets() const override { return trims_offsets_; }

  size_t AddedTokens(bool is_pair) const override { return is_pair ? (roberta_ ? 4 : 3) : 2; }

  std::vector<Encoding> Process(std::vector<Encoding> sequences, bool add_special_tokens) const override {
    if (roberta_) {
      for (Encoding& sequence : sequences) sequence.type_ids.assign(sequence.size(), 0);
    }
    if (!add_special_tokens) return sequences;
    std::vector<Encoding> out;
    out.push_back(SpecialTokens({cls_}, 0));
    out.push_back(sequences[0]);
    out.push_back(SpecialTokens({sep_}, 0));
    if (sequences.size() == 2) {
      uint32_t pair_type = roberta_ ? 0 : 1;
      if (roberta_) out.push_back(SpecialTokens({sep_}, 0));
      out.push_back(sequences[1]);
      out.push_back(SpecialTokens({sep_}, pair_type));
    }
    return out;
  }

 private:
  uint32_t cls_;
  uint32_t sep_;
  bool roberta_;
  std::optional<bool> trims_offsets_;
};

// ByteLevel's: no tokens; may trim offsets.
class ByteLevelProcessor final : public PostProcessor {
 public:
  explicit ByteLevelProcessor(std::optional<bool> trims_offsets) : trims_offsets_(trims_offsets) {}
  size_t AddedTokens(bool) const override { return 0; }
  std::vector<Encoding> Process(std::vector<Encoding> sequences, bool) const override { return sequences; }
  std::optional<bool> TrimsOffsets() const override { return trims_offsets_; }

 private:
  std::optional<bool> trims_offsets_;
};

class SequenceProcessor final : public PostProcessor {
 public:
  explicit SequenceProcessor(std::vector<std::unique_ptr<PostProcessor>> steps) : steps_(std::move(steps)) {}

  size_t AddedTokens(bool is_pair) const override {
    size_t count = 0;
    for (const auto& step : steps_) count += step->AddedTokens(is_pair);
    return count;
  }

  std::vector<Encoding> Process(std::vector<Encoding> sequences, bool add_special_tokens) const override {
    for (const auto& step : steps_) sequences = step->Process(std::move(sequences), add_special_tokens);
    return sequences;
  }

  std::optional<bool> TrimsOffsets() const override {
    for (const auto& step : steps_) {
      if (auto trims = step->TrimsOffsets()) return trims;
    }
    return std::nullopt;
  }

 private:
  std::vector<std::unique_ptr<PostProcessor>> steps_;
};

// A [token, id] pair (BertProcessing's "cls" and "sep").
uint32_t TokenIdPair(const Json& json, const char* key, const char* part) {
  const Json& pair = JsonField(json, key, part);
  if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_number_unsigned()) {
    throw TokenizerFormatError(std::string(part) + ": '" + key + "' must be [token, id]");
  }
  return pair[1].get<uint32_t>();
}

std::vector<TemplatePiece> TemplateFromJson(const Json& list, const Json& special_tokens, const char* which) {
  std::string part = std::string("post_processor TemplateProcessing ") + which;
  if (!list.is_array()) throw TokenizerFormatError(part + " must be a list");
  std::vector<TemplatePiece> pieces;
  for (const Json& item : list) {
    if (item.is_object() && item.contains("Sequence")) {
      const Json& sequence = item["Sequence"];
      std::string id = JsonString(sequence, "id", part.c_str());
      if (id != "A" && id != "B") throw TokenizerFormatError(part + ": sequence id must be A or B");
      pieces.push_back(
          {true, id == "A" ? 0u : 1u, {}, static_cast<uint32_t>(JsonUnsigned(sequence, "type_id", part.c_str(), 0))});
    } else if (item.is_object() && item.contains("SpecialToken")) {
      const Json& special = item["SpecialToken"];
      std::string id = JsonString(special, "id", part.c_str());
      if (!special_tokens.is_object() || !special_tokens.contains(id)) {
        throw TokenizerFormatError(part + ": missing special token '" + id + "'");
      }
      const Json& ids = JsonField(special_tokens[id], "ids", part.c_str());
      if (!ids.is_array()) throw TokenizerFormatError(part + ": special token '" + id + "' ids must be a list");
      std::vector<uint32_t> special_ids;
      for (const Json& value : ids) {
        if (!value.is_number_unsigned()) throw TokenizerFormatError(part + ": special token ids must be integers");
        special_ids.push_back(value.get<uint32_t>());
      }
      pieces.push_back(
          {false, 0, std::move(special_ids), static_cast<uint32_t>(JsonUnsigned(special, "type_id", part.c_str(), 0))});
    } else {
      throw TokenizerFormatError(part + ": each piece must be {\"Sequence\": ...} or {\"SpecialToken\": ...}");
    }
  }
  return pieces;
}

// add_prefix_space when the processor's trim_offsets (default true) is on.
std::optional<bool> OffsetTrimmingFromJson(const Json& json, const char* part) {
  if (!JsonBool(json, "trim_offsets", part, true)) return std::nullopt;
  return JsonBool(json, "add_prefix_space", part, true);
}

// The number of code points at the start (or end) of `token` that are 'Ġ' or whitespace.
size_t CountSpaces(const std::string& token, bool from_end) {
  std::vector<char32_t> characters;
  size_t position = 0;
  while (position < token.size()) characters.push_back(DecodeUtf8(token, position));
  static const char32_t space_character = [] {
    size_t at = 0;
    return DecodeUtf8(ByteLevelCharacter(' '), at);
  }();
  size_t count = 0;
  for (size_t i = 0; i < characters.size(); ++i) {
    char32_t c = characters[from_end ? characters.size() - 1 - i : i];
    if (c != space_character && !IsWhitespace(c)) break;
    ++count;
  }
  return count;
}

}  // namespace

void TrimByteLevelOffsets(Encoding& encoding, bool add_prefix_space) {
  for (size_t i = 0; i < encoding.offsets.size() && i < encoding.tokens.size(); ++i) {
    auto& [start, end] = encoding.offsets[i];
    size_t leading = CountSpaces(encoding.tokens[i], false);
    size_t trailing = CountSpaces(encoding.tokens[i], true);
    if (leading > 0) {
      bool is_first = i == 0 || start == 0;
      if (is_first && add_prefix_space && leading == 1) leading = 0;
      start = static_cast<uint32_t>(std::min<size_t>(start + leading, end));
    }
    if (trailing > 0 && end >= trailing) end = static_cast<uint32_t>(std::max<size_t>(end - trailing, start));
  }
}

std::unique_ptr<PostProcessor> PostProcessorFromJson(const Json& json) {
  if (json.is_null()) return nullptr;
  std::string type = JsonType(json, "post_processor");
  if (type == "TemplateProcessing") {
    const char* part = "post_processor TemplateProcessing";
    const Json& special_tokens = json.contains("special_tokens") ? json["special_tokens"] : Json::object();
    return std::make_unique<TemplateProcessor>(
        TemplateFromJson(JsonField(json, "single", part), special_tokens, "single"),
        TemplateFromJson(JsonField(json, "pair", part), special_tokens, "pair"));
  }
  if (type == "BertProcessing" || type == "RobertaProcessing") {
    std::string part = "post_processor " + type;
    bool roberta = type == "RobertaProcessing";
    return std::make_unique<BertStyleProcessor>(TokenIdPair(json, "cls", part.c_str()),
                                                TokenIdPair(json, "sep", part.c_str()), roberta,
                                                roberta ? OffsetTrimmingFromJson(json, part.c_str()) : std::nullopt);
  }
  if (type == "ByteLevel") {
    return std::make_unique<ByteLevelProcessor>(OffsetTrimmingFromJson(json, "post_processor ByteLevel"));
  }
  if (type == "Sequence") {
    return std::make_unique<SequenceProcessor>(
        JsonSteps<PostProcessor>(json, "processors", "post_processor Sequence", PostProcessorFromJson));
  }
  throw TokenizerFormatError("unknown post_processor type '" + type + "'");
}

}  // namespace quarry::text
