// The text line recognizer (PP-OCRv4 "rec", Chinese and English): cropped line images to text, as
// PaddleOCR's TextRecognizer. Immutable after loading; thread-safe.
//
// Each line is resized to kRecognizerHeight (48) pixels high keeping its aspect ratio (bilinear),
// normalized to [-1, 1] ((v / 255 - 0.5) / 0.5) and padded on the right with 0 to its input width: its
// resized width rounded up to a multiple of kRecognizerWidthStep (32), at least kRecognizerMinWidth
// (320, the width the model was trained at), at most kRecognizerMaxWidth (2400: longer lines are
// squeezed). Lines of the same input width run together, kRecognizerBatchWidth (1280) / width of them
// per batch (at least 1, at most kRecognizerBatch, 8): on quarry's executor (2 cores) a batch costs the
// same per line as single lines up to that total width, and up to 2.2 times as much per line beyond it
// (8 × 320: 62 ms a line, against 28 alone). (PaddleOCR pads each batch of 6 to its widest line instead,
// which makes a line's text depend on its batch.) The output [N, T, classes] holds per-step class
// probabilities, decoded by CtcDecoder.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "media/image.hpp"
#include "ml/ocr/ctc_decoder.hpp"
#include "ml/onnx/onnx_model.hpp"

namespace quarry::ml::ocr {

inline constexpr size_t kRecognizerBatch = 8;
inline constexpr int64_t kRecognizerBatchWidth = 1280;
inline constexpr int32_t kRecognizerHeight = 48;
inline constexpr int32_t kRecognizerMinWidth = 320;
inline constexpr int32_t kRecognizerMaxWidth = 2400;
inline constexpr int32_t kRecognizerWidthStep = 32;

// The input width for a line of `width` × `height` pixels.
int32_t RecognizerInputWidth(int32_t width, int32_t height);

class TextRecognizer {
 public:
  static Result<TextRecognizer> Load(const std::string& model_path, const std::string& dictionary_path);

  // The text of each line (BGR).
  std::vector<Result<RecognizedText>> Recognize(const std::vector<media::Image>& lines) const;

 private:
  TextRecognizer(std::shared_ptr<const onnx::OnnxModel> model, CtcDecoder decoder)
      : model_(std::move(model)), decoder_(std::move(decoder)) {}
  Result<std::vector<RecognizedText>> RunBatch(const std::vector<media::Image>& lines,
                                               const std::vector<size_t>& batch) const;

  std::shared_ptr<const onnx::OnnxModel> model_;
  CtcDecoder decoder_;
};

}  // namespace quarry::ml::ocr
