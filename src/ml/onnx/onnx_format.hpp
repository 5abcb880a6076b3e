// Recognizing an ONNX file by its content: a serialized protobuf ModelProto, whose first bytes are its
// fields in order (ir_version, producer_name, ..., graph). Torch-free; for the runtime registry.
#pragma once

#include "ml/model_format.hpp"

namespace quarry::ml::onnx {

// Whether the head parses as the start of a ModelProto: every top-level field seen is one of
// ModelProto's with its wire type, a length never runs past the file's end, and ir_version (field 1)
// or the graph (field 7) is among them.
bool IsOnnxFile(const ModelFileHead& head);

}  // namespace quarry::ml::onnx
