// read_pdf(path_or_glob [, dpi, pages, password, max_pixels] + the common options) — a row per page:
// path, page (from 1), image (rendered at dpi; only when read), text (the text layer in reading
// order), width_pt, height_pt, error, Hive partition columns. Through Debian's Poppler.
#pragma once

namespace duckdb {
class ExtensionLoader;
}

namespace quarry {

void RegisterReadPdf(duckdb::ExtensionLoader& loader);

}  // namespace quarry
