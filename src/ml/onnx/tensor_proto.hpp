// Conversions between ONNX's TensorProto (initializers, Constant attributes, test data), quarry's
// HostTensor and ATen tensors. Every conversion checks that the declared shape matches the data it
// carries before allocating, so a hostile file cannot make it allocate more than it holds.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <string>

#include "ml/onnx/host_tensor.hpp"

namespace onnx {
class TensorProto;
}

namespace quarry::ml::onnx {

// A TensorProto (data inline: external data must have been loaded into raw_data) as a new ATen
// tensor. Throws OnnxError naming the tensor for unsupported types and data that does not match dims.
at::Tensor TensorFromProto(const ::onnx::TensorProto& proto);

// An ATen tensor as a TensorProto with raw_data.
void TensorToProto(const at::Tensor& tensor, ::onnx::TensorProto* proto);

// HostTensor ↔ ATen (copies). TensorFromHost throws OnnxError when bytes do not match the shape.
at::Tensor TensorFromHost(const HostTensor& host);
HostTensor TensorToHost(const at::Tensor& tensor);

// "FLOAT", "INT64", ... for error messages ("type 8" for codes it does not know).
std::string DataTypeName(int32_t onnx_type);

}  // namespace quarry::ml::onnx
