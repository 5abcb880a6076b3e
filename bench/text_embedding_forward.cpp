// text_embedding_forward MODEL TOKENIZER TEXTS_JSONL BATCH ROUNDS — the bare forward of a text embedding
// model on the batches quarry forms for the same texts: every text tokenized (max_length 512,
// truncated) and grouped by length into batches of BATCH (ml::PlanTextBatches) before timing; timed:
// RunNamed over all batches, on this thread with the intra-op threads quarry gives a model (all cores).
// Best of ROUNDS after a warm-up; prints "texts=N tokens=T seconds=S".
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ml/intra_op_threads.hpp"
#include "ml/loaded_model.hpp"
#include "ml/text_batches.hpp"

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: text_embedding_forward MODEL TOKENIZER TEXTS_JSONL BATCH ROUNDS\n");
    return 2;
  }
  auto spec = quarry::ml::ParseModelSpec("bench", argv[1], {{"task", "text_embedding"}, {"tokenizer", argv[2]}});
  if (!spec.ok()) {
    std::fprintf(stderr, "%s\n", spec.error().c_str());
    return 1;
  }
  auto model = quarry::ml::LoadedModel::Load(spec.value());
  if (!model.ok()) {
    std::fprintf(stderr, "%s\n", model.error().c_str());
    return 1;
  }
  std::ifstream file(argv[3]);
  std::vector<quarry::text::Encoding> encodings;
  std::string line;
  size_t tokens = 0;
  while (std::getline(file, line)) {
    if (line.empty()) continue;
    auto encoded = model.value()->EncodeText(nlohmann::json::parse(line).get<std::string>());
    if (!encoded.ok()) continue;
    tokens += encoded.value()[0].size();
    encodings.push_back(encoded.value()[0]);
  }
  auto batches =
      quarry::ml::PlanTextBatches(encodings, std::stoi(argv[4]), model.value()->text_inputs(), model.value()->pad_id());
  double best = 1e30;
  for (int round = 0; round <= std::stoi(argv[5]); ++round) {
    const quarry::ml::IntraOpThreadScope threads;
    auto start = std::chrono::steady_clock::now();
    for (const auto& batch : batches) {
      auto output = model.value()->runtime().RunNamed(batch.inputs);
      if (!output.ok()) {
        std::fprintf(stderr, "%s\n", output.error().c_str());
        return 1;
      }
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (round > 0) best = std::min(best, seconds);  // round 0 warms up
  }
  std::printf("texts=%zu tokens=%zu seconds=%f\n", encodings.size(), tokens, best);
  return 0;
}
