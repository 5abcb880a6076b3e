// image_decode_bench FOLDER [RUNS [THREADS]] — read_images' throughput against hand-written C++ loops, same
// files, same process, on every core (or THREADS threads, the query's too):
//   bare quarry:      a loop per thread: read file, TurboJPEG full decode to BGR, quarry's Pillow-exact
//                     bilinear resize to 224x224;
//   bare cv linear:   the same loop with OpenCV's cv::resize INTER_LINEAR (no antialiasing) instead;
//   bare cv area:     the same loop with OpenCV's cv::resize INTER_AREA (antialiased, as Pillow's);
//   sql:              SELECT count(*), sum(length(image_resize(image, 224, 224).data)) FROM read_images(FOLDER);
//   sql size:         SELECT count(*), sum(length(image.data)) FROM read_images(FOLDER, size := 224)
//                     (JPEG DCT scaling before the resize).
// Prints images/s of each (best of RUNS, interleaved) and the ratios the resize issue names: sql / cv linear
// (target >= 0.9), sql / cv area (>= 1.0), sql size / cv linear (>= 1.5), sql size / sql (>= 1.0). Then a
// single-thread breakdown over 300 of the files held in memory (where the time goes): milliseconds per image
// of TurboJPEG's full decode, quarry's full, DCT-scaled and one-pass (decode + resize) decodes, and each
// resize after a decode (OpenCV's two, quarry's on the fastest path, then on each). RUNS = 0 prints the
// breakdown alone.
#include <turbojpeg.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <thread>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "media/image_transform.hpp"
#include "media/jpeg_decoder.hpp"
#include "media/jpeg_resize_decoder.hpp"
#include "media/pixel_pool.hpp"
#include "media/resize/resize_path.hpp"
#include "quarry/database.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kSide = 224;

std::vector<std::string> JpegFiles(const std::string& folder) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() == ".jpg") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Resizes a decoded BGR picture to kSide x kSide; returns the bytes out, 0 on failure.
using Resizer = std::function<size_t(quarry::media::Image&)>;

size_t QuarryResize(quarry::media::Image& image) {
  auto resized = quarry::media::Resize(image, kSide, kSide);
  return resized.ok() ? resized.value().pixels.size() : 0;
}

Resizer OpenCvResize(int interpolation) {
  return [interpolation](quarry::media::Image& image) -> size_t {
    const cv::Mat source(image.height, image.width, CV_8UC3, image.pixels.data());
    cv::Mat resized;
    cv::resize(source, resized, cv::Size(kSide, kSide), 0, 0, interpolation);
    return resized.total() * resized.elemSize();
  };
}

// TurboJPEG full decode of `data` to BGR into `image`; false on failure.
bool DecodeFull(tjhandle handle, const std::vector<unsigned char>& data, quarry::media::Image& image) {
  int width = 0, height = 0, subsampling = 0, colorspace = 0;
  if (tjDecompressHeader3(handle, data.data(), data.size(), &width, &height, &subsampling, &colorspace) != 0) {
    return false;
  }
  image.width = width;
  image.height = height;
  image.channels = 3;
  image.pixels.resize(static_cast<size_t>(width) * height * 3);
  return tjDecompress2(handle, data.data(), data.size(), image.pixels.data(), width, 0, height, TJPF_BGR, 0) == 0;
}

// The whole file in one read (not byte by byte through istreambuf_iterator, which costs the loops ~10%).
void ReadFile(const std::string& path, std::vector<unsigned char>& data) {
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  data.resize(static_cast<size_t>(file.tellg()));
  file.seekg(0);
  file.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

// A bare loop on `threads` threads: read, full decode, `resize`; returns seconds. Checks every image.
double BareLoop(const std::vector<std::string>& files, unsigned threads, const Resizer& resize, uint64_t& total_bytes) {
  std::atomic<size_t> next{0};
  std::atomic<uint64_t> bytes{0};
  std::atomic<size_t> failures{0};
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; t++) {
    workers.emplace_back([&] {
      tjhandle handle = tjInitDecompress();
      std::vector<unsigned char> data;
      quarry::media::Image image;
      for (size_t i = next++; i < files.size(); i = next++) {
        ReadFile(files[i], data);
        const size_t out = DecodeFull(handle, data, image) ? resize(image) : 0;
        if (out == 0) failures++;
        bytes += out;
      }
      tjDestroy(handle);
    });
  }
  for (auto& worker : workers) worker.join();
  const double seconds = Seconds(start);
  if (failures > 0) std::cerr << "bare loop: " << failures << " files failed\n";
  total_bytes = bytes;
  return seconds;
}

double TimeQuery(quarry::Connection& connection, const std::string& sql, uint64_t& total_bytes) {
  const auto start = Clock::now();
  quarry::QueryResult result = connection.Query(sql);
  const double seconds = Seconds(start);
  if (!result.ok()) {
    std::cerr << result.error().Describe(sql) << "\n";
    std::exit(1);
  }
  std::vector<std::vector<quarry::Value>> rows;
  result.NextBatch(rows);
  total_bytes = static_cast<uint64_t>(std::stoll(rows.at(0).at(1).text()));
  return seconds;
}

// Single-thread milliseconds per image of each step over `count` files spread evenly over the folder
// (where the time goes), read into memory first. Each step is its own loop over every file, so no step runs on
// caches another step warmed (timing steps one after another on each picture flatters whatever comes second);
// loops compared are timed in alternating rounds, best of 3; a resize's cost is its loop (decode + resize) less
// the decode loop's.
void Breakdown(const std::vector<std::string>& all_files, size_t count) {
  std::vector<std::vector<unsigned char>> files;
  const size_t step = std::max<size_t>(1, all_files.size() / count);
  for (size_t i = 0; i < all_files.size() && files.size() < count; i += step) {
    files.emplace_back();
    ReadFile(all_files[i], files.back());
  }
  tjhandle handle = tjInitDecompress();
  quarry::media::Image image;
  uint64_t pixels = 0;
  for (const auto& data : files) {
    DecodeFull(handle, data, image);
    pixels += static_cast<uint64_t>(image.width) * image.height;
  }
  // Milliseconds per image of each of `works` over every file: 3 rounds, each running every work's loop in turn
  // (so a drift of the machine's speed hits all alike), best round of each.
  using Work = std::function<bool(const std::vector<unsigned char>&)>;
  const auto per_image = [&](const std::vector<Work>& works) {
    std::vector<double> best(works.size(), 1e30);
    for (int round = 0; round < 3; round++) {
      for (size_t w = 0; w < works.size(); w++) {
        const auto start = Clock::now();
        size_t failures = 0;
        for (const auto& data : files) failures += works[w](data) ? 0 : 1;
        best[w] = std::min(best[w], Seconds(start));
        if (failures > 0) std::cerr << "breakdown: " << failures << " files failed\n";
      }
    }
    for (double& seconds : best) seconds *= 1000.0 / static_cast<double>(files.size());
    return best;
  };
  const auto decoded_then = [&](const Resizer& resize) -> Work {
    return [&, resize](const std::vector<unsigned char>& data) {
      return DecodeFull(handle, data, image) && resize(image) > 0;
    };
  };
  const Work decode_only = decoded_then([](quarry::media::Image& image) -> size_t { return image.pixels.size(); });
  // quarry's decodes give their pixels back to the pool, as read_images' vectors do.
  const auto decoded_by_quarry = [](const quarry::media::DecodeOptions& options) -> Work {
    return [options](const std::vector<unsigned char>& data) {
      auto decoded = quarry::media::DecodeJpeg(data, options);
      if (!decoded.ok()) return false;
      quarry::media::ReleasePixels(std::move(decoded.value().pixels));
      return true;
    };
  };
  const Work full = decoded_by_quarry(quarry::media::DecodeOptions{});
  const Work one_pass = [](const std::vector<unsigned char>& data) {
    auto resized = quarry::media::DecodeJpegResized(data, kSide, kSide, quarry::media::DecodeOptions{});
    if (!resized.ok()) return false;
    quarry::media::ReleasePixels(std::move(resized.value().pixels));
    return true;
  };
  quarry::media::DecodeOptions at_least_side;
  at_least_side.min_width = kSide;
  at_least_side.min_height = kSide;
  const Work scaled = decoded_by_quarry(at_least_side);
  const std::vector<double> decodes =
      per_image({decode_only, decoded_then(OpenCvResize(cv::INTER_LINEAR)), full, scaled, one_pass});
  std::vector<std::pair<std::string, Resizer>> resizers = {{"cv INTER_LINEAR", OpenCvResize(cv::INTER_LINEAR)},
                                                           {"cv INTER_AREA", OpenCvResize(cv::INTER_AREA)},
                                                           {"quarry (fastest path)", QuarryResize}};
  for (auto path : quarry::media::resize::AvailableResizePaths()) {
    resizers.emplace_back(std::string("quarry ") + quarry::media::resize::ResizePathName(path),
                          [path](quarry::media::Image& image) -> size_t {
                            auto resized = quarry::media::resize::ResizeOnPath(path, image, kSide, kSide,
                                                                               quarry::media::ResizeFilter::kBilinear);
                            return resized.ok() ? resized.value().pixels.size() : 0;
                          });
  }
  std::vector<double> resize_ms;  // each against a decode loop timed in the same rounds
  for (const auto& resizer : resizers) {
    const std::vector<double> pair = per_image({decode_only, decoded_then(resizer.second)});
    resize_ms.push_back(pair[1] - pair[0]);
  }
  tjDestroy(handle);
  std::printf(
      "single thread, %zu files spread over the folder (%.2f megapixels on average), in memory, ms per image:\n",
      files.size(), static_cast<double>(pixels) / 1e6 / static_cast<double>(files.size()));
  std::printf(
      "  TurboJPEG full decode %.3f (+ cv INTER_LINEAR %.3f) | quarry full decode %.3f | quarry decode at size := %d "
      "%.3f | quarry decode + resize to %d in one pass %.3f (%.3f of TurboJPEG + INTER_LINEAR)\n",
      decodes[0], decodes[1], decodes[2], kSide, decodes[3], kSide, decodes[4], decodes[1] / decodes[4]);
  std::printf("  resize to %d after each decode:", kSide);
  for (size_t r = 0; r < resizers.size(); r++)
    std::printf("%s %s %.3f", r ? " |" : "", resizers[r].first.c_str(), resize_ms[r]);
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: image_decode_bench FOLDER [RUNS [THREADS]]\n";
    return 2;
  }
  const std::string folder = argv[1];
  const int runs = argc > 2 ? std::atoi(argv[2]) : 3;
  const auto files = JpegFiles(folder);
  const int thread_setting = argc > 3 ? std::atoi(argv[3]) : static_cast<int>(std::thread::hardware_concurrency());
  if (runs < 0 || thread_setting < 1) {
    std::cerr << "usage: image_decode_bench FOLDER [RUNS [THREADS]] (RUNS >= 0, THREADS >= 1)\n";
    return 2;
  }
  const auto threads = static_cast<unsigned>(thread_setting);
  cv::setNumThreads(1);  // one OpenCV thread per loop thread: the loops already use every core
  quarry::Database database;
  quarry::Connection connection(database);
  if (argc > 3 && !connection.Query("SET threads = " + std::to_string(threads)).ok()) {
    std::cerr << "cannot set the query's threads to " << threads << "\n";
    return 1;
  }
  const std::string side = std::to_string(kSide);
  const std::string sql = "SELECT count(*), sum(length(image_resize(image, " + side + ", " + side +
                          ").data)) FROM read_images('" + folder + "/*.jpg')";
  const std::string sql_size =
      "SELECT count(*), sum(length(image.data)) FROM read_images('" + folder + "/*.jpg', size := " + side + ")";

  double bare = 1e30, linear = 1e30, area = 1e30, query = 1e30, query_size = 1e30;
  uint64_t bare_bytes = 0, linear_bytes = 0, area_bytes = 0, query_bytes = 0, size_bytes = 0;
  if (runs == 0) {  // the breakdown alone
    Breakdown(files, 300);
    return 0;
  }
  for (int run = 0; run < runs; run++) {  // interleaved, best of each
    bare = std::min(bare, BareLoop(files, threads, QuarryResize, bare_bytes));
    linear = std::min(linear, BareLoop(files, threads, OpenCvResize(cv::INTER_LINEAR), linear_bytes));
    area = std::min(area, BareLoop(files, threads, OpenCvResize(cv::INTER_AREA), area_bytes));
    query = std::min(query, TimeQuery(connection, sql, query_bytes));
    query_size = std::min(query_size, TimeQuery(connection, sql_size, size_bytes));
  }
  const double n = static_cast<double>(files.size());
  const auto bytes = [](uint64_t b) { return static_cast<unsigned long long>(b); };
  std::printf("files: %zu JPEGs in %s; threads: %u; best of %d runs\n", files.size(), folder.c_str(), threads, runs);
  std::printf("bare TurboJPEG + quarry resize:    %8.1f images/s (%llu bytes out)\n", n / bare, bytes(bare_bytes));
  std::printf("bare TurboJPEG + cv INTER_LINEAR:  %8.1f images/s (%llu bytes out)\n", n / linear, bytes(linear_bytes));
  std::printf("bare TurboJPEG + cv INTER_AREA:    %8.1f images/s (%llu bytes out)\n", n / area, bytes(area_bytes));
  std::printf("read_images + image_resize:        %8.1f images/s (%llu bytes out)\n", n / query, bytes(query_bytes));
  std::printf("read_images(size := %d):          %8.1f images/s (%llu bytes out)\n", kSide, n / query_size,
              bytes(size_bytes));
  std::printf("ratios: image_resize / cv linear %.3f (target >= 0.9); image_resize / cv area %.3f (>= 1.0);\n",
              linear / query, area / query);
  std::printf(
      "        size := / cv linear %.3f (>= 1.5); size := / image_resize %.3f (>= 1.0); "
      "image_resize / bare quarry %.3f\n",
      linear / query_size, query / query_size, bare / query);
  Breakdown(files, 300);
  return 0;
}
