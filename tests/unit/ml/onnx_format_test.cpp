// IsOnnxFile, the ONNX sniff of the runtime registry, on hand-made heads: a ModelProto's first fields
// are recognized (also when the head ends inside a field), and ZIP archives, text, fields ModelProto
// does not have, wrong wire types and lengths past the file's end are not.
#include "ml/onnx/onnx_format.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace quarry::ml::onnx {
namespace {

ModelFileHead Head(std::vector<uint8_t> bytes, uint64_t size = 0) {
  ModelFileHead head;
  head.path = "model";
  head.size = size == 0 ? bytes.size() : size;
  head.bytes = std::move(bytes);
  return head;
}

// ir_version 7, producer_name "pytorch", then a graph of `graph_size` bytes starting with `graph`.
std::vector<uint8_t> ModelStart(uint8_t graph_size, std::vector<uint8_t> graph) {
  std::vector<uint8_t> bytes = {0x08, 0x07, 0x12, 0x07, 'p', 'y', 't', 'o', 'r', 'c', 'h', 0x3a, graph_size};
  for (const uint8_t byte : graph) bytes.push_back(byte);
  return bytes;
}

TEST(OnnxFormatTest, RecognizesAModelProto) {
  EXPECT_TRUE(IsOnnxFile(Head(ModelStart(3, {0x0a, 0x01, 'x'}))));
  // The head ends inside the graph: the rest of the file holds it.
  EXPECT_TRUE(IsOnnxFile(Head(ModelStart(100, {0x0a, 0x01}), 113)));
  // Only a graph, no ir_version first.
  EXPECT_TRUE(IsOnnxFile(Head({0x3a, 0x02, 0x0a, 0x00})));
}

TEST(OnnxFormatTest, RefusesOtherContent) {
  EXPECT_FALSE(IsOnnxFile(Head({})));
  EXPECT_FALSE(IsOnnxFile(Head({'P', 'K', 0x03, 0x04, 0x14, 0x00, 0x00, 0x00})));
  const std::string text = "this is not a model\n";
  EXPECT_FALSE(IsOnnxFile(Head(std::vector<uint8_t>(text.begin(), text.end()))));
  // ir_version as a length-delimited field; a field number ModelProto lacks; only a producer name.
  EXPECT_FALSE(IsOnnxFile(Head({0x0a, 0x01, 0x07})));
  EXPECT_FALSE(IsOnnxFile(Head({0x08, 0x07, 0x48, 0x01})));
  EXPECT_FALSE(IsOnnxFile(Head({0x12, 0x01, 'p'})));
  // The graph's length runs past the end of the file.
  EXPECT_FALSE(IsOnnxFile(Head(ModelStart(100, {0x0a, 0x01}))));
}

}  // namespace
}  // namespace quarry::ml::onnx
