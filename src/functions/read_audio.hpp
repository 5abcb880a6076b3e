// read_audio(path_or_glob [, sample_rate := 16000, mono := true, recursive, drop_invalid,
// hive_partitioning]) — one row per file: path, audio STRUCT(origin, sample_rate, channels, frames,
// data BLOB of float32 interleaved), duration DOUBLE (seconds, of the file as stored), error.
#pragma once

namespace duckdb {
class ExtensionLoader;
}

namespace quarry {

void RegisterReadAudio(duckdb::ExtensionLoader& loader);

}  // namespace quarry
