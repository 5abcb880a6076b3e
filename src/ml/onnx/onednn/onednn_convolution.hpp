// Convolutions on oneDNN directly (see onednn_primitives.hpp for why): 1-D and 2-D float32 convolutions
// on channels-last (NHWC) activations, the primitive created once per shape, the weight reordered once
// into the layout the primitive prefers, asymmetric padding taken as is, and a fused Relu and a fused
// residual sum applied by the primitive as post-operations while the output is still in cache.
#pragma once

#include <ATen/ATen.h>

#include <memory>
#include <vector>

#include "ml/onnx/kernel.hpp"
#include "ml/onnx/onednn/onednn_primitives.hpp"
#include "ml/onnx/ops/conv_util.hpp"

namespace quarry::ml::onnx::onednn {

// Whether ConvolveOnOneDnn takes a convolution of x with w: oneDNN enabled, float32 data and weight,
// 1-D or 2-D, nothing empty.
bool TakesConvolution(const at::Tensor& x, const at::Tensor& w);

// A convolution's geometry as oneDNN takes it: always 2-D (1-D has a unit height), dilations less one.
struct PlanarConvolution {
  dnnl::memory::dims source, weights, destination;
  dnnl::memory::dims strides, dilations, padding_begin, padding_end;
  int64_t group = 1;
  bool grouped_weights = false;  // weights described as (group, M / group, C / group, kh, kw)
};

// Batches smaller than this keep channels-last outputs where the plan allows blocked ones (blocked_layout.hpp): at
// batch 1 oneDNN's channels-last 3x3 kernel (brgconv) is 10-20% faster than its blocked one (resnet50: 41 ms a
// call channels-last, 43.5 blocked), while at batch 16 blocked activations make efficientnet_b0 1.06x, mobilenet_v3
// 1.1x and resnet50 (whose 3x3 convolutions then take Winograd's blocked layout without reorders) 1.07x as fast.
// Where the plan's region has no such convolution reading blocked data (only 1x1 and depthwise ones, and a stem
// reading the picture: BlockedArguments::small_batches), blocked pays at batch 1 too (efficientnet_b0 and
// mobilenet_v3 4-13% faster: oneDNN's channels-last 1x1 kernels slow down more on output buffers not in cache).
inline constexpr int64_t kBlockedMinBatch = 4;

// How a call passes its data in the blocked layout (blocked_layout.hpp): the logical channel counts of the input and
// of the residual where they are blocked (0: plain), whether the output may be returned blocked, and whether at
// any batch (`small_batches`) or only from kBlockedMinBatch on.
struct BlockedArguments {
  int64_t input = 0;
  int64_t residual = 0;
  bool output = false;
  bool small_batches = false;

  bool any() const { return input > 0 || residual > 0 || output; }
  bool operator==(const BlockedArguments& other) const {
    return input == other.input && residual == other.residual && output == other.output &&
           small_batches == other.small_batches;
  }
};

// What PlanConvolution decided: the call it fits (FitsConvolution) and how to run it.
struct ConvolutionPlan {
  // The call: the input's sizes, the weight and bias tensors themselves (held, so their addresses stay
  // theirs), the activation, the residual's sizes (empty without one), the caller's thread count.
  std::vector<int64_t> input_sizes;
  at::Tensor weight_source, bias_source;
  FusedActivation activation = FusedActivation::kNone;
  bool has_residual = false;
  std::vector<int64_t> residual_sizes;
  int threads = 0;
  BlockedArguments arguments;
  // How to run it.
  PlanarConvolution planar;
  bool one_dimensional = false;
  bool winograd = false;
  // The primitive runs on oneDNN's blocked layouts (it reads the input in the layout it chose, blocked or plain,
  // and writes the blocked output_layout, or Winograd's choice), for a call with blocked arguments. A call with
  // blocked arguments that oneDNN cannot run so runs plain, its blocked arguments made plain first.
  bool blocked = false;
  bool blocked_output = false;       // the call allows a blocked output and the batch is large enough for one
  dnnl::memory::desc output_layout;  // the output in the blocked layout (BlockedLayout)
  int64_t multiply_adds = 0;         // for SmallWorkOnOneThread
  std::shared_ptr<const Prepared> prepared;
  at::Tensor weights;  // weight_source reordered for `prepared`
  at::Tensor bias;     // bias_source, contiguous
};

// ConvolveOnOneDnn in two halves, so that a step can keep the first (KernelMemo) and run the second on
// every call with the same arguments: PlanConvolution creates (or finds) the primitive and the reordered
// weight for these arguments, or returns null where ConvolveOnOneDnn returns an undefined tensor;
// FitsConvolution tells whether a plan was made for arguments like these (the same input sizes, weight and
// bias tensors, activation, residual sizes, blocked arguments, and the calling thread's OpenMP thread count);
// RunConvolution computes it (undefined when the residual does not broadcast to the output), setting
// *output_blocked to the output's channel count when it returns the output blocked (else 0).
// x and residual may be blocked as `blocked` says (their logical sizes are what the geometry is checked against).
std::shared_ptr<const ConvolutionPlan> PlanConvolution(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias,
                                                       const WindowGeometry& window, int64_t group,
                                                       FusedActivation activation, const at::Tensor& residual,
                                                       const BlockedArguments& blocked = {});
bool FitsConvolution(const ConvolutionPlan& plan, const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias,
                     FusedActivation activation, const at::Tensor& residual, const BlockedArguments& blocked = {});
at::Tensor RunConvolution(const ConvolutionPlan& plan, const at::Tensor& x, const at::Tensor& residual,
                          bool residual_exclusive, int64_t* output_blocked = nullptr);

// activation(conv(x, w, window, group) + bias + residual), with channels-last strides (N, M, H', W') or
// (N, M, L'). `w` is the node's weight tensor itself (its reordered copy is cached on it); `bias` (M) and
// `residual` (the output's shape) are optional. `residual_exclusive`: the caller holds the last
// reference to `residual`, so the output may be written into it. REQUIRES: TakesConvolution(x, w), and
// shapes checked by the caller (channels match the weight and group, bias). Returns an undefined tensor
// when the window leaves no output or oneDNN has no implementation for the case (the caller computes it
// on ATen, which reports what is wrong).
at::Tensor ConvolveOnOneDnn(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias,
                            const WindowGeometry& window, int64_t group, FusedActivation activation,
                            const at::Tensor& residual = at::Tensor(), bool residual_exclusive = false);

}  // namespace quarry::ml::onnx::onednn
