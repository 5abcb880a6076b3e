// The built-in voice activity detection as a SQL function (Silero VAD v5, run
// by quarry's ONNX executor; no CREATE MODEL needed):
//   speech_segments(audio) → LIST(STRUCT(start DOUBLE, "end" DOUBLE,
//   probability FLOAT))
// the stretches of speech in seconds from the start, with their mean speech
// probability. `audio` is an audio struct (read_audio; any rate and channel
// count: mixed down and resampled to 16 kHz), a VARCHAR path or a BLOB of
// encoded bytes. The segmentation's thresholds are in src/ml/vad/. NULL, an
// invalid audio struct or a file that does not decode gives NULL and the query
// goes on; the twin try_speech_segments(audio) returns STRUCT(result, error)
// with why (see fallible_function.hpp).
#pragma once

namespace duckdb {
class ExtensionLoader;
}

namespace quarry {

void RegisterSpeechFunctions(duckdb::ExtensionLoader& loader);

}  // namespace quarry
