// GraphBuilder — small ONNX graphs built in code for the executor's tests (opset 17, float values): inputs
// and outputs of declared shapes (-1: a symbolic dimension), initializers, nodes with attributes; Load() gives the
// OnnxModel. Not thread-safe; one per test.
#pragma once

#include <onnx/onnx_pb.h>

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "ml/onnx/onnx_model.hpp"

namespace quarry::ml::onnx {

// A graph under construction: float inputs and outputs of known shapes, initializers, nodes.
class GraphBuilder {
 public:
  GraphBuilder() {
    model_.set_ir_version(8);
    auto* opset = model_.add_opset_import();
    opset->set_domain("");
    opset->set_version(17);
    graph_ = model_.mutable_graph();
    graph_->set_name("test_graph");
  }

  void Input(const std::string& name, const std::vector<int64_t>& shape) { Declare(graph_->add_input(), name, shape); }
  void Output(const std::string& name, const std::vector<int64_t>& shape) {
    Declare(graph_->add_output(), name, shape);
  }
  void Floats(const std::string& name, const std::vector<int64_t>& shape, const std::vector<float>& values) {
    auto* tensor = graph_->add_initializer();
    tensor->set_name(name);
    tensor->set_data_type(::onnx::TensorProto::FLOAT);
    for (int64_t dim : shape) tensor->add_dims(dim);
    for (float value : values) tensor->add_float_data(value);
  }
  void Ints(const std::string& name, const std::vector<int64_t>& values) {
    IntsShaped(name, {static_cast<int64_t>(values.size())}, values);
  }
  // An int64 initializer of any shape ({} for a scalar).
  void IntsShaped(const std::string& name, const std::vector<int64_t>& shape, const std::vector<int64_t>& values) {
    auto* tensor = graph_->add_initializer();
    tensor->set_name(name);
    tensor->set_data_type(::onnx::TensorProto::INT64);
    for (int64_t dim : shape) tensor->add_dims(dim);
    for (int64_t value : values) tensor->add_int64_data(value);
  }
  static void FloatAttribute(::onnx::NodeProto* node, const std::string& name, float value) {
    auto* attribute = node->add_attribute();
    attribute->set_name(name);
    attribute->set_type(::onnx::AttributeProto::FLOAT);
    attribute->set_f(value);
  }
  static void StringAttribute(::onnx::NodeProto* node, const std::string& name, const std::string& value) {
    auto* attribute = node->add_attribute();
    attribute->set_name(name);
    attribute->set_type(::onnx::AttributeProto::STRING);
    attribute->set_s(value);
  }
  // Adds a node of the default domain; returns it for attributes (valid until the next Node()).
  ::onnx::NodeProto* Node(const std::string& op, const std::vector<std::string>& inputs, const std::string& output) {
    auto* node = graph_->add_node();
    node->set_op_type(op);
    node->set_name(output + "_node");
    for (const auto& input : inputs) node->add_input(input);
    node->add_output(output);
    return node;
  }
  static void IntsAttribute(::onnx::NodeProto* node, const std::string& name, const std::vector<int64_t>& values) {
    auto* attribute = node->add_attribute();
    attribute->set_name(name);
    attribute->set_type(::onnx::AttributeProto::INTS);
    for (int64_t value : values) attribute->add_ints(value);
  }
  static void IntAttribute(::onnx::NodeProto* node, const std::string& name, int64_t value) {
    auto* attribute = node->add_attribute();
    attribute->set_name(name);
    attribute->set_type(::onnx::AttributeProto::INT);
    attribute->set_i(value);
  }

  std::shared_ptr<const OnnxModel> Load() const {
    auto loaded = OnnxModel::LoadFromBytes(model_.SerializeAsString(), "", "test_graph.onnx");
    EXPECT_TRUE(loaded.ok()) << loaded.error();
    return loaded.ok() ? loaded.value() : nullptr;
  }

 private:
  static void Declare(::onnx::ValueInfoProto* value, const std::string& name, const std::vector<int64_t>& shape) {
    value->set_name(name);
    auto* tensor_type = value->mutable_type()->mutable_tensor_type();
    tensor_type->set_elem_type(::onnx::TensorProto::FLOAT);
    // A negative dimension is symbolic ("batch").
    for (int64_t dim : shape) {
      auto* declared = tensor_type->mutable_shape()->add_dim();
      if (dim < 0) {
        declared->set_dim_param("batch");
      } else {
        declared->set_dim_value(dim);
      }
    }
  }

  ::onnx::ModelProto model_;
  ::onnx::GraphProto* graph_;
};

}  // namespace quarry::ml::onnx
