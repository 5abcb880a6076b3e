// NodeContext, OperatorRegistry and the helpers shared by kernels (see kernel.hpp).
#include "ml/onnx/kernel.hpp"

#include <onnx/onnx_pb.h>

#include <algorithm>

#include "ml/onnx/tensor_proto.hpp"
#include "ml/onnx/vector_activations.hpp"

namespace quarry::ml::onnx {

void CheckAllocation(at::IntArrayRef shape, std::string_view what) {
  int64_t elements = 1;
  for (int64_t dimension : shape) {
    if (dimension < 0) throw OnnxError(std::string(what) + ": negative dimension " + std::to_string(dimension));
    if (dimension != 0 && elements > kMaxTensorElements / dimension) {
      throw OnnxError(std::string(what) + ": the result would have more than " + std::to_string(kMaxTensorElements) +
                      " elements");
    }
    elements *= dimension;
  }
}

const std::string& NodeContext::op_type() const {
  return node_.op_type();
}

bool NodeContext::input_is_exclusive(size_t i) const {
  if (!has_input(i)) return false;
  const at::Tensor& tensor = inputs_[i];
  return tensor.use_count() == 1 && tensor.has_storage() && tensor.storage().use_count() == 1 &&
         tensor.is_non_overlapping_and_dense();
}

const at::Tensor& NodeContext::input(size_t i) const {
  if (!has_input(i)) throw OnnxError("missing input " + std::to_string(i));
  return inputs_[i];
}

size_t NodeContext::output_count() const {
  return static_cast<size_t>(node_.output_size());
}

bool NodeContext::output_wanted(size_t i) const {
  return i < output_count() && !node_.output(static_cast<int>(i)).empty();
}

const ::onnx::AttributeProto* NodeContext::attribute(std::string_view name) const {
  for (const auto& attribute : node_.attribute()) {
    if (attribute.name() == name) return &attribute;
  }
  return nullptr;
}

bool NodeContext::has_attribute(std::string_view name) const {
  return attribute(name) != nullptr;
}

namespace {

const ::onnx::AttributeProto* TypedAttribute(const NodeContext& node, std::string_view name,
                                             ::onnx::AttributeProto::AttributeType type, const char* type_name) {
  const ::onnx::AttributeProto* attribute = node.attribute(name);
  if (attribute == nullptr) return nullptr;
  // Old exporters leave `type` unset (0): trust the field that is filled.
  if (attribute->type() != type && attribute->type() != ::onnx::AttributeProto::UNDEFINED) {
    throw OnnxError("attribute '" + std::string(name) + "' is not of type " + type_name);
  }
  return attribute;
}

}  // namespace

int64_t NodeContext::attribute_int(std::string_view name, int64_t fallback) const {
  const auto* attribute = TypedAttribute(*this, name, ::onnx::AttributeProto::INT, "INT");
  return attribute == nullptr ? fallback : attribute->i();
}

float NodeContext::attribute_float(std::string_view name, float fallback) const {
  const auto* attribute = TypedAttribute(*this, name, ::onnx::AttributeProto::FLOAT, "FLOAT");
  return attribute == nullptr ? fallback : attribute->f();
}

std::string NodeContext::attribute_string(std::string_view name, std::string fallback) const {
  const auto* attribute = TypedAttribute(*this, name, ::onnx::AttributeProto::STRING, "STRING");
  return attribute == nullptr ? fallback : attribute->s();
}

std::vector<int64_t> NodeContext::attribute_ints(std::string_view name, std::vector<int64_t> fallback) const {
  const auto* attribute = TypedAttribute(*this, name, ::onnx::AttributeProto::INTS, "INTS");
  if (attribute == nullptr) return fallback;
  return std::vector<int64_t>(attribute->ints().begin(), attribute->ints().end());
}

std::vector<float> NodeContext::attribute_floats(std::string_view name, std::vector<float> fallback) const {
  const auto* attribute = TypedAttribute(*this, name, ::onnx::AttributeProto::FLOATS, "FLOATS");
  if (attribute == nullptr) return fallback;
  return std::vector<float>(attribute->floats().begin(), attribute->floats().end());
}

std::vector<std::string> NodeContext::attribute_strings(std::string_view name) const {
  const auto* attribute = TypedAttribute(*this, name, ::onnx::AttributeProto::STRINGS, "STRINGS");
  if (attribute == nullptr) return {};
  return std::vector<std::string>(attribute->strings().begin(), attribute->strings().end());
}

at::Tensor NodeContext::attribute_tensor(std::string_view name) const {
  const auto* attribute = TypedAttribute(*this, name, ::onnx::AttributeProto::TENSOR, "TENSOR");
  if (attribute == nullptr) throw OnnxError("missing attribute '" + std::string(name) + "'");
  return TensorFromProto(attribute->t());
}

const ::onnx::GraphProto& NodeContext::attribute_graph(std::string_view name) const {
  const auto* attribute = TypedAttribute(*this, name, ::onnx::AttributeProto::GRAPH, "GRAPH");
  if (attribute == nullptr) throw OnnxError("missing attribute '" + std::string(name) + "'");
  return attribute->g();
}

std::vector<at::Tensor> NodeContext::RunSubgraph(const ::onnx::GraphProto& graph,
                                                 const std::vector<at::Tensor>& inputs) const {
  if (runner_ == nullptr) throw OnnxError("subgraphs cannot run here");
  return (*runner_)(graph, inputs);
}

OperatorSchema& OperatorRegistry::Add(std::string op_type, int since, int until, Kernel kernel, std::string domain) {
  if (domain == "ai.onnx") domain.clear();
  OperatorSchema& schema = schemas_.emplace_back();
  schema.domain = std::move(domain);
  schema.op_type = std::move(op_type);
  schema.since = since;
  schema.until = until;
  schema.kernel = std::move(kernel);
  return schema;
}

const OperatorSchema* OperatorRegistry::Find(std::string_view domain, std::string_view op_type, int version) const {
  if (domain == "ai.onnx") domain = "";
  for (const auto& schema : schemas_) {
    if (schema.domain == domain && schema.op_type == op_type && schema.since <= version && version <= schema.until) {
      return &schema;
    }
  }
  return nullptr;
}

std::vector<int64_t> ToInt64Vector(const at::Tensor& tensor) {
  // Shape, axes and index inputs are small int64 or int32 tensors read on every call: read them in place
  // (each ATen call here would cost about as much as the rest of a shape operator).
  if (tensor.is_contiguous() && tensor.device().is_cpu()) {
    if (tensor.scalar_type() == at::kLong) {
      const int64_t* data = tensor.data_ptr<int64_t>();
      return std::vector<int64_t>(data, data + tensor.numel());
    }
    if (tensor.scalar_type() == at::kInt) {
      const int32_t* data = tensor.data_ptr<int32_t>();
      return std::vector<int64_t>(data, data + tensor.numel());
    }
  }
  at::Tensor values = tensor.to(at::kLong).contiguous().reshape({-1});
  const int64_t* data = values.data_ptr<int64_t>();
  return std::vector<int64_t>(data, data + values.numel());
}

double ToScalar(const at::Tensor& tensor) {
  if (tensor.numel() != 1) throw OnnxError("expected a scalar, got " + std::to_string(tensor.numel()) + " values");
  if (tensor.device().is_cpu()) {
    switch (tensor.scalar_type()) {
      case at::kLong:
        return static_cast<double>(*tensor.data_ptr<int64_t>());
      case at::kInt:
        return *tensor.data_ptr<int32_t>();
      case at::kFloat:
        return *tensor.data_ptr<float>();
      case at::kDouble:
        return *tensor.data_ptr<double>();
      case at::kBool:
        return *tensor.data_ptr<bool>() ? 1.0 : 0.0;
      default:
        break;
    }
  }
  return tensor.to(at::kDouble).reshape({-1})[0].item<double>();
}

int64_t NormalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank) {
    throw OnnxError("axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  }
  return axis < 0 ? axis + rank : axis;
}

at::ScalarType ScalarTypeFromOnnx(int32_t onnx_type) {
  switch (onnx_type) {
    case ::onnx::TensorProto::FLOAT:
      return at::kFloat;
    case ::onnx::TensorProto::DOUBLE:
      return at::kDouble;
    case ::onnx::TensorProto::FLOAT16:
      return at::kHalf;
    case ::onnx::TensorProto::BFLOAT16:
      return at::kBFloat16;
    case ::onnx::TensorProto::INT8:
      return at::kChar;
    case ::onnx::TensorProto::UINT8:
      return at::kByte;
    case ::onnx::TensorProto::INT16:
      return at::kShort;
    case ::onnx::TensorProto::INT32:
      return at::kInt;
    case ::onnx::TensorProto::INT64:
      return at::kLong;
    case ::onnx::TensorProto::BOOL:
      return at::kBool;
    default:
      break;
  }
  throw OnnxError("ONNX data type " + DataTypeName(onnx_type) + " is not supported");
}

const OperatorRegistry& Operators() {
  static const OperatorRegistry registry = [] {
    OperatorRegistry built;
    RegisterElementwiseOperators(built);
    RegisterReductionOperators(built);
    RegisterShapeOperators(built);
    RegisterIndexingOperators(built);
    RegisterConvolutionOperators(built);
    RegisterPoolingOperators(built);
    RegisterNormalizationOperators(built);
    RegisterMatrixOperators(built);
    RegisterResizeOperators(built);
    RegisterRecurrentOperators(built);
    RegisterControlFlowOperators(built);
    RegisterLossOperators(built);
    RegisterQuantizationOperators(built);
    RegisterSignalOperators(built);
    RegisterVisionOperators(built);
    return built;
  }();
  return registry;
}

void ApplyActivationInPlace(at::Tensor& y, FusedActivation activation) {
  switch (activation) {
    case FusedActivation::kNone:
      return;
    case FusedActivation::kRelu:
      y.relu_();
      return;
    case FusedActivation::kSilu:
      ApplyVectorFunctionInPlace(VectorFunction::kSilu, y);
      return;
    case FusedActivation::kHardSwish:
      at::hardswish_(y);
      return;
    case FusedActivation::kGelu:
      ApplyVectorFunctionInPlace(VectorFunction::kGelu, y);
      return;
    case FusedActivation::kSigmoid:
      y.sigmoid_();
      return;
    case FusedActivation::kHardSigmoid:  // as the HardSigmoid kernel computes it
      y.mul_(static_cast<double>(kHardSigmoidAlpha)).add_(static_cast<double>(kHardSigmoidBeta)).clamp_(0, 1);
      return;
  }
}

const char* ActivationName(FusedActivation activation) {
  switch (activation) {
    case FusedActivation::kRelu:
      return "Relu";
    case FusedActivation::kSilu:
      return "SiLU";
    case FusedActivation::kHardSwish:
      return "HardSwish";
    case FusedActivation::kGelu:
      return "Gelu";
    case FusedActivation::kHardSigmoid:
      return "HardSigmoid";
    case FusedActivation::kSigmoid:
      return "Sigmoid";
    case FusedActivation::kNone:
      break;
  }
  return "";
}

}  // namespace quarry::ml::onnx
