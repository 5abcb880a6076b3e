// OcrEngine — quarry's built-in OCR (PP-OCRv4, Chinese and English; DuckDB-free), behind the SQL
// functions ocr() and ocr_text(). The pipeline is PaddleOCR's: detect text lines (text_detector.hpp,
// db_postprocess.hpp), cut each out upright (text_crop.hpp), turn upside-down ones
// (orientation_classifier.hpp), read them (text_recognizer.hpp, ctc_decoder.hpp), keep those read with
// confidence >= kMinLineConfidence (0.5), in reading order (box_geometry.hpp). Thresholds are
// documented in the file that uses them.
//
// The three models are PaddleOCR's, converted to ONNX, run by quarry's executor (ml/onnx/): found in the
// built-in models folder (builtin_models.hpp, ocr/). A loaded engine is immutable: Recognize may be
// called from several threads at once.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "media/image.hpp"
#include "ml/builtin_models.hpp"

namespace quarry::ml::ocr {

inline constexpr float kMinLineConfidence = 0.5f;

struct OcrLine {
  std::string text;      // UTF-8, no leading or trailing spaces
  float confidence = 0;  // mean probability of the line's characters, in [kMinLineConfidence, 1]
  // The line's 4 corners as x,y pairs clockwise from the top-left, in the input image's pixel coordinates.
  std::array<int32_t, 8> box{};
};

// Where Recognize's time went (seconds of wall time, summed over calls when the same object is passed).
struct OcrTimings {
  double detector = 0;    // preprocessing, the detector model, its postprocessing and cropping the lines
  double classifier = 0;  // the orientation classifier and turning lines
  double recognizer = 0;  // the recognizer model and CTC decoding
  double total = 0;
};

class TextDetector;
class OrientationClassifier;
class TextRecognizer;

class OcrEngine {
 public:
  // Loads the three models and the dictionary from the built-in models folder `models_folder`.
  static Result<std::shared_ptr<const OcrEngine>> Load(const std::string& models_folder = BuiltinModelsFolder());
  ~OcrEngine();
  OcrEngine(const OcrEngine&) = delete;
  OcrEngine& operator=(const OcrEngine&) = delete;

  // The lines of each image (gray, BGR or BGRA; alpha is composited over white), in reading order (rows
  // top to bottom, left to right within a row). The detector runs image by image; the classifier and
  // the recognizer in batches over the lines of all images. An image that cannot be read (empty, more
  // than 178,956,970 pixels, inconsistent) or whose models fail gets an Error; the others are unaffected.
  std::vector<Result<std::vector<OcrLine>>> Recognize(const std::vector<media::ImageView>& images,
                                                      OcrTimings* timings = nullptr) const;

  // The lines' text in reading order: lines on the same row joined by " ", rows by "\n".
  static std::string JoinText(const std::vector<OcrLine>& lines);

 private:
  OcrEngine(std::unique_ptr<TextDetector> detector, std::unique_ptr<OrientationClassifier> classifier,
            std::unique_ptr<TextRecognizer> recognizer);

  std::unique_ptr<TextDetector> detector_;
  std::unique_ptr<OrientationClassifier> classifier_;
  std::unique_ptr<TextRecognizer> recognizer_;
};

}  // namespace quarry::ml::ocr
