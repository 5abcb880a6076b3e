// PdfRasterizer — draws the pages of one open PDF into BGR pixels through Poppler's own Splash renderer
// (the private API pdftoppm uses), keeping one SplashOutputDev, its font cache and its page bitmap for
// the document's life rather than building them again for each page (as poppler-cpp's page_renderer
// does): those per-page allocations (page faults, clearing, converting) cost more than the drawing.
//
// Borrows the document, which must outlive it; used by the document's thread only. Rasterizers of
// different documents (even over the same bytes) may run on different threads at once. Knows nothing of
// DuckDB.
#pragma once

#include <cstdint>
#include <memory>

class PDFDoc;
class SplashOutputDev;

namespace quarry::media {

class PdfRasterizer {
 public:
  // Sets up the renderer with pdftoppm's defaults: anti-aliased shapes and glyphs, no FreeType hinting,
  // white paper.
  explicit PdfRasterizer(PDFDoc& document);
  ~PdfRasterizer();
  PdfRasterizer(const PdfRasterizer&) = delete;
  PdfRasterizer& operator=(const PdfRasterizer&) = delete;

  // Renders page `page` (from 1, an existing page) at `dpi` as pdftoppm -r dpi: the displayed crop box
  // from its top-left corner, `width` x `height` pixels, into `destination` (BGR, row-major, width x
  // height x 3 bytes). False when Poppler made no bitmap of that size (Poppler's message says why).
  bool RenderPageInto(int page, double dpi, int32_t width, int32_t height, uint8_t* destination);

 private:
  PDFDoc& document_;
  std::unique_ptr<SplashOutputDev> output_;  // its bitmap is reused while pages keep the same size
};

}  // namespace quarry::media
