// Batches of tokenized texts (see text_batches.hpp).
#include "ml/text_batches.hpp"

#include <algorithm>
#include <numeric>

namespace quarry::ml {

bool IsTextModelInput(const std::string& name) {
  return name == "input_ids" || name == "attention_mask" || name == "token_type_ids" || name == "position_ids";
}

std::vector<TextBatch> PlanTextBatches(const std::vector<text::Encoding>& encodings, int32_t batch_size,
                                       const std::vector<std::string>& input_names, int64_t pad_id) {
  std::vector<size_t> order(encodings.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return encodings[a].size() < encodings[b].size(); });
  std::vector<TextBatch> batches;
  for (size_t start = 0; start < order.size(); start += static_cast<size_t>(batch_size)) {
    TextBatch batch;
    batch.items.assign(order.begin() + start,
                       order.begin() + std::min(order.size(), start + static_cast<size_t>(batch_size)));
    for (size_t item : batch.items) batch.length = std::max<int64_t>(batch.length, encodings[item].size());
    const auto rows = static_cast<int64_t>(batch.items.size());
    for (const std::string& name : input_names) {
      NamedIntegerTensor tensor;
      tensor.name = name;
      tensor.shape = {rows, batch.length};
      tensor.values.assign(static_cast<size_t>(rows * batch.length), name == "input_ids" ? pad_id : 0);
      for (int64_t row = 0; row < rows; ++row) {
        const text::Encoding& encoding = encodings[batch.items[row]];
        int64_t* out = tensor.values.data() + row * batch.length;
        for (size_t i = 0; i < encoding.size(); ++i) {
          if (name == "input_ids") {
            out[i] = encoding.ids[i];
          } else if (name == "attention_mask") {
            out[i] = encoding.attention_mask[i];
          } else if (name == "token_type_ids") {
            out[i] = encoding.type_ids[i];
          } else {
            out[i] = static_cast<int64_t>(i);  // position_ids
          }
        }
      }
      batch.inputs.push_back(std::move(tensor));
    }
    batches.push_back(std::move(batch));
  }
  return batches;
}

}  // namespace quarry::ml
