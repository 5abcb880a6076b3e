// image_decode_bench FOLDER [RUNS] — read_images' throughput against the physical limit, same files,
// same process, all cores:
//   bare:      a C++ loop on every core: read file, TurboJPEG full decode to BGR, resize to 224x224
//              (the same Pillow-compatible bilinear resize quarry uses) — what a hand-written program does;
//   sql:       SELECT count(*), sum(length(image_resize(image, 224, 224).data)) FROM read_images(FOLDER);
//   sql size:  SELECT count(*), sum(length(image.data)) FROM read_images(FOLDER, size := 224)
//              (JPEG DCT scaling before the resize).
// Prints images/s of each (best of RUNS) and the ratios sql/bare (target >= 0.9) and sql size/bare
// (target >= 1.3).
#include <turbojpeg.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>
#include <vector>

#include "media/image_transform.hpp"
#include "quarry/database.hpp"

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> JpegFiles(const std::string& folder) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() == ".jpg") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The bare loop; returns seconds. Checks every image decoded.
double BareLoop(const std::vector<std::string>& files, unsigned threads, uint64_t& total_bytes) {
  std::atomic<size_t> next{0};
  std::atomic<uint64_t> bytes{0};
  std::atomic<size_t> failures{0};
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; t++) {
    workers.emplace_back([&] {
      tjhandle handle = tjInitDecompress();
      std::vector<unsigned char> data;
      for (size_t i = next++; i < files.size(); i = next++) {
        std::ifstream file(files[i], std::ios::binary);
        data.assign(std::istreambuf_iterator<char>(file), {});
        int width = 0, height = 0, subsampling = 0, colorspace = 0;
        if (tjDecompressHeader3(handle, data.data(), data.size(), &width, &height, &subsampling, &colorspace) != 0) {
          failures++;
          continue;
        }
        quarry::media::Image image;
        image.width = width;
        image.height = height;
        image.channels = 3;
        image.pixels.resize(static_cast<size_t>(width) * height * 3);
        if (tjDecompress2(handle, data.data(), data.size(), image.pixels.data(), width, 0, height, TJPF_BGR, 0) != 0) {
          failures++;
          continue;
        }
        auto resized = quarry::media::Resize(image, 224, 224);
        if (!resized.ok()) {
          failures++;
          continue;
        }
        bytes += resized.value().pixels.size();
      }
      tjDestroy(handle);
    });
  }
  for (auto& worker : workers) worker.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (failures > 0) std::cerr << "bare loop: " << failures << " files failed\n";
  total_bytes = bytes;
  return seconds;
}

double TimeQuery(quarry::Connection& connection, const std::string& sql, uint64_t& total_bytes) {
  const auto start = Clock::now();
  quarry::QueryResult result = connection.Query(sql);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!result.ok()) {
    std::cerr << result.error().Describe(sql) << "\n";
    std::exit(1);
  }
  std::vector<std::vector<quarry::Value>> rows;
  result.NextBatch(rows);
  total_bytes = static_cast<uint64_t>(std::stoll(rows.at(0).at(1).text()));
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: image_decode_bench FOLDER [RUNS]\n";
    return 2;
  }
  const std::string folder = argv[1];
  const int runs = argc > 2 ? std::atoi(argv[2]) : 3;
  const auto files = JpegFiles(folder);
  const unsigned threads = std::thread::hardware_concurrency();
  quarry::Database database;
  quarry::Connection connection(database);
  const std::string sql =
      "SELECT count(*), sum(length(image_resize(image, 224, 224).data)) FROM read_images('" + folder + "/*.jpg')";
  const std::string sql_size =
      "SELECT count(*), sum(length(image.data)) FROM read_images('" + folder + "/*.jpg', size := 224)";

  double bare = 1e30, query = 1e30, query_size = 1e30;
  uint64_t bare_bytes = 0, query_bytes = 0, size_bytes = 0;
  for (int run = 0; run < runs; run++) {  // interleaved, best of each
    bare = std::min(bare, BareLoop(files, threads, bare_bytes));
    query = std::min(query, TimeQuery(connection, sql, query_bytes));
    query_size = std::min(query_size, TimeQuery(connection, sql_size, size_bytes));
  }
  const double n = static_cast<double>(files.size());
  std::printf("files: %zu JPEGs in %s; threads: %u; best of %d runs\n", files.size(), folder.c_str(), threads, runs);
  std::printf("bare TurboJPEG decode + resize: %8.1f images/s (%llu bytes out)\n", n / bare,
              static_cast<unsigned long long>(bare_bytes));
  std::printf("read_images + image_resize:     %8.1f images/s (%llu bytes out)  ratio %.3f (target >= 0.9)\n",
              n / query, static_cast<unsigned long long>(query_bytes), bare / query);
  std::printf("read_images(size := 224):       %8.1f images/s (%llu bytes out)  ratio %.3f (target >= 1.3)\n",
              n / query_size, static_cast<unsigned long long>(size_bytes), bare / query_size);
  return 0;
}
