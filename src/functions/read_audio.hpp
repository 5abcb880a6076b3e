// read_audio(path_or_glob [, sample_rate := 16000, mono := true, recursive, drop_invalid,
// hive_partitioning]) — one row per file: path, audio STRUCT(origin, sample_rate, channels, frames,
// data BLOB of float32 interleaved), duration DOUBLE (seconds, of the file as stored), error.
#pragma once

#include "duckdb.hpp"

namespace duckdb {
class ExtensionLoader;
}

namespace quarry {

// The audio struct's fields, in order.
enum AudioField : duckdb::idx_t { kAudioOrigin = 0, kAudioSampleRate, kAudioChannels, kAudioFrames, kAudioData };
// STRUCT(origin VARCHAR, sample_rate INTEGER, channels INTEGER, frames BIGINT, data BLOB).
duckdb::LogicalType AudioType();

void RegisterReadAudio(duckdb::ExtensionLoader& loader);

}  // namespace quarry
