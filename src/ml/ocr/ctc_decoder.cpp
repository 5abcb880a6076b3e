// Greedy CTC decoding (see ctc_decoder.hpp).
#include "ml/ocr/ctc_decoder.hpp"

#include <algorithm>
#include <fstream>

namespace quarry::ml::ocr {

Result<CtcDecoder> CtcDecoder::Load(const std::string& dictionary_path) {
  std::ifstream in(dictionary_path, std::ios::binary);
  if (!in) return Error{"cannot read the OCR dictionary: " + dictionary_path};
  std::vector<std::string> characters;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    characters.push_back(line);
  }
  if (characters.empty()) return Error{"the OCR dictionary is empty: " + dictionary_path};
  return CtcDecoder(std::move(characters));
}

CtcDecoder::CtcDecoder(std::vector<std::string> characters) {
  classes_.reserve(characters.size() + 2);
  classes_.emplace_back();
  for (auto& character : characters) classes_.push_back(std::move(character));
  classes_.emplace_back(" ");
}

struct CtcDecoder::Kept {
  int64_t index = 0;      // the class
  int64_t step = 0;       // the first step it was the most probable class
  float probability = 0;  // its probability at that step
  float space_hint = 0;   // the space class's highest probability at blank steps since the previous kept class
};

std::vector<CtcDecoder::Kept> CtcDecoder::KeptClasses(const float* probabilities, int64_t steps) const {
  std::vector<Kept> kept;
  const int64_t count = classes();
  int64_t previous = -1;
  float space_hint = 0;
  for (int64_t step = 0; step < steps; step++) {
    const float* row = probabilities + step * count;
    const int64_t best = std::max_element(row, row + count) - row;
    if (best == 0) {
      space_hint = std::max(space_hint, row[count - 1]);
    } else if (best != previous) {
      kept.push_back({best, step, row[best], space_hint});
      space_hint = 0;
    }
    previous = best;
  }
  return kept;
}

namespace {

double Median(std::vector<int64_t> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t middle = values.size() / 2;
  return values.size() % 2 == 1 ? static_cast<double>(values[middle])
                                : static_cast<double>(values[middle - 1] + values[middle]) / 2;
}

}  // namespace

RecognizedText CtcDecoder::Decode(const float* probabilities, int64_t steps) const {
  const std::vector<Kept> kept = KeptClasses(probabilities, steps);
  const int64_t space = classes() - 1;
  auto between_characters = [&](size_t i) { return kept[i - 1].index != space && kept[i].index != space; };
  std::vector<int64_t> pitches;
  for (size_t i = 1; i < kept.size(); i++) {
    if (between_characters(i)) pitches.push_back(kept[i].step - kept[i - 1].step);
  }
  const double median_pitch = Median(pitches);
  RecognizedText result;
  double total = 0;
  for (size_t i = 0; i < kept.size(); i++) {
    if (i > 0 && between_characters(i) && kept[i].space_hint > kSpaceHintThreshold &&
        static_cast<double>(kept[i].step - kept[i - 1].step) > median_pitch) {
      result.text += ' ';
    }
    result.text += classes_[kept[i].index];
    total += kept[i].probability;
  }
  result.confidence = kept.empty() ? 0.0f : static_cast<float>(total / static_cast<double>(kept.size()));
  return result;
}

}  // namespace quarry::ml::ocr
