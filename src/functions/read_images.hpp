// read_images(path_or_glob [, recursive, drop_invalid, hive_partitioning, max_pixels, size, auto_orient])
// — one row per file: path, image (Spark's image struct), error, Hive partition columns.
#pragma once

namespace duckdb {
class ExtensionLoader;
}

namespace quarry {

void RegisterReadImages(duckdb::ExtensionLoader& loader);

}  // namespace quarry
