// PdfRasterizer on Poppler's SplashOutputDev (see pdf_rasterizer.hpp).
#include "media/pdf/pdf_rasterizer.hpp"

#include <cstring>

#include <PDFDoc.h>
#include <SplashOutputDev.h>
#include <splash/SplashBitmap.h>

namespace quarry::media {

PdfRasterizer::PdfRasterizer(PDFDoc& document) : document_(document) {
  // pdftoppm draws RGB; Splash draws the same pixels in BGR order, the bytes quarry gives. Rows are
  // padded to 1 byte, so a page is one block.
  SplashColor white;
  white[0] = white[1] = white[2] = 0xFF;
  output_ = std::make_unique<SplashOutputDev>(splashModeBGR8, 1, false, white);
  output_->setFontAntialias(true);
  output_->setVectorAntialias(true);
  output_->setFreeTypeHinting(false, false);
  output_->startDoc(&document_);
}

PdfRasterizer::~PdfRasterizer() = default;

bool PdfRasterizer::RenderPageInto(int page, double dpi, int32_t width, int32_t height, uint8_t* destination) {
  // The displayed crop box, from its top-left corner (useMediaBox false, crop true), as pdftoppm -r.
  document_.displayPageSlice(output_.get(), page, dpi, dpi, 0, false, true, false, 0, 0, width, height);
  SplashBitmap* bitmap = output_->getBitmap();
  if (!bitmap || bitmap->getWidth() != width || bitmap->getHeight() != height || !bitmap->getDataPtr()) return false;
  const size_t row_bytes = static_cast<size_t>(width) * 3;
  const size_t stride = static_cast<size_t>(bitmap->getRowSize());
  const uint8_t* rows = bitmap->getDataPtr();
  if (stride == row_bytes) {
    std::memcpy(destination, rows, row_bytes * static_cast<size_t>(height));
  } else {
    for (int32_t y = 0; y < height; y++) std::memcpy(destination + y * row_bytes, rows + y * stride, row_bytes);
  }
  return true;
}

}  // namespace quarry::media
