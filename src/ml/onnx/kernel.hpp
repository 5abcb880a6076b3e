// The operator kernel interface of quarry's ONNX executor: what an operator implementation sees of its
// node (inputs as ATen tensors, attributes, the opset) and how it is registered by name with the opset
// range it implements. One file per operator family (ops/*.cpp) registers its kernels through a
// Register*Operators function listed in operator_registry.cpp.
//
// A kernel computes its outputs with ATen, so convolutions and matrix products run on the same
// oneDNN/BLAS kernels as PyTorch. Bad input (a shape the operator cannot take, an attribute out of
// range) is a thrown OnnxError with a plain message; the executor adds the node's name and type.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeindex>
#include <typeinfo>
#include <vector>

namespace onnx {
class AttributeProto;
class GraphProto;
class NodeProto;
}  // namespace onnx

namespace quarry::ml::onnx {

// What kernels throw for a node they cannot compute; the executor prefixes "node 'name' (Op): ".
class OnnxError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The most elements a kernel may allocate for one output (4 GiB of float32): shapes computed from data
// (ConstantOfShape, Expand, Tile, Range, Resize, Pad, ...) are checked against it before allocating, so
// a hostile model is an error instead of an out-of-memory kill.
inline constexpr int64_t kMaxTensorElements = int64_t{1} << 30;

// Throws OnnxError when `shape` has a negative dimension or more than kMaxTensorElements elements.
void CheckAllocation(at::IntArrayRef shape, std::string_view what);

class NodeContext;

// Where a step's kernel keeps what it prepared for the inputs it last ran on (a convolution: its oneDNN
// primitive and its reordered weight), so that the next call with the same shapes goes straight to the
// computation instead of parsing attributes and looking up caches by long keys (at batch 1 that work cost
// efficientnet_b0 ~10% of a call). One per step of a plan, living as long as the plan. Thread-safe (a plan
// runs on several threads at once); the kernel checks that what it finds fits its inputs.
class KernelMemo {
 public:
  // What Set stored, when it was a T; else null.
  template <class T>
  std::shared_ptr<const T> Get() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return type_ == std::type_index(typeid(T)) ? std::static_pointer_cast<const T>(value_) : nullptr;
  }
  template <class T>
  void Set(std::shared_ptr<const T> value) {
    std::lock_guard<std::mutex> lock(mutex_);
    value_ = std::move(value);
    type_ = std::type_index(typeid(T));
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const void> value_;
  std::type_index type_ = std::type_index(typeid(void));
};

// An activation the plan fused into the node producing its input (GraphPlan::FuseActivations): the node's kernel
// applies it to its output, saving a pass over memory and a tensor (a convolution on oneDNN applies it
// while the output is still in cache). Only kernels registered with applies_fused_activation get one.
// kSilu is x * sigmoid(x), kHardSwish ONNX's HardSwish (x * clip(x / 6 + 1/2, 0, 1)), kGelu the exact
// (erf) GELU, kHardSigmoid PyTorch's hardsigmoid (clip(x / 6 + 1/2, 0, 1): ONNX's HardSigmoid with alpha 1/6
// and beta 1/2, the gate of MobileNetV3's squeeze-and-excitation), kSigmoid the logistic function (the gate of
// EfficientNet's).
enum class FusedActivation { kNone, kRelu, kSilu, kHardSwish, kGelu, kHardSigmoid, kSigmoid };

// HardSigmoid's alpha and beta that kHardSigmoid computes (as float32, as ONNX attributes hold them).
inline constexpr float kHardSigmoidAlpha = 1.0f / 6.0f;
inline constexpr float kHardSigmoidBeta = 0.5f;

// Applies `activation` to `y` in place (for kernels that compute their output first). y: floating point.
void ApplyActivationInPlace(at::Tensor& y, FusedActivation activation);

// "Relu", "SiLU", "HardSwish", "Gelu" ("" for kNone): how profiles and messages name a fused activation.
const char* ActivationName(FusedActivation activation);

// Runs a subgraph (If/Loop/Scan bodies) with the given inputs, values of enclosing graphs visible by
// name; returns its outputs in order. Provided by the executor.
using SubgraphRunner =
    std::function<std::vector<at::Tensor>(const ::onnx::GraphProto& graph, const std::vector<at::Tensor>& inputs)>;

// A kernel: the node's outputs, in order (fewer than the node declares is fine when the rest are unused;
// an undefined at::Tensor marks an optional output not produced).
using Kernel = std::function<std::vector<at::Tensor>(NodeContext& node)>;

// The node being computed, as its kernel sees it.
class NodeContext {
 public:
  NodeContext(const ::onnx::NodeProto& node, int opset, std::vector<at::Tensor> inputs, const SubgraphRunner* runner,
              FusedActivation activation = FusedActivation::kNone, KernelMemo* memo = nullptr)
      : node_(node), opset_(opset), inputs_(std::move(inputs)), runner_(runner), activation_(activation), memo_(memo) {}
  // With inputs in the blocked layout (onednn/blocked_layout.hpp): `blocked_channels` holds each input's logical
  // channel count where it is blocked, 0 where plain; `may_block_output`: every reader of output 0 takes it blocked;
  // `blocks_small_batches`: the plan found blocking worth it at any batch, not only from kBlockedMinBatch on.
  NodeContext(const ::onnx::NodeProto& node, int opset, std::vector<at::Tensor> inputs, const SubgraphRunner* runner,
              FusedActivation activation, KernelMemo* memo, std::vector<int64_t> blocked_channels,
              bool may_block_output, bool blocks_small_batches)
      : node_(node),
        opset_(opset),
        inputs_(std::move(inputs)),
        runner_(runner),
        activation_(activation),
        memo_(memo),
        blocked_channels_(std::move(blocked_channels)),
        may_block_output_(may_block_output),
        blocks_small_batches_(may_block_output && blocks_small_batches) {}

  // The opset version of the node's domain that the model imports (e.g. 13).
  int opset() const { return opset_; }
  const ::onnx::NodeProto& proto() const { return node_; }
  const std::string& op_type() const;

  // Inputs: input_count() is the number the node lists (trailing optional ones may be missing);
  // has_input(i) is false for a missing or empty-named ("") optional input.
  size_t input_count() const { return inputs_.size(); }
  bool has_input(size_t i) const { return i < inputs_.size() && inputs_[i].defined(); }
  // REQUIRES-or-throws: has_input(i) (throws OnnxError "missing input i").
  const at::Tensor& input(size_t i) const;
  // Whether input i may be overwritten in place: the executor handed over its last reference (this node
  // is its last use) and no other tensor views its memory. Never true for graph inputs or constants.
  bool input_is_exclusive(size_t i) const;
  // The activation to apply to the output (kNone unless the plan fused one into this node).
  FusedActivation activation() const { return activation_; }
  // The step's memo (null when the node runs outside a plan's step, e.g. folded at load).
  KernelMemo* memo() const { return memo_; }
  // The blocked layout, for kernels registered with takes_blocked (OperatorSchema): input i's logical channel count
  // when it arrives blocked (its tensor then has shape (N, C / B, H, W, B)), 0 when it is an ordinary tensor.
  int64_t blocked_channels(size_t i) const { return i < blocked_channels_.size() ? blocked_channels_[i] : 0; }
  // Whether output 0 may be returned blocked; a kernel that does so says so with set_output_blocked(channels).
  bool may_block_output() const { return may_block_output_; }
  // Whether a kernel that blocks its output only from some batch size on (a convolution: onednn_convolution.cpp) may
  // block it at smaller batches too: its region of the plan holds no convolution that is slower blocked there.
  bool blocks_small_batches() const { return blocks_small_batches_; }
  void set_output_blocked(int64_t channels) { output_blocked_ = channels; }
  int64_t output_blocked() const { return output_blocked_; }
  // The number of outputs the node declares, and whether output i is named (wanted) at all.
  size_t output_count() const;
  bool output_wanted(size_t i) const;

  // Attributes, with the default used when the node does not set one; a present attribute of the
  // wrong type throws OnnxError.
  bool has_attribute(std::string_view name) const;
  int64_t attribute_int(std::string_view name, int64_t fallback) const;
  float attribute_float(std::string_view name, float fallback) const;
  std::string attribute_string(std::string_view name, std::string fallback) const;
  std::vector<int64_t> attribute_ints(std::string_view name, std::vector<int64_t> fallback = {}) const;
  std::vector<float> attribute_floats(std::string_view name, std::vector<float> fallback = {}) const;
  std::vector<std::string> attribute_strings(std::string_view name) const;
  // A TENSOR attribute as an ATen tensor (throws when absent).
  at::Tensor attribute_tensor(std::string_view name) const;
  // A GRAPH attribute (throws when absent).
  const ::onnx::GraphProto& attribute_graph(std::string_view name) const;
  // The raw attribute, or nullptr.
  const ::onnx::AttributeProto* attribute(std::string_view name) const;

  // Runs a subgraph (for If, Loop, Scan).
  std::vector<at::Tensor> RunSubgraph(const ::onnx::GraphProto& graph, const std::vector<at::Tensor>& inputs) const;

 private:
  const ::onnx::NodeProto& node_;
  int opset_;
  std::vector<at::Tensor> inputs_;
  const SubgraphRunner* runner_;
  FusedActivation activation_;
  KernelMemo* memo_;
  std::vector<int64_t> blocked_channels_;
  bool may_block_output_ = false;
  bool blocks_small_batches_ = false;
  int64_t output_blocked_ = 0;
};

// Registration: `since` is the first opset version the kernel implements, `until` the last (inclusive).
// Several registrations of one operator must not overlap. The domain "" is the default ONNX domain
// (also spelled "ai.onnx").
struct OperatorSchema {
  std::string domain;
  std::string op_type;
  int since = 0;
  int until = 0;
  Kernel kernel;
  // Whether the kernel applies NodeContext::activation() (so the plan may fuse a following Relu into it).
  bool applies_fused_activation = false;
  // The inputs the kernel takes in the blocked layout (NodeContext::blocked_channels); such a kernel may also
  // return output 0 blocked where NodeContext::may_block_output(). It must compute any mix of blocked and
  // plain inputs.
  std::vector<size_t> takes_blocked;
};

class OperatorRegistry {
 public:
  // Returns the new schema (valid until the next Add) for flags such as applies_fused_activation.
  OperatorSchema& Add(std::string op_type, int since, int until, Kernel kernel, std::string domain = "");
  // The kernel for op_type at opset `version` of `domain`, or nullptr.
  const OperatorSchema* Find(std::string_view domain, std::string_view op_type, int version) const;
  // Every registered schema (for docs and tests).
  const std::vector<OperatorSchema>& schemas() const { return schemas_; }

 private:
  std::vector<OperatorSchema> schemas_;
};

// The process-wide registry with every operator family registered (built on first use, then read-only).
const OperatorRegistry& Operators();

// The domain of operators the plan makes from patterns (graph_fusion.cpp); no exporter writes it.
inline constexpr const char* kFusedDomain = "quarry.fused";

// The newest opset version the registry's kernels are written against; newer models run when every
// operator they use has a kernel whose range covers their opset.
inline constexpr int kMaxOpset = 17;

// Operator families (ops/*.cpp), called once from Operators().
void RegisterElementwiseOperators(OperatorRegistry& registry);
void RegisterReductionOperators(OperatorRegistry& registry);
void RegisterShapeOperators(OperatorRegistry& registry);
void RegisterIndexingOperators(OperatorRegistry& registry);
void RegisterConvolutionOperators(OperatorRegistry& registry);
void RegisterPoolingOperators(OperatorRegistry& registry);
void RegisterNormalizationOperators(OperatorRegistry& registry);
void RegisterMatrixOperators(OperatorRegistry& registry);
void RegisterResizeOperators(OperatorRegistry& registry);
void RegisterRecurrentOperators(OperatorRegistry& registry);
void RegisterControlFlowOperators(OperatorRegistry& registry);
void RegisterLossOperators(OperatorRegistry& registry);
void RegisterQuantizationOperators(OperatorRegistry& registry);
void RegisterSignalOperators(OperatorRegistry& registry);
void RegisterVisionOperators(OperatorRegistry& registry);

// Helpers shared by kernels (kernel.cpp).
// An int64 tensor (e.g. a shape or axes input) as a vector.
std::vector<int64_t> ToInt64Vector(const at::Tensor& tensor);
// A scalar tensor's value as double.
double ToScalar(const at::Tensor& tensor);
// Normalizes a possibly negative axis into [0, rank) (rank + 1 for insert positions); throws when out of range.
int64_t NormalizeAxis(int64_t axis, int64_t rank);
// ONNX TensorProto data type code → ATen dtype (throws OnnxError for types ATen lacks: strings, uint16..64).
at::ScalarType ScalarTypeFromOnnx(int32_t onnx_type);

}  // namespace quarry::ml::onnx
