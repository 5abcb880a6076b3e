// IsOnnxFile: walking a ModelProto's top-level protobuf fields (see onnx_format.hpp).
#include "ml/onnx/onnx_format.hpp"

#include <optional>

namespace quarry::ml::onnx {

namespace {

constexpr uint32_t kVarint = 0;
constexpr uint32_t kLengthDelimited = 2;

// ModelProto's fields (onnx.proto3) and their wire types; nullopt for a field it does not have.
std::optional<uint32_t> ModelProtoWireType(uint64_t field) {
  switch (field) {
    case 1:  // ir_version
    case 5:  // model_version
      return kVarint;
    case 2:   // producer_name
    case 3:   // producer_version
    case 4:   // domain
    case 6:   // doc_string
    case 7:   // graph
    case 8:   // opset_import
    case 14:  // metadata_props
    case 20:  // training_info
    case 25:  // functions
      return kLengthDelimited;
    default:
      return std::nullopt;
  }
}

// A varint at `position`, moved past it; nullopt when the head ends first or it is over 10 bytes.
std::optional<uint64_t> ReadVarint(const std::vector<uint8_t>& bytes, size_t& position) {
  uint64_t value = 0;
  for (int shift = 0; shift < 64 && position < bytes.size(); shift += 7) {
    const uint8_t byte = bytes[position++];
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  return std::nullopt;
}

}  // namespace

bool IsOnnxFile(const ModelFileHead& head) {
  const auto& bytes = head.bytes;
  bool key_field = false;  // ir_version or graph seen
  size_t position = 0;     // offset in the file (may pass the head when a field is skipped)
  while (position < bytes.size()) {
    const auto tag = ReadVarint(bytes, position);
    if (!tag) break;  // cut by the head's end
    const auto wire_type = ModelProtoWireType(*tag >> 3);
    if (!wire_type || *wire_type != (*tag & 7)) return false;
    if (*tag >> 3 == 1 || *tag >> 3 == 7) key_field = true;
    const auto value = ReadVarint(bytes, position);
    if (!value) break;
    if (*wire_type == kLengthDelimited) {
      if (*value > head.size - position) return false;  // runs past the file's end
      position += *value;
    }
  }
  return key_field;
}

}  // namespace quarry::ml::onnx
