// PdfDocument — the pages of one PDF file: their size, their text layer in reading order and their
// rendering as pictures in Spark's layout (BGR), through Debian's Poppler, by its own classes (PDFDoc,
// TextOutputDev, and SplashOutputDev in PdfRasterizer) as pdftotext and pdftoppm use them.
//
// Poppler rather than MuPDF: `pdftoppm` and `pdftotext`, the references users and tests compare with,
// are Poppler, so quarry's pages equal theirs pixel for pixel and word for word. Its private API rather
// than poppler-cpp: the binding builds a renderer and a bitmap per page, which cost more than drawing
// the page (docs/benchmarks.md). Poppler's messages go into the errors, not to stderr.
//
// One object per open file (opened once), used by one thread at a time; several objects over the same
// bytes may read and render on different threads at once. Knows nothing of DuckDB.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace quarry::media {

struct PdfPageSize {
  double width_pt = 0;  // as displayed (after the page's rotation), in points (1/72 inch)
  double height_pt = 0;
};

class PdfDocument {
 public:
  // Opens a PDF from its bytes (kept by the document). An encrypted file needs `password` (user or
  // owner); an Error says when it is missing or wrong, or why the file is not a readable PDF.
  static Result<std::unique_ptr<PdfDocument>> Open(std::vector<uint8_t> bytes, const std::string& password);
  ~PdfDocument();
  PdfDocument(const PdfDocument&) = delete;
  PdfDocument& operator=(const PdfDocument&) = delete;

  int PageCount() const;
  // Pages are numbered from 1. Each call an Error when the page cannot be read.
  Result<PdfPageSize> PageSize(int page) const;
  // The text layer in reading order (as pdftotext without -layout, less its page-ending blank lines
  // and form feed), UTF-8.
  Result<std::string> PageText(int page) const;
  // The size in pixels of the page rendered at `dpi`: the displayed page, rounded up as pdftoppm does.
  Result<std::pair<int32_t, int32_t>> RenderedSize(int page, double dpi) const;
  // Renders the page at `dpi` (as pdftoppm -r dpi: anti-aliased, white paper) into `destination`:
  // BGR, row-major, RenderedSize's width x height x 3 bytes. Returns the error, if any. The caller
  // bounds the size (a page can ask for any number of pixels).
  std::optional<std::string> RenderPageInto(int page, double dpi, uint8_t* destination) const;

  struct State;

 private:
  explicit PdfDocument(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace quarry::media
