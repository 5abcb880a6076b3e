// read_video(path_or_glob [, fps, start, end, size, keyframes_only, max_pixels] + the common options)
// — a row per frame: path, frame (index in the stream), timestamp (seconds), image (Spark's image
// struct, BGR), error, Hive partition columns. Decoded by FFmpeg within DuckDB's thread budget.
#pragma once

namespace duckdb {
class ExtensionLoader;
}

namespace quarry {

void RegisterReadVideo(duckdb::ExtensionLoader& loader);

}  // namespace quarry
