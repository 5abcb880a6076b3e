// Batches of text lines of equal width (see batching.hpp).
#include "ml/ocr/batching.hpp"

#include <algorithm>
#include <numeric>

namespace quarry::ml::ocr {

std::vector<std::vector<size_t>> BatchesOfEqualWidth(const std::vector<int32_t>& widths, int64_t max_total_width,
                                                     size_t max_batch) {
  std::vector<size_t> order(widths.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return widths[a] < widths[b]; });
  std::vector<std::vector<size_t>> batches;
  for (size_t index : order) {
    const auto fitting = static_cast<size_t>(max_total_width / std::max(widths[index], 1));
    const size_t batch_size = std::clamp<size_t>(fitting, 1, std::max<size_t>(max_batch, 1));
    if (batches.empty() || batches.back().size() >= batch_size || widths[batches.back().front()] != widths[index]) {
      batches.emplace_back();
    }
    batches.back().push_back(index);
  }
  return batches;
}

}  // namespace quarry::ml::ocr
