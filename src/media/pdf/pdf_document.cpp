// PdfDocument on poppler-cpp (see pdf_document.hpp).
#include "media/pdf/pdf_document.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>

namespace quarry::media {

namespace {

// Poppler reports through one process-wide function; quarry installs it the first time a PDF is
// opened (never at load) and keeps each thread's last message for its errors instead of stderr.
thread_local std::string last_poppler_message;

void CapturePopplerMessage(const std::string& message, void*) {
  last_poppler_message = message;
}

void InstallPopplerMessages() {
  static std::once_flag installed;
  std::call_once(installed, [] { poppler::set_debug_error_function(CapturePopplerMessage, nullptr); });
}

std::string PopplerSuffix() {
  if (last_poppler_message.empty()) return "";
  std::string message = last_poppler_message;
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (message.rfind("error: ", 0) == 0) message.erase(0, 7);
  return " (Poppler: " + message + ")";
}

}  // namespace

struct PdfDocument::State {
  std::vector<uint8_t> bytes;  // Poppler reads from them for the document's whole life
  std::unique_ptr<poppler::document> document;
  // The page read last: a row asks for its size, text and pixels in turn, and Poppler parses a page
  // anew each time it is created.
  std::unique_ptr<poppler::page> page;
  int page_number = 0;

  // Page `number` (from 1), or nullptr when it cannot be read.
  const poppler::page* Page(int number) {
    if (number != page_number || !page) {
      page.reset(number >= 1 && number <= document->pages() ? document->create_page(number - 1) : nullptr);
      page_number = number;
    }
    return page.get();
  }
};

Result<std::unique_ptr<PdfDocument>> PdfDocument::Open(std::vector<uint8_t> bytes, const std::string& password) {
  InstallPopplerMessages();
  last_poppler_message.clear();
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return Error{"the PDF is larger than Poppler can read (2 GiB)"};
  }
  auto state = std::make_unique<State>();
  state->bytes = std::move(bytes);
  state->document.reset(poppler::document::load_from_raw_data(
      reinterpret_cast<const char*>(state->bytes.data()), static_cast<int>(state->bytes.size()), password, password));
  if (!state->document) return Error{"not a PDF Poppler can read" + PopplerSuffix()};
  if (state->document->is_locked()) {
    return Error{password.empty() ? "the PDF is encrypted: give its password with password := '...'"
                                  : "the PDF is encrypted and the password is wrong"};
  }
  return std::unique_ptr<PdfDocument>(new PdfDocument(std::move(state)));
}

PdfDocument::PdfDocument(std::unique_ptr<State> state) : state_(std::move(state)) {}
PdfDocument::~PdfDocument() = default;

int PdfDocument::PageCount() const {
  return state_->document->pages();
}

namespace {

bool Turned(const poppler::page& page) {
  const auto orientation = page.orientation();
  return orientation == poppler::page::landscape || orientation == poppler::page::seascape;
}

// The bitmap's size as pdftoppm computes it: the displayed page (after its rotation) at dpi, rounded
// up (Poppler's renderer alone would round to nearest).
std::pair<int32_t, int32_t> SizeAt(const poppler::page& page, double dpi) {
  const poppler::rectf box = page.page_rect();
  auto width = static_cast<int32_t>(std::min(std::ceil(box.width() * dpi / 72.0), 1e9));
  auto height = static_cast<int32_t>(std::min(std::ceil(box.height() * dpi / 72.0), 1e9));
  if (Turned(page)) std::swap(width, height);
  return {std::max(width, 1), std::max(height, 1)};
}

}  // namespace

Result<PdfPageSize> PdfDocument::PageSize(int page) const {
  last_poppler_message.clear();
  const poppler::page* loaded = state_->Page(page);
  if (!loaded) return Error{"page " + std::to_string(page) + " cannot be read" + PopplerSuffix()};
  const poppler::rectf box = loaded->page_rect();
  PdfPageSize size{box.width(), box.height()};
  if (Turned(*loaded)) std::swap(size.width_pt, size.height_pt);
  return size;
}

Result<std::string> PdfDocument::PageText(int page) const {
  last_poppler_message.clear();
  const poppler::page* loaded = state_->Page(page);
  if (!loaded) return Error{"page " + std::to_string(page) + " cannot be read" + PopplerSuffix()};
  const poppler::byte_array utf8 = loaded->text(poppler::rectf(), poppler::page::non_raw_non_physical_layout).to_utf8();
  std::string text(utf8.begin(), utf8.end());
  // pdftotext's page ending (blank lines and a form feed) is not part of the page's text.
  while (!text.empty() && (text.back() == '\n' || text.back() == '\f' || text.back() == ' ' || text.back() == '\r')) {
    text.pop_back();
  }
  return text;
}

Result<std::pair<int32_t, int32_t>> PdfDocument::RenderedSize(int page, double dpi) const {
  last_poppler_message.clear();
  const poppler::page* loaded = state_->Page(page);
  if (!loaded) return Error{"page " + std::to_string(page) + " cannot be read" + PopplerSuffix()};
  return SizeAt(*loaded, dpi);
}

std::optional<std::string> PdfDocument::RenderPageInto(int page, double dpi, uint8_t* destination) const {
  last_poppler_message.clear();
  const poppler::page* loaded = state_->Page(page);
  if (!loaded) return "page " + std::to_string(page) + " cannot be read" + PopplerSuffix();
  const auto [width, height] = SizeAt(*loaded, dpi);
  poppler::page_renderer renderer;
  renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  renderer.set_image_format(poppler::image::format_bgr24);
  const poppler::image rendered = renderer.render_page(loaded, dpi, dpi, 0, 0, width, height);
  if (!rendered.is_valid() || rendered.width() != width || rendered.height() != height) {
    return "page " + std::to_string(page) + " does not render" + PopplerSuffix();
  }
  const size_t row_bytes = static_cast<size_t>(width) * 3;
  for (int32_t y = 0; y < height; y++) {
    std::memcpy(destination + y * row_bytes, rendered.const_data() + static_cast<size_t>(y) * rendered.bytes_per_row(),
                row_bytes);
  }
  return std::nullopt;
}

}  // namespace quarry::media
