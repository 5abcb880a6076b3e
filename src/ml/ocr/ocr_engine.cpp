// The OCR pipeline: detect, crop, orient, recognize, order (see ocr_engine.hpp).
#include "ml/ocr/ocr_engine.hpp"

#include <chrono>
#include <exception>
#include <optional>

#include "ml/builtin_models.hpp"
#include "ml/ocr/box_geometry.hpp"
#include "ml/ocr/model_io.hpp"
#include "ml/ocr/orientation_classifier.hpp"
#include "ml/ocr/text_crop.hpp"
#include "ml/ocr/text_detector.hpp"
#include "ml/ocr/text_recognizer.hpp"

namespace quarry::ml::ocr {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// One image on its way through the pipeline.
struct Page {
  std::optional<std::string> error;
  std::vector<Quad> quads;  // its lines' boxes, in reading order
  size_t first_line = 0;    // where its lines start in the list of all images' lines
};

// The cropped lines of every image, and which page each came from.
struct Lines {
  std::vector<media::Image> images;
  std::vector<size_t> page;
};

std::vector<Quad> InReadingOrder(const std::vector<DetectedBox>& boxes) {
  std::vector<Quad> quads;
  for (const auto& box : boxes) quads.push_back(box.quad);
  std::vector<Quad> ordered;
  for (const auto& row : GroupIntoRows(quads)) {
    for (size_t index : row) ordered.push_back(quads[index]);
  }
  return ordered;
}

// Detects `image`'s lines into `page` and appends their crops to `lines`.
void DetectAndCrop(const TextDetector& detector, const media::ImageView& image, size_t page_index, Page& page,
                   Lines& lines) {
  try {
    media::Image storage;
    auto bgr = AsBgr(image, storage);
    if (!bgr.ok()) {
      page.error = bgr.error();
      return;
    }
    auto boxes = detector.Detect(bgr.value());
    if (!boxes.ok()) {
      page.error = "text detection failed: " + boxes.error();
      return;
    }
    page.quads = InReadingOrder(boxes.value());
    page.first_line = lines.images.size();
    for (const Quad& quad : page.quads) {
      lines.images.push_back(CropTextLine(bgr.value(), quad));
      lines.page.push_back(page_index);
    }
  } catch (const std::exception& error) {
    page.error = std::string("text detection failed: ") + error.what();
  }
}

// Turns the lines the classifier finds upside down.
void Orient(const OrientationClassifier& classifier, Lines& lines, std::vector<Page>& pages) {
  const auto upside_down = classifier.UpsideDown(lines.images);
  for (size_t i = 0; i < lines.images.size(); i++) {
    if (!upside_down[i].ok()) {
      pages[lines.page[i]].error = "text orientation failed: " + upside_down[i].error();
    } else if (upside_down[i].value()) {
      lines.images[i] = Rotate180(lines.images[i]);
    }
  }
}

std::string Trim(const std::string& text) {
  const size_t first = text.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

// The page's lines read with enough confidence; an Error when any of its lines failed.
Result<std::vector<OcrLine>> Assemble(const Page& page, const std::vector<Result<RecognizedText>>& texts) {
  if (page.error) return Error{*page.error};
  std::vector<OcrLine> lines;
  for (size_t i = 0; i < page.quads.size(); i++) {
    const auto& text = texts[page.first_line + i];
    if (!text.ok()) return Error{"text recognition failed: " + text.error()};
    std::string trimmed = Trim(text.value().text);
    if (text.value().confidence < kMinLineConfidence || trimmed.empty()) continue;
    lines.push_back({std::move(trimmed), text.value().confidence, ToIntegerBox(page.quads[i])});
  }
  return lines;
}

}  // namespace

OcrEngine::OcrEngine(std::unique_ptr<TextDetector> detector, std::unique_ptr<OrientationClassifier> classifier,
                     std::unique_ptr<TextRecognizer> recognizer)
    : detector_(std::move(detector)), classifier_(std::move(classifier)), recognizer_(std::move(recognizer)) {}

OcrEngine::~OcrEngine() = default;

Result<std::shared_ptr<const OcrEngine>> OcrEngine::Load(const std::string& models_folder) {
  auto detector_path = BuiltinModelPath(models_folder, "ocr/ch_PP-OCRv4_det_infer.onnx");
  auto classifier_path = BuiltinModelPath(models_folder, "ocr/ch_ppocr_mobile_v2.0_cls_infer.onnx");
  auto recognizer_path = BuiltinModelPath(models_folder, "ocr/ch_PP-OCRv4_rec_infer.onnx");
  auto dictionary_path = BuiltinModelPath(models_folder, "ocr/ppocr_keys_v1.txt");
  for (const auto* path : {&detector_path, &classifier_path, &recognizer_path, &dictionary_path}) {
    if (!path->ok()) return Error{path->error()};
  }
  auto detector = TextDetector::Load(detector_path.value());
  if (!detector.ok()) return Error{"the OCR text detector: " + detector.error()};
  auto classifier = OrientationClassifier::Load(classifier_path.value());
  if (!classifier.ok()) return Error{"the OCR orientation classifier: " + classifier.error()};
  auto recognizer = TextRecognizer::Load(recognizer_path.value(), dictionary_path.value());
  if (!recognizer.ok()) return Error{"the OCR text recognizer: " + recognizer.error()};
  return std::shared_ptr<const OcrEngine>(
      new OcrEngine(std::make_unique<TextDetector>(std::move(detector.value())),
                    std::make_unique<OrientationClassifier>(std::move(classifier.value())),
                    std::make_unique<TextRecognizer>(std::move(recognizer.value()))));
}

std::vector<Result<std::vector<OcrLine>>> OcrEngine::Recognize(const std::vector<media::ImageView>& images,
                                                               OcrTimings* timings) const {
  const auto start = Clock::now();
  std::vector<Page> pages(images.size());
  Lines lines;
  for (size_t i = 0; i < images.size(); i++) DetectAndCrop(*detector_, images[i], i, pages[i], lines);
  const auto detected = Clock::now();
  Orient(*classifier_, lines, pages);
  const auto oriented = Clock::now();
  const auto texts = recognizer_->Recognize(lines.images);
  const auto recognized = Clock::now();
  std::vector<Result<std::vector<OcrLine>>> results;
  for (const Page& page : pages) results.push_back(Assemble(page, texts));
  if (timings != nullptr) {
    timings->detector += std::chrono::duration<double>(detected - start).count();
    timings->classifier += std::chrono::duration<double>(oriented - detected).count();
    timings->recognizer += std::chrono::duration<double>(recognized - oriented).count();
    timings->total += SecondsSince(start);
  }
  return results;
}

std::string OcrEngine::JoinText(const std::vector<OcrLine>& lines) {
  std::vector<Quad> quads;
  for (const auto& line : lines) quads.push_back(FromIntegerBox(line.box));
  std::string text;
  for (const auto& row : GroupIntoRows(quads)) {
    if (!text.empty()) text += '\n';
    for (size_t i = 0; i < row.size(); i++) text += (i > 0 ? " " : "") + lines[row[i]].text;
  }
  return text;
}

}  // namespace quarry::ml::ocr
