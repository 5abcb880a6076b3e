// The built-in OCR as SQL functions (PP-OCRv4, Chinese and English, run by
// quarry's ONNX executor; no CREATE MODEL needed):
//   ocr(image)      → LIST(STRUCT(text VARCHAR, confidence FLOAT, box
//   INTEGER[8])): the text lines in
//                     reading order, each with its four corners (x, y clockwise
//                     from top-left)
//   ocr_text(image) → VARCHAR: the lines joined (" " within a row, "\n" between
//   rows)
// `image` is an image struct (read_images), a VARCHAR path or a BLOB of encoded
// bytes, as for model functions. An input that is NULL, invalid or does not
// decode gives NULL and the query goes on; the twins try_ocr(image) and
// try_ocr_text(image) return STRUCT(result, error) with why (see
// fallible_function.hpp). The models load on first use (once per database);
// missing model files are an error naming them.
#pragma once

namespace duckdb {
class ExtensionLoader;
}

namespace quarry {

void RegisterOcrFunctions(duckdb::ExtensionLoader& loader);

}  // namespace quarry
