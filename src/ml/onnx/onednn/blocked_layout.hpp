// The blocked activation layout: a float32 (N, C, H, W) activation stored as oneDNN's nChw16c (nChw8c on
// CPUs without AVX-512), i.e. an ATen tensor of shape (N, ceil(C / B), H, W, B) whose channels beyond C are
// zero. oneDNN's convolution kernels run fastest on it (bench/onednn_layout_bench.cpp: efficientnet_b0's
// stage-2 convolutions 1.04x at batch 1, 1.19-1.28x at batch 16 against channels-last), as ONNX Runtime's
// NCHWc transformer runs its own. GraphPlan keeps a value blocked between the steps that take it (Conv,
// ConvAdd, the squeeze-and-excitation Mul, GlobalAveragePool: graph_plan.hpp, "blocked layout"); an ATen
// tensor cannot say it is blocked, so the plan passes the logical channel count beside it
// (NodeContext::blocked_channels) and turns a blocked value plain before any other step reads it.
#pragma once

#include <ATen/ATen.h>

#include <dnnl.hpp>

#include <array>
#include <cstdint>

namespace quarry::ml::onnx::onednn {

// The channel block B: 16 where the CPU has AVX-512, else 8 (the block oneDNN's kernels use there).
int64_t ChannelBlock();

// The logical sizes (N, C, H, W) of blocked `data` holding `channels` channels.
std::array<int64_t, 4> BlockedSizes(const at::Tensor& data, int64_t channels);

// oneDNN's description of a blocked (N, C, H, W) activation.
dnnl::memory::desc BlockedLayout(const std::array<int64_t, 4>& sizes);

// Room for a blocked activation of `sizes` (padding channels not yet zero).
at::Tensor EmptyBlocked(const std::array<int64_t, 4>& sizes);

// A plain float32 4-D tensor (any strides) in the blocked layout.
at::Tensor ToBlocked(const at::Tensor& plain);

// A blocked activation as a plain (N, C, H, W) tensor with channels-last strides.
at::Tensor ToPlain(const at::Tensor& blocked, int64_t channels);

}  // namespace quarry::ml::onnx::onednn
