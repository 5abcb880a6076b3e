// The built-in OCR (src/ml/ocr/): its pieces on synthetic inputs (CTC decoding, DB postprocessing,
// sizes, reading order, batching, crops, channel conversion), and the whole engine on pages rendered by
// tests/fixtures/make_ocr_fixtures.py: at least 95% of the words exact on clean English and Chinese
// pages; accuracy on noisy pages (rotation, blur, JPEG, low contrast, a receipt) printed, not asserted;
// an upside-down line turned and read; bad images are errors beside good ones; concurrent calls agree.
//
// Word accuracy: the expected and the recognized text without whitespace, aligned character by character
// (longest common subsequence); a word is exact when all its characters are aligned to consecutive
// recognized characters (nothing missing, changed or inserted inside it).
#include "ml/ocr/ocr_engine.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "fixture_folder.hpp"
#include "media/image_decoder.hpp"
#include "ml/ocr/batching.hpp"
#include "ml/ocr/box_geometry.hpp"
#include "ml/ocr/ctc_decoder.hpp"
#include "ml/ocr/db_postprocess.hpp"
#include "ml/ocr/model_io.hpp"
#include "ml/ocr/text_crop.hpp"
#include "ml/ocr/text_detector.hpp"
#include "ml/ocr/text_recognizer.hpp"

namespace quarry::ml::ocr {
namespace {

// --- Pieces -------------------------------------------------------------------------------------------

TEST(OcrCtcDecoder, MergesRepeatsDropsBlanksAndAveragesConfidence) {
  const CtcDecoder decoder({"a", "b", "中"});  // classes: blank, a, b, 中, space
  ASSERT_EQ(decoder.classes(), 5);
  // Steps: a a blank a b space 中 blank.
  const std::vector<int> best = {1, 1, 0, 1, 2, 4, 3, 0};
  const std::vector<float> top = {0.9f, 0.8f, 0.99f, 0.7f, 0.6f, 0.5f, 0.4f, 0.95f};
  std::vector<float> probabilities(best.size() * 5, 0.0f);
  for (size_t step = 0; step < best.size(); step++) probabilities[step * 5 + best[step]] = top[step];
  const RecognizedText text = decoder.Decode(probabilities.data(), static_cast<int64_t>(best.size()));
  EXPECT_EQ(text.text, "aab 中");
  EXPECT_NEAR(text.confidence, (0.9f + 0.7f + 0.6f + 0.5f + 0.4f) / 5, 1e-6);
  const std::vector<float> blanks(2 * 5, 0.0f);
  EXPECT_EQ(decoder.Decode(blanks.data(), 2).text, "");
  EXPECT_EQ(decoder.Decode(blanks.data(), 2).confidence, 0.0f);
}

TEST(OcrCtcDecoder, PutsASpaceWhereTheSpaceClassRisesBetweenDistantCharacters) {
  const CtcDecoder decoder({"a", "b", "c", "d", "e"});  // classes: blank, a..e, space (6)
  // Steps: a, blank (space 0.3), blank, b, blank (space 0.01), c, d, blank (space 0.5), e. Characters
  // start at steps 0, 3, 5, 6, 8: gaps 3, 2, 1, 2, median 2. a-b: hint and wider than the median, so a
  // space; b-c: hint too low; d-e: hint but not wider than the median (a monospaced narrow glyph).
  const std::vector<std::pair<int, float>> steps = {{1, 0}, {0, 0.3f}, {0, 0},    {2, 0}, {0, 0.01f},
                                                    {3, 0}, {4, 0},    {0, 0.5f}, {5, 0}};
  std::vector<float> probabilities;
  for (const auto& [best, space] : steps) {
    std::vector<float> row(7, 0.0f);
    row[6] = space;
    row[best] = 0.9f;
    probabilities.insert(probabilities.end(), row.begin(), row.end());
  }
  const RecognizedText text = decoder.Decode(probabilities.data(), static_cast<int64_t>(steps.size()));
  EXPECT_EQ(text.text, "a bcde");
  EXPECT_NEAR(text.confidence, 0.9f, 1e-6);
}

std::vector<float> MapWithRectangle(int width, int height, int left, int top, int right, int bottom, float value) {
  std::vector<float> map(static_cast<size_t>(width) * height, 0.0f);
  for (int y = top; y < bottom; y++) {
    for (int x = left; x < right; x++) map[static_cast<size_t>(y) * width + x] = value;
  }
  return map;
}

TEST(OcrDbPostprocess, FindsUnclipsAndScalesABox) {
  // A 60 x 10 text core in a 128 x 64 map, for an image twice as large.
  const auto map = MapWithRectangle(128, 64, 20, 10, 80, 20, 0.9f);
  const auto boxes = BoxesFromProbabilityMap(map.data(), 128, 64, 256, 128);
  ASSERT_EQ(boxes.size(), 1u);
  EXPECT_NEAR(boxes[0].score, 0.9f, 0.05f);
  const Quad& quad = boxes[0].quad;
  // The core's rectangle (pixel centers 20..79, 10..19) grows by about 59 * 9 * 1.5 / (2 * 68) on every
  // side (minAreaRect of the contour spans pixel centres), then doubles.
  const float grow = 59.0f * 9.0f * 1.5f / (2.0f * 68.0f);
  EXPECT_NEAR(quad[0].x, 2 * (20 - grow), 2.0f);
  EXPECT_NEAR(quad[0].y, 2 * (10 - grow), 2.0f);
  EXPECT_NEAR(quad[2].x, 2 * (79 + grow), 2.0f);
  EXPECT_NEAR(quad[2].y, 2 * (19 + grow), 2.0f);
  EXPECT_LT(quad[0].x, quad[1].x);  // clockwise from the top-left
  EXPECT_LT(quad[1].y, quad[2].y);
}

TEST(OcrDbPostprocess, DropsFaintTinyAndEmptyRegions) {
  const auto faint = MapWithRectangle(64, 64, 10, 10, 50, 20, 0.5f);  // above 0.3 but scores under 0.6
  EXPECT_TRUE(BoxesFromProbabilityMap(faint.data(), 64, 64, 64, 64).empty());
  const auto tiny = MapWithRectangle(64, 64, 10, 10, 40, 12, 0.9f);  // 2 pixels high
  EXPECT_TRUE(BoxesFromProbabilityMap(tiny.data(), 64, 64, 64, 64).empty());
  const std::vector<float> empty(64 * 64, 0.0f);
  EXPECT_TRUE(BoxesFromProbabilityMap(empty.data(), 64, 64, 64, 64).empty());
}

TEST(OcrDetector, InputSizeIsCappedAndAMultipleOf32) {
  auto size = DetectorInputSize({1000, 500});
  EXPECT_EQ(size.width, 960);
  EXPECT_EQ(size.height, 480);
  size = DetectorInputSize({100, 50});
  EXPECT_EQ(size.width, 96);
  EXPECT_EQ(size.height, 64);
  size = DetectorInputSize({1, 1});
  EXPECT_EQ(size.width, 32);
  EXPECT_EQ(size.height, 32);
  size = DetectorInputSize({100000, 10});
  EXPECT_EQ(size.width, 960);
  EXPECT_EQ(size.height, 32);
}

Quad Rectangle(float left, float top, float right, float bottom) {
  return {Point{left, top}, Point{right, top}, Point{right, bottom}, Point{left, bottom}};
}

TEST(OcrReadingOrder, RowsTopToBottomThenLeftToRight) {
  // Two columns (a price a little higher than its item, as on a tilted receipt), then a full-width line.
  const std::vector<Quad> quads = {Rectangle(300, 52, 360, 72), Rectangle(10, 100, 120, 120),
                                   Rectangle(10, 55, 150, 75), Rectangle(300, 98, 360, 118),
                                   Rectangle(10, 150, 360, 175)};
  const auto rows = GroupIntoRows(quads);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<size_t>{2, 0}));
  EXPECT_EQ(rows[1], (std::vector<size_t>{1, 3}));
  EXPECT_EQ(rows[2], (std::vector<size_t>{4}));

  std::vector<OcrLine> lines;
  const std::vector<std::string> texts = {"3.49", "Bread", "Milk", "2.99", "TOTAL 6.48"};
  for (size_t i = 0; i < quads.size(); i++) lines.push_back({texts[i], 0.9f, ToIntegerBox(quads[i])});
  EXPECT_EQ(OcrEngine::JoinText(lines), "Milk 3.49\nBread 2.99\nTOTAL 6.48");
  EXPECT_EQ(OcrEngine::JoinText({}), "");
}

TEST(OcrBatching, GroupsEqualWidthsAndRetriesFailedBatchesOneByOne) {
  // At most 2 per batch, and at most 1000 / width: one 640 per batch.
  const auto batches = BatchesOfEqualWidth({320, 320, 480, 320, 640, 352, 640}, 1000, 2);
  ASSERT_EQ(batches.size(), 6u);
  EXPECT_EQ(batches[0], (std::vector<size_t>{0, 1}));
  EXPECT_EQ(batches[1], (std::vector<size_t>{3}));
  EXPECT_EQ(batches[2], (std::vector<size_t>{5}));
  EXPECT_EQ(batches[3], (std::vector<size_t>{2}));
  EXPECT_EQ(batches[4], (std::vector<size_t>{4}));
  EXPECT_EQ(batches[5], (std::vector<size_t>{6}));

  // Item 3 always fails: its batch is retried item by item, so item 1 still succeeds.
  const std::vector<std::vector<size_t>> pairs = {{1, 3}, {2, 4}, {0}};
  const auto results = RunBatches<int>(5, pairs, [](const std::vector<size_t>& batch) -> Result<std::vector<int>> {
    std::vector<int> values;
    for (size_t index : batch) {
      if (index == 3) return Error{"bad item"};
      values.push_back(static_cast<int>(index) * 10);
    }
    return values;
  });
  for (size_t i = 0; i < 5; i++) {
    if (i == 3) {
      EXPECT_FALSE(results[i].ok());
    } else {
      ASSERT_TRUE(results[i].ok()) << results[i].error();
      EXPECT_EQ(results[i].value(), static_cast<int>(i) * 10);
    }
  }
  EXPECT_EQ(RecognizerInputWidth(100, 48), kRecognizerMinWidth);
  EXPECT_EQ(RecognizerInputWidth(1000, 48), 1024);
  EXPECT_EQ(RecognizerInputWidth(500, 24), 1024);
  EXPECT_EQ(RecognizerInputWidth(100000, 48), kRecognizerMaxWidth);
}

media::Image Gradient(int32_t width, int32_t height) {
  media::Image image{width, height, 3, std::vector<uint8_t>(static_cast<size_t>(width) * height * 3)};
  for (int32_t y = 0; y < height; y++) {
    for (int32_t x = 0; x < width; x++) {
      uint8_t* pixel = image.row(y) + 3 * x;
      pixel[0] = static_cast<uint8_t>(x * 3), pixel[1] = static_cast<uint8_t>(y * 5), pixel[2] = 77;
    }
  }
  return image;
}

TEST(OcrTextCrop, AxisAlignedBoxesCropExactlyAndTallOnesTurn) {
  const media::Image image = Gradient(60, 40);
  const media::Image crop = CropTextLine(image, Rectangle(10, 5, 50, 15));
  ASSERT_EQ(crop.width, 40);
  ASSERT_EQ(crop.height, 10);
  for (int32_t y = 0; y < crop.height; y++) {
    for (int32_t x = 0; x < crop.width; x++) {
      for (int c = 0; c < 3; c++) ASSERT_EQ(crop.row(y)[3 * x + c], image.row(y + 5)[3 * (x + 10) + c]);
    }
  }
  const media::Image tall = CropTextLine(image, Rectangle(10, 5, 20, 35));  // 10 x 30: turned
  EXPECT_EQ(tall.width, 30);
  EXPECT_EQ(tall.height, 10);
  const media::Image turned = Rotate180(crop);
  EXPECT_EQ(turned.row(0)[0], crop.row(crop.height - 1)[3 * (crop.width - 1)]);
}

TEST(OcrModelIo, ConvertsChannelsAndRejectsBadImages) {
  media::Image storage;
  const media::Image gray{2, 1, 1, {10, 200}};
  auto bgr = AsBgr(gray, storage);
  ASSERT_TRUE(bgr.ok()) << bgr.error();
  EXPECT_EQ(std::vector<uint8_t>(bgr.value().pixels.begin(), bgr.value().pixels.end()),
            (std::vector<uint8_t>{10, 10, 10, 200, 200, 200}));
  const media::Image bgra{2, 1, 4, {0, 0, 0, 255, 0, 0, 0, 0}};  // opaque black, transparent black
  bgr = AsBgr(bgra, storage);
  ASSERT_TRUE(bgr.ok()) << bgr.error();
  EXPECT_EQ(std::vector<uint8_t>(bgr.value().pixels.begin(), bgr.value().pixels.end()),
            (std::vector<uint8_t>{0, 0, 0, 255, 255, 255}));
  EXPECT_FALSE(AsBgr(media::Image{0, 0, 3, {}}, storage).ok());
  EXPECT_FALSE(AsBgr(media::Image{2, 1, 2, {1, 2, 3, 4}}, storage).ok());
  EXPECT_FALSE(AsBgr(media::Image{2, 2, 3, {1, 2, 3}}, storage).ok());
  EXPECT_FALSE(AsBgr(media::ImageView{100000, 100000, 3, {}}, storage).ok());
}

// --- The engine on rendered pages ---------------------------------------------------------------------

const std::filesystem::path& OcrFixtures() {
  static const quarry::testing::FixtureFolder folder("make_ocr_fixtures.py");
  static const std::filesystem::path empty;
  return folder.ok() ? folder.path() : empty;
}

std::shared_ptr<const OcrEngine> Engine() {
  static const auto engine = [] {
    auto loaded = OcrEngine::Load();
    EXPECT_TRUE(loaded.ok()) << loaded.error();
    return loaded.ok() ? loaded.value() : nullptr;
  }();
  return engine;
}

struct Page {
  std::string name, kind, language;
  media::Image image;
  std::string expected;  // rows, words separated by spaces
  std::vector<OcrLine> lines;
  std::string error;
};

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every fixture page, recognized in one call (so the recognizer batches lines across pages).
const std::vector<Page>& Pages() {
  static const std::vector<Page> pages = [] {
    std::vector<Page> loaded;
    if (OcrFixtures().empty() || !Engine()) return loaded;
    std::istringstream manifest(ReadFile(OcrFixtures() / "manifest.txt"));
    std::string name, file, kind, language;
    while (manifest >> name >> file >> kind >> language) {
      const std::string bytes = ReadFile(OcrFixtures() / file);
      auto image = media::DecodeImage({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
      EXPECT_TRUE(image.ok()) << file << ": " << image.error();
      if (!image.ok()) continue;
      loaded.push_back(
          {name, kind, language, std::move(image.value()), ReadFile(OcrFixtures() / (name + ".txt")), {}, {}});
    }
    std::vector<media::ImageView> images;
    for (const auto& page : loaded) images.push_back(page.image);
    auto results = Engine()->Recognize(images);
    for (size_t i = 0; i < loaded.size(); i++) {
      if (results[i].ok()) {
        loaded[i].lines = results[i].value();
      } else {
        loaded[i].error = results[i].error();
      }
    }
    return loaded;
  }();
  return pages;
}

std::vector<char32_t> CodePoints(const std::string& text) {
  std::vector<char32_t> points;
  for (size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const int length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
    char32_t point = length == 1 ? byte : byte & (0x3F >> (length - 1));
    for (int k = 1; k < length && i + k < text.size(); k++) point = (point << 6) | (text[i + k] & 0x3F);
    points.push_back(point);
    i += length;
  }
  return points;
}

struct WordScore {
  size_t exact = 0;
  size_t total = 0;
};

// See the header comment.
WordScore ScoreWords(const std::string& expected, const std::string& recognized) {
  std::vector<char32_t> wanted;
  std::vector<size_t> word_of;
  std::istringstream words(expected);
  std::string word;
  size_t count = 0;
  while (words >> word) {
    for (char32_t point : CodePoints(word)) wanted.push_back(point), word_of.push_back(count);
    count++;
  }
  std::vector<char32_t> got;
  for (char32_t point : CodePoints(recognized)) {
    if (point != U' ' && point != U'\n') got.push_back(point);
  }
  const size_t n = wanted.size(), m = got.size();
  std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      lcs[i][j] = wanted[i] == got[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::vector<long> match(n, -1);
  for (size_t i = 0, j = 0; i < n && j < m;) {
    if (wanted[i] == got[j]) {
      match[i++] = static_cast<long>(j++);
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
      i++;
    } else {
      j++;
    }
  }
  std::vector<bool> exact(count, true);
  for (size_t i = 0; i < n; i++) {
    const bool continues =
        i == 0 || word_of[i - 1] != word_of[i] || (match[i - 1] >= 0 && match[i] == match[i - 1] + 1);
    if (match[i] < 0 || !continues) exact[word_of[i]] = false;
  }
  WordScore score{0, count};
  for (bool ok : exact) score.exact += ok ? 1 : 0;
  return score;
}

// Words exact as whitespace-separated tokens in order (longest common subsequence of tokens): also
// counts the spaces between words.
WordScore ScoreTokens(const std::string& expected, const std::string& recognized) {
  auto tokens = [](const std::string& text) {
    std::istringstream words(text);
    return std::vector<std::string>(std::istream_iterator<std::string>(words), std::istream_iterator<std::string>());
  };
  const auto wanted = tokens(expected), got = tokens(recognized);
  std::vector<std::vector<size_t>> lcs(wanted.size() + 1, std::vector<size_t>(got.size() + 1, 0));
  for (size_t i = wanted.size(); i-- > 0;) {
    for (size_t j = got.size(); j-- > 0;) {
      lcs[i][j] = wanted[i] == got[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  return {lcs[0][0], wanted.size()};
}

struct Accuracy {
  double words = 0;   // ScoreWords
  double spaced = 0;  // ScoreTokens
};

double Ratio(const WordScore& score) {
  return score.total > 0 ? static_cast<double>(score.exact) / static_cast<double>(score.total) : 0;
}

// Word accuracy over the pages of `kind` in `language`, printed per page.
Accuracy Measure(const std::string& kind, const std::string& language) {
  WordScore words, spaced;
  for (const Page& page : Pages()) {
    if (page.kind != kind || page.language != language) continue;
    EXPECT_TRUE(page.error.empty()) << page.name << ": " << page.error;
    const std::string text = OcrEngine::JoinText(page.lines);
    const WordScore score = ScoreWords(page.expected, text);
    const WordScore tokens = ScoreTokens(page.expected, text);
    std::printf("[ocr] %-22s %3zu/%3zu words exact", page.name.c_str(), score.exact, score.total);
    if (language == "en") std::printf(", %3zu/%3zu with the spaces around them", tokens.exact, tokens.total);
    std::printf("\n");
    if (score.exact < score.total || (language == "en" && tokens.exact < tokens.total)) {
      std::printf("%s\n", text.c_str());
    }
    words.exact += score.exact, words.total += score.total;
    spaced.exact += tokens.exact, spaced.total += tokens.total;
  }
  EXPECT_GT(words.total, 0u) << "no " << kind << " " << language << " pages";
  const Accuracy accuracy{Ratio(words), Ratio(spaced)};
  std::printf("[ocr] %s %s: %.1f%% of %zu words exact", kind.c_str(), language.c_str(), 100 * accuracy.words,
              words.total);
  if (language == "en") std::printf(", %.1f%% with the spaces around them", 100 * accuracy.spaced);
  std::printf("\n");
  return accuracy;
}

TEST(OcrEngine, ReadsCleanEnglishPages) {
  const Accuracy accuracy = Measure("clean", "en");
  EXPECT_GE(accuracy.words, 0.95);
  EXPECT_GE(accuracy.spaced, 0.85);  // the decoder's space hint (ctc_decoder.hpp) at work
}

TEST(OcrEngine, ReadsCleanChinesePages) {
  EXPECT_GE(Measure("clean", "zh").words, 0.95);
}

TEST(OcrEngine, ReportsAccuracyOnNoisyPages) {
  Measure("noisy", "en");
  Measure("noisy", "zh");
}

TEST(OcrEngine, TurnsAndReadsAnUpsideDownLine) {
  EXPECT_GE(Measure("upside", "en").spaced, 1.0);
}

TEST(OcrEngine, LinesHaveBoxesInsideTheImageAndConfidences) {
  for (const Page& page : Pages()) {
    for (const OcrLine& line : page.lines) {
      EXPECT_GE(line.confidence, kMinLineConfidence);
      EXPECT_LE(line.confidence, 1.0f);
      for (size_t i = 0; i < 8; i += 2) {
        EXPECT_TRUE(line.box[i] >= 0 && line.box[i] < page.image.width) << page.name;
        EXPECT_TRUE(line.box[i + 1] >= 0 && line.box[i + 1] < page.image.height) << page.name;
      }
      EXPECT_LT(line.box[0], line.box[2]) << page.name << ": not clockwise from the top-left";
      EXPECT_LT(line.box[3], line.box[5]) << page.name << ": not clockwise from the top-left";
    }
  }
}

TEST(OcrEngine, BadImagesAreErrorsBesideGoodOnes) {
  ASSERT_TRUE(Engine());
  ASSERT_FALSE(Pages().empty());
  const media::Image blank{300, 100, 3, std::vector<uint8_t>(300 * 100 * 3, 255)};
  const media::Image sliver{4000, 2, 1, std::vector<uint8_t>(8000, 0)};
  const std::vector<media::ImageView> images = {
      media::ImageView{0, 0, 3, {}},            // empty
      media::ImageView{100000, 100000, 3, {}},  // over the pixel cap
      media::ImageView{10, 10, 2, {}},          // 2 channels
      blank,
      sliver,
      Pages().back().image,
  };
  const auto results = Engine()->Recognize(images);
  ASSERT_EQ(results.size(), images.size());
  EXPECT_FALSE(results[0].ok());
  EXPECT_FALSE(results[1].ok());
  EXPECT_FALSE(results[2].ok());
  ASSERT_TRUE(results[3].ok()) << results[3].error();
  EXPECT_TRUE(results[3].value().empty());
  EXPECT_TRUE(results[4].ok()) << results[4].error();
  ASSERT_TRUE(results[5].ok()) << results[5].error();
  EXPECT_EQ(OcrEngine::JoinText(results[5].value()), OcrEngine::JoinText(Pages().back().lines));
  EXPECT_TRUE(Engine()->Recognize({}).empty());
}

TEST(OcrEngine, ConcurrentCallsAgree) {
  ASSERT_TRUE(Engine());
  ASSERT_FALSE(Pages().empty());
  const Page& page = Pages().front();
  std::vector<std::string> texts(2);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < texts.size(); i++) {
    threads.emplace_back([&, i] {
      auto results = Engine()->Recognize({page.image});
      if (results[0].ok()) texts[i] = OcrEngine::JoinText(results[0].value());
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(texts[0], OcrEngine::JoinText(page.lines));
  EXPECT_EQ(texts[1], texts[0]);
}

}  // namespace
}  // namespace quarry::ml::ocr
