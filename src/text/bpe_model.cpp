// Byte-pair encoding (tokenizer.json's "BPE" model), as Hugging Face's tokenizers does it: a word starts
// as its characters (each looked up, with the continuing-subword prefix and end-of-word suffix, falling
// back to <0xNN> byte tokens or the unknown token), then the lowest-ranked adjacent pair is merged
// until no pair in the merge table remains (ties: leftmost first). ignore_merges looks the whole word
// up first. Words already seen are cached per thread (up to 10,000 words, as the reference).
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <queue>
#include <unordered_map>

#include "text/token_model.hpp"
#include "text/utf8.hpp"
#include "text/vocabulary.hpp"

namespace quarry::text {
namespace {

constexpr size_t kCacheCapacity = 10'000;
constexpr size_t kMaxCachedWordBytes = 256;

struct MergeResult {
  uint32_t rank;
  uint32_t new_id;
};

uint64_t PairKey(uint32_t left, uint32_t right) {
  return (static_cast<uint64_t>(left) << 32) | right;
}

// One symbol of a word being merged: a doubly linked list in an array, as word.rs.
struct Symbol {
  uint32_t id;
  int32_t previous;
  int32_t next;
  uint32_t length;  // bytes; 0 once merged into its left neighbour
};

struct QueuedMerge {
  uint32_t rank;
  uint32_t position;
  uint32_t new_id;
  bool operator>(const QueuedMerge& other) const {
    return rank != other.rank ? rank > other.rank : position > other.position;
  }
};

class BpeModel final : public TokenModel {
 public:
  BpeModel(Vocabulary vocabulary, std::unordered_map<uint64_t, MergeResult> merges,
           std::optional<std::string> unk_token, std::string prefix, std::string suffix, bool fuse_unk,
           bool byte_fallback, bool ignore_merges)
      : vocabulary_(std::move(vocabulary)),
        merges_(std::move(merges)),
        unk_token_(std::move(unk_token)),
        prefix_(std::move(prefix)),
        suffix_(std::move(suffix)),
        fuse_unk_(fuse_unk),
        byte_fallback_(byte_fallback),
        ignore_merges_(ignore_merges),
        cache_id_(next_cache_id_.fetch_add(1)),
        byte_tokens_(vocabulary_) {}

  bool Tokenize(std::string_view word, std::vector<uint32_t>& ids, std::string& error,
                std::vector<ByteRange>* ranges) const override {
    if (word.empty()) return true;
    if (ignore_merges_) {
      if (auto id = vocabulary_.Find(word)) {
        ids.push_back(*id);
        if (ranges != nullptr) ranges->push_back({0, word.size()});
        return true;
      }
    }
    // The cache keeps ids only; offsets come from merging the word again.
    if (ranges != nullptr) return MergeWord(word, ids, error, ranges);
    auto& cache = ThreadCache();
    if (auto hit = cache.find(word); hit != cache.end()) {
      ids.insert(ids.end(), hit->second.begin(), hit->second.end());
      return true;
    }
    std::vector<uint32_t> merged;
    if (!MergeWord(word, merged, error, nullptr)) return false;
    ids.insert(ids.end(), merged.begin(), merged.end());
    if (word.size() < kMaxCachedWordBytes && cache.size() < kCacheCapacity)
      cache.emplace(std::string(word), std::move(merged));
    return true;
  }

  std::optional<uint32_t> TokenToId(std::string_view token) const override { return vocabulary_.Find(token); }
  const std::string* IdToToken(uint32_t id) const override { return vocabulary_.TokenOf(id); }
  size_t VocabularySize() const override { return vocabulary_.size(); }

 private:
  using Cache = std::unordered_map<std::string, std::vector<uint32_t>, StringViewHash, std::equal_to<>>;

  Cache& ThreadCache() const {
    // Keyed by a number unique to this model, so a model built where a freed one was finds no stale words.
    thread_local std::unordered_map<uint64_t, Cache> caches;
    thread_local uint64_t last_id = UINT64_MAX;
    thread_local Cache* last_cache = nullptr;
    if (last_id != cache_id_) {
      if (caches.size() > 16) caches.clear();
      last_cache = &caches[cache_id_];
      last_id = cache_id_;
    }
    return *last_cache;
  }

  // The initial symbols of `word` (merge_word), then all merges.
  bool MergeWord(std::string_view word, std::vector<uint32_t>& out, std::string& error,
                 std::vector<ByteRange>* ranges) const {
    std::vector<Symbol> symbols;
    symbols.reserve(word.size());
    auto add = [&](uint32_t id, uint32_t length) {
      auto index = static_cast<int32_t>(symbols.size());
      symbols.push_back({id, index - 1, -1, length});
      if (index > 0) symbols[index - 1].next = index;
    };
    bool have_unknown = false;  // a pending unknown token: its id and length in bytes
    uint32_t unknown_id = 0;
    uint32_t unknown_length = 0;
    std::string lookup;
    size_t position = 0;
    while (position < word.size()) {
      size_t start = position;
      position += Utf8Length(word[position]);
      std::string_view character = word.substr(start, position - start);
      bool is_first = start == 0;
      bool is_last = position >= word.size();
      std::string_view key = character;
      if ((!is_first && !prefix_.empty()) || (is_last && !suffix_.empty())) {
        lookup.clear();
        if (!is_first) lookup.append(prefix_);
        lookup.append(character);
        if (is_last) lookup.append(suffix_);
        key = lookup;
      }
      auto byte_length = static_cast<uint32_t>(character.size());
      if (auto id = vocabulary_.Find(key)) {
        if (have_unknown) {
          add(unknown_id, unknown_length);
          have_unknown = false;
        }
        add(*id, byte_length);
        continue;
      }
      if (byte_fallback_) {
        if (byte_tokens_.Cover(key)) {
          for (char byte : key) add(byte_tokens_.Of(byte), 1);
          continue;
        }
      }
      if (unk_token_) {
        auto unk_id = vocabulary_.Find(*unk_token_);
        if (!unk_id) {
          error = "the unknown token '" + *unk_token_ + "' is not in the vocabulary";
          return false;
        }
        if (have_unknown && fuse_unk_) {
          unknown_length += byte_length;
        } else {
          if (have_unknown) add(unknown_id, unknown_length);
          have_unknown = true;
          unknown_id = *unk_id;
          unknown_length = byte_length;
        }
      }
    }
    if (have_unknown) add(unknown_id, unknown_length);
    MergeAll(symbols);
    size_t offset = 0;
    for (const Symbol& symbol : symbols) {
      if (symbol.length == 0) continue;
      out.push_back(symbol.id);
      if (ranges != nullptr) ranges->push_back({offset, offset + symbol.length});
      offset += symbol.length;
    }
    return true;
  }

  const MergeResult* FindMerge(uint32_t left, uint32_t right) const {
    auto found = merges_.find(PairKey(left, right));
    return found == merges_.end() ? nullptr : &found->second;
  }

  void MergeAll(std::vector<Symbol>& symbols) const {
    std::priority_queue<QueuedMerge, std::vector<QueuedMerge>, std::greater<>> queue;
    for (size_t i = 0; i + 1 < symbols.size(); ++i) {
      if (const MergeResult* merge = FindMerge(symbols[i].id, symbols[i + 1].id)) {
        queue.push({merge->rank, static_cast<uint32_t>(i), merge->new_id});
      }
    }
    while (!queue.empty()) {
      QueuedMerge top = queue.top();
      queue.pop();
      Symbol& current = symbols[top.position];
      if (current.length == 0 || current.next == -1) continue;
      Symbol right = symbols[current.next];
      const MergeResult* still = FindMerge(current.id, right.id);
      if (still == nullptr || still->new_id != top.new_id) continue;
      symbols[current.next].length = 0;
      current.id = top.new_id;
      current.length += right.length;
      current.next = right.next;
      if (right.next >= 0) symbols[right.next].previous = static_cast<int32_t>(top.position);
      if (current.previous >= 0) {
        if (const MergeResult* merge = FindMerge(symbols[current.previous].id, current.id)) {
          queue.push({merge->rank, static_cast<uint32_t>(current.previous), merge->new_id});
        }
      }
      if (current.next >= 0) {
        if (const MergeResult* merge = FindMerge(current.id, symbols[current.next].id)) {
          queue.push({merge->rank, top.position, merge->new_id});
        }
      }
    }
  }

  static inline std::atomic<uint64_t> next_cache_id_{0};

  Vocabulary vocabulary_;
  std::unordered_map<uint64_t, MergeResult> merges_;
  std::optional<std::string> unk_token_;
  std::string prefix_;
  std::string suffix_;
  bool fuse_unk_;
  bool byte_fallback_;
  bool ignore_merges_;
  uint64_t cache_id_;
  ByteFallbackTokens byte_tokens_;
};

std::optional<std::string> OptionalString(const Json& json, const char* key, const char* part) {
  if (!json.contains(key) || json[key].is_null()) return std::nullopt;
  return JsonString(json, key, part);
}

}  // namespace

std::unique_ptr<TokenModel> BpeModelFromJson(const Json& json) {
  const char* part = "model BPE";
  Vocabulary vocabulary = Vocabulary::FromJsonObject(JsonField(json, "vocab", part), part);
  std::string prefix = OptionalString(json, "continuing_subword_prefix", part).value_or("");
  std::string suffix = OptionalString(json, "end_of_word_suffix", part).value_or("");
  if (json.contains("dropout") && !json["dropout"].is_null()) {
    if (!json["dropout"].is_number()) throw TokenizerFormatError("model BPE: dropout must be a number");
    double dropout = json["dropout"].get<double>();
    if (dropout < 0.0 || dropout > 1.0) throw TokenizerFormatError("model BPE: dropout must be between 0 and 1");
    // Dropout randomizes merges while training; encoding here is deterministic (dropout off).
  }
  const Json& merge_list = JsonField(json, "merges", part);
  if (!merge_list.is_array()) throw TokenizerFormatError("model BPE: 'merges' must be a list");
  std::unordered_map<uint64_t, MergeResult> merges;
  merges.reserve(merge_list.size());
  std::string merged;
  uint32_t rank = 0;
  for (const Json& entry : merge_list) {
    std::string left;
    std::string right;
    if (entry.is_string()) {
      const std::string& line = entry.get_ref<const std::string&>();
      size_t space = line.find(' ');
      if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos) {
        throw TokenizerFormatError("model BPE: merge " + std::to_string(rank + 1) + " is not two tokens: '" + line +
                                   "'");
      }
      left = line.substr(0, space);
      right = line.substr(space + 1);
    } else if (entry.is_array() && entry.size() == 2 && entry[0].is_string() && entry[1].is_string()) {
      left = entry[0].get<std::string>();
      right = entry[1].get<std::string>();
    } else {
      throw TokenizerFormatError("model BPE: merge " + std::to_string(rank + 1) + " must be \"a b\" or [\"a\", \"b\"]");
    }
    auto left_id = vocabulary.Find(left);
    auto right_id = vocabulary.Find(right);
    if (!left_id || !right_id) {
      throw TokenizerFormatError("model BPE: merge " + std::to_string(rank + 1) +
                                 " names a token not in the vocabulary: '" + (left_id ? right : left) + "'");
    }
    if (right.size() < prefix.size()) {
      throw TokenizerFormatError("model BPE: merge " + std::to_string(rank + 1) +
                                 " is shorter than the subword prefix");
    }
    merged.assign(left).append(right, prefix.size(), std::string::npos);
    auto merged_id = vocabulary.Find(merged);
    if (!merged_id) {
      throw TokenizerFormatError("model BPE: merge " + std::to_string(rank + 1) +
                                 " makes a token not in the vocabulary: '" + merged + "'");
    }
    merges[PairKey(*left_id, *right_id)] = {rank, *merged_id};
    ++rank;
  }
  return std::make_unique<BpeModel>(std::move(vocabulary), std::move(merges), OptionalString(json, "unk_token", part),
                                    std::move(prefix), std::move(suffix), JsonBool(json, "fuse_unk", part, false),
                                    JsonBool(json, "byte_fallback", part, false),
                                    JsonBool(json, "ignore_merges", part, false));
}

}  // namespace quarry::text
