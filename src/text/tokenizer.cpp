// The tokenizer pipeline and tokenizer.json loading (see tokenizer.hpp).
#include "text/tokenizer.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "text/added_vocabulary.hpp"
#include "text/decoders.hpp"
#include "text/normalizers.hpp"
#include "text/post_processors.hpp"
#include "text/pre_tokenizers.hpp"
#include "text/token_model.hpp"
#include "text/tokenizer_json.hpp"
#include "text/utf8.hpp"

namespace quarry::text {
namespace {

TruncationOptions TruncationFromJson(const Json& json) {
  const char* part = "truncation";
  TruncationOptions options;
  options.max_length = JsonUnsigned(json, "max_length", part, 512);
  options.stride = JsonUnsigned(json, "stride", part, 0);
  std::string strategy = json.contains("strategy") ? JsonString(json, "strategy", part) : "LongestFirst";
  if (strategy == "LongestFirst") {
    options.strategy = TruncationStrategy::kLongestFirst;
  } else if (strategy == "OnlyFirst") {
    options.strategy = TruncationStrategy::kOnlyFirst;
  } else if (strategy == "OnlySecond") {
    options.strategy = TruncationStrategy::kOnlySecond;
  } else {
    throw TokenizerFormatError("truncation: unknown strategy '" + strategy + "'");
  }
  std::string direction = json.contains("direction") ? JsonString(json, "direction", part) : "Right";
  if (direction != "Right" && direction != "Left") {
    throw TokenizerFormatError("truncation: unknown direction '" + direction + "'");
  }
  options.direction = direction == "Left" ? TruncationDirection::kLeft : TruncationDirection::kRight;
  return options;
}

PaddingOptions PaddingFromJson(const Json& json) {
  const char* part = "padding";
  PaddingOptions options;
  if (json.contains("strategy")) {
    const Json& strategy = json["strategy"];
    if (strategy.is_object() && strategy.contains("Fixed")) {
      options.fixed_length = JsonUnsigned(strategy, "Fixed", part, 0);
    } else if (!(strategy.is_string() && strategy.get<std::string>() == "BatchLongest")) {
      throw TokenizerFormatError("padding: strategy must be \"BatchLongest\" or {\"Fixed\": n}");
    }
  }
  options.multiple_of = JsonUnsigned(json, "pad_to_multiple_of", part, 0);
  // Bounds a file's padding so that one short text cannot allocate without limit.
  constexpr uint64_t kMaxPaddedLength = 1 << 20;
  if (options.fixed_length.value_or(0) > kMaxPaddedLength || options.multiple_of > kMaxPaddedLength) {
    throw TokenizerFormatError("padding: lengths above 1048576 tokens are not supported");
  }
  options.pad_left = json.contains("direction") && JsonString(json, "direction", part) == "Left";
  options.pad_id = static_cast<uint32_t>(JsonUnsigned(json, "pad_id", part, 0));
  options.pad_type_id = static_cast<uint32_t>(JsonUnsigned(json, "pad_type_id", part, 0));
  return options;
}

// Truncates one or two sequences to `max_length` tokens together (truncate_encodings).
Result<std::vector<Encoding>> Truncate(std::vector<Encoding> sequences, size_t max_length,
                                       const TruncationOptions& options) {
  auto cut = [&](Encoding& encoding, size_t length) {
    if (length >= encoding.size()) return;
    encoding = options.direction == TruncationDirection::kRight
                   ? encoding.Slice(0, length)
                   : encoding.Slice(encoding.size() - length, encoding.size());
  };
  size_t total = 0;
  for (const Encoding& sequence : sequences) total += sequence.size();
  if (total <= max_length) return sequences;
  size_t to_remove = total - max_length;
  if (options.strategy == TruncationStrategy::kLongestFirst) {
    if (sequences.size() == 2) {
      size_t n1 = sequences[0].size();
      size_t n2 = sequences[1].size();
      bool swap = n1 > n2;
      if (swap) std::swap(n1, n2);
      if (n1 > max_length) {
        n2 = n1;
      } else {
        n2 = std::max(n1, max_length - n1);
      }
      if (n1 + n2 > max_length) {
        n1 = max_length / 2;
        n2 = n1 + max_length % 2;
      }
      if (swap) std::swap(n1, n2);
      cut(sequences[0], n1);
      cut(sequences[1], n2);
    } else {
      cut(sequences[0], total - to_remove);
    }
    return sequences;
  }
  size_t target = options.strategy == TruncationStrategy::kOnlyFirst ? 0 : 1;
  if (target >= sequences.size()) return Error{"truncation only_second needs a second sequence"};
  if (sequences[target].size() <= to_remove) {
    return Error{"truncation error: the sequence to truncate is too short for the special tokens and max_length"};
  }
  cut(sequences[target], sequences[target].size() - to_remove);
  return sequences;
}

// The input's byte range for piece bytes [begin, end) (an empty piece maps to nothing: (0, 0)).
ByteRange OriginalRangeOf(const NormalizedText& piece, size_t begin, size_t end) {
  if (end <= begin || piece.alignments.size() < end) return {0, 0};
  return piece.OriginalRange(begin, end);
}

// Byte offsets in `text` as code point offsets (Hugging Face's BytesToCharOffsetConverter: a byte inside
// a character counts as that character; an end at the text's end is one past the last character).
std::vector<std::pair<uint32_t, uint32_t>> CharacterOffsets(std::string_view text,
                                                            const std::vector<ByteRange>& byte_offsets) {
  std::vector<uint32_t> character_of_byte(text.size());
  uint32_t character = 0;
  for (size_t position = 0; position < text.size();) {
    size_t end = position + Utf8Length(text[position]);
    for (size_t i = position; i < end && i < text.size(); ++i) character_of_byte[i] = character;
    ++character;
    position = end;
  }
  std::vector<std::pair<uint32_t, uint32_t>> offsets;
  offsets.reserve(byte_offsets.size());
  for (const auto& [start, end] : byte_offsets) {
    if (start >= text.size()) {
      offsets.push_back({static_cast<uint32_t>(start), static_cast<uint32_t>(end)});  // kept as is, as HF
    } else if (end < text.size()) {
      offsets.push_back({character_of_byte[start], character_of_byte[end]});
    } else {
      offsets.push_back({character_of_byte[start], character_of_byte[text.size() - 1] + 1});
    }
  }
  return offsets;
}

}  // namespace

Tokenizer::Tokenizer() = default;
Tokenizer::~Tokenizer() = default;

Result<std::shared_ptr<const Tokenizer>> Tokenizer::Load(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Error{"cannot read tokenizer file: " + path};
  std::ostringstream contents;
  contents << file.rdbuf();
  if (!file.good() && !file.eof()) return Error{"cannot read tokenizer file: " + path};
  return FromJson(contents.str(), path);
}

Result<std::shared_ptr<const Tokenizer>> Tokenizer::FromJson(std::string_view json_text, const std::string& name) {
  Json json;
  try {
    json = Json::parse(json_text.begin(), json_text.end());
  } catch (const Json::exception& error) {
    return Error{"not a tokenizer.json (invalid JSON): " + name + ": " + error.what()};
  }
  if (!json.is_object() || !json.contains("model")) {
    return Error{"not a tokenizer.json (no \"model\"): " + name};
  }
  std::shared_ptr<Tokenizer> tokenizer(new Tokenizer());
  try {
    if (json.contains("version") && json["version"].is_string() && json["version"].get<std::string>() != "1.0") {
      throw TokenizerFormatError("unknown tokenizer version '" + json["version"].get<std::string>() + "'");
    }
    auto field = [&](const char* key) -> const Json& {
      static const Json null_json;
      auto found = json.find(key);
      return found == json.end() ? null_json : *found;
    };
    tokenizer->normalizer_ = NormalizerFromJson(field("normalizer"));
    tokenizer->pre_tokenizer_ = PreTokenizerFromJson(field("pre_tokenizer"));
    tokenizer->model_ = TokenModelFromJson(field("model"));
    tokenizer->post_processor_ = PostProcessorFromJson(field("post_processor"));
    tokenizer->decoder_ = DecoderFromJson(field("decoder"));
    if (!field("truncation").is_null()) tokenizer->truncation_ = TruncationFromJson(field("truncation"));
    if (!field("padding").is_null()) tokenizer->padding_ = PaddingFromJson(field("padding"));
    tokenizer->added_vocabulary_ =
        std::make_unique<AddedVocabulary>(field("added_tokens"), *tokenizer->model_, tokenizer->normalizer_.get());
  } catch (const TokenizerFormatError& error) {
    return Error{"cannot use tokenizer " + name + ": " + error.what()};
  } catch (const Json::exception& error) {
    return Error{"cannot use tokenizer " + name + ": " + error.what()};
  }
  return std::shared_ptr<const Tokenizer>(std::move(tokenizer));
}

Result<Encoding> Tokenizer::EncodeSequence(std::string_view text, uint32_t type_id, bool with_offsets) const {
  if (auto invalid = FindInvalidUtf8(text)) {
    return Error{"text is not valid UTF-8 at byte " + std::to_string(*invalid)};
  }
  PreTokenizedText pieces = added_vocabulary_->ExtractAndNormalize(text, normalizer_.get(), with_offsets);
  if (pre_tokenizer_) pre_tokenizer_->PreTokenize(pieces);
  std::vector<uint32_t> ids;
  ids.reserve(text.size() / 3 + 4);
  std::vector<ByteRange> byte_offsets;  // in `text`, when with_offsets
  std::vector<ByteRange> word_ranges;
  std::vector<std::string> tokens;  // when with_offsets
  std::string error;
  for (const TextPiece& piece : pieces) {
    if (piece.is_added_token) {
      ids.push_back(piece.added_token_id);
      if (with_offsets) {
        byte_offsets.push_back(OriginalRangeOf(piece, 0, piece.text.size()));
        tokens.push_back(piece.text);
      }
      continue;
    }
    size_t first_new = ids.size();
    word_ranges.clear();
    if (!model_->Tokenize(piece.text, ids, error, with_offsets ? &word_ranges : nullptr)) {
      std::string word = piece.text.size() > 40 ? piece.text.substr(0, 40) + "..." : piece.text;
      return Error{"cannot tokenize \"" + LossyUtf8(word) + "\": " + error};
    }
    for (const ByteRange& range : word_ranges)
      byte_offsets.push_back(OriginalRangeOf(piece, range.first, range.second));
    for (size_t i = first_new; with_offsets && i < ids.size(); ++i) {
      const std::string* token = model_->IdToToken(ids[i]);
      tokens.push_back(token != nullptr ? *token : std::string());
    }
  }
  Encoding encoding = EncodingOf(std::move(ids), type_id);
  if (with_offsets) {
    encoding.offsets = CharacterOffsets(text, byte_offsets);
    encoding.tokens = std::move(tokens);
  }
  return encoding;
}

size_t Tokenizer::AddedTokenCount(bool is_pair, bool add_special_tokens) const {
  if (!add_special_tokens || !post_processor_) return 0;
  return post_processor_->AddedTokens(is_pair);
}

Encoding Tokenizer::PostProcess(std::vector<Encoding> sequences, bool add_special_tokens) const {
  if (post_processor_) sequences = post_processor_->Process(std::move(sequences), add_special_tokens);
  Encoding result;
  for (const Encoding& part : sequences) result.Append(part);
  return result;
}

void Tokenizer::TrimOffsets(Encoding& sequence) const {
  if (sequence.offsets.empty() || !post_processor_) return;
  if (auto add_prefix_space = post_processor_->TrimsOffsets()) {
    TrimByteLevelOffsets(sequence, *add_prefix_space);
  }
}

Result<Encoding> Tokenizer::Encode(std::string_view text, bool add_special_tokens, std::optional<std::string_view> pair,
                                   bool with_offsets) const {
  std::vector<Encoding> sequences;
  auto first = EncodeSequence(text, 0, with_offsets);
  if (!first.ok()) return Error{first.error()};
  sequences.push_back(std::move(first).value());
  if (pair) {
    auto second = EncodeSequence(*pair, 1, with_offsets);
    if (!second.ok()) return Error{second.error()};
    sequences.push_back(std::move(second).value());
  }
  if (truncation_) {
    size_t added = AddedTokenCount(pair.has_value(), add_special_tokens);
    size_t max_length = truncation_->max_length > added ? truncation_->max_length - added : 0;
    auto truncated = Truncate(std::move(sequences), max_length, *truncation_);
    if (!truncated.ok()) return Error{truncated.error()};
    sequences = std::move(truncated).value();
  }
  for (Encoding& sequence : sequences) TrimOffsets(sequence);
  Encoding encoding = PostProcess(std::move(sequences), add_special_tokens);
  if (padding_) {
    size_t length = padding_->fixed_length.value_or(encoding.size());
    if (padding_->multiple_of > 0 && length % padding_->multiple_of != 0) {
      length += padding_->multiple_of - length % padding_->multiple_of;
    }
    PadEncoding(encoding, length, *padding_);
  }
  if (with_offsets) {
    encoding.offsets.resize(encoding.size(), {0, 0});
    encoding.tokens.resize(encoding.size());
  }
  return encoding;
}

Result<std::vector<Encoding>> Tokenizer::EncodeWindows(std::string_view text, bool add_special_tokens,
                                                       const TruncationOptions& truncation, bool with_offsets) const {
  auto sequence = EncodeSequence(text, 0, with_offsets);
  if (!sequence.ok()) return Error{sequence.error()};
  size_t added = AddedTokenCount(false, add_special_tokens);
  if (truncation.max_length <= added) return Error{"max_length leaves no room besides the special tokens"};
  size_t room = truncation.max_length - added;
  if (truncation.stride >= room) return Error{"stride must be less than max_length minus the special tokens"};
  std::vector<Encoding> windows;
  for (Encoding& window : TruncationWindows(sequence.value(), room, truncation.stride, truncation.direction)) {
    TrimOffsets(window);
    std::vector<Encoding> sequences;
    sequences.push_back(std::move(window));
    windows.push_back(PostProcess(std::move(sequences), add_special_tokens));
    if (with_offsets) {
      windows.back().offsets.resize(windows.back().size(), {0, 0});
      windows.back().tokens.resize(windows.back().size());
    }
  }
  return windows;
}

Result<std::string> Tokenizer::Decode(const std::vector<uint32_t>& ids, bool skip_special_tokens) const {
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (uint32_t id : ids) {
    if (const AddedToken* added = added_vocabulary_->TokenOfId(id)) {
      if (skip_special_tokens && added->special) continue;
      tokens.push_back(added->content);
    } else if (const std::string* token = model_->IdToToken(id)) {
      if (skip_special_tokens && added_vocabulary_->IsSpecial(*token)) continue;
      tokens.push_back(*token);
    }
  }
  if (!decoder_) {
    std::string joined;
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (i > 0) joined.push_back(' ');
      joined.append(tokens[i]);
    }
    return joined;
  }
  std::string text;
  for (const std::string& piece : decoder_->DecodeChain(std::move(tokens))) text.append(piece);
  return text;
}

std::optional<uint32_t> Tokenizer::TokenToId(std::string_view token) const {
  if (auto id = added_vocabulary_->TokenToId(token)) return id;
  return model_->TokenToId(token);
}

std::optional<std::string> Tokenizer::IdToToken(uint32_t id) const {
  if (const AddedToken* added = added_vocabulary_->TokenOfId(id)) return added->content;
  if (const std::string* token = model_->IdToToken(id)) return *token;
  return std::nullopt;
}

size_t Tokenizer::VocabularySize() const {
  size_t size = model_->VocabularySize();
  for (size_t id = size;; ++id) {
    if (!added_vocabulary_->TokenOfId(static_cast<uint32_t>(id))) return id;
  }
}

void PadEncoding(Encoding& encoding, size_t length, const PaddingOptions& options) {
  if (encoding.size() >= length) return;
  size_t count = length - encoding.size();
  Encoding pad;
  pad.ids.assign(count, options.pad_id);
  pad.type_ids.assign(count, options.pad_type_id);
  pad.special_tokens_mask.assign(count, 1);
  pad.attention_mask.assign(count, 0);
  if (!encoding.offsets.empty()) {
    pad.offsets.assign(count, {0, 0});
    pad.tokens.resize(count);
  }
  if (options.pad_left) {
    pad.Append(encoding);
    encoding = std::move(pad);
  } else {
    encoding.Append(pad);
  }
}

}  // namespace quarry::text
