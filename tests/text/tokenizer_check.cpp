// quarry_tokenizer_check — quarry's tokenizers against Hugging Face's, and their speed.
//
//   quarry_tokenizer_check compare TOKENIZER_JSON TEXTS_JSONL EXPECTED_JSONL
//     TEXTS_JSONL: one JSON string per line. EXPECTED_JSONL: per line {"ids": [...], "plain": [...],
//     "decoded": "..."} as tests/text/hf_reference.mjs writes them with Hugging Face's library (ids with
//     special tokens, ids without, the decoding of the former skipping special tokens, and, where not
//     null, "pair": the ids of the text paired with the next one, or "error" where the reference refused it). Prints
//     each mismatch and "NAME: N passed, N failed" (NAME = the tokenizer's folder name).
//   quarry_tokenizer_check time TOKENIZER_JSON TEXTS_JSONL THREADS ROUNDS
//     Encodes every text ROUNDS times over THREADS threads (texts split evenly); prints
//     "tokens=N seconds=S" of the best round.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "text/tokenizer.hpp"

namespace {

using quarry::text::Tokenizer;
using Json = nlohmann::json;

std::vector<std::string> ReadTexts(const std::string& path) {
  std::ifstream file(path);
  std::vector<std::string> texts;
  std::string line;
  while (std::getline(file, line)) {
    if (!line.empty()) texts.push_back(Json::parse(line).get<std::string>());
  }
  return texts;
}

std::string Show(const std::vector<uint32_t>& ids) {
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
  return out + "]";
}

int Compare(const std::string& tokenizer_path, const std::string& texts_path, const std::string& expected_path) {
  std::string name = std::filesystem::path(tokenizer_path).parent_path().filename().string();
  auto tokenizer = Tokenizer::Load(tokenizer_path);
  if (!tokenizer.ok()) {
    std::cout << tokenizer.error() << "\n" << name << ": 0 passed, 1 failed\n";
    return 1;
  }
  std::vector<std::string> texts = ReadTexts(texts_path);
  std::ifstream expected_file(expected_path);
  std::string line;
  size_t passed = 0, failed = 0, shown = 0;
  for (size_t i = 0; i < texts.size() && std::getline(expected_file, line); ++i) {
    Json expected = Json::parse(line);
    // With special tokens: tracked offsets too (so both the tracked and the plain path are checked).
    auto with_special = tokenizer.value()->Encode(texts[i], true, std::nullopt, true);
    auto plain = tokenizer.value()->Encode(texts[i], false);
    std::vector<uint32_t> ids = with_special.ok() ? with_special.value().ids : std::vector<uint32_t>{};
    std::vector<uint32_t> plain_ids = plain.ok() ? plain.value().ids : std::vector<uint32_t>{};
    auto expected_ids = expected["ids"].get<std::vector<uint32_t>>();
    auto expected_plain = expected["plain"].get<std::vector<uint32_t>>();
    std::vector<uint32_t> offsets, expected_offsets;
    if (with_special.ok()) {
      for (const auto& [start, end] : with_special.value().offsets) offsets.insert(offsets.end(), {start, end});
    }
    for (const Json& pair : expected["offsets"]) expected_offsets.insert(expected_offsets.end(), {pair[0], pair[1]});
    auto decoded = tokenizer.value()->Decode(expected_ids, true);
    std::string expected_decoded = expected["decoded"].get<std::string>();
    std::vector<uint32_t> pair_ids, expected_pair;
    if (!expected["pair"].is_null() && i + 1 < texts.size()) {
      // "error": the reference refused the pair; so must quarry (shown as an empty list either way).
      if (expected["pair"].is_array()) expected_pair = expected["pair"].get<std::vector<uint32_t>>();
      auto pair = tokenizer.value()->Encode(texts[i], true, texts[i + 1]);
      if (pair.ok()) pair_ids = pair.value().ids;
      if (pair.ok() && pair_ids.empty() && !expected["pair"].is_array()) pair_ids.push_back(UINT32_MAX);
    }
    bool ok = with_special.ok() && ids == expected_ids && plain_ids == expected_plain && decoded.ok() &&
              decoded.value() == expected_decoded && pair_ids == expected_pair && offsets == expected_offsets;
    if (ok) {
      ++passed;
      continue;
    }
    ++failed;
    if (shown++ < 5) {
      std::cout << name << " text " << i << ": " << Json(texts[i]).dump() << "\n";
      if (!with_special.ok()) std::cout << "  error: " << with_special.error() << "\n";
      if (ids != expected_ids) std::cout << "  ids      " << Show(ids) << "\n  expected " << Show(expected_ids) << "\n";
      if (plain_ids != expected_plain) {
        std::cout << "  plain    " << Show(plain_ids) << "\n  expected " << Show(expected_plain) << "\n";
      }
      if (offsets != expected_offsets) {
        std::cout << "  offsets  " << Show(offsets) << "\n  expected " << Show(expected_offsets) << "\n";
      }
      if (pair_ids != expected_pair)
        std::cout << "  pair     " << Show(pair_ids) << "\n  expected " << Show(expected_pair) << "\n";
      if (decoded.ok() && decoded.value() != expected_decoded) {
        std::cout << "  decoded  " << Json(decoded.value()).dump() << "\n  expected " << Json(expected_decoded).dump()
                  << "\n";
      }
    }
  }
  std::cout << name << ": " << passed << " passed, " << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}

int Time(const std::string& tokenizer_path, const std::string& texts_path, int threads, int rounds) {
  auto tokenizer = Tokenizer::Load(tokenizer_path);
  if (!tokenizer.ok()) {
    std::cerr << tokenizer.error() << "\n";
    return 1;
  }
  std::vector<std::string> texts = ReadTexts(texts_path);
  double best = 1e30;
  size_t tokens = 0;
  for (int round = 0; round < rounds; ++round) {
    std::atomic<size_t> count{0};
    auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        size_t local = 0;
        for (size_t i = t; i < texts.size(); i += threads) {
          auto encoding = tokenizer.value()->Encode(texts[i], true);
          if (encoding.ok()) local += encoding.value().size();
        }
        count += local;
      });
    }
    for (auto& worker : workers) worker.join();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best = std::min(best, seconds);
    tokens = count;
  }
  std::cout << "tokens=" << tokens << " seconds=" << best << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 4 && args[0] == "compare") return Compare(args[1], args[2], args[3]);
  if (args.size() == 5 && args[0] == "time") return Time(args[1], args[2], std::stoi(args[3]), std::stoi(args[4]));
  std::cerr << "usage: quarry_tokenizer_check compare TOKENIZER_JSON TEXTS_JSONL EXPECTED_JSONL\n"
               "       quarry_tokenizer_check time TOKENIZER_JSON TEXTS_JSONL THREADS ROUNDS\n";
  return 2;
}
