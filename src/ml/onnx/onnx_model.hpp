// OnnxModel — an ONNX model loaded into quarry's own executor (ATen computes every operator). The
// public face of src/ml/onnx/: no ATen, protobuf or ONNX types, so the built-in models and tests use
// it without them.
//
// Loading parses the file (size-checked), loads external data files that sit beside it, checks the
// model with ONNX's checker, resolves every operator to a kernel for the model's opset (an unsupported
// operator is an error naming it and the opset) and folds initializer-only subgraphs into constants.
// A loaded model is immutable: Run() may be called from several threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "ml/model_runtime.hpp"
#include "ml/onnx/host_tensor.hpp"

namespace quarry::ml::onnx {

// A graph input or output as the model declares it. Symbolic or unknown dimensions are -1.
struct OnnxValueInfo {
  std::string name;
  int32_t element_type = 0;  // ONNX TensorProto.DataType code (0 when not declared)
  std::vector<int64_t> shape;
};

class GraphPlan;

class OnnxModel {
 public:
  // Loads the model file at `path`.
  static Result<std::shared_ptr<const OnnxModel>> Load(const std::string& path);
  // Loads a model from memory; external data files are looked up in `base_folder` (empty: none allowed).
  static Result<std::shared_ptr<const OnnxModel>> LoadFromBytes(std::string_view bytes, const std::string& base_folder,
                                                                const std::string& label);
  ~OnnxModel();

  const std::vector<OnnxValueInfo>& inputs() const { return inputs_; }
  const std::vector<OnnxValueInfo>& outputs() const { return outputs_; }
  // The default domain's opset the model imports.
  int opset() const { return opset_; }
  // The distinct operator types the model uses, subgraphs included, sorted.
  const std::vector<std::string>& operator_types() const { return operator_types_; }
  // "ONNX opset 13, 122 nodes (58 folded at load)"
  std::string Describe() const;

  // Runs the model: `inputs` in inputs() order; outputs in outputs() order.
  Result<std::vector<HostTensor>> Run(const std::vector<HostTensor>& inputs) const;

  // The executor's plan (for the ModelRuntime adapter, which passes ATen tensors without copies).
  const GraphPlan& plan() const { return *plan_; }

 private:
  OnnxModel() = default;
  struct Proto;  // the parsed ModelProto, kept alive for the plan (which points into it)
  std::unique_ptr<Proto> proto_;
  std::unique_ptr<GraphPlan> plan_;
  std::vector<OnnxValueInfo> inputs_;
  std::vector<OnnxValueInfo> outputs_;
  std::vector<std::string> operator_types_;
  int opset_ = 0;
};

// An ONNX model behind ModelRuntime (CREATE MODEL ... FROM 'x.onnx'): its first input gets the float
// batch (cast to the input's type where that is not float), its first output is the result. Text models
// run through RunNamed: InputNames() are the graph's inputs (initializers left out), each given the
// int64 tensor of its name, cast to the type the input declares (e.g. int32).
Result<std::shared_ptr<ModelRuntime>> LoadOnnxRuntime(const std::string& path);

}  // namespace quarry::ml::onnx
