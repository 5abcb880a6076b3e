// Pooling on oneDNN directly (see onednn_primitives.hpp for why): 1-D and 2-D float32 max and average
// pooling, and their global forms, on channels-last activations (what convolutions here produce, which
// ATen's pooling reads slowly), the primitive created once per shape.
#pragma once

#include <ATen/ATen.h>

#include "ml/onnx/ops/conv_util.hpp"

namespace quarry::ml::onnx::onednn {

enum class PoolingKind { kMax, kAverageCountingPadding, kAverageInsideOnly };

// Whether PoolOnOneDnn takes x: oneDNN enabled, float32, 1-D or 2-D, not empty.
bool TakesPooling(const at::Tensor& x);

// `kind` pooling of x (N, C, W) or (N, C, H, W) over `window` (pads applied as given, output sizes by
// floor: ONNX's ceil_mode 0), channels-last output. Returns an undefined tensor for what it does not take
// (dilation, a window leaving no output, padding oneDNN refuses): the caller computes it on ATen.
// REQUIRES: TakesPooling(x).
at::Tensor PoolOnOneDnn(const at::Tensor& x, const WindowGeometry& window, PoolingKind kind);

// GlobalAveragePool / GlobalMaxPool of x (N, C, H, W): (N, C, 1, 1). Undefined when not taken.
// REQUIRES: TakesPooling(x).
at::Tensor GlobalPoolOnOneDnn(const at::Tensor& x, PoolingKind kind);

// The same of x in the blocked layout (blocked_layout.hpp) with `channels` channels: (N, C, 1, 1) blocked
// (N, C / B, 1, 1, B). Undefined when not taken. REQUIRES: Enabled().
at::Tensor GlobalPoolBlocked(const at::Tensor& x, int64_t channels, PoolingKind kind);

}  // namespace quarry::ml::onnx::onednn
