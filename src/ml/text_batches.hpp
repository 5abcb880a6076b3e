// A text model's inputs: tokenized texts (or their windows) grouped into batches of similar length —
// sorted by token count so little is spent on padding — each padded to its longest item and given as
// the named int64 tensors the model takes (input_ids, attention_mask, token_type_ids, position_ids).
// Plain functions over values; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "ml/model_runtime.hpp"
#include "text/encoding.hpp"

namespace quarry::ml {

// The model inputs a text model can be given, by name.
bool IsTextModelInput(const std::string& name);

struct TextBatch {
  std::vector<size_t> items;               // indexes into the encodings, in tensor row order
  int64_t length = 0;                      // tokens per row after padding
  std::vector<NamedIntegerTensor> inputs;  // one per name the model takes
};

// Batches of at most `batch_size` encodings (none empty) of similar length for a model taking
// `input_names` (each one IsTextModelInput); padding uses `pad_id`, mask 0, type id 0.
std::vector<TextBatch> PlanTextBatches(const std::vector<text::Encoding>& encodings, int32_t batch_size,
                                       const std::vector<std::string>& input_names, int64_t pad_id);

}  // namespace quarry::ml
