// OnnxModel: file → checked ModelProto → GraphPlan, and the ModelRuntime adapter (see onnx_model.hpp).
#include "ml/onnx/onnx_model.hpp"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include <c10/core/InferenceMode.h>
#include <c10/util/Exception.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "ml/named_inputs.hpp"
#include "ml/onnx/graph_plan.hpp"
#include "ml/onnx/kernel.hpp"
#include "ml/onnx/onednn/onednn_convolution.hpp"
#include "ml/onnx/tensor_proto.hpp"
#include "ml/tensor_memory.hpp"
#include "ml/torch_warnings.hpp"

namespace quarry::ml::onnx {

struct OnnxModel::Proto {
  ::onnx::ModelProto model;
};

OnnxModel::~OnnxModel() = default;

namespace {

// protobuf refuses messages over 2 GiB; larger weights must be external data.
constexpr uint64_t kMaxModelFileBytes = (uint64_t{1} << 31) - 1;

// Replaces a tensor's external data reference with the bytes it points at. Only files inside
// `base_folder` are read (no absolute paths, no ".."), and offset/length must lie inside the file.
void LoadExternalData(::onnx::TensorProto& tensor, const std::string& base_folder) {
  if (tensor.data_location() != ::onnx::TensorProto::EXTERNAL) return;
  std::string location;
  uint64_t offset = 0;
  int64_t length = -1;
  for (const auto& entry : tensor.external_data()) {
    try {
      if (entry.key() == "location") location = entry.value();
      if (entry.key() == "offset") offset = std::stoull(entry.value());
      if (entry.key() == "length") length = std::stoll(entry.value());
    } catch (const std::exception&) {
      throw OnnxError("tensor '" + tensor.name() + "' has a bad external data " + entry.key() + ": '" + entry.value() +
                      "'");
    }
  }
  const std::filesystem::path relative(location);
  bool escapes = location.empty() || relative.is_absolute();
  for (const auto& part : relative) escapes = escapes || part == "..";
  if (base_folder.empty() || escapes) {
    throw OnnxError("tensor '" + tensor.name() + "' refers to external data '" + location +
                    "', which must be a file beside the model");
  }
  const std::filesystem::path file = std::filesystem::path(base_folder) / relative;
  std::error_code error;
  const uint64_t size = std::filesystem::file_size(file, error);
  if (error)
    throw OnnxError("cannot read external data file '" + file.string() + "' of tensor '" + tensor.name() + "'");
  if (length < 0) length = static_cast<int64_t>(size >= offset ? size - offset : 0);
  if (offset > size || static_cast<uint64_t>(length) > size - offset) {
    throw OnnxError("external data of tensor '" + tensor.name() + "' lies outside '" + file.string() + "'");
  }
  std::string bytes(static_cast<size_t>(length), '\0');
  std::ifstream stream(file, std::ios::binary);
  stream.seekg(static_cast<std::streamoff>(offset));
  stream.read(bytes.data(), length);
  if (!stream) throw OnnxError("cannot read external data file '" + file.string() + "'");
  tensor.set_raw_data(std::move(bytes));
  tensor.clear_external_data();
  tensor.set_data_location(::onnx::TensorProto::DEFAULT);
}

void LoadGraphExternalData(::onnx::GraphProto& graph, const std::string& base_folder) {
  for (auto& initializer : *graph.mutable_initializer()) LoadExternalData(initializer, base_folder);
  for (auto& node : *graph.mutable_node()) {
    for (auto& attribute : *node.mutable_attribute()) {
      if (attribute.has_t()) LoadExternalData(*attribute.mutable_t(), base_folder);
      if (attribute.has_g()) LoadGraphExternalData(*attribute.mutable_g(), base_folder);
      for (auto& subgraph : *attribute.mutable_graphs()) LoadGraphExternalData(subgraph, base_folder);
    }
  }
}

OnnxValueInfo ValueInfo(const ::onnx::ValueInfoProto& proto) {
  OnnxValueInfo info;
  info.name = proto.name();
  if (proto.type().has_tensor_type()) {
    const auto& tensor_type = proto.type().tensor_type();
    info.element_type = tensor_type.elem_type();
    for (const auto& dimension : tensor_type.shape().dim()) {
      info.shape.push_back(dimension.has_dim_value() ? dimension.dim_value() : -1);
    }
  }
  return info;
}

void CollectOperatorTypes(const ::onnx::GraphProto& graph, std::set<std::string>& types) {
  for (const auto& node : graph.node()) {
    types.insert(node.domain().empty() || node.domain() == "ai.onnx" ? node.op_type()
                                                                     : node.domain() + "." + node.op_type());
    for (const auto& attribute : node.attribute()) {
      if (attribute.has_g()) CollectOperatorTypes(attribute.g(), types);
      for (const auto& subgraph : attribute.graphs()) CollectOperatorTypes(subgraph, types);
    }
  }
}

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); i++) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

}  // namespace

Result<std::shared_ptr<const OnnxModel>> OnnxModel::Load(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return Error{"model file not found: '" + path + "'"};
  const uint64_t size = std::filesystem::file_size(path, error);
  if (error || size > kMaxModelFileBytes) {
    return Error{"ONNX model '" + path + "' is larger than 2 GiB; keep its weights as external data"};
  }
  std::ifstream stream(path, std::ios::binary);
  std::string bytes(static_cast<size_t>(size), '\0');
  stream.read(bytes.data(), static_cast<std::streamsize>(size));
  if (!stream) return Error{"cannot read ONNX model '" + path + "'"};
  return LoadFromBytes(bytes, std::filesystem::path(path).parent_path().string(), path);
}

Result<std::shared_ptr<const OnnxModel>> OnnxModel::LoadFromBytes(std::string_view bytes,
                                                                  const std::string& base_folder,
                                                                  const std::string& label) {
  const std::string prefix = "cannot load ONNX model '" + label + "': ";
  InstallTensorMemory();
  SilenceTorchWarnings();
  std::shared_ptr<OnnxModel> model(new OnnxModel());
  model->proto_ = std::make_unique<Proto>();
  ::onnx::ModelProto& proto = model->proto_->model;
  if (bytes.size() > kMaxModelFileBytes || !proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Error{prefix + "not an ONNX model file (protobuf parsing failed)"};
  }
  try {
    if (!proto.has_graph()) return Error{prefix + "the file has no graph"};
    std::set<std::string> types;
    CollectOperatorTypes(proto.graph(), types);
    model->operator_types_.assign(types.begin(), types.end());
    LoadGraphExternalData(*proto.mutable_graph(), base_folder);
    std::map<std::string, int> opsets;
    for (const auto& import : proto.opset_import()) {
      const std::string domain = import.domain() == "ai.onnx" ? "" : import.domain();
      opsets[domain] = static_cast<int>(import.version());
    }
    if (opsets.count("") == 0) return Error{prefix + "the model imports no default-domain opset"};
    model->opset_ = opsets[""];
    for (const auto& function : proto.functions()) {
      (void)function;
      return Error{prefix + "model-local functions are not supported"};
    }
    // Planning first: its errors (a cycle, a value never defined, an operator without a kernel) name
    // the problem more plainly than the checker's.
    {
      c10::InferenceMode inference_mode;
      model->plan_ = GraphPlan::Build(proto.graph(), opsets, {});
    }
    // The checker refuses IR versions newer than libonnx 1.12 knows (8); the executor does not care.
    const int64_t ir_version = proto.ir_version();
    if (ir_version > ::onnx::IR_VERSION) proto.set_ir_version(::onnx::IR_VERSION);
    try {
      ::onnx::checker::check_model(proto);
    } catch (const std::exception& check_error) {
      return Error{prefix + "the model is not valid ONNX: " + check_error.what()};
    }
    proto.set_ir_version(ir_version);
    const auto& plan = *model->plan_;
    for (const auto& input : proto.graph().input()) {
      for (const auto& name : plan.input_names()) {
        if (name == input.name()) model->inputs_.push_back(ValueInfo(input));
      }
    }
    for (const auto& output : proto.graph().output()) model->outputs_.push_back(ValueInfo(output));
  } catch (const OnnxError& load_error) {
    return Error{prefix + load_error.what()};
  } catch (const c10::Error& load_error) {
    return Error{prefix + load_error.what_without_backtrace()};
  } catch (const std::exception& load_error) {
    return Error{prefix + load_error.what()};
  }
  return std::shared_ptr<const OnnxModel>(std::move(model));
}

std::string OnnxModel::Describe() const {
  const size_t blocked = plan_->blocked_count(), at_every_batch = plan_->blocked_count(true);
  std::string blocked_steps;
  if (blocked > 0) {
    blocked_steps = ", " + std::to_string(blocked) + " on blocked activations";
    blocked_steps += at_every_batch == blocked ? " at every batch"
                     : at_every_batch == 0     ? " from batch " + std::to_string(onednn::kBlockedMinBatch) + " on"
                                               : " (" + std::to_string(at_every_batch) + " at every batch)";
  }
  return "ONNX opset " + std::to_string(opset_) + ", " + std::to_string(plan_->node_count()) + " nodes (" +
         std::to_string(plan_->folded_count()) + " folded at load" + blocked_steps + ")";
}

Result<std::vector<HostTensor>> OnnxModel::Run(const std::vector<HostTensor>& inputs) const {
  if (inputs.size() != inputs_.size()) {
    return Error{"the ONNX model takes " + std::to_string(inputs_.size()) + " inputs, got " +
                 std::to_string(inputs.size())};
  }
  try {
    c10::InferenceMode inference_mode;
    std::vector<at::Tensor> tensors;
    tensors.reserve(inputs.size());
    for (const auto& input : inputs) tensors.push_back(TensorFromHost(input));
    std::vector<HostTensor> outputs;
    for (const auto& output : plan_->Run(tensors)) outputs.push_back(TensorToHost(output));
    return outputs;
  } catch (const c10::Error& error) {
    return Error{std::string("ONNX model run failed: ") + error.what_without_backtrace()};
  } catch (const std::exception& error) {
    return Error{std::string("ONNX model run failed: ") + error.what()};
  }
}

namespace {

// The first of a graph's outputs as floats; an Error unless its first dimension is `batch_size`.
Result<Tensor> FirstOutputAsFloats(const std::vector<at::Tensor>& outputs, int64_t batch_size) {
  if (outputs.empty()) return Error{"the ONNX model has no outputs"};
  at::Tensor output = outputs[0].to(at::kFloat).contiguous();
  Tensor result;
  result.shape.assign(output.sizes().begin(), output.sizes().end());
  if (result.shape.empty() || result.shape[0] != batch_size) {
    return Error{"model output's first dimension is not the batch size " + std::to_string(batch_size) + ": " +
                 ShapeText(result.shape)};
  }
  const float* values = output.data_ptr<float>();
  result.values.assign(values, values + output.numel());
  return result;
}

// CREATE MODEL's view of an ONNX model: a float batch (Run) or named integer inputs (RunNamed) in, the
// first output out (as float).
class OnnxRuntime final : public ModelRuntime {
 public:
  explicit OnnxRuntime(std::shared_ptr<const OnnxModel> model) : model_(std::move(model)) {
    for (const auto& input : model_->inputs()) input_names_.push_back(input.name);
  }

  Result<Tensor> Run(const Tensor& input) const override {
    if (input.shape.empty() || input.shape[0] < 1 ||
        static_cast<int64_t>(input.values.size()) != input.element_count()) {
      return Error{"model input needs a batch dimension and values matching its shape " + input.ShapeText()};
    }
    if (model_->inputs().size() != 1) {
      return Error{"the ONNX model takes " + std::to_string(model_->inputs().size()) +
                   " inputs; CREATE MODEL runs models with one input"};
    }
    try {
      c10::InferenceMode inference_mode;
      at::Tensor batch =
          at::from_blob(const_cast<float*>(input.values.data()), input.shape, at::TensorOptions().dtype(at::kFloat));
      const int32_t declared = model_->inputs()[0].element_type;
      if (declared != 0 && declared != 1) batch = batch.to(ScalarTypeFromOnnx(declared));
      return FirstOutputAsFloats(model_->plan().Run({batch}), input.shape[0]);
    } catch (const c10::Error& error) {
      return Error{"model run failed for input " + input.ShapeText() + ": " + error.what_without_backtrace()};
    } catch (const std::exception& error) {
      return Error{"model run failed for input " + input.ShapeText() + ": " + error.what()};
    }
  }

  std::vector<std::string> InputNames() const override { return input_names_; }

  // Each graph input gets the given tensor of its name, cast from int64 to the type it declares.
  Result<Tensor> RunNamed(const std::vector<NamedIntegerTensor>& inputs) const override {
    auto matched = MatchNamedInputs(input_names_, inputs);
    if (!matched.ok()) return Error{matched.error()};
    try {
      c10::InferenceMode inference_mode;
      std::vector<at::Tensor> tensors;
      for (size_t i = 0; i < matched.value().size(); i++) {
        const NamedIntegerTensor& given = *matched.value()[i];
        // No copy for int64 inputs: the executor never writes its inputs.
        at::Tensor tensor =
            at::from_blob(const_cast<int64_t*>(given.values.data()), given.shape, at::TensorOptions().dtype(at::kLong));
        const int32_t declared = model_->inputs()[i].element_type;
        if (declared != 0 && declared != static_cast<int32_t>(ElementType::kInt64)) {
          tensor = tensor.to(ScalarTypeFromOnnx(declared));
        }
        tensors.push_back(std::move(tensor));
      }
      return FirstOutputAsFloats(model_->plan().Run(tensors), matched.value().front()->shape[0]);
    } catch (const c10::Error& error) {
      return Error{"model run failed for inputs " + DescribeNamedInputs(matched.value()) + ": " +
                   error.what_without_backtrace()};
    } catch (const std::exception& error) {
      return Error{"model run failed for inputs " + DescribeNamedInputs(matched.value()) + ": " + error.what()};
    }
  }

  std::string Describe() const override { return model_->Describe(); }

 private:
  std::shared_ptr<const OnnxModel> model_;
  std::vector<std::string> input_names_;  // model_->inputs()' names
};

}  // namespace

Result<std::shared_ptr<ModelRuntime>> LoadOnnxRuntime(const std::string& path) {
  auto model = OnnxModel::Load(path);
  if (!model.ok()) return Error{model.error()};
  return std::shared_ptr<ModelRuntime>(std::make_shared<OnnxRuntime>(std::move(model).value()));
}

}  // namespace quarry::ml::onnx
