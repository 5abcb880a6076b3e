// libtorch prints its internal warnings (deprecation notices from inside frozen TorchScript graphs,
// "An output with one or more elements was resized ...") to stderr through glog, in the middle of a
// user's query output. They say nothing a quarry user can act on: SilenceTorchWarnings() replaces
// libtorch's process-wide warning handler with one that drops them. Idempotent and thread-safe.
#pragma once

namespace quarry::ml {

void SilenceTorchWarnings();

}  // namespace quarry::ml
