// Unigram (tokenizer.json's "Unigram" model, SentencePiece's): the segmentation of the word into
// vocabulary pieces with the highest total log-probability (Viterbi over every piece that starts at
// each character); a character no piece covers is the unknown token with the lowest score minus 10,
// consecutive unknown characters fuse into one, and with byte_fallback an unknown piece becomes its
// <0xNN> byte tokens. Ties keep the shorter piece, as Hugging Face's encode_optimized.
#include <cstdio>
#include <limits>
#include <unordered_map>

#include "text/token_model.hpp"
#include "text/utf8.hpp"
#include "text/vocabulary.hpp"

namespace quarry::text {
namespace {

constexpr double kUnknownPenalty = 10.0;

// A byte trie over the vocabulary for common-prefix search.
class PieceTrie {
 public:
  PieceTrie() : piece_of_node_(1, -1) {}

  void Insert(std::string_view piece, int32_t id) {
    uint32_t node = 0;
    for (char byte : piece) {
      uint64_t key = EdgeKey(node, byte);
      auto found = edges_.find(key);
      if (found == edges_.end()) {
        auto child = static_cast<uint32_t>(piece_of_node_.size());
        piece_of_node_.push_back(-1);
        edges_.emplace(key, child);
        node = child;
      } else {
        node = found->second;
      }
    }
    if (piece_of_node_[node] < 0) piece_of_node_[node] = id;
  }

  // Calls visit(id, length) for every piece that is a prefix of `text`, shortest first.
  template <typename Visit>
  void ForEachPrefix(std::string_view text, Visit visit) const {
    uint32_t node = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      auto found = edges_.find(EdgeKey(node, text[i]));
      if (found == edges_.end()) return;
      node = found->second;
      if (piece_of_node_[node] >= 0) visit(piece_of_node_[node], i + 1);
    }
  }

 private:
  static uint64_t EdgeKey(uint32_t node, char byte) {
    return (static_cast<uint64_t>(node) << 8) | static_cast<uint8_t>(byte);
  }

  std::unordered_map<uint64_t, uint32_t> edges_;
  std::vector<int32_t> piece_of_node_;
};

class UnigramModel final : public TokenModel {
 public:
  UnigramModel(std::vector<std::pair<std::string, double>> pieces, std::optional<uint32_t> unk_id, bool byte_fallback)
      : pieces_(std::move(pieces)), unk_id_(unk_id), byte_fallback_(byte_fallback) {
    min_score_ = std::numeric_limits<double>::infinity();
    vocabulary_.Reserve(pieces_.size());
    for (size_t id = 0; id < pieces_.size(); ++id) {
      vocabulary_.Add(pieces_[id].first, static_cast<uint32_t>(id));
      trie_.Insert(pieces_[id].first, static_cast<int32_t>(id));
      min_score_ = std::min(min_score_, pieces_[id].second);
    }
    // The trie keeps the first id of a piece listed twice; the id map must agree for lookups by text.
    byte_tokens_ = ByteFallbackTokens(vocabulary_);
  }

  bool Tokenize(std::string_view word, std::vector<uint32_t>& ids, std::string& error,
                std::vector<ByteRange>* ranges) const override {
    struct BestPath {
      uint32_t id = 0;
      double score = 0.0;
      int64_t starts_at = -1;
    };
    size_t size = word.size();
    std::vector<BestPath> best(size + 1);
    double unknown_score = min_score_ - kUnknownPenalty;
    size_t start = 0;
    while (start < size) {
      double score_here = best[start].score;
      size_t character_length = Utf8Length(word[start]);
      bool has_single_character_piece = false;
      trie_.ForEachPrefix(word.substr(start), [&](int32_t id, size_t length) {
        BestPath& target = best[start + length];
        double candidate = pieces_[id].second + score_here;
        if (target.starts_at < 0 || candidate > target.score) {
          target = {static_cast<uint32_t>(Canonical(id)), candidate, static_cast<int64_t>(start)};
        }
        if (length == character_length) has_single_character_piece = true;
      });
      if (!has_single_character_piece) {
        if (!unk_id_) {
          error = "a character is not in the vocabulary and the model has no unknown token";
          return false;
        }
        BestPath& target = best[start + character_length];
        double candidate = unknown_score + score_here;
        if (target.starts_at < 0 || candidate > target.score) {
          target = {*unk_id_, candidate, static_cast<int64_t>(start)};
        }
      }
      start += character_length;
    }
    // Walk back from the end, fusing consecutive unknown pieces.
    std::vector<std::pair<size_t, size_t>> spans;  // reversed
    size_t end = size;
    bool in_unknown = false;
    while (end > 0) {
      const BestPath& node = best[end];
      auto begin = static_cast<size_t>(node.starts_at);
      bool unknown = unk_id_ && node.id == *unk_id_;
      if (unknown && in_unknown) {
        spans.back().first = begin;
      } else {
        spans.push_back({begin, end});
      }
      in_unknown = unknown;
      end = begin;
    }
    for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
      std::string_view piece = word.substr(it->first, it->second - it->first);
      // Every token of a piece (its byte tokens too) spans the whole piece, as in Hugging Face's.
      size_t first_new = ids.size();
      auto note_ranges = [&] {
        if (ranges != nullptr) ranges->resize(ranges->size() + (ids.size() - first_new), *it);
      };
      if (auto id = vocabulary_.Find(piece)) {
        ids.push_back(*id);
        note_ranges();
        continue;
      }
      if (byte_fallback_) {
        if (byte_tokens_.Cover(piece)) {
          for (char byte : piece) ids.push_back(byte_tokens_.Of(byte));
          note_ranges();
          continue;
        }
      }
      if (!unk_id_) {
        error = "a piece is not in the vocabulary and the model has no unknown token";
        return false;
      }
      ids.push_back(*unk_id_);
      note_ranges();
    }
    return true;
  }

  std::optional<uint32_t> TokenToId(std::string_view token) const override { return vocabulary_.Find(token); }
  const std::string* IdToToken(uint32_t id) const override {
    return id < pieces_.size() ? &pieces_[id].first : nullptr;
  }
  size_t VocabularySize() const override { return pieces_.size(); }

 private:
  // The id lookups by text give for the piece `id` (the first of duplicates).
  uint32_t Canonical(int32_t id) const { return *vocabulary_.Find(pieces_[id].first); }

  std::vector<std::pair<std::string, double>> pieces_;
  Vocabulary vocabulary_;
  PieceTrie trie_;
  std::optional<uint32_t> unk_id_;
  bool byte_fallback_;
  double min_score_;
  ByteFallbackTokens byte_tokens_;
};

}  // namespace

std::unique_ptr<TokenModel> UnigramModelFromJson(const Json& json) {
  const char* part = "model Unigram";
  const Json& vocab = JsonField(json, "vocab", part);
  if (!vocab.is_array()) throw TokenizerFormatError("model Unigram: 'vocab' must be a list of [piece, score]");
  std::vector<std::pair<std::string, double>> pieces;
  pieces.reserve(vocab.size());
  for (const Json& entry : vocab) {
    if (!entry.is_array() || entry.size() != 2 || !entry[0].is_string() || !entry[1].is_number()) {
      throw TokenizerFormatError("model Unigram: vocabulary entry " + std::to_string(pieces.size()) +
                                 " must be [piece, score]");
    }
    pieces.emplace_back(entry[0].get<std::string>(), entry[1].get<double>());
  }
  std::optional<uint32_t> unk_id;
  if (json.contains("unk_id") && !json["unk_id"].is_null()) {
    uint64_t id = JsonUnsigned(json, "unk_id", part, 0);
    if (pieces.empty()) throw TokenizerFormatError("model Unigram: the vocabulary is empty");
    if (id >= pieces.size()) throw TokenizerFormatError("model Unigram: unk_id is not in the vocabulary");
    unk_id = static_cast<uint32_t>(id);
  }
  return std::make_unique<UnigramModel>(std::move(pieces), unk_id, JsonBool(json, "byte_fallback", part, false));
}

}  // namespace quarry::text
