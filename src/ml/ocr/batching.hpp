// Batches of text line images for the classifier and the recognizer: only lines of the same input width
// go together, so a line's input tensor (and so its text) never depends on which other lines share its
// batch; a failed batch is retried line by line so that one bad line fails alone. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <vector>

#include "common/result.hpp"

namespace quarry::ml::ocr {

// The indices 0..widths.size()-1 sorted by width (stable), cut into batches of indices of equal width:
// at most max_total_width / width of them (so wide lines go in smaller batches), at least 1, at most
// max_batch.
std::vector<std::vector<size_t>> BatchesOfEqualWidth(const std::vector<int32_t>& widths, int64_t max_total_width,
                                                     size_t max_batch);

// `run` on `batch`, with an exception (OpenCV's, an allocation failure) turned into an Error.
template <typename T>
Result<std::vector<T>> RunGuarded(const std::function<Result<std::vector<T>>(const std::vector<size_t>&)>& run,
                                  const std::vector<size_t>& batch) {
  try {
    auto values = run(batch);
    if (values.ok() && values.value().size() != batch.size())
      return Error{"the model returned the wrong number of values"};
    return values;
  } catch (const std::exception& error) {
    return Error{error.what()};
  }
}

// One Result per item (`count` items): `run` gets each batch of item indices and returns one value per
// index, in order. When it fails for a batch of several items, each item is run alone.
template <typename T>
std::vector<Result<T>> RunBatches(size_t count, const std::vector<std::vector<size_t>>& batches,
                                  const std::function<Result<std::vector<T>>(const std::vector<size_t>&)>& run) {
  std::vector<Result<T>> results(count, Error{"not run"});
  for (const auto& batch : batches) {
    auto values = RunGuarded(run, batch);
    if (values.ok()) {
      for (size_t i = 0; i < batch.size(); i++) results[batch[i]] = T(std::move(values.value()[i]));
      continue;
    }
    if (batch.size() == 1) {
      results[batch[0]] = Error{values.error()};
      continue;
    }
    for (size_t index : batch) {
      auto single = RunGuarded(run, {index});
      results[index] = single.ok() ? Result<T>(T(std::move(single.value()[0]))) : Result<T>(Error{single.error()});
    }
  }
  return results;
}

}  // namespace quarry::ml::ocr
