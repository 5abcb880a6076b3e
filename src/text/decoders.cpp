// The decoders of tokenizer.json (see decoders.hpp).
#include "text/decoders.hpp"

#include "text/byte_level.hpp"
#include "text/regex_pattern.hpp"
#include "text/utf8.hpp"

namespace quarry::text {
namespace {

std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
  if (from.empty()) return text;
  std::string out;
  size_t last = 0;
  for (size_t found = text.find(from); found != std::string::npos; found = text.find(from, last)) {
    out.append(text, last, found - last).append(to);
    last = found + from.size();
  }
  out.append(text, last, std::string::npos);
  return out;
}

// Joins byte-level tokens into bytes (a token with a code point outside the alphabet is kept as its
// UTF-8), then reads them as UTF-8, invalid sequences becoming U+FFFD.
class ByteLevelDecoder final : public Decoder {
 public:
  std::vector<std::string> DecodeChain(std::vector<std::string> tokens) const override {
    std::string bytes;
    for (const std::string& token : tokens) {
      std::string token_bytes;
      bool all_mapped = true;
      size_t position = 0;
      while (position < token.size()) {
        auto byte = ByteOfByteLevelCharacter(DecodeUtf8(token, position));
        if (!byte) {
          all_mapped = false;
          break;
        }
        token_bytes.push_back(static_cast<char>(*byte));
      }
      bytes.append(all_mapped ? token_bytes : token);
    }
    return {LossyUtf8(bytes)};
  }
};

std::string WordPieceCleanup(std::string text) {
  static const std::pair<const char*, const char*> kRules[] = {
      {" .", "."},   {" ?", "?"},           {" !", "!"},   {" ,", ","},     {" ' ", "'"},   {" n't", "n't"},
      {" 'm", "'m"}, {" do not", " don't"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
  for (const auto& [from, to] : kRules) text = ReplaceAll(std::move(text), from, to);
  return text;
}

class WordPieceDecoder final : public Decoder {
 public:
  WordPieceDecoder(std::string prefix, bool cleanup) : prefix_(std::move(prefix)), cleanup_(cleanup) {}
  std::vector<std::string> DecodeChain(std::vector<std::string> tokens) const override {
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (i != 0) {
        if (tokens[i].compare(0, prefix_.size(), prefix_) == 0) {
          tokens[i].erase(0, prefix_.size());
        } else {
          tokens[i] = " " + tokens[i];
        }
      }
      if (cleanup_) tokens[i] = WordPieceCleanup(std::move(tokens[i]));
    }
    return tokens;
  }

 private:
  std::string prefix_;
  bool cleanup_;
};

class MetaspaceDecoder final : public Decoder {
 public:
  MetaspaceDecoder(char32_t replacement, bool prepends) : replacement_(replacement), prepends_(prepends) {}
  std::vector<std::string> DecodeChain(std::vector<std::string> tokens) const override {
    for (size_t i = 0; i < tokens.size(); ++i) {
      std::string out;
      size_t position = 0;
      while (position < tokens[i].size()) {
        char32_t c = DecodeUtf8(tokens[i], position);
        if (c == replacement_) {
          if (!(i == 0 && prepends_)) out.push_back(' ');
        } else {
          AppendUtf8(out, c);
        }
      }
      tokens[i] = std::move(out);
    }
    return tokens;
  }

 private:
  char32_t replacement_;
  bool prepends_;
};

class ReplaceDecoder final : public Decoder {
 public:
  ReplaceDecoder(std::shared_ptr<const RegexPattern> pattern, std::string content)
      : pattern_(std::move(pattern)), content_(std::move(content)) {}
  std::vector<std::string> DecodeChain(std::vector<std::string> tokens) const override {
    std::vector<std::pair<size_t, size_t>> matches;
    for (std::string& token : tokens) {
      matches.clear();
      pattern_->FindAll(token, matches);
      if (matches.empty()) continue;
      std::string out;
      size_t last = 0;
      for (const auto& [start, end] : matches) {
        out.append(token, last, start - last).append(content_);
        last = end;
      }
      out.append(token, last, std::string::npos);
      token = std::move(out);
    }
    return tokens;
  }

 private:
  std::shared_ptr<const RegexPattern> pattern_;
  std::string content_;
};

// Runs of <0xNN> tokens become the text their bytes spell, or one U+FFFD per byte when not UTF-8.
class ByteFallbackDecoder final : public Decoder {
 public:
  std::vector<std::string> DecodeChain(std::vector<std::string> tokens) const override {
    std::vector<std::string> out;
    std::string pending;
    auto flush = [&] {
      if (pending.empty()) return;
      if (!FindInvalidUtf8(pending)) {
        out.push_back(pending);
      } else {
        for (size_t i = 0; i < pending.size(); ++i) out.push_back("\xEF\xBF\xBD");
      }
      pending.clear();
    };
    for (std::string& token : tokens) {
      if (auto byte = ByteOfToken(token)) {
        pending.push_back(static_cast<char>(*byte));
      } else {
        flush();
        out.push_back(std::move(token));
      }
    }
    flush();
    return out;
  }

 private:
  static std::optional<uint8_t> ByteOfToken(const std::string& token) {
    if (token.size() != 6 || token.compare(0, 3, "<0x") != 0 || token[5] != '>') return std::nullopt;
    auto digit = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    int high = digit(token[3]);
    int low = digit(token[4]);
    if (high < 0 || low < 0) return std::nullopt;
    return static_cast<uint8_t>(high * 16 + low);
  }
};

class FuseDecoder final : public Decoder {
 public:
  std::vector<std::string> DecodeChain(std::vector<std::string> tokens) const override {
    std::string joined;
    for (const std::string& token : tokens) joined.append(token);
    return {joined};
  }
};

// Removes up to `start` leading and `stop` trailing occurrences of one character from each token.
class StripDecoder final : public Decoder {
 public:
  StripDecoder(char32_t content, size_t start, size_t stop) : content_(content), start_(start), stop_(stop) {}
  std::vector<std::string> DecodeChain(std::vector<std::string> tokens) const override {
    for (std::string& token : tokens) {
      std::u32string characters;
      size_t position = 0;
      while (position < token.size()) characters.push_back(DecodeUtf8(token, position));
      size_t begin = 0;
      while (begin < start_ && begin < characters.size() && characters[begin] == content_) ++begin;
      size_t end = characters.size();
      for (size_t i = 0; i < stop_ && end > begin && characters[end - 1] == content_; ++i) --end;
      std::string out;
      for (size_t i = begin; i < end; ++i) AppendUtf8(out, characters[i]);
      token = std::move(out);
    }
    return tokens;
  }

 private:
  char32_t content_;
  size_t start_;
  size_t stop_;
};

class BpeSuffixDecoder final : public Decoder {
 public:
  explicit BpeSuffixDecoder(std::string suffix) : suffix_(std::move(suffix)) {}
  std::vector<std::string> DecodeChain(std::vector<std::string> tokens) const override {
    for (size_t i = 0; i < tokens.size(); ++i) {
      tokens[i] = ReplaceAll(std::move(tokens[i]), suffix_, i + 1 == tokens.size() ? "" : " ");
    }
    return tokens;
  }

 private:
  std::string suffix_;
};

// CTC: repeated tokens collapse, the pad token goes, the word delimiter becomes a space.
class CtcDecoder final : public Decoder {
 public:
  CtcDecoder(std::string pad_token, std::string word_delimiter, bool cleanup)
      : pad_token_(std::move(pad_token)), word_delimiter_(std::move(word_delimiter)), cleanup_(cleanup) {}
  std::vector<std::string> DecodeChain(std::vector<std::string> tokens) const override {
    std::vector<std::string> out;
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (i > 0 && tokens[i] == tokens[i - 1]) continue;
      std::string token = ReplaceAll(tokens[i], pad_token_, "");
      if (cleanup_) token = ReplaceAll(WordPieceCleanup(std::move(token)), word_delimiter_, " ");
      if (!token.empty()) out.push_back(std::move(token));
    }
    return out;
  }

 private:
  std::string pad_token_;
  std::string word_delimiter_;
  bool cleanup_;
};

class SequenceDecoder final : public Decoder {
 public:
  explicit SequenceDecoder(std::vector<std::unique_ptr<Decoder>> steps) : steps_(std::move(steps)) {}
  std::vector<std::string> DecodeChain(std::vector<std::string> tokens) const override {
    for (const auto& step : steps_) tokens = step->DecodeChain(std::move(tokens));
    return tokens;
  }

 private:
  std::vector<std::unique_ptr<Decoder>> steps_;
};

}  // namespace

std::unique_ptr<Decoder> DecoderFromJson(const Json& json) {
  if (json.is_null()) return nullptr;
  std::string type = JsonType(json, "decoder");
  if (type == "ByteLevel") return std::make_unique<ByteLevelDecoder>();
  if (type == "WordPiece") {
    const char* part = "decoder WordPiece";
    std::string prefix = json.contains("prefix") ? JsonString(json, "prefix", part) : "##";
    return std::make_unique<WordPieceDecoder>(prefix, JsonBool(json, "cleanup", part, true));
  }
  if (type == "Metaspace") {
    const char* part = "decoder Metaspace";
    bool prepends = true;
    if (json.contains("prepend_scheme") && json["prepend_scheme"].is_string()) {
      prepends = json["prepend_scheme"].get<std::string>() != "never";
    }
    if (!JsonBool(json, "add_prefix_space", part, true)) prepends = false;
    return std::make_unique<MetaspaceDecoder>(JsonCharacter(json, "replacement", part), prepends);
  }
  if (type == "Replace") {
    const char* part = "decoder Replace";
    return std::make_unique<ReplaceDecoder>(JsonPattern(json, part), JsonString(json, "content", part));
  }
  if (type == "ByteFallback") return std::make_unique<ByteFallbackDecoder>();
  if (type == "Fuse") return std::make_unique<FuseDecoder>();
  if (type == "Strip") {
    const char* part = "decoder Strip";
    return std::make_unique<StripDecoder>(JsonCharacter(json, "content", part), JsonUnsigned(json, "start", part, 0),
                                          JsonUnsigned(json, "stop", part, 0));
  }
  if (type == "BPEDecoder") {
    std::string suffix = json.contains("suffix") ? JsonString(json, "suffix", "decoder BPEDecoder") : "</w>";
    return std::make_unique<BpeSuffixDecoder>(suffix);
  }
  if (type == "CTC") {
    const char* part = "decoder CTC";
    std::string pad = json.contains("pad_token") ? JsonString(json, "pad_token", part) : "<pad>";
    std::string delimiter =
        json.contains("word_delimiter_token") ? JsonString(json, "word_delimiter_token", part) : "|";
    return std::make_unique<CtcDecoder>(pad, delimiter, JsonBool(json, "cleanup", part, true));
  }
  if (type == "Sequence") {
    return std::make_unique<SequenceDecoder>(JsonSteps<Decoder>(json, "decoders", "decoder Sequence", DecoderFromJson));
  }
  throw TokenizerFormatError("unknown decoder type '" + type + "'");
}

}  // namespace quarry::text
