// libFuzzer target for PDF pages (src/media/pdf/: Poppler opening, page sizes, text, rendering). The
// input is the file; every page's size and text are read and the first pages rendered at a low dpi.
// Checks that a rendered page fills exactly width x height x 3 bytes and that failures carry a message.
// fuzz-sources: src/media/pdf/*.cpp
// fuzz-flags: -I/usr/include/poppler
// fuzz-libs: -lpoppler
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
    auto size = document.value()->RenderedSize(page, 18);
    if (!size.ok()) {
      if (size.error().empty()) std::abort();
      continue;
    }
    const auto [width, height] = size.value();
    if (width <= 0 || height <= 0) std::abort();
    if (static_cast<uint64_t>(width) * height > (1u << 20)) continue;  // as read_pdf's max_pixels
    std::vector<uint8_t> pixels(static_cast<size_t>(width) * height * 3 + 1, 0xA5);
    if (auto error = document.value()->RenderPageInto(page, 18, pixels.data())) {
      if (error->empty()) std::abort();
      continue;
    }
    if (pixels.back() != 0xA5) std::abort();  // nothing written past width x height x 3 bytes
  }
  return 0;
}
