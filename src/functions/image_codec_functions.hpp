// image_decode(blob) → image, image_encode(image, format [, quality]) → BLOB, image_info(blob) →
// STRUCT(format, width, height, channels): images stored as encoded bytes (Parquet, BLOB columns).
#pragma once

namespace duckdb {
class ExtensionLoader;
}

namespace quarry {

void RegisterImageCodecFunctions(duckdb::ExtensionLoader& loader);

}  // namespace quarry
