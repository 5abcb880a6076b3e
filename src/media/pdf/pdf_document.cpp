// PdfDocument on poppler-cpp (see pdf_document.hpp).
#include "media/pdf/pdf_document.hpp"

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

std::unique_ptr<poppler::page> LoadPage(const poppler::document& document, int page) {
  if (page < 1 || page > document.pages()) return nullptr;
  return std::unique_ptr<poppler::page>(document.create_page(page - 1));
}

bool Turned(const poppler::page& page) {
  const auto orientation = page.orientation();
  return orientation == poppler::page::landscape || orientation == poppler::page::seascape;
}

}  // namespace

Result<PdfPageSize> PdfDocument::PageSize(int page) const {
  last_poppler_message.clear();
  auto loaded = LoadPage(*state_->document, page);
  if (!loaded) return Error{"page " + std::to_string(page) + " cannot be read" + PopplerSuffix()};
  const poppler::rectf box = loaded->page_rect();
  PdfPageSize size{box.width(), box.height()};
  if (Turned(*loaded)) std::swap(size.width_pt, size.height_pt);
  return size;
}

Result<std::string> PdfDocument::PageText(int page) const {
  last_poppler_message.clear();
  auto loaded = LoadPage(*state_->document, page);
  if (!loaded) return Error{"page " + std::to_string(page) + " cannot be read" + PopplerSuffix()};
  const poppler::byte_array utf8 = loaded->text(poppler::rectf(), poppler::page::non_raw_non_physical_layout).to_utf8();
  std::string text(utf8.begin(), utf8.end());
  // pdftotext's page ending (blank lines and a form feed) is not part of the page's text.
  while (!text.empty() && (text.back() == '\n' || text.back() == '\f' || text.back() == ' ' || text.back() == '\r')) {
    text.pop_back();
  }
  return text;
}

Result<Image> PdfDocument::RenderPage(int page, double dpi, uint64_t max_pixels) const {
  last_poppler_message.clear();
  auto loaded = LoadPage(*state_->document, page);
  if (!loaded) return Error{"page " + std::to_string(page) + " cannot be read" + PopplerSuffix()};
  // The bitmap's size as pdftoppm computes it: the displayed page (after its rotation) at dpi, rounded
  // up; Poppler's renderer would round to nearest on its own.
  const poppler::rectf box = loaded->page_rect();
  double width = std::ceil(box.width() * dpi / 72.0), height = std::ceil(box.height() * dpi / 72.0);
  if (Turned(*loaded)) std::swap(width, height);
  if (width * height > static_cast<double>(max_pixels)) {
    return Error{"page " + std::to_string(page) + " at " + std::to_string(static_cast<int>(dpi)) + " dpi is " +
                 std::to_string(static_cast<int64_t>(width)) + "x" + std::to_string(static_cast<int64_t>(height)) +
                 " pixels, over the limit of " + std::to_string(max_pixels)};
  }
  poppler::page_renderer renderer;
  renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  renderer.set_image_format(poppler::image::format_bgr24);
  const poppler::image rendered =
      renderer.render_page(loaded.get(), dpi, dpi, 0, 0, static_cast<int>(width), static_cast<int>(height));
  if (!rendered.is_valid() || rendered.width() <= 0 || rendered.height() <= 0) {
    return Error{"page " + std::to_string(page) + " does not render" + PopplerSuffix()};
  }
  Image image;
  image.width = rendered.width();
  image.height = rendered.height();
  image.channels = 3;
  image.pixels.resize(image.row_bytes() * image.height);
  for (int32_t y = 0; y < image.height; y++) {
    std::memcpy(image.row(y), rendered.const_data() + static_cast<size_t>(y) * rendered.bytes_per_row(),
                image.row_bytes());
  }
  return image;
}

}  // namespace quarry::media
