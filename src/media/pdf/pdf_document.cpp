// PdfDocument on Poppler's PDFDoc (its private API, as pdftoppm and pdftotext), rendering through
// PdfRasterizer (see pdf_document.hpp).
#include "media/pdf/pdf_document.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>

#include <Error.h>
#include <ErrorCodes.h>
#include <GlobalParams.h>
#include <PDFDoc.h>
#include <Page.h>
#include <Stream.h>
#include <TextOutputDev.h>
#include <goo/GooString.h>

#include "media/pdf/pdf_rasterizer.hpp"

namespace quarry::media {

namespace {

// Poppler reports through one process-wide function and reads one process-wide GlobalParams; quarry
// installs both the first time a PDF is opened (never at load) and never removes them. Each thread's
// last message goes into its errors instead of stderr.
thread_local std::string last_poppler_message;

void CapturePopplerMessage(ErrorCategory, Goffset, const char* message) {
  last_poppler_message = message ? message : "";
}

void InstallPoppler() {
  static std::once_flag installed;
  std::call_once(installed, [] {
    if (!globalParams) globalParams = std::make_unique<GlobalParams>();
    setErrorCallback(CapturePopplerMessage);
  });
}

std::string PopplerSuffix() {
  if (last_poppler_message.empty()) return "";
  std::string message = last_poppler_message;
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return " (Poppler: " + message + ")";
}

std::string Unreadable(int page) {
  return "page " + std::to_string(page) + " cannot be read" + PopplerSuffix();
}

std::optional<GooString> PasswordOrNone(const std::string& password) {
  if (password.empty()) return std::nullopt;
  return GooString(password);
}

bool Turned(const Page& page) {
  return page.getRotate() == 90 || page.getRotate() == 270;
}

// The displayed page (the crop box after the page's rotation), in points.
PdfPageSize DisplayedSize(const Page& page) {
  PdfPageSize size{page.getCropWidth(), page.getCropHeight()};
  if (Turned(page)) std::swap(size.width_pt, size.height_pt);
  return size;
}

// The bitmap's size as pdftoppm computes it: the displayed page at dpi, rounded up.
std::pair<int32_t, int32_t> SizeAt(const Page& page, double dpi) {
  const PdfPageSize size = DisplayedSize(page);
  const auto width = static_cast<int32_t>(std::min(std::ceil(size.width_pt * dpi / 72.0), 1e9));
  const auto height = static_cast<int32_t>(std::min(std::ceil(size.height_pt * dpi / 72.0), 1e9));
  return {std::max(width, 1), std::max(height, 1)};
}

void AppendText(void* text, const char* bytes, int length) {
  static_cast<std::string*>(text)->append(bytes, static_cast<size_t>(length));
}

}  // namespace

struct PdfDocument::State {
  std::vector<uint8_t> bytes;        // Poppler reads from them for the document's whole life
  std::unique_ptr<PDFDoc> document;  // parses each page once and keeps it
  // Pixels: made on the first page rendered and kept for the next (declared after `document`, so
  // destroyed before it).
  std::unique_ptr<PdfRasterizer> rasterizer;

  // Page `number` (from 1), or nullptr when it cannot be read.
  Page* PageAt(int number) const {
    return number >= 1 && number <= document->getNumPages() ? document->getPage(number) : nullptr;
  }
};

Result<std::unique_ptr<PdfDocument>> PdfDocument::Open(std::vector<uint8_t> bytes, const std::string& password) {
  InstallPoppler();
  last_poppler_message.clear();
  auto state = std::make_unique<State>();
  state->bytes = std::move(bytes);
  // The stream reads the kept bytes in place; the document owns (and deletes) the stream.
  auto* stream = new MemStream(reinterpret_cast<const char*>(state->bytes.data()), 0,
                               static_cast<Goffset>(state->bytes.size()), Object(objNull));
  const std::optional<GooString> secret = PasswordOrNone(password);
  state->document = std::make_unique<PDFDoc>(stream, secret, secret);
  if (!state->document->isOk()) {
    if (state->document->getErrorCode() == errEncrypted) {
      return Error{password.empty() ? "the PDF is encrypted: give its password with password := '...'"
                                    : "the PDF is encrypted and the password is wrong"};
    }
    return Error{"not a PDF Poppler can read" + PopplerSuffix()};
  }
  return std::unique_ptr<PdfDocument>(new PdfDocument(std::move(state)));
}

PdfDocument::PdfDocument(std::unique_ptr<State> state) : state_(std::move(state)) {}
PdfDocument::~PdfDocument() = default;

int PdfDocument::PageCount() const {
  return state_->document->getNumPages();
}

Result<PdfPageSize> PdfDocument::PageSize(int page) const {
  last_poppler_message.clear();
  const Page* loaded = state_->PageAt(page);
  if (!loaded) return Error{Unreadable(page)};
  return DisplayedSize(*loaded);
}

Result<std::string> PdfDocument::PageText(int page) const {
  last_poppler_message.clear();
  if (!state_->PageAt(page)) return Error{Unreadable(page)};
  // As pdftotext without -layout: reading order, UTF-8 (Poppler's default text encoding).
  std::string text;
  TextOutputDev output(AppendText, &text, false, 0, false);
  if (!output.isOk()) return Error{Unreadable(page)};
  state_->document->displayPage(&output, page, 72, 72, 0, false, true, false);
  // pdftotext's page ending (blank lines and a form feed) is not part of the page's text.
  while (!text.empty() && (text.back() == '\n' || text.back() == '\f' || text.back() == ' ' || text.back() == '\r')) {
    text.pop_back();
  }
  return text;
}

Result<std::pair<int32_t, int32_t>> PdfDocument::RenderedSize(int page, double dpi) const {
  last_poppler_message.clear();
  const Page* loaded = state_->PageAt(page);
  if (!loaded) return Error{Unreadable(page)};
  return SizeAt(*loaded, dpi);
}

std::optional<std::string> PdfDocument::RenderPageInto(int page, double dpi, uint8_t* destination) const {
  last_poppler_message.clear();
  const Page* loaded = state_->PageAt(page);
  if (!loaded) return Unreadable(page);
  const auto [width, height] = SizeAt(*loaded, dpi);
  if (!state_->rasterizer) state_->rasterizer = std::make_unique<PdfRasterizer>(*state_->document);
  if (!state_->rasterizer->RenderPageInto(page, dpi, width, height, destination)) {
    return "page " + std::to_string(page) + " does not render" + PopplerSuffix();
  }
  return std::nullopt;
}

}  // namespace quarry::media
