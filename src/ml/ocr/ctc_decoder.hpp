// The recognizer's output to text: greedy CTC decoding over PP-OCR's character dictionary (as
// PaddleOCR's CTCLabelDecode). Immutable after loading; thread-safe.
//
// Classes: 0 is the CTC blank, 1..K the dictionary's K characters in file order (one per line,
// ppocr_keys_v1.txt: 6623), K+1 a space. At each time step the most probable class is taken; repeats
// of the same class in consecutive steps merge into one; blanks are dropped. The confidence is the mean
// of the kept steps' probabilities (0 when nothing is kept).
//
// Beyond PaddleOCR: a space is also put between two characters when (a) at a blank step between them
// the space class's probability exceeds kSpaceHintThreshold (0.03) and (b) they are further apart
// (first step to first step) than the median of the line's consecutive characters. PP-OCRv4's Chinese
// model drops most spaces between English words (a known weakness, PaddleOCR issue #11386), but the
// space class still rises there. Measured on tests/unit/ml/ocr_test.cpp's rendered pages: inside words
// and between Chinese characters the space class stays under 0.005, except after narrow glyphs in a
// monospaced font ("Mi|lk": 0.02, "2.|29": 0.056), which (b) excludes; (a) and (b) restore 80% of the
// dropped word gaps (62 of 77) with no space put inside a word.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace quarry::ml::ocr {

inline constexpr float kSpaceHintThreshold = 0.03f;

struct RecognizedText {
  std::string text;  // UTF-8
  float confidence = 0;
};

class CtcDecoder {
 public:
  // Reads the dictionary file (UTF-8, one character per line; a trailing "\r" is dropped).
  static Result<CtcDecoder> Load(const std::string& dictionary_path);
  // A decoder over `characters` (the dictionary's entries, without blank and space).
  explicit CtcDecoder(std::vector<std::string> characters);

  // The number of classes the recognizer must output: blank + characters + space.
  int64_t classes() const { return static_cast<int64_t>(classes_.size()); }

  // Decodes `steps` rows of classes() probabilities.
  RecognizedText Decode(const float* probabilities, int64_t steps) const;

 private:
  struct Kept;  // a class kept by decoding (see the .cpp)
  std::vector<Kept> KeptClasses(const float* probabilities, int64_t steps) const;

  std::vector<std::string> classes_;  // index -> UTF-8 text ("" for the blank)
};

}  // namespace quarry::ml::ocr
