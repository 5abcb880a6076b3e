// TensorProto / HostTensor / ATen conversions (see tensor_proto.hpp).
#include "ml/onnx/tensor_proto.hpp"

#include <onnx/onnx_pb.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "ml/onnx/kernel.hpp"

namespace quarry::ml::onnx {

size_t ElementSize(ElementType type) {
  switch (type) {
    case ElementType::kUInt8:
    case ElementType::kInt8:
    case ElementType::kBool:
      return 1;
    case ElementType::kInt16:
    case ElementType::kFloat16:
    case ElementType::kBFloat16:
      return 2;
    case ElementType::kFloat:
    case ElementType::kInt32:
      return 4;
    case ElementType::kInt64:
    case ElementType::kDouble:
      return 8;
  }
  return 1;
}

std::string DataTypeName(int32_t onnx_type) {
  if (::onnx::TensorProto::DataType_IsValid(onnx_type)) {
    return ::onnx::TensorProto::DataType_Name(static_cast<::onnx::TensorProto::DataType>(onnx_type));
  }
  return "type " + std::to_string(onnx_type);
}

std::string HostTensor::Describe() const {
  std::string text = DataTypeName(static_cast<int32_t>(type)) + "[";
  for (size_t i = 0; i < shape.size(); i++) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

namespace {

std::string TensorName(const ::onnx::TensorProto& proto) {
  return proto.name().empty() ? std::string("a tensor") : "tensor '" + proto.name() + "'";
}

// Copies `count` typed values from a repeated proto field into `tensor` (already shaped), converting.
template <typename Field>
void FillFrom(const Field& field, at::Tensor& tensor, at::ScalarType source_type) {
  using Source = typename Field::value_type;
  at::Tensor source = at::from_blob(const_cast<Source*>(field.data()), {static_cast<int64_t>(field.size())},
                                    at::TensorOptions().dtype(source_type));
  tensor.reshape({-1}).copy_(source);
}

}  // namespace

at::Tensor TensorFromProto(const ::onnx::TensorProto& proto) {
  if (proto.data_location() == ::onnx::TensorProto::EXTERNAL) {
    throw OnnxError(TensorName(proto) + " has external data that was not loaded");
  }
  const int32_t data_type = proto.data_type();
  const at::ScalarType type = [&] {
    try {
      return ScalarTypeFromOnnx(data_type);
    } catch (const OnnxError&) {
      throw OnnxError(TensorName(proto) + " has data type " + DataTypeName(data_type) +
                      ", which quarry's ONNX executor does not support");
    }
  }();
  std::vector<int64_t> shape(proto.dims().begin(), proto.dims().end());
  CheckAllocation(shape, TensorName(proto));
  int64_t count = 1;
  for (int64_t dimension : shape) count *= dimension;
  const size_t element_size = at::elementSize(type);
  auto mismatch = [&](size_t have) {
    return OnnxError(TensorName(proto) + " declares " + std::to_string(count) + " elements but holds " +
                     std::to_string(have));
  };

  if (proto.has_raw_data()) {
    const std::string& raw = proto.raw_data();
    if (raw.size() != static_cast<size_t>(count) * element_size) throw mismatch(raw.size() / element_size);
    at::Tensor tensor = at::empty(shape, at::TensorOptions().dtype(type));
    if (count > 0) std::memcpy(tensor.data_ptr(), raw.data(), raw.size());
    return tensor;
  }
  at::Tensor tensor = at::empty(shape, at::TensorOptions().dtype(type));
  if (count == 0) return tensor;
  switch (data_type) {
    case ::onnx::TensorProto::FLOAT:
      if (proto.float_data_size() != count) throw mismatch(proto.float_data_size());
      FillFrom(proto.float_data(), tensor, at::kFloat);
      break;
    case ::onnx::TensorProto::DOUBLE:
      if (proto.double_data_size() != count) throw mismatch(proto.double_data_size());
      FillFrom(proto.double_data(), tensor, at::kDouble);
      break;
    case ::onnx::TensorProto::INT64:
      if (proto.int64_data_size() != count) throw mismatch(proto.int64_data_size());
      FillFrom(proto.int64_data(), tensor, at::kLong);
      break;
    case ::onnx::TensorProto::FLOAT16:
    case ::onnx::TensorProto::BFLOAT16: {
      // 16-bit floats travel as their bit patterns in int32_data.
      if (proto.int32_data_size() != count) throw mismatch(proto.int32_data_size());
      auto* bits = static_cast<uint16_t*>(tensor.data_ptr());
      for (int64_t i = 0; i < count; i++) bits[i] = static_cast<uint16_t>(proto.int32_data(static_cast<int>(i)));
      break;
    }
    default:  // INT32, INT16, INT8, UINT8, BOOL: int32_data
      if (proto.int32_data_size() != count) throw mismatch(proto.int32_data_size());
      FillFrom(proto.int32_data(), tensor, at::kInt);
      break;
  }
  return tensor;
}

namespace {

int32_t OnnxTypeOf(at::ScalarType type) {
  switch (type) {
    case at::kFloat:
      return ::onnx::TensorProto::FLOAT;
    case at::kDouble:
      return ::onnx::TensorProto::DOUBLE;
    case at::kHalf:
      return ::onnx::TensorProto::FLOAT16;
    case at::kBFloat16:
      return ::onnx::TensorProto::BFLOAT16;
    case at::kChar:
      return ::onnx::TensorProto::INT8;
    case at::kByte:
      return ::onnx::TensorProto::UINT8;
    case at::kShort:
      return ::onnx::TensorProto::INT16;
    case at::kInt:
      return ::onnx::TensorProto::INT32;
    case at::kLong:
      return ::onnx::TensorProto::INT64;
    case at::kBool:
      return ::onnx::TensorProto::BOOL;
    default:
      break;
  }
  throw OnnxError(std::string("ATen type ") + at::toString(type) + " has no ONNX equivalent");
}

}  // namespace

void TensorToProto(const at::Tensor& tensor, ::onnx::TensorProto* proto) {
  at::Tensor dense = tensor.contiguous();
  proto->set_data_type(OnnxTypeOf(dense.scalar_type()));
  proto->clear_dims();
  for (int64_t dimension : dense.sizes()) proto->add_dims(dimension);
  proto->set_raw_data(std::string(static_cast<const char*>(dense.data_ptr()), dense.nbytes()));
}

at::Tensor TensorFromHost(const HostTensor& host) {
  const at::ScalarType type = ScalarTypeFromOnnx(static_cast<int32_t>(host.type));
  CheckAllocation(host.shape, "input " + host.Describe());
  const size_t expected = static_cast<size_t>(host.element_count()) * ElementSize(host.type);
  if (host.bytes.size() != expected) {
    throw OnnxError("input " + host.Describe() + " needs " + std::to_string(expected) + " bytes, got " +
                    std::to_string(host.bytes.size()));
  }
  at::Tensor tensor = at::empty(host.shape, at::TensorOptions().dtype(type));
  if (expected > 0) std::memcpy(tensor.data_ptr(), host.bytes.data(), expected);
  return tensor;
}

HostTensor TensorToHost(const at::Tensor& tensor) {
  at::Tensor dense = tensor.contiguous();
  HostTensor host;
  host.type = static_cast<ElementType>(OnnxTypeOf(dense.scalar_type()));
  host.shape.assign(dense.sizes().begin(), dense.sizes().end());
  host.bytes.resize(dense.nbytes());
  if (!host.bytes.empty()) std::memcpy(host.bytes.data(), dense.data_ptr(), host.bytes.size());
  return host;
}

Result<HostTensor> ReadTensorFile(const std::string& path) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream) return Error{"cannot open tensor file '" + path + "'"};
  std::stringstream bytes;
  bytes << stream.rdbuf();
  ::onnx::TensorProto proto;
  if (!proto.ParseFromString(bytes.str())) return Error{"not a TensorProto file: '" + path + "'"};
  try {
    return TensorToHost(TensorFromProto(proto));
  } catch (const std::exception& error) {
    return Error{"tensor file '" + path + "': " + error.what()};
  }
}

}  // namespace quarry::ml::onnx
