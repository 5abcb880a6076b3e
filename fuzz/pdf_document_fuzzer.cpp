// libFuzzer target for PDF pages (src/media/pdf/: Poppler opening, page sizes, text, rendering). The
// input is the file; every page's size and text are read and the first pages rendered at a low dpi.
// Checks that a rendered page has width x height x 3 bytes and that failures carry a message.
// fuzz-sources: src/media/pdf/*.cpp
// fuzz-flags: -I/usr/include/poppler/cpp
// fuzz-libs: -lpoppler-cpp
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "media/pdf/pdf_document.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto document = quarry::media::PdfDocument::Open(std::vector<uint8_t>(data, data + size), "");
  if (!document.ok()) {
    if (document.error().empty()) std::abort();
    return 0;
  }
  const int pages = document.value()->PageCount();
  for (int page = 1; page <= pages && page <= 8; page++) {
    auto page_size = document.value()->PageSize(page);
    if (!page_size.ok() && page_size.error().empty()) std::abort();
    auto text = document.value()->PageText(page);
    if (!text.ok() && text.error().empty()) std::abort();
    if (page > 2) continue;
    auto image = document.value()->RenderPage(page, 18, 1u << 20);
    if (!image.ok()) {
      if (image.error().empty()) std::abort();
      continue;
    }
    const auto& pixels = image.value();
    if (pixels.channels != 3 || pixels.pixels.size() != static_cast<size_t>(pixels.width) * pixels.height * 3) {
      std::abort();
    }
  }
  return 0;
}
