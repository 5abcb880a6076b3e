// ocr_bench DIR [ROUNDS] [IMAGES_PER_CALL] — the built-in OCR's speed (src/ml/ocr/): every .png, .jpg and
// .jpeg in DIR (e.g. the pages `/usr/bin/python3 tests/fixtures/make_ocr_fixtures.py DIR` renders),
// decoded once, then recognized ROUNDS times (default 3) in calls of IMAGES_PER_CALL images (default 8,
// as the SQL functions do) by one thread with the intra-op threads a lone SQL call gets. After a warm-up
// round, prints the best round's pages/s and lines/s and where its time went: detector (preprocessing,
// model, postprocessing, cropping), orientation classifier, recognizer (model, CTC decoding), rest.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "media/image_decoder.hpp"
#include "ml/intra_op_threads.hpp"
#include "ml/ocr/ocr_engine.hpp"

namespace {

using quarry::ml::ocr::OcrEngine;
using quarry::ml::ocr::OcrTimings;

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "ocr_bench: %s\n", message.c_str());
  std::exit(1);
}

std::vector<quarry::media::Image> DecodeFolder(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    const std::string extension = entry.path().extension().string();
    if (extension == ".png" || extension == ".jpg" || extension == ".jpeg") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<quarry::media::Image> images;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto image = quarry::media::DecodeImage({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
    if (!image.ok()) Fail(file.string() + ": " + image.error());
    images.push_back(std::move(image.value()));
  }
  return images;
}

struct Round {
  OcrTimings timings;
  size_t lines = 0;
};

Round RecognizeAll(const OcrEngine& engine, const std::vector<quarry::media::Image>& images, size_t per_call) {
  Round round;
  for (size_t first = 0; first < images.size(); first += per_call) {
    const size_t last = std::min(images.size(), first + per_call);
    const std::vector<quarry::media::ImageView> views(images.begin() + static_cast<std::ptrdiff_t>(first),
                                                      images.begin() + static_cast<std::ptrdiff_t>(last));
    const quarry::ml::IntraOpThreadScope threads;
    for (const auto& result : engine.Recognize(views, &round.timings)) {
      if (!result.ok()) Fail(result.error());
      round.lines += result.value().size();
    }
  }
  return round;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: ocr_bench DIR [ROUNDS] [IMAGES_PER_CALL]\n");
    return 2;
  }
  const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
  const size_t per_call = argc > 3 ? static_cast<size_t>(std::max(1, std::atoi(argv[3]))) : 8;
  const std::vector<quarry::media::Image> images = DecodeFolder(argv[1]);
  if (images.empty()) Fail(std::string("no .png or .jpg images in ") + argv[1]);

  const auto start = std::chrono::steady_clock::now();
  auto engine = OcrEngine::Load();
  if (!engine.ok()) Fail(engine.error());
  const double load = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  RecognizeAll(*engine.value(), images, per_call);  // warm-up
  Round best;
  for (int i = 0; i < rounds; i++) {
    const Round round = RecognizeAll(*engine.value(), images, per_call);
    if (i == 0 || round.timings.total < best.timings.total) best = round;
  }
  const OcrTimings& t = best.timings;
  const double rest = std::max(0.0, t.total - t.detector - t.classifier - t.recognizer);
  std::printf("engine load: %.2f s; %zu pages, %zu lines, %zu images per call, best of %d rounds\n", load,
              images.size(), best.lines, per_call, rounds);
  std::printf("pages/s %.2f  lines/s %.1f  ms/page %.0f\n", static_cast<double>(images.size()) / t.total,
              static_cast<double>(best.lines) / t.total, 1000 * t.total / static_cast<double>(images.size()));
  std::printf("time: detector %.0f%%  classifier %.0f%%  recognizer %.0f%%  rest %.0f%%\n", 100 * t.detector / t.total,
              100 * t.classifier / t.total, 100 * t.recognizer / t.total, 100 * rest / t.total);
  return 0;
}
