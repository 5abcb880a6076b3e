// Added tokens: matching and ids (see added_vocabulary.hpp).
#include "text/added_vocabulary.hpp"

#include <algorithm>
#include <bitset>

#include "text/unicode_properties.hpp"
#include "text/utf8.hpp"

namespace quarry::text {

// Leftmost-longest, non-overlapping matching of a set of strings (as the double-array Aho-Corasick
// automaton with MatchKind::LeftmostLongest the reference uses): a byte trie walked from each position.
class AddedVocabulary::Matcher {
 public:
  void Add(std::string_view pattern, uint32_t id) {
    if (pattern.empty()) return;
    uint32_t node = 0;
    for (char byte : pattern) {
      uint64_t key = (static_cast<uint64_t>(node) << 8) | static_cast<uint8_t>(byte);
      auto found = edges_.find(key);
      if (found == edges_.end()) {
        auto child = static_cast<uint32_t>(ids_.size());
        ids_.push_back(-1);
        edges_.emplace(key, child);
        node = child;
      } else {
        node = found->second;
      }
    }
    ids_[node] = id;
    first_bytes_.set(static_cast<uint8_t>(pattern[0]));
  }

  bool empty() const { return edges_.empty(); }

  struct Match {
    size_t start;
    size_t end;
    uint32_t id;
  };

  // Successive leftmost-longest matches in `text`.
  std::vector<Match> FindAll(std::string_view text) const {
    std::vector<Match> matches;
    size_t position = 0;
    while (position < text.size()) {
      if (!first_bytes_.test(static_cast<uint8_t>(text[position]))) {
        ++position;
        continue;
      }
      uint32_t node = 0;
      int64_t best_end = -1;
      uint32_t best_id = 0;
      for (size_t i = position; i < text.size(); ++i) {
        auto found = edges_.find((static_cast<uint64_t>(node) << 8) | static_cast<uint8_t>(text[i]));
        if (found == edges_.end()) break;
        node = found->second;
        if (ids_[node] >= 0) {
          best_end = static_cast<int64_t>(i + 1);
          best_id = static_cast<uint32_t>(ids_[node]);
        }
      }
      if (best_end < 0) {
        ++position;
        continue;
      }
      matches.push_back({position, static_cast<size_t>(best_end), best_id});
      position = static_cast<size_t>(best_end);
    }
    return matches;
  }

 private:
  std::unordered_map<uint64_t, uint32_t> edges_;
  std::vector<int64_t> ids_ = std::vector<int64_t>(1, -1);
  std::bitset<256> first_bytes_;
};

AddedVocabulary::~AddedVocabulary() = default;

AddedVocabulary::AddedVocabulary(const Json& tokens, const TokenModel& model, const Normalizer* normalizer)
    : raw_matcher_(std::make_unique<Matcher>()), normalized_matcher_(std::make_unique<Matcher>()) {
  if (tokens.is_null()) return;
  if (!tokens.is_array()) throw TokenizerFormatError("added_tokens must be a list");
  auto next_id = static_cast<uint32_t>(model.VocabularySize());
  const char* part = "added_tokens";
  for (const Json& entry : tokens) {
    AddedToken token;
    token.content = JsonString(entry, "content", part);
    token.single_word = JsonBool(entry, "single_word", part, false);
    token.lstrip = JsonBool(entry, "lstrip", part, false);
    token.rstrip = JsonBool(entry, "rstrip", part, false);
    token.normalized = JsonBool(entry, "normalized", part, true);
    token.special = JsonBool(entry, "special", part, false);
    if (token.content.empty()) continue;
    uint32_t id;
    if (auto known = TokenToId(token.content)) {
      id = *known;
    } else if (auto in_model = model.TokenToId(token.content)) {
      id = *in_model;
    } else {
      id = next_id++;
    }
    ids_by_content_[token.content] = id;
    tokens_by_id_[id] = std::move(token);
  }
  for (const auto& [id, token] : tokens_by_id_) {
    if (!token.normalized) {
      raw_matcher_->Add(token.content, id);
    } else {
      NormalizedText pattern{token.content, {}};
      if (normalizer != nullptr) normalizer->Normalize(pattern);
      normalized_matcher_->Add(pattern.text, id);
    }
  }
}

std::optional<uint32_t> AddedVocabulary::TokenToId(std::string_view token) const {
  auto found = ids_by_content_.find(token);
  if (found == ids_by_content_.end()) return std::nullopt;
  return found->second;
}

const AddedToken* AddedVocabulary::TokenOfId(uint32_t id) const {
  auto found = tokens_by_id_.find(id);
  return found == tokens_by_id_.end() ? nullptr : &found->second;
}

bool AddedVocabulary::IsSpecial(std::string_view content) const {
  auto id = TokenToId(content);
  if (!id) return false;
  const AddedToken* token = TokenOfId(*id);
  return token != nullptr && token->special;
}

namespace {

// The code point that ends text[0, end) (REQUIRES end > 0).
char32_t LastCodePoint(std::string_view text, size_t end) {
  size_t start = end - 1;
  while (start > 0 && (static_cast<uint8_t>(text[start]) & 0xC0) == 0x80) --start;
  return DecodeUtf8(text, start);
}

}  // namespace

void AddedVocabulary::SplitOnMatches(PreTokenizedText& pieces, const Matcher& matcher) const {
  PreTokenizedText result;
  result.reserve(pieces.size());
  for (TextPiece& piece : pieces) {
    if (piece.is_added_token || matcher.empty()) {
      if (piece.is_added_token || !piece.text.empty()) result.push_back(std::move(piece));
      continue;
    }
    const std::string& text = piece.text;
    auto push_text = [&](size_t begin, size_t end) {
      if (end <= begin) return;
      TextPiece sub;
      static_cast<NormalizedText&>(sub) = SliceOf(piece, begin, end);
      sub.at_input_start = piece.at_input_start && begin == 0;
      result.push_back(std::move(sub));
    };
    size_t start_offset = 0;
    for (const Matcher::Match& match : matcher.FindAll(text)) {
      size_t start = match.start;
      size_t stop = match.end;
      const AddedToken& token = tokens_by_id_.at(match.id);
      if (token.single_word) {
        bool word_before = start > 0 && IsRegexWordCharacter(LastCodePoint(text, start));
        size_t after = stop;
        bool word_after = stop < text.size() && IsRegexWordCharacter(DecodeUtf8(text, after));
        if (word_before || word_after) continue;
      }
      if (token.lstrip) {
        size_t new_start = start;
        while (new_start > 0) {
          size_t begin = new_start - 1;
          while (begin > 0 && (static_cast<uint8_t>(text[begin]) & 0xC0) == 0x80) --begin;
          size_t probe = begin;
          if (!IsWhitespace(DecodeUtf8(text, probe))) break;
          new_start = begin;
        }
        start = std::max(new_start, start_offset);
      }
      if (token.rstrip) {
        while (stop < text.size()) {
          size_t next = stop;
          if (!IsWhitespace(DecodeUtf8(text, next))) break;
          stop = next;
        }
      }
      push_text(start_offset, start);
      TextPiece added;
      static_cast<NormalizedText&>(added) = SliceOf(piece, start, stop);
      added.at_input_start = piece.at_input_start && start == 0;
      added.is_added_token = true;
      added.added_token_id = match.id;
      result.push_back(std::move(added));
      start_offset = stop;
    }
    push_text(start_offset, text.size());
  }
  pieces = std::move(result);
}

PreTokenizedText AddedVocabulary::ExtractAndNormalize(std::string_view text, const Normalizer* normalizer,
                                                      bool track_offsets) const {
  PreTokenizedText pieces;
  TextPiece whole;
  static_cast<NormalizedText&>(whole) = AlignedInput(text, track_offsets);
  whole.at_input_start = true;
  pieces.push_back(std::move(whole));
  SplitOnMatches(pieces, *raw_matcher_);
  for (TextPiece& piece : pieces) {
    if (!piece.is_added_token && normalizer != nullptr) normalizer->Normalize(piece);
  }
  SplitOnMatches(pieces, *normalized_matcher_);
  pieces.erase(std::remove_if(pieces.begin(), pieces.end(),
                              [](const TextPiece& piece) { return !piece.is_added_token && piece.text.empty(); }),
               pieces.end());
  return pieces;
}

}  // namespace quarry::text
